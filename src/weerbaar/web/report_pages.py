"""The ondermijningsbeeld from the web: a form (whole municipality or one wijk, PDF or HTML) and
the download, made with the same functions as `weerbaar rapport ondermijningsbeeld`.

The choices live in the URL (a wijk code and a format are no personal data), so the form is a GET
and works without JavaScript. Aggregates only; producing the report is logged as an export.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import select

from weerbaar.access import rights
from weerbaar.core.errors import ValidationFailed
from weerbaar.core.models import Area
from weerbaar.picture import report, report_render
from weerbaar.prevention.barriers import report_lines as barrier_report_lines
from weerbaar.web.deps import Page, PageDep, errors_by_field, refused_as_pages

router = APIRouter()

NO_READ = "Uw rol mag het ondermijningsbeeld niet opvragen. Dat mogen de coördinator, de analist en de partners."
FORMAT_CHOICES = [("pdf", "PDF (om te delen of te printen)"), ("html", "Webpagina (HTML, om te printen)")]


def _wijken(page: Page) -> list[tuple[str, str]]:
    """The wijken of the principal's municipality: (code, "Naam (code)")."""
    rows = page.db.execute(select(Area.code, Area.name).where(
        Area.kind == "wijk", Area.parent_code == page.principal.municipality_code).order_by(Area.code)).all()
    return [(code, f"{name} ({code})") for code, name in rows]


def _form(page: Page, values: dict[str, str], errors: dict[str, list[str]], status: int = 200) -> Response:
    return page.render("rapport_beeld.html", status, values=values, errors=errors, wijken=_wijken(page),
                       formats=FORMAT_CHOICES)


@router.get("/beeld/rapport")
def report_form(page: PageDep) -> Response:
    page.require(rights.PICTURE_READ, reason=NO_READ)
    return _form(page, {"formaat": "pdf"}, {})


@router.get("/beeld/rapport/bestand")
def report_file(page: PageDep) -> Response:
    """The report for download (PDF as an attachment, HTML inline); a bad choice shows the form again."""
    page.require(rights.PICTURE_READ, reason=NO_READ)
    params = page.request.query_params
    values = {"wijk": (params.get("wijk") or "").strip(), "formaat": params.get("formaat") or "pdf"}
    errors: dict[str, list[str]] = {}
    if values["formaat"] not in report_render.FORMATS:
        errors["formaat"] = ["Kies als formaat PDF of HTML."]
    try:
        with refused_as_pages(page):
            report.wijk_area(page.db, page.principal, values["wijk"] or None)
    except ValidationFailed as exc:
        errors.update(errors_by_field(exc.errors))
    if errors:
        return _form(page, values, errors, 422)
    with refused_as_pages(page):
        doc = report.build_report(page.db, page.principal, page.rt.catalogue, wijk=values["wijk"] or None,
                                  barriers=barrier_report_lines)
    body, media_type, headers = report_render.rendered(doc, values["formaat"])
    return Response(body, media_type=media_type, headers=headers)

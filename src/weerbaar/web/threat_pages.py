"""Threats register pages: the restricted register with its filters, and the form to report a
threat or act of intimidation against an official, enforcer, board member or partner employee.

Everything goes through `cases.threats` (permission layer and logboek): holders of
dreigingen.lezen read their municipality's register, anyone else only the reports they made
themselves. A refused report comes back with each error beside its field.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from weerbaar.access import rights
from weerbaar.cases import service as cases
from weerbaar.cases import threats
from weerbaar.core.errors import FieldError, ValidationFailed
from weerbaar.web import lookups
from weerbaar.web.case_pages import READ_RIGHTS, _date, _placed, _values
from weerbaar.web.deps import FormDep, Page, PageDep, form_date
from weerbaar.web.meeting_pages import written

router = APIRouter()

NO_ACCESS = "Uw rol mag het dreigingenregister niet inzien en geen bedreiging melden."
NO_REGISTER = "Uw rol mag geen bedreiging melden."
FILTERS = ("soort", "doelwit", "vanaf", "tot")
ANSWERS = {"ja": True, "nee": False}
NOTICES = {"gemeld": "De melding is vastgelegd in het dreigingenregister."}
# On both pages, so a reporter knows who will read the report.
ACCESS_NOTE = ("Het dreigingenregister is beperkt toegankelijk: alleen de medewerkers van de gemeente met "
               "leesrecht op het register (het intaketeam) zien alle meldingen, en wie een bedreiging meldt, "
               "ziet alleen de eigen meldingen.")


def _visible_cases(page: Page) -> list[cases.CaseSummary]:
    """The cases this principal may see (a report may point at one of them); a logged list read."""
    return cases.list_cases(page.db, page.principal, page.rt.catalogue) if page.can(*READ_RIGHTS) else []


def _context(page: Page) -> dict[str, object]:
    flow = cases.flow_of(page.rt.catalogue)
    return {"flow": flow, "kinds": list(flow.dreigingssoorten.items()), "targets": list(flow.doelwitten.items()),
            "reads_register": page.can(rights.THREATS_READ), "access_note": ACCESS_NOTE}


@router.get("/dreigingen")
def threat_list(page: PageDep) -> Response:
    page.require(rights.THREATS_READ, rights.THREATS_REGISTER, reason=NO_ACCESS)
    params = page.request.query_params
    values = {k: params.get(k, "").strip() for k in FILTERS}
    errors: dict[str, list[str]] = {}
    filters = threats.ThreatFilters(kind=values["soort"] or None, target_role=values["doelwit"] or None,
                                    since=form_date(values, "vanaf", errors), until=form_date(values, "tot", errors))
    for name, reasons in _placed(threats.filter_errors(page.rt.catalogue, filters)).items():
        errors.setdefault(name, reasons)
    rows = [] if errors else threats.list_threats(page.db, page.principal, page.rt.catalogue, filters)
    linked = any(t.case_id for t in rows)
    case_numbers = {r.case.id: r.case.number for r in _visible_cases(page)} if linked else {}
    return page.render(
        "dreigingen.html", 422 if errors else 200, title="Dreigingen", rows=rows, values=values, errors=errors,
        active=any(values.values()), case_numbers=case_numbers,
        org_names={o.id: o.name for o in lookups.organisations(page.db)},
        notice=NOTICES.get(params.get("melding", "")), may_register=page.can(rights.THREATS_REGISTER),
        **_context(page))


def _form(page: Page, values: dict[str, str], errors: list[FieldError] | None = None, status: int = 200) -> Response:
    return page.render("dreiging_nieuw.html", status, title="Bedreiging melden", values=values,
                       errors=_placed(errors or []),
                       cases=[(r.case.id, f"{r.case.number} · {r.case.title}") for r in _visible_cases(page)],
                       **_context(page))


@router.get("/dreigingen/nieuw")
def new_threat(page: PageDep) -> Response:
    page.require(rights.THREATS_REGISTER, reason=NO_REGISTER)
    return _form(page, {})


@router.post("/dreigingen/nieuw")
def report_threat(page: PageDep, posted: FormDep) -> Response:
    page.require(rights.THREATS_REGISTER, reason=NO_REGISTER)
    values, _ = _values(posted)
    own: list[FieldError] = []
    occurred_on = _date(values.get("datum", ""), "datum", own)
    answer = values.get("aangifteGedaan", "")
    if answer and answer not in ANSWERS:
        own.append(FieldError("aangifteGedaan", "onbekend", "Kies ja of nee."))
    new = threats.NewThreat(
        occurred_on=occurred_on, target_role=values.get("doelwit") or None, kind=values.get("soort") or None,
        description=values.get("omschrijving"), reported_to_police=ANSWERS.get(answer),
        target_name=values.get("naamDoelwit"), case_id=values.get("casus") or None)
    try:
        written(page, own, lambda: threats.register_threat(page.db, page.principal, page.rt.catalogue, new))
    except ValidationFailed as exc:
        return _form(page, values, exc.errors, status=422)
    return RedirectResponse("/dreigingen?melding=gemeld", 303)

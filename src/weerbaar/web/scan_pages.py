"""Resilience scan pages: the rounds (and opening one), a round with its result — a radar chart
drawn here as SVG, with the same figures in tables, the comparison with another round and the
proposed action plan — and the questionnaire form.

Everything goes through `prevention.scan` (policy and logboek). Only the municipality's own staff
get these pages; only aggregates are shown; a refused form keeps what was entered.
"""

from __future__ import annotations

import math
import uuid

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup, escape

from weerbaar.access import rights
from weerbaar.core.errors import Conflict, FieldError, ValidationFailed
from weerbaar.prevention import scan
from weerbaar.web.case_pages import _date, _placed, _values
from weerbaar.web.deps import FormDep, Page, PageDep, refused_as_pages

router = APIRouter()

NO_ACCESS = "De weerbaarheidsscan is voor de medewerkers van de gemeente zelf."
NOTICES = {"geopend": "De ronde is geopend. Medewerkers van de gemeente kunnen de scan nu invullen.",
           "ingevuld": "Uw antwoorden zijn opgeslagen. U kunt ze herzien zolang de ronde open is.",
           "gesloten": "De ronde is gesloten; de uitslag staat hieronder.",
           "overgenomen": "De gekozen verbeteracties zijn vastgelegd als acties (zie Acties)."}
ROUND_FIELDS = ("titel", "periodeVan", "periodeTot")
ADOPT_FIELDS = ("organisatie", "verantwoordelijke", "deadline")

# The radar chart: the scale's levels as rings; room beside it for the themes' names.
WIDTH, HEIGHT, RADIUS, LABEL_GAP, LABEL_CHARS = 640, 440, 150, 20, 22
CX, CY = WIDTH / 2, HEIGHT / 2
SERIES_STYLES = (("#01689b", "0.25", ""), ("#8c6d00", "0.08", "6 4"))  # stroke, fill opacity, dash


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise HTTPException(404) from None


def _require(page: Page) -> None:
    page.require(rights.PREVENTION_TAKE_PART, rights.PREVENTION_MANAGE, reason=NO_ACCESS)
    if not scan.may_take_part(page.principal):
        page.request.state.error_message = scan.NOT_STAFF
        raise HTTPException(403)


# --------------------------------------------------------------------------------------------
# The radar chart
# --------------------------------------------------------------------------------------------


def _point(index: int, count: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    r = RADIUS * value / 5
    return CX + r * math.cos(angle), CY + r * math.sin(angle)


def _lines(label: str) -> list[str]:
    """A theme's name in lines of at most LABEL_CHARS characters (words kept whole)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= LABEL_CHARS:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def radar_svg(labels: list[str], series: list[tuple[str, list[float | None]]]) -> Markup:
    """A radar chart of the mean per theme (1-5), one polygon per round over the themes it shows.
    Axes for every theme; a theme not shown in a round has no point in that round's polygon."""
    n = len(labels)
    parts = [f'<svg class="wb-radar" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
             'aria-labelledby="radar-titel radar-uitleg" xmlns="http://www.w3.org/2000/svg">',
             '<title id="radar-titel">Volwassenheidsprofiel per thema</title>',
             '<desc id="radar-uitleg">Gemiddelde score per thema op een schaal van 1 tot en met 5; '
             'dezelfde cijfers staan in de tabel.</desc>']
    for level in range(1, 6):
        ring = " ".join("{:.1f},{:.1f}".format(*_point(i, n, level)) for i in range(n))
        parts.append(f'<polygon class="wb-radar__ring" points="{ring}" fill="none" stroke="#c4c4c4" '
                     'stroke-width="1"/>')
        x, y = _point(0, n, level)
        parts.append(f'<text class="wb-radar__level" x="{x + 4:.1f}" y="{y + 4:.1f}" font-size="11" '
                     f'fill="#555">{level}</text>')
    for i, label in enumerate(labels):
        x, y = _point(i, n, 5)
        parts.append(f'<line x1="{CX}" y1="{CY}" x2="{x:.1f}" y2="{y:.1f}" stroke="#c4c4c4"/>')
        lx, ly = _point(i, n, 5 * (RADIUS + LABEL_GAP) / RADIUS)
        anchor = "middle" if abs(lx - CX) < 10 else ("start" if lx > CX else "end")
        lines = _lines(label)
        extra = 14 * (len(lines) - 1)  # beside the chart: centred; above it: upwards; below it: downwards
        top = ly + 4 - (extra / 2 if abs(ly - CY) < RADIUS * 0.8 else (extra if ly < CY else 0))
        spans = "".join(f'<tspan x="{lx:.1f}" y="{top + 14 * k:.1f}">{escape(line)}</tspan>'
                        for k, line in enumerate(lines))
        parts.append(f'<text class="wb-radar__label" text-anchor="{anchor}" font-size="12" fill="#222">{spans}</text>')
    for (name, values), (stroke, opacity, dash) in zip(series, SERIES_STYLES, strict=False):
        points = " ".join("{:.1f},{:.1f}".format(*_point(i, n, v)) for i, v in enumerate(values) if v is not None)
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polygon class="wb-radar__ronde" data-ronde="{escape(name)}" points="{points}" '
                     f'fill="{stroke}" fill-opacity="{opacity}" stroke="{stroke}" stroke-width="2"{dashed}>'
                     f'<title>{escape(name)}</title></polygon>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _radar(result: scan.RoundResult, catalogue_order: list[tuple[str, str]]) -> Markup | None:
    if not result.available or not any(t.shown for t in result.themes):
        return None
    by_code = {t.code: t for t in result.themes}
    series: list[tuple[str, list[float | None]]] = [
        (result.summary.round.title, [by_code[c].mean for c, _ in catalogue_order])]
    if result.compared is not None:
        series.append((result.compared.title, [by_code[c].previous_mean for c, _ in catalogue_order]))
    return radar_svg([name for _, name in catalogue_order], series)


# --------------------------------------------------------------------------------------------
# Rounds
# --------------------------------------------------------------------------------------------


def _list(page: Page, values: dict[str, str] | None = None, errors: dict[str, list[str]] | None = None,
          problem: str | None = None, status: int = 200) -> Response:
    _require(page)
    with refused_as_pages(page):
        rows = scan.list_rounds(page.db, page.principal)
    return page.render("scans.html", status, title="Weerbaarheidsscan", rows=rows, values=values or {},
                       errors=errors or {}, problem=problem, may_manage=scan.may_manage(page.principal),
                       notice=NOTICES.get(page.request.query_params.get("melding", "")),
                       scan_catalogue=scan.questionnaire(page.rt.catalogue))


@router.get("/weerbaarheidsscan")
def scan_list(page: PageDep) -> Response:
    return _list(page)


@router.post("/weerbaarheidsscan")
def open_round(page: PageDep, posted: FormDep) -> Response:
    _require(page)
    values, _ = _values(posted)
    own: list[FieldError] = []
    new = scan.NewRound(values.get("titel"), _date(values.get("periodeVan", ""), "periodeVan", own),
                        _date(values.get("periodeTot", ""), "periodeTot", own))
    try:
        with refused_as_pages(page):
            try:
                row = scan.open_round(page.db, page.principal, page.rt.catalogue, new)
            except ValidationFailed as exc:
                names = {e.name for e in own}
                raise ValidationFailed(own + [e for e in exc.errors if e.name not in names]) from None
            if own:
                raise ValidationFailed(own)
    except ValidationFailed as exc:
        return _list(page, values, _placed(exc.errors), status=422)
    except Conflict as exc:
        return _list(page, values, {}, problem=exc.reason, status=409)
    return RedirectResponse(f"/weerbaarheidsscan/{row.id}?melding=geopend", 303)


def _detail(page: Page, round_id: str, *, adopt_values: dict[str, str] | None = None,
            chosen: list[str] | None = None, errors: dict[str, list[str]] | None = None,
            problem: str | None = None, status: int = 200) -> Response:
    _require(page)
    params = page.request.query_params
    compare = params.get("vergelijkMet") or None
    compare_errors: dict[str, list[str]] = {}
    with refused_as_pages(page):
        try:
            result = scan.result(page.db, page.principal, page.rt.catalogue, round_id,
                                 compare_with=_uuid_or_none(compare))
        except ValidationFailed as exc:
            compare_errors = _placed(exc.errors)
            result = scan.result(page.db, page.principal, page.rt.catalogue, round_id)
        others = [r for r in scan.list_rounds(page.db, page.principal)
                  if r.closed and r.round.id != round_id] if result.available else []
    q = scan.questionnaire(page.rt.catalogue)
    order = [(t.code, t.naam) for t in q.themas]
    organisations = [(o.id, o.name) for o in scan.own_organisations(page.db, page.principal)] \
        if scan.may_manage(page.principal) else []
    return page.render(
        "scan.html", status, title=result.summary.round.title, result=result, radar=_radar(result, order),
        scale=q.schaal, compare_options=[(r.round.id, r.round.title) for r in others],
        compare_errors=compare_errors, organisations=organisations,
        may_manage=scan.may_manage(page.principal), adopt_values=adopt_values or {}, chosen=chosen or [],
        errors=errors or {}, problem=problem, notice=NOTICES.get(params.get("melding", "")),
        own_organisation=page.principal.organisation_id)


def _uuid_or_none(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return "00000000-0000-0000-0000-000000000000"  # unknown: the service names the error


@router.get("/weerbaarheidsscan/{round_id}")
def scan_detail(round_id: str, page: PageDep) -> Response:
    return _detail(page, _uuid(round_id))


@router.post("/weerbaarheidsscan/{round_id}/sluiten")
def close_round(round_id: str, page: PageDep) -> Response:
    rid = _uuid(round_id)
    _require(page)
    try:
        with refused_as_pages(page):
            scan.close_round(page.db, page.principal, rid)
    except Conflict as exc:
        return _detail(page, rid, problem=exc.reason, status=409)
    return RedirectResponse(f"/weerbaarheidsscan/{rid}?melding=gesloten", 303)


@router.post("/weerbaarheidsscan/{round_id}/acties")
def adopt(round_id: str, page: PageDep, posted: FormDep) -> Response:
    """The chosen improvement actions (checkboxes `kies`), each with its own fields
    `<veld>.<code>`; the service's `acties[i].<veld>` errors are placed beside those fields."""
    rid = _uuid(round_id)
    _require(page)
    values, lists = _values(posted)
    chosen = [c for c in lists.get("kies", []) if c]
    own: list[FieldError] = []
    items = []
    for code in chosen:
        deadline = _date(values.get(f"deadline.{code}", ""), f"deadline.{code}", own)
        items.append(scan.Adoption(code, values.get(f"organisatie.{code}") or None,
                                   values.get(f"verantwoordelijke.{code}") or None, deadline))

    def rename(name: str) -> str:
        if name == "acties":
            return "kies"
        head, _, field = name.partition(".")
        index = int(head[len("acties["):-1]) if head.startswith("acties[") else -1
        if 0 <= index < len(chosen):
            return "kies" if field == "verbeteractie" else f"{field}.{chosen[index]}"
        return name

    try:
        with refused_as_pages(page):
            if own:
                raise ValidationFailed(own)
            scan.adopt(page.db, page.principal, page.rt.catalogue, rid, items)
    except ValidationFailed as exc:
        return _detail(page, rid, adopt_values=values, chosen=chosen, errors=_placed(exc.errors, rename),
                       status=422)
    except Conflict as exc:
        return _detail(page, rid, problem=exc.reason, status=409)
    return RedirectResponse(f"/weerbaarheidsscan/{rid}?melding=overgenomen#actieplan", 303)


# --------------------------------------------------------------------------------------------
# The questionnaire
# --------------------------------------------------------------------------------------------


def _form(page: Page, round_id: str, values: dict[str, str] | None = None,
          errors: dict[str, list[str]] | None = None, problem: str | None = None, status: int = 200) -> Response:
    _require(page)
    with refused_as_pages(page):
        summary = scan.get_round(page.db, page.principal, round_id)
        if values is None:
            values = {f"antwoorden.{code}": (scan.DONT_KNOW if level is None else str(level))
                      for code, level in scan.own_answers(page.db, page.principal, round_id).items()}
    return page.render("scan_invullen.html", status, title=f"Invullen: {summary.round.title}", summary=summary,
                       q=scan.questionnaire(page.rt.catalogue), values=values, errors=errors or {},
                       problem=problem, dont_know=scan.DONT_KNOW)


@router.get("/weerbaarheidsscan/{round_id}/invullen")
def answer_form(round_id: str, page: PageDep) -> Response:
    return _form(page, _uuid(round_id))


@router.post("/weerbaarheidsscan/{round_id}/invullen")
def answer(round_id: str, page: PageDep, posted: FormDep) -> Response:
    rid = _uuid(round_id)
    _require(page)
    values, _ = _values(posted)
    answers = {k[len("antwoorden."):]: v for k, v in values.items() if k.startswith("antwoorden.")}
    try:
        with refused_as_pages(page):
            scan.submit_answers(page.db, page.principal, page.rt.catalogue, rid, answers)
    except ValidationFailed as exc:
        return _form(page, rid, values, _placed(exc.errors), status=422)
    except Conflict as exc:
        return _form(page, rid, values, {}, problem=exc.reason, status=409)
    return RedirectResponse(f"/weerbaarheidsscan/{rid}?melding=ingevuld", 303)

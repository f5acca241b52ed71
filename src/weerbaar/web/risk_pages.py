"""Risk pages: the ranked, self-explaining lists of addresses and of persons and companies, the
detail of one entry with its "verklaard" history (and, for a coordinator, the form to explain an
entry or withdraw that), and the published indicator catalogue.

Filters live in the URL: phenomenon, buurt and period hold no personal data. Every list and
detail is read through `detect.queries`, which applies the permission layer and logs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from weerbaar.access import rights
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.errors import Forbidden, NotFound, ValidationFailed
from weerbaar.core.models import Area
from weerbaar.detect import queries
from weerbaar.detect.models import RiskScore
from weerbaar.web.deps import FormDep, Page, PageDep, errors_by_field, form_date, refused_as_pages, templates

router = APIRouter()

PAGE_SIZE = 25
TOP = 3  # explanations shown in the row before it is expanded
NO_READ = "Uw rol mag de risicolijsten niet inzien. Dat mogen de coördinator en de analist van de gemeente."
NO_EXPLAIN = "Uw rol mag vermeldingen op de risicolijst niet verklaren. Dat mag alleen de coördinator."
# Tab in the URL -> (tab title, target kinds on that list).
TABS: dict[str, tuple[str, tuple[str, ...]]] = {
    "adres": ("Adressen", ("adres",)),
    "subject": ("Personen en bedrijven", ("persoon", "bedrijf")),
}
KINDS = {"adres": "Adres", "persoon": "Persoon", "bedrijf": "Bedrijf"}
FILTER_KEYS = ("fenomeen", "buurt", "van", "tot")
TARGETS = {"adres": "adressen", "subject": "personen en bedrijven"}
NOTICES = {
    "verklaard": "Vastgelegd: de vermelding is verklaard. Ze staat onderaan de risicolijst en blijft daar bij "
                 "volgende analyses, tot er een indicator afgaat die deze verklaring niet dekt of er een nieuwer "
                 "signaal binnenkomt.",
    "ingetrokken": "Vastgelegd: de verklaring is ingetrokken. De vermelding telt weer mee op de risicolijst.",
}
# The two forms on the detail page post the same fields; the withdraw form's carry a prefix.
FORMS = {"verklaren": "", "intrekken": "intrekken_"}
FIELD_LABELS = {"fenomeen": "Fenomeen", "reden": "Reden"}


def dutch_number(value: Any, decimals: int = 2) -> str:
    """Evidence in Dutch notation: `38.8` → `38,8`; `15718` → `15718`; `123456` → `123.456`
    (thousands separators from five digits on, so years and house numbers stay as they are)."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if not isinstance(value, int | float):
        return str(value)
    sign = "-" if value < 0 else ""
    text = f"{abs(value):.{decimals}f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(abs(value))
    whole, _, fraction = text.partition(".")
    if abs(value) >= 10000:
        whole = f"{int(whole):,}".replace(",", ".")
    return sign + whole + ("," + fraction if fraction else "")


def fixed(value: Any, decimals: int = 2) -> str:
    """A score or factor with a fixed number of decimals: `8.046` → `8,05`."""
    if value is None:
        return "–"
    return f"{float(value):.{decimals}f}".replace(".", ",")


templates.env.filters.update(getal=dutch_number, vast=fixed)


def neighbourhoods(session: Session, municipality: str | None) -> dict[str, str]:
    """The buurten of the municipality (CBS codes BU + the four digits of the gemeente), by name."""
    if not municipality:
        return {}
    prefix = "BU" + municipality[2:]
    rows = session.execute(select(Area.code, Area.name).where(Area.kind == "buurt", Area.code.startswith(prefix))
                           .order_by(Area.name)).all()
    return {code: name for code, name in rows}


def _text(params: Mapping[str, Any], key: str) -> str:
    value = params.get(key)
    return value.strip() if isinstance(value, str) else ""


def parse_filters(
    params: QueryParams, catalogue: Catalogue, buurten: Mapping[str, str], kinds: tuple[str, ...]
) -> tuple[queries.RiskFilters, int, dict[str, str], dict[str, list[str]]]:
    """Filters, page number, the values to refill the form with, and errors per field."""
    values = {k: _text(params, k) for k in FILTER_KEYS}
    errors: dict[str, list[str]] = {}

    if values["fenomeen"] and values["fenomeen"] not in catalogue.phenomena:
        errors["fenomeen"] = ["Onbekend fenomeen; kies er een uit de lijst."]
    if values["buurt"] and values["buurt"] not in buurten:
        errors["buurt"] = ["Onbekende buurt; kies er een uit de lijst."]
    since, until = form_date(values, "van", errors), form_date(values, "tot", errors)
    if since and until and since > until:
        errors["tot"] = ["De einddatum ligt vóór de begindatum."]
    # The form sends a hidden "nee" before the checkbox's "ja": the last one counts. Without the
    # form (a plain link) explained entries are shown, at the bottom.
    shown = params.getlist("verklaard")
    include_explained = not shown or shown[-1] == "ja"
    values["verklaard"] = "ja" if include_explained else "nee"
    raw_page = _text(params, "pagina")
    number = int(raw_page) if raw_page.isascii() and raw_page.isdigit() and 0 < int(raw_page) < 100000 else 1
    filters = queries.RiskFilters(kinds, values["fenomeen"] or None, values["buurt"] or None, since, until,
                                  include_explained)
    return filters, number, values, errors


def _evidence(catalogue: Catalogue, code: str, bewijs: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Evidence as (Dutch label, value): the rule's labelled columns first, in its order."""
    rule = catalogue.rules.get(code)
    labels = dict(rule.bewijs) if rule else {}
    rows = [(label, dutch_number(bewijs[key])) for key, label in labels.items() if key in bewijs]
    rows += [(key.replace("_", " ").capitalize(), dutch_number(value))
             for key, value in bewijs.items() if key not in labels]
    return rows


def component_view(catalogue: Catalogue, c: Mapping[str, Any]) -> dict[str, Any]:
    signal = c["soort"] == "signaal"
    return {
        "soort": c["soort"], "code": c["code"], "naam": c["naam"], "uitleg": c["uitleg"], "datum": c.get("datum"),
        "gewicht": fixed(c["gewicht"], 1), "sterkte": fixed(c["sterkte"]), "verval": fixed(c["verval"]),
        "bijdrage": fixed(c["bijdrage"]), "bewijs": _evidence(catalogue, c["code"], c.get("bewijs") or {}),
        "href": f"/signalen/{c['code']}" if signal else f"/indicatoren#{c['code']}",
    }


def part_view(catalogue: Catalogue, part: RiskScore) -> dict[str, Any]:
    phenomenon = catalogue.phenomena.get(part.phenomenon)
    return {
        "fenomeen": part.phenomenon, "naam": phenomenon.naam if phenomenon else part.phenomenon,
        "score": fixed(part.score), "verklaard": part.explained, "van": part.first_date, "tot": part.last_date,
        "onderdelen": [component_view(catalogue, c) for c in part.components],
    }


def entry_view(catalogue: Catalogue, e: queries.RiskEntry, buurten: Mapping[str, str], rank: int) -> dict[str, Any]:
    tab = "adres" if e.target_kind == "adres" else "subject"
    leading = catalogue.phenomena.get(e.phenomenon)
    parts = [part_view(catalogue, p) for p in e.parts]
    # The largest contributions of the parts that still count explain the entry in its row.
    counted = [c for p in e.parts if not p.explained for c in p.components]
    top = [(c["naam"], c["uitleg"]) for c in sorted(counted, key=lambda c: -float(c["bijdrage"]))]
    return {
        "rang": rank, "soort": e.target_kind, "soortNaam": KINDS.get(e.target_kind, e.target_kind), "id": e.target_id,
        "omschrijving": e.label or e.target_id, "score": fixed(e.score), "verklaard": e.explained,
        "buurt": buurten.get(e.neighbourhood or "", e.neighbourhood or ""),
        "fenomeen": leading.naam if leading else e.phenomenon, "top": top[:TOP],
        "onderdelen": sum(len(p["onderdelen"]) for p in parts), "delen": parts,
        "detail": f"/risico/{tab}/{e.target_id}",
        "kaart": f"/subjecten/{e.target_id}" if tab == "subject" else None,
    }


def _query_href(query: dict[str, str]) -> Callable[[int], str]:
    def href(n: int) -> str:
        return "/risico?" + urlencode({**query, "pagina": str(n)})
    return href


def _run_view(page: Page) -> dict[str, Any] | None:
    run = queries.last_run(page.db, page.principal)
    if run is None:
        return None
    figures = run.figures or {}
    return {"klaar": run.finished_at, "peildatum": figures.get("peildatum"), "treffers": figures.get("treffers"),
            "signalen": (figures.get("signalen") or {}).get("nieuw")}


@router.get("/risico")
def risk_list(page: PageDep) -> Response:
    page.require(rights.RISK_READ, reason=NO_READ)
    params = page.request.query_params
    tab = params.get("soort") or "adres"
    if tab not in TABS:
        tab = "adres"
    title, kinds = TABS[tab]
    buurten = neighbourhoods(page.db, page.principal.municipality_code)
    filters, number, values, errors = parse_filters(params, page.rt.catalogue, buurten, kinds)
    rows: list[dict[str, Any]] = []
    total = 0
    if not errors:
        try:
            entries, total = queries.ranked(page.db, page.principal, filters, page=number, size=PAGE_SIZE)
        except Forbidden as exc:
            page.request.state.error_message = exc.reason
            raise HTTPException(403) from None
        first = (number - 1) * PAGE_SIZE
        rows = [entry_view(page.rt.catalogue, e, buurten, first + i + 1) for i, e in enumerate(entries)]
    active = {k: values[k] for k in FILTER_KEYS if values[k]}
    if values["verklaard"] == "nee":
        active["verklaard"] = "nee"
    pages = max(1, -(-total // PAGE_SIZE))
    tabs = [(key, text, "/risico?" + urlencode({"soort": key, **active}), key == tab)
            for key, (text, _) in TABS.items()]
    return page.render(
        "risico.html", 422 if errors else 200, title=f"Risicolijst: {title.lower()}", tab=tab, tab_title=title,
        tabs=tabs, rows=rows, total=total, number=number, pages=pages, values=values, errors=errors,
        active=active, href=_query_href({"soort": tab, **active}), buurten=buurten, run=_run_view(page),
        phenomena=[(p.code, p.naam) for p in page.rt.catalogue.phenomena.values()],
        settings=page.rt.catalogue.detection, may_explain=page.can(rights.RISK_EXPLAIN),
    )


def _kind(tab: str, target_id: str) -> str:
    if tab == "adres":
        return "adres"
    kind = {"P": "persoon", "B": "bedrijf"}.get(target_id[:1])
    if tab != "subject" or kind is None:
        raise HTTPException(404)
    return kind


def _detail_page(page: Page, tab: str, target_id: str, errors: dict[str, list[str]] | None = None,
                 values: dict[str, str] | None = None, status: int = 200) -> Response:
    kind = _kind(tab, target_id)
    try:
        e = queries.entry(page.db, page.principal, kind, target_id)
        history = queries.explanations(page.db, page.principal, kind, target_id)
    except NotFound:
        raise HTTPException(404) from None
    except Forbidden as exc:
        page.request.state.error_message = exc.reason
        raise HTTPException(403) from None
    catalogue = page.rt.catalogue
    buurten = neighbourhoods(page.db, page.principal.municipality_code)
    view = entry_view(catalogue, e, buurten, 0)
    names = {code: p.naam for code, p in catalogue.phenomena.items()}
    errors = errors or {}
    summary = [{"field": name, "label": FIELD_LABELS.get(name.removeprefix("intrekken_"), name), "reason": r}
               for name, reasons in errors.items() for r in reasons]
    return page.render(
        "risico_detail.html", status, title=view["omschrijving"], e=view, tab=tab,
        history=[{"op": x.at, "door": x.by_user_name or "onbekend", "fenomeen": names.get(x.phenomenon, x.phenomenon),
                  "status": x.status, "reden": x.reason, "indicatoren": x.codes} for x in reversed(history)],
        open_parts=[(p["fenomeen"], p["naam"]) for p in view["delen"] if not p["verklaard"]],
        explained_parts=[(p["fenomeen"], p["naam"]) for p in view["delen"] if p["verklaard"]],
        may_explain=page.can(rights.RISK_EXPLAIN), errors=errors, summary=summary, values=values or {},
        notice=NOTICES.get(page.request.query_params.get("melding", "")), back=f"/risico?soort={tab}",
    )


@router.get("/risico/{tab}/{target_id}")
def risk_detail(tab: str, target_id: str, page: PageDep) -> Response:
    page.require(rights.RISK_READ, reason=NO_READ)
    return _detail_page(page, tab, target_id)


@router.post("/risico/{tab}/{target_id}/{action}")
def risk_explain(tab: str, target_id: str, action: str, page: PageDep, posted: FormDep) -> Response:
    if action not in FORMS:
        raise HTTPException(404)
    page.require(rights.RISK_READ, reason=NO_READ)
    page.require(rights.RISK_EXPLAIN, reason=NO_EXPLAIN)
    kind = _kind(tab, target_id)
    prefix = FORMS[action]
    values = {prefix + name: _text(posted, prefix + name) for name in ("fenomeen", "reden")}
    try:
        with refused_as_pages(page):
            queries.explain(page.db, page.principal, page.rt.catalogue, kind, target_id,
                            values[prefix + "fenomeen"], values[prefix + "reden"], withdraw=action == "intrekken")
    except ValidationFailed as exc:
        return _detail_page(page, tab, target_id, errors_by_field(exc.errors, prefix), values, status=422)
    melding = "ingetrokken" if action == "intrekken" else "verklaard"
    return RedirectResponse(f"/risico/{tab}/{target_id}?melding={melding}", 303)


def rule_groups(catalogue: Catalogue) -> list[dict[str, Any]]:
    """The indicator rules per phenomenon, in the catalogue's order of phenomena."""
    groups = []
    for code, phenomenon in catalogue.phenomena.items():
        rules = [r for r in catalogue.rules.values() if r.fenomeen == code]
        if rules:
            groups.append({"code": code, "naam": phenomenon.naam, "regels": rules})
    return groups


@router.get("/indicatoren")
def indicator_catalogue(page: PageDep) -> Response:
    """The published indicators: for every logged-in user, so anyone can check how scores arise."""
    catalogue = page.rt.catalogue
    return page.render("indicatoren.html", title="Indicatoren en weging", groups=rule_groups(catalogue),
                       settings=catalogue.detection, targets=TARGETS, total=len(catalogue.rules))

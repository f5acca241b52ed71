"""The signal list: non-personal filters in the URL, text and name search only in a POST body."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from weerbaar.core.catalogue import Catalogue
from weerbaar.intake import queries, serialize
from weerbaar.web import lookups
from weerbaar.web.deps import READ_RIGHTS, STATUS_LABELS, FormDep, Page, PageDep, form_date

router = APIRouter()

PAGE_SIZE = 25
FILTER_KEYS = ("fenomeen", "status", "vanaf", "tot", "buurt", "organisatie")
SEARCH_KEYS = ("tekst", "naam")
MAX_SEARCH = 200
SHORT = 140


def _text(params: Mapping[str, Any], key: str) -> str:
    value = params.get(key)
    return value.strip() if isinstance(value, str) else ""


def parse_filters(params: Mapping[str, Any], catalogue: Catalogue
                  ) -> tuple[queries.Filters, int, dict[str, str], dict[str, list[str]]]:
    """Filters, page number, the values to refill the form with, and errors per field."""
    values = {k: _text(params, k) for k in FILTER_KEYS}
    errors: dict[str, list[str]] = {}

    if values["fenomeen"] and values["fenomeen"] not in catalogue.phenomena:
        errors["fenomeen"] = ["Onbekend fenomeen; kies er een uit de lijst."]
    vanaf, tot = form_date(values, "vanaf", errors), form_date(values, "tot", errors)
    if vanaf and tot and vanaf > tot:
        errors["tot"] = ["De einddatum ligt vóór de begindatum."]
    raw_page = _text(params, "pagina")
    number = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) < 100000 else 1
    filters = queries.Filters(
        fenomeen=values["fenomeen"] or None, status=values["status"] or None, vanaf=vanaf, tot=tot,
        buurt=values["buurt"] or None, organisatie=values["organisatie"] or None,
    )
    return filters, number, values, errors


def _rows(page: Page, result: queries.Page, buurten: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for r in result.items:
        s = serialize.summary(r, page.rt.catalogue)
        text = r.signal.description
        s["kort"] = text if len(text) <= SHORT else text[: SHORT - 1].rstrip() + "…"
        s["buurtNaam"] = buurten.get(r.signal.neighbourhood_code or "")
        rows.append(s)
    return rows


def _list_page(page: Page, result: queries.Page | None, values: dict[str, str],
               errors: dict[str, list[str]], search: dict[str, str] | None) -> Response:
    buurten = lookups.area_names(page.db, "buurt")
    counts = queries.counts_by_status(page.db, page.principal, page.rt.catalogue)
    statuses = dict(STATUS_LABELS)
    statuses.update({s: s for s in counts if s not in statuses})
    pages = max(1, -(-result.total // result.size)) if result else 1
    active_filters = {k: v for k, v in values.items() if v}
    return page.render(
        "signals_list.html", 422 if errors else 200, title="Signalen",
        rows=_rows(page, result, buurten) if result else [], result=result, pages=pages,
        values=values, errors=errors, search=search, buurten=buurten, statuses=statuses,
        phenomena=[(p.code, p.naam) for p in page.rt.catalogue.phenomena.values()],
        org_options=[(o.id, o.name) for o in lookups.organisations(page.db)], active_filters=active_filters,
    )


@router.get("/signalen")
def signal_list(page: PageDep) -> Response:
    page.require(*READ_RIGHTS, reason="Uw rol mag geen signalen inzien.")
    filters, number, values, errors = parse_filters(page.request.query_params, page.rt.catalogue)
    result = None
    if not errors:
        result = queries.list_signals(page.db, page.principal, page.rt.catalogue, filters, number, PAGE_SIZE)
    return _list_page(page, result, values, errors, search=None)


@router.post("/signalen/zoeken")
def signal_search(page: PageDep, posted: FormDep) -> Response:
    """Search on text and names: POST, so that what is searched for never lands in a URL or log line."""
    page.require(*READ_RIGHTS, reason="Uw rol mag geen signalen inzien.")
    filters, number, values, errors = parse_filters(posted, page.rt.catalogue)
    search = {k: _text(posted, k) for k in SEARCH_KEYS}
    if not any(search.values()):
        errors["tekst"] = ["Geef een zoekterm: tekst uit het signaal of een naam."]
    for key, value in search.items():
        if len(value) > MAX_SEARCH:
            errors[key] = [f"Te lang: maximaal {MAX_SEARCH} tekens."]
    result = None
    if not errors:
        criteria = queries.Criteria(tekst=search["tekst"] or None, naam=search["naam"] or None, filters=filters)
        result = queries.search_signals(page.db, page.principal, page.rt.catalogue, criteria, number, PAGE_SIZE)
    return _list_page(page, result, values, errors, search=search)

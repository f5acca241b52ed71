"""Area figures in their Dutch public shape (GeoJSON for the map and the API) and the filter
parameters both read (niveau, fenomeen, vanaf, tot): one reading, one shape, for the API, the
map page's inline data and the buurt page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from weerbaar.core.catalogue import Catalogue
from weerbaar.core.errors import FieldError
from weerbaar.core.params import query_date
from weerbaar.picture import stats

LEVELS = ("buurt", "wijk")
FILTER_KEYS = ("niveau", "fenomeen", "vanaf", "tot")


def read_filter(params: Mapping[str, str], catalogue: Catalogue,
                errors: list[FieldError]) -> tuple[stats.Level, stats.Filter]:
    """The level and filter from query parameters; every problem appended to `errors`."""
    level = (params.get("niveau") or "buurt").strip()
    if level not in LEVELS:
        errors.append(FieldError("niveau", "literal_error", "Ongeldige waarde; kies uit: buurt, wijk."))
        level = "buurt"
    phenomenon = (params.get("fenomeen") or "").strip() or None
    if phenomenon and phenomenon not in catalogue.phenomena:
        errors.append(FieldError("fenomeen", "fenomeen_onbekend", f"Onbekend fenomeen '{phenomenon}'."))
        phenomenon = None
    start, end = query_date(params, "vanaf", errors), query_date(params, "tot", errors)
    if start and end and start > end:
        errors.append(FieldError("tot", "periode_ongeldig", "De datum 'tot' ligt voor de datum 'vanaf'."))
        end = None
    return ("wijk" if level == "wijk" else "buurt"), stats.Filter(phenomenon, start, end)


def _row(r: stats.AreaRow) -> dict[str, Any]:
    return {
        "code": r.code, "naam": r.name, "niveau": r.kind, "bovenliggendGebied": r.parent_code,
        "aantalAdressen": r.addresses, "signalen": r.signals_shown, "treffers": r.hits_shown,
        "signalenPer1000Adressen": r.signals_rate, "treffersPer1000Adressen": r.hits_rate,
        "signalenTovGemiddelde": r.signals_ratio, "treffersTovGemiddelde": r.hits_ratio,
    }


def municipality_json(f: stats.AreaFigures) -> dict[str, Any]:
    return {"code": f.municipality_code, "naam": f.municipality_name, "aantalAdressen": f.addresses,
            "signalen": f.signals_shown, "treffers": f.hits_shown,
            "signalenPer1000Adressen": f.signals_rate, "treffersPer1000Adressen": f.hits_rate}


def filter_json(level: str | None, flt: stats.Filter) -> dict[str, Any]:
    body: dict[str, Any] = {"niveau": level} if level else {}
    return {**body, "fenomeen": flt.phenomenon, "vanaf": flt.start.isoformat() if flt.start else None,
            "tot": flt.end.isoformat() if flt.end else None}


def feature_collection(f: stats.AreaFigures, shapes: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """GeoJSON: one feature per area (geometry null when unknown), the municipality's totals and
    averages, and what could not be placed in an area."""
    unknown = f.row(stats.UNKNOWN)
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "id": r.code, "geometry": shapes.get(r.code), "properties": _row(r)}
                     for r in f.areas],
        "gemeente": municipality_json(f),
        "zonderGebied": {"signalen": unknown.signals_shown, "treffers": unknown.hits_shown} if unknown else None,
        "exact": f.exact,
        "filter": filter_json(f.level, f.filter),
        "kleinAantal": stats.SMALL,
    }


def area_json(d: stats.AreaDetail) -> dict[str, Any]:
    """One wijk or buurt: its figures beside the municipal average, the monthly trend, the top
    indicators and the phenomena overview (every count as it may be shown)."""
    info, row, figures = d.info, d.row, d.figures
    return {
        "code": info.code, "naam": info.name, "niveau": info.kind, "bovenliggendGebied": info.parent_code,
        "cijfers": _row(row) if row else None,
        "gemeente": municipality_json(figures),
        "exact": figures.exact,
        "filter": filter_json(None, figures.filter),
        "trend": [{"maand": m.month, "signalen": m.signals_shown, "treffers": m.hits_shown,
                   "perFenomeen": [{"fenomeen": p, "signalen": s, "treffers": h}
                                   for p, (s, h) in m.by_phenomenon.items()]} for m in d.trend],
        "indicatoren": [{"code": t.code, "naam": t.name, "fenomeen": t.phenomenon, "treffers": t.hits_shown}
                        for t in d.top],
        "fenomenen": [{"fenomeen": p.code, "naam": p.name, "signalen": p.signals_shown, "treffers": p.hits_shown,
                       "richting": p.direction} for p in d.overview],
    }

"""The map (/kaart) and the area pages (/buurten/{code}, for wijken too): signals and indicator
hits per 1,000 addresses as a choropleth of buurten or wijken, with the same figures in a table
below (the page works without JavaScript: the table, and a drawn map in <noscript>), and per area
its monthly trend, top indicators and phenomena against the municipal average.

Filters live in the URL (niveau, maat, fenomeen, vanaf, tot): they hold no personal data. Every
figure comes from `picture.stats`, which checks `beeld.lezen`, suppresses small counts for
everyone without `beeld.exact` and logs the read.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response

from weerbaar.access import rights
from weerbaar.core.errors import FieldError
from weerbaar.picture import area_json, charts, stats
from weerbaar.web.deps import Page, PageDep, errors_by_field, refused_as_pages

router = APIRouter()

NO_READ = ("Uw rol mag het beeld van de gemeente niet inzien. Dat mogen de coördinator, de analist en "
           "de partners van het samenwerkingsverband.")
MEASURES = {"signalen": "Signalen per 1.000 adressen", "treffers": "Indicatortreffers per 1.000 adressen"}
LEVELS = {"buurt": "Buurten", "wijk": "Wijken"}
MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
DIRECTIONS = {"stijgend": "↑ stijgend", "dalend": "↓ dalend", "gelijk": "→ gelijk"}


def _decimal(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:.{decimals}f}".replace(".", ",")


def _filters(page: Page) -> tuple[stats.Level, stats.Filter, str, dict[str, str], dict[str, list[str]]]:
    params = {k: v for k, v in page.request.query_params.items() if isinstance(v, str)}
    errors: list[FieldError] = []
    level, flt = area_json.read_filter(params, page.rt.catalogue, errors)
    measure = (params.get("maat") or "signalen").strip()
    if measure not in MEASURES:
        errors.append(FieldError("maat", "literal_error", "Kies signalen of indicatortreffers."))
        measure = "signalen"
    values = {k: (params.get(k) or "").strip() for k in ("fenomeen", "vanaf", "tot")}
    values.update(niveau=level, maat=measure)
    return level, flt, measure, values, errors_by_field(errors)


def _value(row: stats.AreaRow, measure: str) -> tuple[float | None, stats.Shown]:
    return (row.signals_rate, row.signals_shown) if measure == "signalen" else (row.hits_rate, row.hits_shown)


def _styled(figures: stats.AreaFigures, measure: str, shapes: dict[str, dict[str, Any]]) -> tuple[
        dict[str, Any], list[charts.LegendClass], str]:
    """The GeoJSON with each feature's fill colour and label, the legend, and the drawn map."""
    data = area_json.feature_collection(figures, shapes)
    legend = charts.classes([v for r in figures.areas if (v := _value(r, measure)[0]) is not None])
    for feature in data["features"]:
        row = figures.row(feature["id"])
        assert row is not None
        rate, count = _value(row, measure)
        feature["properties"]["kleur"] = charts.colour_of(rate, legend)
        feature["properties"]["label"] = str(count) if isinstance(count, str) else _decimal(rate)
        feature["properties"]["afgeschermd"] = isinstance(count, str)
    data["maat"] = measure
    data["legenda"] = [{"van": c.lower, "tot": c.upper, "kleur": c.colour} for c in legend]
    drawn = charts.choropleth(
        [charts.MapArea(r.code, r.name, shapes.get(r.code), rate, str(count) if rate is None else _decimal(rate))
         for r in figures.areas for rate, count in [_value(r, measure)]],
        f"Kaart: {MEASURES[measure].lower()} per {figures.level}", "per 1.000 adressen")
    return data, legend, charts.to_svg(drawn)


@router.get("/kaart")
def map_page(page: PageDep) -> Response:
    page.require(rights.PICTURE_READ, reason=NO_READ)
    level, flt, measure, values, errors = _filters(page)
    with refused_as_pages(page):
        figures = stats.area_figures(page.db, page.principal, page.rt.catalogue, level, flt)
    shapes = stats.geometries(page.db, [r.code for r in figures.areas])
    data, legend, drawn = _styled(figures, measure, shapes)
    average = figures.signals_rate if measure == "signalen" else figures.hits_rate
    return page.render(
        "kaart.html", title="Kaart", figures=figures, data=data, legend=legend, drawn=drawn, values=values,
        errors=errors, measure=measure, measures=MEASURES, levels=LEVELS, average=average,
        phenomena=[(c, p.naam) for c, p in page.rt.catalogue.phenomena.items()],
        tiles=page.rt.settings.map_tiles, query=_query(values), decimal=_decimal,
    )


def _query(values: dict[str, str]) -> str:
    """The filter for links to an area page (the period and phenomenon carry over)."""
    kept = {k: values[k] for k in ("fenomeen", "vanaf", "tot", "maat") if values.get(k)}
    return ("?" + urlencode(kept)) if kept else ""


def _month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year[2:]}"


def _trend_chart(detail: stats.AreaDetail, measure: str) -> str:
    columns = []
    for m in detail.trend:
        count = m.signals_shown if measure == "signalen" else m.hits_shown
        columns.append(charts.Bar(_month_label(m.month), None if isinstance(count, str) else float(count),
                                  str(count)))
    what = "signalen" if measure == "signalen" else "indicatortreffers"
    return charts.to_svg(charts.column_chart(columns, f"Aantal {what} per maand in {detail.info.name}"))


@router.get("/buurten/{code}")
def area_page(code: str, page: PageDep) -> Response:
    page.require(rights.PICTURE_READ, reason=NO_READ)
    _, flt, measure, values, errors = _filters(page)
    with refused_as_pages(page):
        detail = stats.area_detail(page.db, page.principal, page.rt.catalogue, code, flt)
    kind = "wijk" if detail.info.kind == "wijk" else "buurt"
    back = {**{k: v for k, v in values.items() if v}, "niveau": kind}
    return page.render(
        "buurt.html", title=detail.info.name, detail=detail, row=detail.row, figures=detail.figures,
        values=values, errors=errors, measure=measure, measures=MEASURES, kind=kind,
        chart_signals=_trend_chart(detail, "signalen"), chart_hits=_trend_chart(detail, "treffers"),
        directions=DIRECTIONS, back="/kaart?" + urlencode(back), decimal=_decimal,
        month_label=_month_label, query=_query(values),
    )

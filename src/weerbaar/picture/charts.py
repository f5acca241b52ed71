"""Server-side charts for the ondermijningsbeeld: bar charts, monthly columns and a static
choropleth map of buurten, drawn once as a small scene of shapes and written out twice: as SVG
(for the HTML report and the pages) and with fpdf2 primitives (for the PDF), so both show the
same picture and the PDF's labels stay real text.

A value that is suppressed (fewer than `stats.SMALL`) has no number here at all: it is drawn as a
dashed stub with its shown text ("<5"), never with a length that would give the count away.
The map projects lon/lat onto a plane with cos(latitude) scaling around the map's middle, which
is exact enough for the size of a municipality.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape
from typing import Any, Literal

Anchor = Literal["start", "middle", "end"]

INK = "#1a1a1a"
MUTED = "#555555"
GRID = "#d0d0d0"
BAR = "#23527c"
SUPPRESSED_FILL = "#eeeeee"
NO_DATA_FILL = "#ffffff"
# Five sequential classes (light to dark), readable in print and by most colour-blind readers.
CLASS_COLOURS = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
FONT = "Helvetica, Arial, sans-serif"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str | None = None
    dashed: bool = False
    title: str | None = None


@dataclass(frozen=True)
class Poly:
    points: tuple[tuple[float, float], ...]
    fill: str
    stroke: str = INK
    dashed: bool = False
    title: str | None = None


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = GRID
    width: float = 1.0


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float = 11
    anchor: Anchor = "start"
    bold: bool = False
    fill: str = INK


Shape = Rect | Poly | Line | Text


@dataclass
class Chart:
    """A picture in its own units (about a pixel each); `label` is its accessible name."""

    width: float
    height: float
    label: str
    shapes: list[Shape] = field(default_factory=list)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: suppressed or unknown, drawn as a stub with `text`
    text: str  # the shown figure ("12", "<5", "3,4")


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    geometry: dict[str, Any] | None
    value: float | None  # None: suppressed or no addresses
    text: str
    key: str = ""  # a short label drawn inside the area (e.g. its number in the table)


@dataclass(frozen=True)
class LegendClass:
    lower: float
    upper: float
    colour: str


# --------------------------------------------------------------------------------------------
# Bar charts
# --------------------------------------------------------------------------------------------

def _text_width(text: str, size: float) -> float:
    """A rough width for layout (Helvetica averages about 0.55 em per character)."""
    return len(text) * size * 0.55


def bar_chart(bars: list[Bar], label: str, width: float = 640) -> Chart:
    """Horizontal bars, one row per label, the figure at the end of each bar."""
    row, size = 24.0, 11.0
    left = min(260.0, max((_text_width(b.label, size) for b in bars), default=60.0) + 12)
    right = 56.0
    height = max(1, len(bars)) * row + 8
    chart = Chart(width, height, label)
    top = max((b.value for b in bars if b.value is not None), default=0.0)
    span = width - left - right
    chart.shapes.append(Line(left, 2, left, height - 4, INK))
    for i, b in enumerate(bars):
        y = 4 + i * row
        chart.shapes.append(Text(left - 8, y + 16, _clip(b.label, 44), size, "end"))
        if b.value is None:
            chart.shapes.append(Rect(left, y + 5, 14, row - 10, SUPPRESSED_FILL, MUTED, True, f"{b.label}: {b.text}"))
            chart.shapes.append(Text(left + 20, y + 16, b.text, size, fill=MUTED))
            continue
        length = span * (b.value / top) if top > 0 else 0.0
        chart.shapes.append(Rect(left, y + 5, max(length, 1.0), row - 10, BAR, None, False, f"{b.label}: {b.text}"))
        chart.shapes.append(Text(left + length + 6, y + 16, b.text, size))
    if not bars:
        chart.shapes.append(Text(left + 8, 20, "geen gegevens", size, fill=MUTED))
    return chart


def column_chart(columns: list[Bar], label: str, width: float = 640, height: float = 220) -> Chart:
    """Vertical columns in order (months), with a few gridlines; suppressed ones as dashed stubs."""
    size = 10.0
    left, right, top_pad, bottom = 40.0, 8.0, 12.0, 34.0
    chart = Chart(width, height, label)
    top = max((c.value for c in columns if c.value is not None), default=0.0)
    scale_top = _nice_ceiling(top)
    plot_h = height - top_pad - bottom
    for step in range(5):
        value = scale_top * step / 4
        y = height - bottom - plot_h * step / 4
        chart.shapes.append(Line(left, y, width - right, y, GRID if step else INK))
        chart.shapes.append(Text(left - 6, y + 4, _number(value), size, "end", fill=MUTED))
    n = max(1, len(columns))
    slot = (width - left - right) / n
    for i, c in enumerate(columns):
        x = left + i * slot + slot * 0.15
        w = slot * 0.7
        chart.shapes.append(Text(x + w / 2, height - bottom + 14, c.label, size, "middle"))
        if c.value is None:
            chart.shapes.append(Rect(x, height - bottom - 12, w, 12, SUPPRESSED_FILL, MUTED, True,
                                     f"{c.label}: {c.text}"))
            chart.shapes.append(Text(x + w / 2, height - bottom - 16, c.text, size - 1, "middle", fill=MUTED))
            continue
        h = plot_h * (c.value / scale_top) if scale_top > 0 else 0.0
        chart.shapes.append(Rect(x, height - bottom - h, w, max(h, 0.5), BAR, None, False, f"{c.label}: {c.text}"))
        chart.shapes.append(Text(x + w / 2, height - bottom - h - 4, c.text, size - 1, "middle"))
    return chart


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k at or above `value` (at least 4, so gridlines are whole)."""
    if value <= 4:
        return 4.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * exponent >= value:
            return float(step * exponent)
    return float(10 * exponent)  # pragma: no cover - the loop always returns


def _number(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------
# The choropleth map
# --------------------------------------------------------------------------------------------

def rings(geometry: dict[str, Any] | None) -> list[list[tuple[float, float]]]:
    """The exterior rings of a GeoJSON Polygon or MultiPolygon as (lon, lat) points."""
    if not geometry:
        return []
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    return [[(float(p[0]), float(p[1])) for p in polygon[0]] for polygon in polygons if polygon and polygon[0]]


def classes(values: list[float], count: int = len(CLASS_COLOURS)) -> list[LegendClass]:
    """Equal-count classes over the values shown (at most `count`, fewer when values repeat)."""
    ordered = sorted(set(values))
    if not ordered:
        return []
    if len(ordered) <= count:
        bounds = ordered
    else:
        bounds = [ordered[min(len(ordered) - 1, round(len(ordered) * (i + 1) / count) - 1)] for i in range(count)]
        bounds = sorted(set(bounds))
    palette = CLASS_COLOURS[len(CLASS_COLOURS) - len(bounds):] if len(bounds) < len(CLASS_COLOURS) else CLASS_COLOURS
    out, lower = [], 0.0
    for colour, upper in zip(palette, bounds, strict=False):
        out.append(LegendClass(lower, upper, colour))
        lower = upper
    return out


def colour_of(value: float | None, legend: list[LegendClass]) -> str:
    if value is None:
        return SUPPRESSED_FILL
    for cls in legend:
        if value <= cls.upper:
            return cls.colour
    return legend[-1].colour if legend else NO_DATA_FILL


def choropleth(areas: list[MapArea], label: str, unit: str, width: float = 640, height: float = 420) -> Chart:
    """Areas filled by class of their value; suppressed areas light grey with a dashed border;
    a legend below. Areas without geometry are left out of the drawing (the table lists them)."""
    chart = Chart(width, height, label)
    drawn = [(a, rings(a.geometry)) for a in areas]
    points = [p for _, rs in drawn for r in rs for p in r]
    legend = classes([a.value for a in areas if a.value is not None])
    legend_h = 46.0
    if not points:
        chart.shapes.append(Text(width / 2, height / 2, "geen kaartgegevens", 12, "middle", fill=MUTED))
        return chart
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * k, 1e-9)
    span_y = max(max(lats) - min(lats), 1e-9)
    pad = 8.0
    box_w, box_h = width - 2 * pad, height - legend_h - 2 * pad
    scale = min(box_w / span_x, box_h / span_y)
    off_x = pad + (box_w - span_x * scale) / 2
    off_y = pad + (box_h - span_y * scale) / 2

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (round(off_x + (lon - min(lons)) * k * scale, 2), round(off_y + (max(lats) - lat) * scale, 2))

    for area, area_rings in drawn:
        fill = colour_of(area.value, legend)
        title = f"{area.name} ({area.code}): {area.text}"
        for ring in area_rings:
            chart.shapes.append(Poly(tuple(project(*p) for p in ring), fill, INK if area.value is not None else MUTED,
                                     area.value is None, title))
    for area, area_rings in drawn:
        if area.key and area_rings:
            ring = max(area_rings, key=len)
            cx = sum(p[0] for p in ring[:-1] or ring) / len(ring[:-1] or ring)
            cy = sum(p[1] for p in ring[:-1] or ring) / len(ring[:-1] or ring)
            x, y = project(cx, cy)
            dark = colour_of(area.value, legend) in CLASS_COLOURS[3:]
            chart.shapes.append(Text(x, y + 4, area.key, 11, "middle", True, "#ffffff" if dark else INK))
    _legend(chart, legend, unit, height - legend_h + 6, any(a.value is None for a in areas))
    return chart


def _legend(chart: Chart, legend: list[LegendClass], unit: str, y: float, suppressed: bool) -> None:
    x = 8.0
    chart.shapes.append(Text(x, y + 10, unit, 10, fill=MUTED))
    y += 18
    for cls in legend:
        text = f"{_number(cls.lower)}–{_number(cls.upper)}"
        chart.shapes.append(Rect(x, y, 16, 12, cls.colour, INK))
        chart.shapes.append(Text(x + 20, y + 10, text, 10))
        x += 28 + _text_width(text, 10)
    if suppressed:
        chart.shapes.append(Rect(x, y, 16, 12, SUPPRESSED_FILL, MUTED, True))
        chart.shapes.append(Text(x + 20, y + 10, "afgeschermd (<5 of x)", 10))


# --------------------------------------------------------------------------------------------
# Output: SVG and fpdf2
# --------------------------------------------------------------------------------------------

def _attr(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def to_svg(chart: Chart) -> str:
    """Inline SVG with presentation attributes only (no CSS, no scripts), titled for screen readers."""
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_attr(chart.width)} {_attr(chart.height)}" '
           f'width="{_attr(chart.width)}" height="{_attr(chart.height)}" role="img" '
           f'aria-label="{escape(chart.label)}" font-family="{FONT}">', f"<title>{escape(chart.label)}</title>"]
    for s in chart.shapes:
        if isinstance(s, Rect):
            stroke = f' stroke="{s.stroke}"' if s.stroke else ""
            dash = ' stroke-dasharray="3 2"' if s.dashed else ""
            body = f"<title>{escape(s.title)}</title>" if s.title else ""
            out.append(f'<rect x="{_attr(s.x)}" y="{_attr(s.y)}" width="{_attr(s.w)}" height="{_attr(s.h)}" '
                       f'fill="{s.fill}"{stroke}{dash}>{body}</rect>')
        elif isinstance(s, Poly):
            pts = " ".join(f"{_attr(x)},{_attr(y)}" for x, y in s.points)
            dash = ' stroke-dasharray="4 3"' if s.dashed else ""
            body = f"<title>{escape(s.title)}</title>" if s.title else ""
            out.append(f'<polygon points="{pts}" fill="{s.fill}" stroke="{s.stroke}" stroke-width="1"{dash}>'
                       f"{body}</polygon>")
        elif isinstance(s, Line):
            out.append(f'<line x1="{_attr(s.x1)}" y1="{_attr(s.y1)}" x2="{_attr(s.x2)}" y2="{_attr(s.y2)}" '
                       f'stroke="{s.stroke}" stroke-width="{_attr(s.width)}"/>')
        else:
            weight = ' font-weight="bold"' if s.bold else ""
            out.append(f'<text x="{_attr(s.x)}" y="{_attr(s.y)}" font-size="{_attr(s.size)}" '
                       f'text-anchor="{s.anchor}" fill="{s.fill}"{weight}>{escape(s.text)}</text>')
    out.append("</svg>")
    return "".join(out)


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def draw_pdf(pdf: Any, chart: Chart, x: float, y: float, width: float, latin1: Any = str) -> float:
    """Draw the chart on an fpdf2 page at (x, y) mm, `width` mm wide; returns its height in mm.
    `latin1` makes a label drawable by the core fonts."""
    k = width / chart.width
    for s in chart.shapes:
        if isinstance(s, Rect | Poly):
            pdf.set_fill_color(*_rgb(s.fill))
            stroke = s.stroke
            pdf.set_draw_color(*_rgb(stroke or s.fill))
            pdf.set_line_width(0.2)
            pdf.set_dash_pattern(dash=0.8, gap=0.6) if s.dashed else pdf.set_dash_pattern()
            if isinstance(s, Rect):
                pdf.rect(x + s.x * k, y + s.y * k, s.w * k, s.h * k, style="DF")
            else:
                pdf.polygon([(x + px * k, y + py * k) for px, py in s.points], style="DF")
            pdf.set_dash_pattern()
        elif isinstance(s, Line):
            pdf.set_draw_color(*_rgb(s.stroke))
            pdf.set_line_width(0.15 * s.width)
            pdf.line(x + s.x1 * k, y + s.y1 * k, x + s.x2 * k, y + s.y2 * k)
        else:
            pdf.set_font("Helvetica", "B" if s.bold else "", max(5.0, s.size * k * 2.83))
            pdf.set_text_color(*_rgb(s.fill))
            text = latin1(s.text)
            w = pdf.get_string_width(text)
            tx = x + s.x * k - (w if s.anchor == "end" else w / 2 if s.anchor == "middle" else 0)
            pdf.text(tx, y + s.y * k, text)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    return chart.height * k

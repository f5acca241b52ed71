"""The ondermijningsbeeld as printable HTML (standalone, charts inline as SVG, each beside its table)
and as PDF (fpdf2's core Helvetica, the same charts drawn with fpdf2 primitives).

Nothing is read here: the report's dataclass is all there is, so what is not in it cannot end up
in either file.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from weerbaar.cases.report import FooterPdf, latin1
from weerbaar.core.config import PACKAGE_DIR
from weerbaar.picture import charts
from weerbaar.picture.report import Count, PictureReport

FORMATS = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}
MARKING = "Geaggregeerd — geen persoonsgegevens"
NO_BARRIERS = ("De barrièreanalyse (welke barrières per fenomeen ontbreken of zwak zijn) komt in dit rapport zodra "
               "er barrièremodellen zijn vastgelegd. Er zijn nog geen barrièremodellen.")
# The template lives with the other pages; the report reads the file, it does not import the web layer.
_templates = Environment(loader=FileSystemLoader(PACKAGE_DIR / "web" / "templates"),
                         autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class Charts:
    phenomena: charts.Chart
    months: charts.Chart
    map: charts.Chart
    cases: charts.Chart
    actions: charts.Chart


def _bars(counts: list[Count]) -> list[charts.Bar]:
    return [charts.Bar(c.label, c.value, c.shown) for c in counts]


def build_charts(report: PictureReport) -> Charts:
    where = report.area_name
    return Charts(
        phenomena=charts.bar_chart([charts.Bar(p.name, p.signals.value, p.signals.shown) for p in report.phenomena],
                                   f"Signalen per fenomeen, {where}"),
        months=charts.column_chart(_bars(report.months), f"Signalen per maand, {where}"),
        map=charts.choropleth(
            [charts.MapArea(b.code, b.name, b.geometry, b.rate,
                            f"{b.rate_shown} signalen per 1.000 adressen ({b.signals.shown} signalen)", b.key)
             for b in report.buurten],
            f"Kaart: signalen per 1.000 adressen per buurt, {where}", "Signalen per 1.000 adressen"),
        cases=charts.bar_chart(_bars(report.cases_by_status), "Casussen per status"),
        actions=charts.bar_chart(_bars(report.actions), "Acties (afspraken) naar stand"),
    )


def render_html(report: PictureReport) -> str:
    drawn = build_charts(report)
    svg = {name: Markup(charts.to_svg(getattr(drawn, name)))  # our own SVG, every text escaped
           for name in ("phenomena", "months", "map", "cases", "actions")}
    return _templates.get_template("ondermijningsbeeld.html").render(
        report=report, svg=svg, marking=MARKING, no_barriers=NO_BARRIERS)


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------

def render_pdf(report: PictureReport) -> bytes:
    drawn = build_charts(report)
    pdf = FooterPdf(f"{report.title} - {MARKING}", report.title)

    def text(value: str, size: float = 10, style: str = "", height: float = 5) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.set_text_color(0, 0, 0)
        pdf.multi_cell(0, height, latin1(value), align="L", new_x="LMARGIN", new_y="NEXT")

    def heading(value: str) -> None:
        pdf.ln(3)
        text(value, 14, "B", 8)

    def table(header: list[str], rows: list[list[str]], widths: list[float]) -> None:
        if not rows:
            text("Geen gegevens.", 10, "I")
            return
        pdf.set_font("Helvetica", "", 9)
        with pdf.table(col_widths=widths, text_align=["LEFT"] + ["RIGHT"] * (len(header) - 1),
                       first_row_as_headings=True, line_height=5, width=pdf.epw) as t:
            for values in [header, *rows]:
                r = t.row()
                for v in values:
                    r.cell(latin1(v))
        pdf.ln(2)

    def chart(c: charts.Chart, width: float | None = None) -> None:
        width = width or pdf.epw
        height = c.height * width / c.width
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
        y = pdf.get_y()
        charts.draw_pdf(pdf, c, pdf.l_margin, y, width, latin1)
        pdf.set_y(y + height + 3)

    # Title page
    pdf.add_page()
    pdf.ln(30)
    text(report.title, 24, "B", 12)
    text(f"Gemeente {report.municipality}" + (f", wijk {report.area_name} ({report.area_code})"
                                              if report.scope == "wijk" else f" ({report.area_code})"), 13)
    text(f"Periode: {report.period}", 12)
    text(f"Gemaakt op {report.made_on} voor {report.made_for}", 11)
    pdf.ln(8)
    text(MARKING, 13, "B", 7)
    text("Dit rapport bevat alleen aantallen per gebied, fenomeen en indicator. Het bevat geen namen, adressen, "
         "identificerende nummers of andere persoonsgegevens.", 10)
    pdf.ln(3)
    text("Afscherming van kleine aantallen", 11, "B", 6)
    text(report.suppression, 10)
    pdf.ln(3)
    table(["Kerncijfer", "Aantal"], [[c.label, c.shown] for c in report.totals], [70, 30])

    pdf.add_page()
    heading("1. Fenomenen")
    table(["Fenomeen", "Signalen", "Indicatorhits", "Richting"],
          [[p.name, p.signals.shown, p.hits.shown, p.trend] for p in report.phenomena], [80, 25, 30, 35])
    chart(drawn.phenomena)

    heading("2. Trend (12 maanden)")
    text("Signalen per maand van waarneming.", 10)
    chart(drawn.months)
    table(["Maand", "Signalen"], [[m.label, m.shown] for m in report.months], [60, 30])

    heading("3. Kaart: signalen per 1.000 adressen")
    text(f"Gemeentelijk gemiddelde: {report.municipal_rate} signalen per 1.000 adressen.", 10)
    chart(drawn.map, pdf.epw * 0.9)
    table(["Nr", "Buurt", "Adressen", "Signalen", "Per 1.000", "T.o.v. gem."],
          [[b.key, f"{b.name} ({b.code})", str(b.addresses), b.signals.shown, b.rate_shown, b.ratio_shown]
           for b in report.buurten], [10, 62, 22, 22, 22, 26])

    heading("4. Indicatorpatronen")
    table(["Indicator", "Fenomeen", "Hits"], [[f"{i.code} {i.text}", i.phenomenon, i.count.shown]
                                              for i in report.indicators], [100, 50, 20])
    above = [b for b in report.buurten if b.above_average]
    text("Buurten boven het gemeentelijk gemiddelde", 11, "B", 6)
    if not above:
        text("Geen buurt ligt (zichtbaar) boven het gemeentelijk gemiddelde.", 10, "I")
    for b in above:
        text(f"{b.name} ({b.code}): {b.ratio_shown} x het gemiddelde"
             + (f"; meest voorkomende indicatoren: {', '.join(b.indicators)}" if b.indicators else ""), 10)

    heading("5. Casussen en acties")
    text(f"Geteld over {report.cases_scope}.", 10)
    table(["Status", "Casussen"], [[c.label, c.shown] for c in report.cases_by_status], [100, 30])
    chart(drawn.cases)
    table(["Acties", "Aantal"], [[c.label, c.shown] for c in report.actions], [100, 30])

    heading("6. Effect")
    table(["Resultaat bij afsluiten", "Casussen"], [[c.label, c.shown] for c in report.results if c.shown != "0"]
          or [["Nog geen afgesloten casussen", "0"]], [130, 30])
    table(["Herhaling", "Aantal"], [[c.label, c.shown] for c in report.effect], [130, 30])

    heading("7. Barrières")
    if report.barriers:
        for line in report.barriers:
            text(f"- {line}", 10)
    else:
        text(NO_BARRIERS, 10, "I")

    heading("8. Aanbevelingen")
    for line in report.recommendations:
        text(f"- {line}", 10)
    return bytes(pdf.output())


def rendered(report: PictureReport, fmt: str) -> tuple[bytes, str, dict[str, str]]:
    """The report as a download: body, media type and headers (never cached; PDF as attachment)."""
    headers = {"Cache-Control": "no-store"}
    if fmt == "pdf":
        headers["Content-Disposition"] = f'attachment; filename="{report.filename}.pdf"'
        return render_pdf(report), FORMATS["pdf"], headers
    headers["Content-Disposition"] = f'inline; filename="{report.filename}.html"'
    return render_html(report).encode(), FORMATS["html"], headers

"""The report (verslag) of a meeting for one participant, as printable HTML and as PDF.

Its content is the participant's `MeetingView` serialised exactly as the API shows that
participant each case (`cases.serialize.case_detail`): the shared signals with only the shared
fields, the shared subjects, the decisions with officials pseudonymised, the actions, and the
minutes. Nothing is read here; what is not in the view cannot end up in the report.

HTML comes from the standalone template `web/templates/verslag.html`; the PDF is drawn with
fpdf2's built-in Helvetica, whose latin-1 encoding covers Dutch (ë, é, ï, ü, …); characters
outside it are replaced by their nearest latin-1 form or '?'.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from fpdf import FPDF
from jinja2 import Environment, FileSystemLoader, select_autoescape

from weerbaar.cases.meetings import MeetingView
from weerbaar.cases.serialize import case_detail
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.clock import AMSTERDAM, as_utc, now
from weerbaar.core.config import PACKAGE_DIR

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
PARTY_KINDS = {"persoon": "Persoon", "bedrijf": "Bedrijf", "voertuig": "Voertuig"}
# The template lives with the other pages; the report reads the file, it does not import the web layer.
_templates = Environment(loader=FileSystemLoader(PACKAGE_DIR / "web" / "templates"),
                         autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def dutch_date(value: date | str | None) -> str:
    if value is None:
        return ""
    d = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


@dataclass
class Line:
    label: str
    text: str


@dataclass
class ReportSignal:
    heading: str
    lines: list[Line]


@dataclass
class ReportItem:
    position: int
    number: str
    title: str
    status: str
    minutes: str | None
    signals: list[ReportSignal] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    decisions: list[Line] = field(default_factory=list)
    actions: list[Line] = field(default_factory=list)


@dataclass
class Report:
    title: str
    held_on: str
    municipality: str
    for_organisation: str
    made_on: str
    confidentiality: str
    held_on_iso: str
    items: list[ReportItem]

    @property
    def filename(self) -> str:
        """A file name without personal data: the meeting's date and the organisation."""
        ascii_name = unicodedata.normalize("NFKD", self.for_organisation).encode("ascii", "ignore").decode()
        slug = "-".join(w for w in re.split(r"[^a-z0-9]+", ascii_name.lower()) if w)
        return f"verslag-{self.held_on_iso}-{slug}"


def _party(p: dict[str, Any]) -> str:
    if p["soort"] == "persoon":
        name = " ".join(x for x in (p.get("voornamen"), p.get("tussenvoegsel"), p.get("geslachtsnaam")) if x)
        extra = [f"geboren {dutch_date(p['geboortedatum'])}" if p.get("geboortedatum") else "",
                 f"BSN {p['bsn']}" if p.get("bsn") else ""]
    elif p["soort"] == "bedrijf":
        name = p.get("naam") or ""
        extra = [f"KvK {p['kvkNummer']}" if p.get("kvkNummer") else ""]
    else:
        name = p.get("kenteken") or "kenteken niet gedeeld"
        extra = []
    extra += [p.get("rol") or "", p.get("toelichting") or ""]
    rest = ", ".join(x for x in extra if x)
    kind = PARTY_KINDS.get(p["soort"], p["soort"])
    return f"{kind}: {name or '(naam niet gedeeld)'}" + (f" ({rest})" if rest else "")


def _location(loc: dict[str, Any]) -> str:
    parts = [loc.get("postcode") or "", " ".join(str(x) for x in (loc.get("huisnummer"), loc.get("huisletter"),
                                                                  loc.get("toevoeging")) if x)]
    text = " ".join(p for p in parts if p)
    if loc.get("omschrijving"):
        text = f"{text} ({loc['omschrijving']})" if text else loc["omschrijving"]
    return text or "locatie zonder adres"


def _signal(s: dict[str, Any], catalogue: Catalogue) -> ReportSignal:
    heading = f"Signaal van {dutch_date(s['waargenomenOp'])}"
    if s.get("fenomeenNaam"):
        heading += f" – {s['fenomeenNaam']}"
    heading += f" – gemeld door {s['organisatie']['naam']}"
    lines = []
    if "omschrijving" in s:
        lines.append(Line("Omschrijving", s["omschrijving"]))
    if s.get("locatie"):
        lines.append(Line("Locatie", _location(s["locatie"])))
    if "betrokkenen" in s:
        lines.append(Line("Betrokkenen", "; ".join(_party(p) for p in s["betrokkenen"]) or "geen"))
    if "indicatoren" in s:
        known = catalogue.indicators
        names = [f"{code} ({known[code][1].tekst})" if code in known else code for code in s["indicatoren"]]
        lines.append(Line("Indicatoren", ", ".join(names) or "geen"))
    if "bron" in s:
        lines.append(Line("Bronwaardering", f"betrouwbaarheid van de bron {s['bron']['betrouwbaarheid']}, "
                                            f"van de informatie {s['bron']['informatie']}"))
    if not lines:
        lines.append(Line("Gedeeld", "Alleen dat dit signaal bij de casus hoort (fenomeen en datum)."))
    return ReportSignal(heading, lines)


def build_report(view: MeetingView, catalogue: Catalogue, owner_name: str, *, at: datetime | None = None) -> Report:
    items = []
    levels = []
    for agenda in view.items:
        detail = case_detail(agenda.view, catalogue, [])
        levels.append(agenda.view.case.confidentiality)
        item = ReportItem(agenda.item.position, detail["casusnummer"], detail["titel"], detail["statusNaam"],
                          agenda.item.minutes)
        item.signals = [_signal(s, catalogue) for s in detail["signalen"]]
        item.subjects = [f"{s['naam'] or 'naam niet gedeeld'} ({s['soort']}, {s['id']})" for s in detail["subjecten"]]
        orgs = {p["organisatie"]["id"]: p["organisatie"]["naam"] for p in detail["deelnemers"]}
        for d in detail["besluiten"]:
            verdict = "gekozen" if d["gekozen"] else "niet gekozen"
            who = f", uitvoering: {orgs.get(d['organisatie'], 'onbekend')}" if d.get("organisatie") else ""
            here = "in dit overleg" if d.get("overleg") == view.meeting.id else f"op {dutch_date(d['tijdstip'])}"
            item.decisions.append(Line(f"{d['instrumentNaam']}: {verdict}",
                                       f"{d['motivering']} (besloten {here}{who})"))
        for a in detail["acties"]:
            item.actions.append(Line(a["omschrijving"], f"{a['organisatie']['naam']}, {a['verantwoordelijke']}; "
                                                        f"uiterlijk {dutch_date(a['deadline'])}; {a['statusNaam']}"
                                                        + (" (verlopen)" if a["verlopen"] else "")))
        items.append(item)
    top = max(levels, key=lambda lvl: catalogue.confidentiality_rank(lvl) if lvl in catalogue.confidentiality
              else len(catalogue.confidentiality_levels), default=None)
    level_name = catalogue.confidentiality[top].naam if top in catalogue.confidentiality else (top or "")
    moment = as_utc(at or now()).astimezone(AMSTERDAM)
    report = Report(view.meeting.title, dutch_date(view.meeting.held_on), owner_name, view.organisation.name,
                    f"{dutch_date(moment.date())} om {moment:%H:%M}", level_name, view.meeting.held_on.isoformat(),
                    items)
    return report


def render_html(report: Report) -> str:
    return _templates.get_template("verslag.html").render(report=report)


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------

_LATIN1 = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "‚": ",", "“": '"', "”": '"', "„": '"',
                         "…": "...", "•": "-", "€": "EUR", "\u00a0": " ", "\u2009": " ", "\u202f": " "})


def latin1(text: str) -> str:
    """Text the core fonts can draw: Dutch letters stay (latin-1), the rest becomes close or '?'."""
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


class FooterPdf(FPDF):
    """Weerbaar's A4 PDF: title, author, Dutch, 18 mm margins, page breaks, and a grey footer on
    every page with the marking and "pagina N van M"."""

    def __init__(self, footer_text: str, title: str) -> None:
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.set_title(latin1(title))
        self.set_author("Weerbaar")
        self.set_lang("nl")
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, 20)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, latin1(f"{self.footer_text} - pagina {self.page_no()} van {{nb}}"), align="C")


def render_pdf(report: Report) -> bytes:
    pdf = FooterPdf(f"{report.confidentiality} - verslag voor {report.for_organisation}", f"Verslag {report.title}")
    pdf.add_page()

    def text(value: str, size: float = 10, style: str = "", height: float = 5, indent: float = 0) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(0, height, latin1(value), align="L", new_x="LMARGIN", new_y="NEXT")

    def gap(mm: float = 2) -> None:
        pdf.ln(mm)

    def listing(title: str, lines: list[Line], empty: str) -> None:
        """A heading, then per line its label in bold and its text below (or `empty`)."""
        text(title, 11, "B", 6)
        if not lines:
            text(empty)
        for line in lines:
            text(line.label, 10, "B", indent=3)
            text(line.text, indent=6)
        gap()

    text(f"Verslag: {report.title}", 16, "B", 8)
    text(f"Overleg van {report.held_on}, {report.municipality}", 11)
    text(f"Voor: {report.for_organisation}. Gemaakt op {report.made_on}.", 10)
    gap()
    text(f"Vertrouwelijkheid: {report.confidentiality}. Dit verslag bevat alleen wat met "
         f"{report.for_organisation} is gedeeld (privacytoets 2A). Niet verder verspreiden.", 9, "I")
    gap(4)
    if not report.items:
        text("Er staan geen casussen op de agenda waaraan deze organisatie deelneemt.")
    for item in report.items:
        text(f"{item.position}. {item.number} - {item.title}", 13, "B", 7)
        text(f"Status: {item.status}", 10)
        gap()
        text("Notulen", 11, "B", 6)
        text(item.minutes or "Geen notulen vastgelegd.")
        gap()
        listing("Besluiten (integrale weging)", item.decisions, "Nog geen besluiten.")
        listing("Afspraken", item.actions, "Geen afspraken.")
        text("Gedeelde signalen", 11, "B", 6)
        if not item.signals:
            text("Geen signalen met uw organisatie gedeeld.")
        for sig in item.signals:
            text(sig.heading, 10, "B", indent=3)
            for line in sig.lines:
                text(f"{line.label}: {line.text}", indent=6)
        gap()
        text("Gedeelde subjecten", 11, "B", 6)
        text("; ".join(item.subjects) if item.subjects else "Geen subjecten met uw organisatie gedeeld.")
        gap(6)
    return bytes(pdf.output())


FORMATS = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def rendered(doc: Report, fmt: str) -> tuple[bytes, str, dict[str, str]]:
    """The report as a download: body, media type and headers (never cached; PDF as attachment,
    HTML inline), the same for the API and the web."""
    headers = {"Cache-Control": "no-store"}
    if fmt == "pdf":
        headers["Content-Disposition"] = f'attachment; filename="{doc.filename}.pdf"'
        return render_pdf(doc), FORMATS["pdf"], headers
    headers["Content-Disposition"] = f'inline; filename="{doc.filename}.html"'
    return render_html(doc).encode(), FORMATS["html"], headers

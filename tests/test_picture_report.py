"""The ondermijningsbeeld report: from the demo municipality Lindeveen (signals with persons,
companies and vehicles, cases, actions), as HTML and PDF, through the CLI and the web.

What must hold: no personal data of the generator's world ends up in either file; small counts
show as "<5" for everyone (the analyst too); --wijk restricts to that wijk's buurten; bad
choices are Dutch errors; the right beeld.lezen is needed; producing the report is logged.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from weerbaar.access.models import AccessLogEntry
from weerbaar.access.principal import Principal
from weerbaar.app import create_app
from weerbaar.cases.models import Case, CaseStatus
from weerbaar.cli.common import find_user
from weerbaar.cli.main import app as cli_app
from weerbaar.core import clock
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.config import Settings
from weerbaar.core.db import Database
from weerbaar.core.errors import Forbidden, ValidationFailed
from weerbaar.core.models import Address, Area
from weerbaar.core.runtime import Runtime
from weerbaar.demo import build_demo
from weerbaar.demo.cast import DEMO_PASSWORD
from weerbaar.intake.models import Signal, SignalParty
from weerbaar.picture import charts
from weerbaar.picture.report import (
    BuurtLine,
    Count,
    PhenomenonLine,
    PictureReport,
    build_report,
    period_of,
    recommendations,
)
from weerbaar.picture.report_render import render_html, render_pdf
from weerbaar.resolve.models import SignalSubject

from .test_permissions import module_database
from .test_web import csrf_of
from .world import World

COORDINATOR = "coordinator@lindeveen.demo"
ANALYST = "analist@lindeveen.demo"
PARTNER = "woningcorporatie@lindeveen.demo"
PRIVACY = "privacy@lindeveen.demo"
WIJK = "WK999003"


@dataclass
class Demo:
    runtime: Runtime
    url: str
    tmp: Path
    secrets: list[str]  # every personal value of the generated world, as it could be printed
    buurt_counts: dict[str, int]  # signals per buurt in the report's period, counted here independently


def _secrets(rt: Runtime) -> list[str]:
    """Names, BSNs, KvK numbers, plates, postcodes, street + number and subject ids of the demo."""
    out: set[str] = set()
    with rt.db.session() as s:
        for p in s.scalars(select(SignalParty)):
            if p.kind == "persoon":
                if p.surname:
                    out.add(" ".join(x for x in (p.surname_prefix, p.surname) if x))
                if p.given_names and p.surname:
                    out.add(f"{p.given_names} {p.surname}")
            out.update(x for x in (p.bsn, p.kvk_number, p.plate, p.company_name) if x)
        for a in s.scalars(select(Address)):
            out.add(a.postcode)
            out.add(f"{a.postcode[:4]} {a.postcode[4:]}")
            if a.street:
                out.add(f"{a.street} {a.house_number}")
        out.update(s.scalars(select(SignalSubject.subject_id).distinct()))
    return sorted(x for x in out if x)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo(request: pytest.FixtureRequest, catalogue: Catalogue,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    tmp = tmp_path_factory.mktemp("beeldrapport")
    with module_database(request, tmp) as url:
        rt = Runtime(Settings.from_env(database_url=url, data_dir=tmp), Database(url), catalogue)
        build_demo(rt, seed=2026, partner_extracts=False)
        start, end = period_of(clock.today())
        with rt.db.session() as s:
            counts = dict(s.execute(
                select(Signal.neighbourhood_code, func.count())
                .where(Signal.municipality_code == "GM9990", Signal.confidentiality.in_(catalogue.picture_levels),
                       Signal.observed_on >= start, Signal.observed_on <= end)
                .group_by(Signal.neighbourhood_code)).all())
        yield Demo(rt, url, tmp, _secrets(rt), {k: v for k, v in counts.items() if k})
        rt.db.engine.dispose()


def principal_of(rt: Runtime, email: str) -> Principal:
    with rt.db.session() as s:
        return Principal.of(find_user(s, email), rt.catalogue, channel="cli")


def make(demo: Demo, email: str, wijk: str | None = None) -> PictureReport:
    with demo.runtime.db.transaction() as s:
        return build_report(s, principal_of(demo.runtime, email), demo.runtime.catalogue, wijk=wijk)


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF made by fpdf2 with core fonts: every content stream inflated, the
    strings of its text operators joined (latin-1, as the core fonts encode them)."""
    assert data.startswith(b"%PDF-")
    parts = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            body = zlib.decompress(raw)
        except zlib.error:
            body = raw
        for s in re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", body, re.S):
            parts.append(s.replace(rb"\(", b"(").replace(rb"\)", b")").replace(rb"\\", b"\\").decode("latin-1"))
    return "\n".join(parts)


def leaked(text: str, secrets: list[str]) -> list[str]:
    """The personal values that occur in `text` as whole words (case-insensitive)."""
    folded = text.lower()
    return [x for x in secrets if re.search(r"(?<![\w])" + re.escape(x.lower()) + r"(?![\w])", folded)]


# --------------------------------------------------------------------------------------------
# Content
# --------------------------------------------------------------------------------------------

def test_report_holds_no_personal_data_in_html_or_pdf(demo):
    report = make(demo, COORDINATOR)
    html = render_html(report)
    text = pdf_text(render_pdf(report))
    assert len(demo.secrets) > 300, "the demo must have persons, companies, plates and addresses to look for"
    sample = demo.secrets[::50]
    assert set(leaked("Rapport: " + "; ".join(sample) + ".", demo.secrets)) >= set(sample)  # the check can fail
    assert leaked(html, demo.secrets) == []
    assert leaked(text, demo.secrets) == []
    # What it does hold: the municipality, its buurten, phenomena, the marking and every section.
    for expected in ("Ondermijningsbeeld Lindeveen", "Geaggregeerd — geen persoonsgegevens", "Hennepteelt",
                     "Molenakker (BU99900202)", "Barrières", "Aanbevelingen", "Casussen en acties", "Effect"):
        assert expected in html
    for expected in ("Ondermijningsbeeld Lindeveen", "Geaggregeerd - geen persoonsgegevens", "Hennepteelt",
                     "Barrières", "Aanbevelingen"):
        assert expected in text, expected
    assert html.count("<svg") == 5 and "<script" not in html


def test_small_counts_are_shown_as_less_than_five_for_everyone(demo):
    small = {code: n for code, n in demo.buurt_counts.items() if 1 <= n < 5}
    assert small, "the demo has a buurt with 1 to 4 signals in the period"
    for email in (PARTNER, ANALYST):  # the analyst may see exact figures on screen, never in a report
        report = make(demo, email)
        html = render_html(report)
        text = pdf_text(render_pdf(report))
        for code, n in small.items():
            line = next(b for b in report.buurten if b.code == code)
            assert (line.signals.shown, line.signals.value, line.rate, line.ratio) == ("<5", None, None, None)
            row = re.search(re.escape(f"{line.name} ({code})") + r"</th>(.*?)</tr>", html, re.S)
            assert row is not None
            cells = re.findall(r'<td class="getal">([^<]*)</td>', row.group(1))
            assert cells[1] == "&lt;5" and str(n) not in cells[1:]
            assert f"{line.name} ({code}): &lt;5 signalen per 1.000 adressen" not in html  # the map says "–"
            assert f"{line.name} ({code})" in text
        shown_large = [b for b in report.buurten if b.signals.value is not None]
        assert shown_large and all(b.signals.value == demo.buurt_counts.get(b.code, 0) for b in shown_large)


def test_case_action_and_effect_figures_are_counted_and_suppressed(demo):
    report = make(demo, COORDINATOR)
    with demo.runtime.db.session() as s:
        latest = (select(CaseStatus.case_id, func.max(CaseStatus.id).label("last"))
                  .group_by(CaseStatus.case_id).subquery())
        truth = dict(s.execute(select(CaseStatus.status, func.count()).join(latest, latest.c.last == CaseStatus.id)
                               .join(Case, Case.id == CaseStatus.case_id)
                               .where(Case.municipality_code == "GM9990").group_by(CaseStatus.status)).all())
    assert sum(truth.values()) > 0
    for c in report.cases_by_status:
        n = truth.get(c.key, 0)
        assert c.shown in ("<5", "x") if 0 < n < 5 else c.shown in (str(n), "x")
        if c.value is not None:
            assert c.value == n
    assert [c.key for c in report.actions] == ["open", "verlopen", "gereed", "vervallen"]
    assert [c.key for c in report.effect] == ["gesloten", "herhaald", "signalen"]
    assert report.barriers == [] and report.recommendations


def test_wijk_restricts_the_report_to_its_buurten(demo):
    report = make(demo, PARTNER, WIJK)
    with demo.runtime.db.session() as s:
        inside = set(s.scalars(select(Area.code).where(Area.parent_code == WIJK)))
        outside = set(s.scalars(select(Area.code).where(Area.kind == "buurt", Area.parent_code != WIJK)))
    assert {b.code for b in report.buurten} == inside
    assert report.scope == "wijk" and report.area_code == WIJK and report.title == "Ondermijningsbeeld wijk Ganzenweide"
    html = render_html(report)
    assert not [code for code in outside if code in html]
    signals = next(c for c in report.totals if c.key == "signalen")
    assert signals.value == sum(demo.buurt_counts.get(code, 0) for code in inside)
    assert report.filename.startswith("ondermijningsbeeld-wk999003-")


@pytest.mark.parametrize("wijk", ["WK123", "BU99900301", "WK999101", ""])
def test_unknown_wijk_is_a_dutch_error(demo, wijk):
    with pytest.raises(ValidationFailed) as exc:
        make(demo, PARTNER, wijk)
    assert exc.value.errors[0].name == "wijk" and "Onbekende wijk" in exc.value.errors[0].reason


def test_without_picture_right_there_is_no_report(demo):
    with pytest.raises(Forbidden):
        make(demo, PRIVACY)


def test_choropleth_projects_with_cos_lat_and_greys_suppressed_areas():
    square = {"type": "Polygon", "coordinates": [[[5.0, 52.0], [5.1, 52.0], [5.1, 52.1], [5.0, 52.1], [5.0, 52.0]]]}
    shifted = {"type": "Polygon", "coordinates": [[[5.1, 52.0], [5.2, 52.0], [5.2, 52.1], [5.1, 52.1], [5.1, 52.0]]]}
    chart = charts.choropleth([charts.MapArea("BU1", "Een", square, 10.0, "10", "1"),
                               charts.MapArea("BU2", "Twee", shifted, None, "<5", "2")], "kaart", "per 1.000")
    polys = [s for s in chart.shapes if isinstance(s, charts.Poly)]
    xs = [x for x, _ in polys[0].points]
    ys = [y for _, y in polys[0].points]
    # 0.1 degree of longitude is cos(52.05°) ≈ 0.615 of 0.1 degree of latitude.
    assert (max(xs) - min(xs)) / (max(ys) - min(ys)) == pytest.approx(0.615, abs=0.01)
    assert polys[0].fill in charts.CLASS_COLOURS and not polys[0].dashed
    assert polys[1].fill == charts.SUPPRESSED_FILL and polys[1].dashed
    svg = charts.to_svg(chart)
    assert svg.startswith("<svg ") and "Twee (BU2): &lt;5" in svg


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------

@pytest.fixture
def cli_env(demo, monkeypatch: pytest.MonkeyPatch) -> Demo:
    monkeypatch.setenv("WEERBAAR_DATABASE_URL", demo.url)
    monkeypatch.setenv("WEERBAAR_DATA", str(demo.tmp))
    monkeypatch.delenv("WEERBAAR_GEBRUIKER", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return demo


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli_app, list(args), prog_name="weerbaar")


def exports(demo: Demo) -> list[AccessLogEntry]:
    with demo.runtime.db.session() as s:
        return list(s.scalars(select(AccessLogEntry).where(AccessLogEntry.object_type == "ondermijningsbeeld")
                              .order_by(AccessLogEntry.id)))


def test_cli_writes_pdf_and_html_and_logs_the_export(cli_env, tmp_path):
    before = len(exports(cli_env))
    pdf, html = tmp_path / "beeld.pdf", tmp_path / "beeld-wijk.HTML"
    result = run("rapport", "ondermijningsbeeld", "--gebruiker", PARTNER, "--uitvoer", str(pdf))
    assert result.exit_code == 0, result.output
    assert "geschreven naar" in result.output
    text = pdf_text(pdf.read_bytes())
    assert "Ondermijningsbeeld Lindeveen" in text and leaked(text, cli_env.secrets) == []
    result = run("rapport", "ondermijningsbeeld", "-g", PARTNER, "--wijk", WIJK.lower(), "-o", str(html))
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    assert "Ondermijningsbeeld wijk Ganzenweide" in page and leaked(page, cli_env.secrets) == []
    entries = exports(cli_env)[before:]
    assert [(e.action, e.object_id, e.channel, e.user_email) for e in entries] == [
        ("exporteren", "GM9990", "cli", PARTNER), ("exporteren", WIJK, "cli", PARTNER)]
    assert set(entries[0].details) == {"gebied", "vanaf", "tot", "exact"} and entries[0].details["exact"] is False


@pytest.mark.parametrize(("args", "message"), [
    (("--wijk", "WK999999"), "Onbekende wijk 'WK999999'"),
    (("--wijk", "Ganzenweide"), "Onbekende wijk 'Ganzenweide'"),
])
def test_cli_refuses_an_unknown_wijk(cli_env, tmp_path, args, message):
    target = tmp_path / "beeld.pdf"
    result = run("rapport", "ondermijningsbeeld", "-g", PARTNER, *args, "-o", str(target))
    assert result.exit_code == 2
    assert message in result.output and "Fout" in result.output
    assert not target.exists()


@pytest.mark.parametrize("name", ["beeld.docx", "beeld"])
def test_cli_refuses_an_unknown_extension(cli_env, tmp_path, name):
    result = run("rapport", "ondermijningsbeeld", "-g", PARTNER, "-o", str(tmp_path / name))
    assert result.exit_code == 2
    assert "Onbekende extensie" in result.output and "gebruik .pdf of .html" in result.output
    assert not (tmp_path / name).exists()


def test_cli_refuses_a_role_without_the_picture_right(cli_env, tmp_path):
    before = len(exports(cli_env))
    result = run("rapport", "ondermijningsbeeld", "-g", PRIVACY, "-o", str(tmp_path / "beeld.pdf"))
    assert result.exit_code == 2 and "mag het ondermijningsbeeld niet" in result.output
    assert len(exports(cli_env)) == before


# --------------------------------------------------------------------------------------------
# Web
# --------------------------------------------------------------------------------------------

@pytest.fixture
def client(demo) -> Iterator[TestClient]:
    with TestClient(create_app(demo.runtime)) as c:
        yield c


def web_login(client: TestClient, email: str) -> None:
    token = csrf_of(client.get("/inloggen").text)
    r = client.post("/inloggen", data={"csrf": token, "email": email, "wachtwoord": DEMO_PASSWORD},
                    follow_redirects=False)
    assert r.status_code == 303, r.text


def test_web_form_and_download_for_a_partner_are_suppressed(demo, client):
    web_login(client, PARTNER)
    form = client.get("/beeld/rapport")
    assert form.status_code == 200
    assert 'action="/beeld/rapport/bestand"' in form.text and f'value="{WIJK}"' in form.text
    assert 'href="/beeld/rapport"' in form.text  # in the menu
    pdf = client.get("/beeld/rapport/bestand", params={"wijk": "", "formaat": "pdf"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert 'attachment; filename="ondermijningsbeeld-gm9990-' in pdf.headers["content-disposition"]
    assert leaked(pdf_text(pdf.content), demo.secrets) == []
    html = client.get("/beeld/rapport/bestand", params={"wijk": WIJK, "formaat": "html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "Ondermijningsbeeld wijk Ganzenweide" in html.text and leaked(html.text, demo.secrets) == []
    small = [code for code, n in demo.buurt_counts.items() if 1 <= n < 5]
    whole = client.get("/beeld/rapport/bestand", params={"formaat": "html"}).text
    assert small and all(re.search(re.escape(f"({code})") + r'</th><td class="getal">\d+</td>\s*'
                                   r'<td class="getal">&lt;5</td>', whole) for code in small)


def test_web_bad_choices_show_the_form_with_dutch_errors(client):
    web_login(client, COORDINATOR)
    r = client.get("/beeld/rapport/bestand", params={"wijk": "WK999999", "formaat": "docx"})
    assert r.status_code == 422
    assert "Onbekende wijk" in r.text and "Kies als formaat PDF of HTML." in r.text


def test_web_privacy_officer_gets_no_report(client):
    web_login(client, PRIVACY)
    assert 'href="/beeld/rapport"' not in client.get("/").text
    assert client.get("/beeld/rapport").status_code == 403
    r = client.get("/beeld/rapport/bestand", params={"formaat": "pdf"})
    assert r.status_code == 403 and "application/pdf" not in r.headers["content-type"]


# --------------------------------------------------------------------------------------------
# Recommendations (rules over the report's own figures)
# --------------------------------------------------------------------------------------------

def _bare_report(**overrides) -> PictureReport:  # type: ignore[no-untyped-def]
    base = dict(title="Ondermijningsbeeld Lindeveen", municipality="Lindeveen", municipality_code="GM9990",
                area_code="GM9990", area_name="Lindeveen", scope="gemeente", period="p", start=clock.today(),
                end=clock.today(), made_on="m", made_for="o", totals=[], phenomena=[], months=[], buurten=[],
                municipal_rate="100,0", indicators=[], cases_by_status=[], actions=[], results=[], effect=[],
                barriers=[], recommendations=[])
    base.update(overrides)
    return PictureReport(**base)  # type: ignore[arg-type]


def test_recommendations_cite_their_figures():
    rising = PhenomenonLine("hennepteelt", "Hennepteelt", Count("hennepteelt", "Hennepteelt", 40, "40"),
                            Count("hennepteelt", "Hennepteelt", 0, "0"), "stijgend", "18", "<5")
    falling = PhenomenonLine("horeca", "Horeca", Count("horeca", "Horeca", 9, "9"),
                             Count("horeca", "Horeca", 0, "0"), "dalend", "<5", "7")
    high = BuurtLine("1", "BU99900202", "Molenakker", 396, Count("BU99900202", "Molenakker", 61, "61"),
                     154.0, "154,0", 1.53, "1,53")
    just_above = BuurtLine("2", "BU99900101", "Oude Kern", 202, Count("BU99900101", "Oude Kern", 27, "27"),
                           133.7, "133,7", 1.33, "1,33")
    hidden = BuurtLine("3", "BU99900302", "Rietkraag", 228, Count("BU99900302", "Rietkraag", None, "<5"),
                       None, "–", None, "–")
    report = _bare_report(
        phenomena=[rising, falling], buurten=[high, just_above, hidden],
        actions=[Count("open", "Open", 6, "6"), Count("verlopen", "Verlopen", None, "<5")],
        cases_by_status=[Count("weging", "Integrale weging", 7, "7")])
    lines = recommendations(report)
    assert len(lines) == 4
    assert lines[0].startswith("Hennepteelt neemt toe: 18 signalen en indicatorhits in de laatste drie maanden, "
                               "tegen <5 in de drie maanden daarvoor (40 signalen in de hele periode).")
    assert "Molenakker (BU99900202) heeft 154,0 signalen per 1.000 adressen, 1,53 keer" in lines[1]
    assert "(100,0)" in lines[1]
    assert lines[2].startswith("Er zijn <5 acties over hun termijn.")
    assert lines[3].startswith("7 casussen wachten op de integrale weging.")
    quiet = recommendations(_bare_report(phenomena=[falling], buurten=[just_above, hidden],
                                         actions=[Count("verlopen", "Verlopen", 0, "0")],
                                         cases_by_status=[Count("weging", "Integrale weging", 0, "0")]))
    assert len(quiet) == 1 and quiet[0].startswith("De cijfers geven geen aanleiding")


def test_the_barrier_section_comes_from_the_gap_analysis(runtime: Runtime, world: World) -> None:
    """The report's barrier section lists each barrier model's gaps (prevention's report_lines, passed
    in by the CLI and the page), and stays empty with its reason when no section is passed."""
    from weerbaar.picture.report import build_report
    from weerbaar.prevention.barriers import report_lines

    principal = world["coordinator"].principal
    with runtime.db.transaction() as s:
        with_section = build_report(s, principal, runtime.catalogue, barriers=report_lines)
        without = build_report(s, principal, runtime.catalogue)
    names = [m.naam for m in runtime.catalogue.barrier_models.values()]
    assert len(with_section.barriers) == len(names)
    assert all(line.startswith(f"{name}: ") for line, name in zip(with_section.barriers, names, strict=True))
    assert without.barriers == []
    assert render_html(with_section).count(names[0]) >= 1

"""In Chromium, on the demo municipality Lindeveen: a partner opens the map, Leaflet draws the
buurten as a choropleth from the page's own data, and a click on a buurt opens its page with the
monthly trend chart."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from weerbaar.core.catalogue import Catalogue
from weerbaar.core.config import Settings
from weerbaar.core.db import Database
from weerbaar.core.models import Area
from weerbaar.core.runtime import Runtime
from weerbaar.demo import build_demo
from weerbaar.demo.cast import DEMO_PASSWORD

from .conftest import serving
from .test_signal_flow import DESKTOP

pytestmark = pytest.mark.browser

PARTNER = "woningcorporatie@lindeveen.demo"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue) -> Iterator[tuple[str, int]]:
    """The demo's municipality, buurten with their polygons and signals, behind uvicorn; with
    the number of buurten that have a boundary."""
    folder = tmp_path_factory.mktemp("demo-kaart")
    url = f"sqlite:///{folder / 'weerbaar.db'}"
    runtime = Runtime(Settings.from_env(database_url=url, data_dir=folder), Database(url), catalogue)
    runtime.db.ensure_schema()
    build_demo(runtime, seed=2026, partner_extracts=False)
    with runtime.db.session() as s:
        buurten = s.scalar(select(func.count()).select_from(Area)
                           .where(Area.kind == "buurt", Area.geometry.is_not(None))) or 0
    with serving(runtime) as base:
        yield base, buurten
    runtime.db.engine.dispose()


def test_partner_opens_the_map_and_a_buurt(demo: tuple[str, int], browser, screenshots: Path) -> None:
    from playwright.sync_api import expect

    base, buurten = demo
    assert buurten >= 12
    page = browser.new_context(viewport={**DESKTOP, "height": 1000}, locale="nl-NL").new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "/")
    page.get_by_label("E-mailadres").fill(PARTNER)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("heading", name=re.compile(r"^Welkom, ")).wait_for()

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Kaart").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kaart van Lindeveen")
    polygons = page.locator("#kaart path.leaflet-interactive")
    expect(polygons).to_have_count(buurten)
    # Coloured by class, every buurt labelled with its figure; the same rows in the table below.
    fills = {polygons.nth(i).get_attribute("fill") for i in range(buurten)}
    assert len(fills) >= 2, fills
    expect(page.locator(".wb-kaart-label")).to_have_count(buurten)
    expect(page.locator("[data-testid=gebieden] tbody tr[data-code^='BU']")).to_have_count(buurten)
    page.locator("#tabel-titel").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshots / "kaart.png"), full_page=True,
                    clip={"x": 0, "y": 0, "width": DESKTOP["width"], "height": 1500})

    # The wijk level draws the wijken instead.
    page.get_by_label("Gebieden").select_option("wijk")
    page.get_by_role("button", name="Kaart bijwerken").click()
    expect(page.locator("#kaart path.leaflet-interactive")).to_have_count(4)
    page.get_by_role("link", name="Alles tonen").click()
    expect(polygons).to_have_count(buurten)

    # A click on a buurt opens its page, with the monthly chart.
    names = page.locator("[data-testid=gebieden] tbody tr[data-code^='BU'] th").all_inner_texts()
    page.locator("#kaart path.leaflet-interactive").nth(buurten // 2).click()
    page.wait_for_url(re.compile(r"/buurten/BU\d+"))
    heading = page.get_by_role("heading", level=1).inner_text()
    assert any(heading.startswith(n) for n in names), (heading, names)
    chart = page.locator("[data-testid=trend-signalen] svg")
    expect(chart).to_be_visible()
    expect(chart.locator("rect").first).to_be_attached()
    expect(page.get_by_role("heading", name="Vergeleken met de gemeente")).to_be_visible()
    page.get_by_test_id("terug").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kaart van Lindeveen")
    assert errors == [], errors

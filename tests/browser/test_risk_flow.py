"""In Chromium, on the demo municipality: the coordinator opens the risk list, expands an entry,
opens its detail, marks it "verklaard" and sees it move to the bottom of the list."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from weerbaar.core.catalogue import Catalogue
from weerbaar.core.config import Settings
from weerbaar.core.db import Database
from weerbaar.core.runtime import Runtime
from weerbaar.demo import build_demo
from weerbaar.demo.cast import DEMO_PASSWORD

from .conftest import serving
from .test_signal_flow import DESKTOP

pytestmark = pytest.mark.browser

COORDINATOR = "coordinator@lindeveen.demo"


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue) -> Iterator[str]:
    """The whole demo (`make demo`: extracts imported, linked, indicators and scores) behind uvicorn."""
    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'weerbaar.db'}"
    runtime = Runtime(Settings.from_env(database_url=url, data_dir=folder), Database(url), catalogue)
    runtime.db.ensure_schema()
    summary = build_demo(runtime, seed=2026)
    assert summary.detection.get("scores", {}).get("adres"), "the demo must leave scored addresses"
    with serving(runtime) as base:
        yield base
    runtime.db.engine.dispose()


def test_coordinator_explains_the_top_entry_and_it_moves_down(demo_url: str, browser, screenshots: Path) -> None:
    from playwright.sync_api import expect

    page = browser.new_context(viewport={**DESKTOP, "height": 1100}, locale="nl-NL").new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(demo_url + "/")
    page.get_by_label("E-mailadres").fill(COORDINATOR)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("heading", name=re.compile(r"^Welkom, ")).wait_for()

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Risicolijst").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Risicolijst")
    expect(page.get_by_role("link", name="Adressen", exact=True)).to_have_attribute("aria-current", "page")
    expect(page.locator(".wb-risk-intro")).to_contain_text("Laatste analyse:")
    total = int(re.search(r"(\d+) vermeldingen", page.locator("#resultaten").inner_text())[1])  # type: ignore[index]
    first = page.locator("tr[id^='vermelding-']").first
    target = (first.get_attribute("id") or "").removeprefix("vermelding-")
    label = first.locator(".wb-row-link").inner_text()
    expect(first.locator(".wb-reasons li").first).to_be_visible()  # explains itself before expanding

    # Expanding shows every component: weight × strength × decay and the evidence.
    component = first.locator(".wb-component").first
    expect(component).to_be_hidden()
    first.locator("summary").click()
    expect(component).to_be_visible()
    expect(component).to_contain_text("bijdrage")
    expect(first.locator(".wb-evidence").first).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshots / "risicolijst.png"), full_page=True,
                    clip={"x": 0, "y": 0, "width": DESKTOP["width"], "height": 1900})

    first.locator(".wb-row-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(label)
    # Explain every phenomenon of the entry, so that all of it goes down.
    while page.get_by_role("button", name="Markeren als verklaard").count():
        page.get_by_label("Reden").first.fill("Bekend bij de wijkagent: een kwekerij die in 2026 is opgerold.")
        page.get_by_role("button", name="Markeren als verklaard").click()
        expect(page.get_by_role("status")).to_contain_text("Vastgelegd: de vermelding is verklaard")
    expect(page.locator("#verklaringen").locator("xpath=..")).to_contain_text("Bekend bij de wijkagent")
    expect(page.get_by_role("button", name="Verklaring intrekken")).to_be_visible()

    page.get_by_role("link", name="← Risicolijst").click()
    expect(page.locator("tr[id^='vermelding-']").first).not_to_have_attribute("id", f"vermelding-{target}")
    expect(page.locator(f"#vermelding-{target}")).to_have_count(0)
    last = math.ceil(total / 25)
    page.goto(f"{demo_url}/risico?soort=adres&pagina={last}")
    moved = page.locator("tr[id^='vermelding-']").last
    expect(moved).to_have_attribute("id", f"vermelding-{target}")
    expect(moved).to_contain_text("Verklaard")
    assert errors == []

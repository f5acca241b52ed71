"""A coordinator opens a subject's network in Chromium: the Cytoscape drawing and the node table,
expanding a company with a click, and the depth filter."""

from __future__ import annotations

import re
from pathlib import Path

from ..er_rows import build_linked
from ..world import privacy_check
from .conftest import Live
from .test_signal_flow import DESKTOP, log_in


def test_coordinator_explores_a_network(live: Live, browser, screenshots: Path) -> None:
    from playwright.sync_api import expect

    world = live.world
    build_linked(world)
    privacy_check(world, "coordinator", ["P-000001", "B-000001", "A-000001", "B-000002"])

    page = browser.new_context(viewport=DESKTOP, locale="nl-NL").new_page()
    log_in(page, live, "coordinator")
    page.goto(f"{live.url}/subjecten/P-000001")
    page.get_by_role("link", name="Netwerk bekijken").click()
    expect(page).to_have_url(re.compile(r"/subjecten/P-000001/netwerk"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jan de Vries")

    graph = page.locator("#netwerk-graaf")
    expect(graph.locator("canvas").first).to_be_attached()
    expect(graph).to_have_attribute("data-getekend", "5")
    table = page.get_by_test_id("knopen-tabel")
    expect(table.locator("tbody tr")).to_have_count(5)
    for text in ("Jan de Vries", "Groeimaat B.V.", "bekend (privacytoets 1 nodig)"):
        expect(table).to_contain_text(text)
    expect(page.get_by_test_id("relaties-tabel")).to_contain_text("is functionaris van")

    # A click on the company expands it one step: its second officer and its seat join the drawing.
    page.evaluate("window.weerbaarNetwerk.getElementById('B-000001').emit('tap')")
    expect(page.locator("#netwerk-status")).to_contain_text("2 knopen toegevoegd rond B-000001")
    expect(graph).to_have_attribute("data-getekend", "7")
    page.screenshot(path=str(screenshots / "netwerk.png"), full_page=True)

    # The filter form: only directorships, two steps out.
    page.get_by_label("Diepte (stappen)").select_option("2")
    page.get_by_label("bestuur").check()
    page.get_by_role("button", name="Filter toepassen").click()
    expect(page).to_have_url(re.compile(r"diepte=2"))
    expect(table.locator("tbody tr")).to_have_count(3)  # Jan, Groeimaat, Piet Jansen (a placeholder)
    expect(graph).to_have_attribute("data-getekend", "3")

"""In Chromium: the coordinator starts a training session, a partner joins on their own device with
the code and answers; the projector view updates by itself (htmx polling) and, after "Toon de
antwoorden", shows the distribution of answers without names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import Live
from .test_signal_flow import DESKTOP, PHONE, log_in

pytestmark = pytest.mark.browser


def test_a_session_on_the_projector(live: Live, browser, screenshots: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    lead = browser.new_context(viewport=DESKTOP, locale="nl-NL").new_page()
    errors: list[str] = []
    lead.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(lead, live, "coordinator")
    lead.goto(live.url + "/training")
    lead.get_by_text("Sessie starten (met scherm en code)").click()
    form = lead.locator("#form-sessie")
    form.get_by_label("Titel").fill("Bekwamen in het beraad")
    form.get_by_label("Aantal vragen").select_option("5")
    form.get_by_role("button", name="Sessie starten").click()
    code = lead.locator(".wb-training-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{6}", code)
    lead.get_by_role("link", name="Open het scherm voor de beamer").click()
    expect(lead.get_by_text("0 antwoorden binnen.")).to_be_visible()

    player = browser.new_context(viewport=PHONE, locale="nl-NL").new_page()
    log_in(player, live, "woco")
    player.goto(live.url + "/training")
    player.get_by_label("Code van het scherm").fill(code.lower())
    player.get_by_role("button", name="Meedoen").click()
    expect(player.get_by_role("heading", name=re.compile(r"^Vraag 1 van 5"))).to_be_visible()
    player.locator("#form-antwoord input[name=antwoord]").first.check()
    player.get_by_role("button", name="Antwoord geven").click()
    expect(player.locator("#feedback")).to_be_visible()
    expect(player.get_by_text("Wacht tot de leider")).to_be_visible()

    # The projector picks up the answer without a reload.
    expect(lead.get_by_text("1 antwoord binnen.")).to_be_visible(timeout=10000)
    lead.get_by_role("button", name="Toon de antwoorden").click()
    expect(lead.get_by_text("Verdeling van de antwoorden (1 deelnemer, zonder namen)")).to_be_visible()
    assert live.world["woco"].user.name not in lead.content()
    lead.screenshot(path=str(screenshots / "training-scherm.png"), full_page=True)
    lead.get_by_role("button", name="Volgende vraag").click()
    expect(lead.get_by_role("heading", name="Vraag 2 van 5")).to_be_visible()
    # The waiting participant's page moves on to the next question by itself.
    expect(player.get_by_role("heading", name=re.compile(r"^Vraag 2 van 5"))).to_be_visible(timeout=10000)
    assert not errors, errors

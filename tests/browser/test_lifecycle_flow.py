"""End to end in Chromium: the coordinator takes a signal through the intake check and the
weighing on its page, and the history shows each step with its reason."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from weerbaar.intake.models import Signal

from .conftest import Live
from .test_signal_flow import DESKTOP, log_in

pytestmark = pytest.mark.browser


def test_coordinator_checks_and_weighs_a_signal(live: Live, browser, screenshots: Path) -> None:
    from playwright.sync_api import expect

    with live.world.runtime.db.session() as s:
        signal_id = s.scalars(select(Signal.id).where(Signal.description.like("Busjes halen%"))).one()
    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, live, "coordinator")
    page.goto(f"{live.url}/signalen/{signal_id}")
    expect(page.get_by_role("heading", name="Volgende stap")).to_be_visible()

    # Forgetting the reason: nothing is stored, the error stands beside the field.
    page.get_by_label("Gaat het om ondermijning?").select_option("ja")
    page.get_by_role("button", name="Intaketoets vastleggen").click()
    expect(page.get_by_text("Geef de reden van deze stap in eigen woorden.")).to_be_visible()
    expect(page.get_by_text("Beantwoord met ja of nee: Speelt het op ons grondgebied?")).to_be_visible()

    page.get_by_label("Gaat het om ondermijning?").select_option("ja")
    page.get_by_label(re.compile("^Is het een taak of bevoegdheid")).select_option("ja")
    page.get_by_label("Speelt het op ons grondgebied?").select_option("ja")
    page.get_by_label("Toelichting").fill("Arbeidsuitbuiting past bij de prioriteiten; in de gemeente.")
    page.get_by_role("button", name="Intaketoets vastleggen").click()
    expect(page.get_by_role("status")).to_contain_text("De stap is vastgelegd.")

    page.get_by_label("Ernst").select_option("3")
    page.get_by_label("Concreetheid").select_option("2")
    page.get_by_label("Relevantie").select_option("3")
    page.get_by_label("Uitkomst").select_option("doorzetten_riec")
    page.get_by_label("Toelichting").fill("Meerdere partners nodig: door naar het RIEC.")
    page.screenshot(path=str(screenshots / "signaal-weging.png"), full_page=True)
    page.get_by_role("button", name="Weging vastleggen").click()
    expect(page.get_by_role("status")).to_contain_text("De stap is vastgelegd.")

    history = page.locator("#geschiedenis").locator("xpath=..")
    expect(history).to_contain_text("Doorgezet naar het RIEC")
    expect(history).to_contain_text("Meerdere partners nodig: door naar het RIEC.")
    expect(history).to_contain_text("In behandeling")
    expect(page.get_by_role("button", name="Afsluiten")).to_be_visible()
    # The one failed load is the form sent back on purpose (422); nothing else went wrong.
    assert [e for e in errors if "status of 422" not in e] == [], errors
    assert len(errors) == 1, errors
    context.close()

"""End to end in Chromium: a facilitator (the coordinator) runs a full five-B session in the web UI —
Binden (three partners at the table, a legal basis, working agreements), Boeien (the picture of
the area), Bekwamen (a training round), Bepalen (two ballots, the tally, a chosen priority) and
Beklinken (a commitment per partner, the sign-off and the agreement PDF). The commitments then
appear as actions of the right partners: each sees its own, not the other's."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from weerbaar.core import clock

from .conftest import Live
from .test_case_flow import log_out
from .test_signal_flow import DESKTOP, log_in

pytestmark = pytest.mark.browser

COMMITMENTS = {
    "Woonstichting Thuisvast": "Huurders in Centrum voorlichten over signalen van hennepteelt",
    "Politie Basisteam Lindeveen": "Extra surveillance rond de Havenstraat, bevindingen via het RIEC",
}


def test_a_facilitator_runs_a_five_b_session(live: Live, browser, screenshots: Path) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=DESKTOP, locale="nl-NL", accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    ok = page.locator(".utrecht-alert--ok")

    log_in(page, live, "coordinator")
    page.get_by_role("navigation", name=re.compile("Hoofdmenu|menu", re.I)).get_by_role(
        "link", name="Preventie").click()
    expect(page.get_by_role("heading", name="Preventie", exact=True)).to_be_visible()
    page.get_by_role("link", name="Beraden", exact=True).first.click()
    page.get_by_label("Titel").fill("Beraad hennep en woonfraude Centrum")
    page.get_by_label("Datum").fill(clock.today().isoformat())
    page.get_by_role("button", name="Beraad plannen").click()
    expect(ok).to_contain_text("Het beraad is gepland.")

    # --- Binden ------------------------------------------------------------------------------
    add = page.locator("#form-deelnemer")
    for name, org, role in (("Anna de Voorzitter", "Gemeente Lindeveen", "Voorzitter"),
                            ("Bram Huurzaken", "Woonstichting Thuisvast", "Deelnemer"),
                            ("Carla Wijkagent", "Politie Basisteam Lindeveen", "Deelnemer")):
        if not add.is_visible():
            page.locator("summary", has_text="Deelnemer toevoegen").click()
        add.get_by_label("Naam").fill(name)
        add.get_by_label("Organisatie").select_option(label=org)
        add.get_by_label("Rol in het beraad").select_option(label=role)
        add.get_by_label("E-mailadres").fill(f"{name.split()[0].lower()}@voorbeeld.nl")
        add.get_by_role("button", name="Deelnemer toevoegen").click()
        expect(ok).to_contain_text("De deelnemer is toegevoegd.")
    expect(page.locator("#tabel-deelnemers")).to_contain_text("Carla Wijkagent")
    page.locator("summary", has_text="Grondslag vastleggen").click()
    basis = page.locator("#form-grondslag")
    basis.get_by_label("Organisatie").select_option(label="Woonstichting Thuisvast")
    basis.get_by_label("Grondslag").select_option("woningwet_hennepconvenant")
    basis.get_by_role("button", name="Grondslag vastleggen").click()
    expect(ok).to_contain_text("De grondslag is vastgelegd.")
    page.get_by_label(re.compile("^Werkafspraken")).fill("Wat aan tafel gezegd wordt, blijft aan tafel.")
    page.get_by_role("button", name="Volgende fase: Boeien").click()

    # --- Boeien ------------------------------------------------------------------------------
    expect(page.get_by_role("heading", name=re.compile("^Boeien: "))).to_be_visible()
    page.get_by_role("button", name="Beeld van het gebied vastleggen").click()
    expect(ok).to_contain_text("Het beeld is vastgelegd")
    expect(page.get_by_role("table", name="Per fenomeen")).to_contain_text("Hennepteelt")
    page.get_by_role("button", name="Volgende fase: Bekwamen").click()

    # --- Bekwamen ----------------------------------------------------------------------------
    expect(page.get_by_role("heading", name=re.compile("^Bekwamen: "))).to_be_visible()
    page.get_by_role("button", name="Trainingsronde starten").click()
    expect(ok).to_contain_text("De trainingsronde is gestart.")
    page.get_by_label(re.compile("^Uitkomst van de oefening")).fill("Woonfraude werd het minst herkend.")
    page.get_by_role("button", name="Volgende fase: Bepalen").click()

    # --- Bepalen -----------------------------------------------------------------------------
    expect(page.get_by_role("heading", name=re.compile("^Bepalen: "))).to_be_visible()
    woonfraude = "Woonfraude en adresfraude"
    for voter, first, second in (("Bram Huurzaken (Woonstichting Thuisvast)", woonfraude, "Hennepteelt"),
                                 ("Carla Wijkagent (Politie Basisteam Lindeveen)", "Hennepteelt", woonfraude)):
        vote = page.locator("#form-stem")
        if not vote.is_visible():
            page.locator("summary", has_text="Stem vastleggen").click()
        vote.get_by_label("Deelnemer").select_option(label=voter)
        vote.get_by_label("1e plaats").select_option(label=first)
        vote.get_by_label("2e plaats").select_option(label=second)
        vote.get_by_role("button", name="Stem vastleggen").click()
        expect(ok).to_contain_text("De stem is vastgelegd.")
    expect(page.get_by_role("table", name="Fenomenen")).to_contain_text("Hennepteelt")
    expect(page.locator(".wb-tie")).to_contain_text("Gelijke stand")
    choice = page.locator("#form-prioriteit")
    choice.get_by_label("Prioriteit of strategie").select_option("fenomeen:hennepteelt")
    choice.get_by_label(re.compile("^Waarom de tafel dit kiest")).fill("Gelijke stand; meer signalen in Centrum.")
    choice.get_by_role("button", name="Keuze vastleggen").click()
    expect(ok).to_contain_text("De keuze is vastgelegd.")
    page.get_by_role("button", name="Volgende fase: Beklinken").click()

    # --- Beklinken ---------------------------------------------------------------------------
    expect(page.get_by_role("heading", name=re.compile("^Beklinken: "))).to_be_visible()
    deadline = (clock.today() + timedelta(days=45)).isoformat()
    for org, text in COMMITMENTS.items():
        form = page.locator("#form-afspraak")
        if not form.is_visible():
            page.locator("summary", has_text="Afspraak vastleggen").click()
        form.get_by_label(re.compile("^Wat wordt er gedaan")).fill(text)
        form.get_by_label("Partner").select_option(label=org)
        form.get_by_label(re.compile("^Verantwoordelijke")).fill(f"Contactpersoon {org.split()[0]}")
        form.get_by_label("Deadline").fill(deadline)
        form.get_by_role("button", name="Afspraak vastleggen").click()
        expect(ok).to_contain_text("De afspraak is vastgelegd")
    table = page.locator("#tabel-afspraken")
    for org, text in COMMITMENTS.items():
        expect(table).to_contain_text(text)
        expect(table).to_contain_text(org)
    page.get_by_role("button", name="Beraad ondertekenen").click()
    expect(ok).to_contain_text("Het beraad is ondertekend.")
    with page.expect_download() as info:
        page.get_by_role("link", name="Convenant downloaden (PDF)").click()
    download = info.value
    assert download.suggested_filename.startswith("convenant-beraad-")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    page.get_by_role("link", name="Overzicht").click()
    expect(page.get_by_role("table", name="Fasen en hun status")).to_contain_text("Afgerond")
    expect(page.locator(".wb-phase-state--afgerond")).to_have_count(10)  # stepper and table, five each
    page.get_by_role("link", name=re.compile("^5. Beklinken")).click()
    page.screenshot(path=str(screenshots / "beraad.png"), full_page=True)
    log_out(page)

    # --- The partners: each finds its own commitment among its actions ------------------------
    for actor, own, other in (("woco", "Woonstichting Thuisvast", "Politie Basisteam Lindeveen"),
                              ("politie", "Politie Basisteam Lindeveen", "Woonstichting Thuisvast")):
        log_in(page, live, actor)
        page.goto(f"{live.url}/acties")
        expect(page.locator("main")).to_contain_text(COMMITMENTS[own])
        expect(page.locator("main")).not_to_contain_text(COMMITMENTS[other])
        log_out(page)
    assert errors == []
    context.close()

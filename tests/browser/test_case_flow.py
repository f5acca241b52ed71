"""End to end in Chromium: a case from signal to closure. The coordinator takes a signal through
the intake check and the weighing, opens a case, invites the housing corporation and the police
on their legal bases, shares a different part with each (privacy check 2A), records the integral
weighing with privacy check 2B, moves to execution and agrees an action with each partner. Each
partner sees only its part and updates its own action; the coordinator finds the overdue action
on the escalation list and closes the case, which is then read-only."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from weerbaar.core import clock
from weerbaar.intake import service
from weerbaar.intake.schemas import parse_signal

from ..world import signal_body
from .conftest import Live
from .test_signal_flow import DESKTOP, log_in

pytestmark = pytest.mark.browser

DESCRIPTION = "Dag en nacht zoemend geluid in de bovenwoning; ramen afgeplakt. Huurder wisselt vaak van auto."
POLICE_ONLY = "Pieter van der Wal"  # a party: shared with the police, not with the housing corporation


def register_signal(live: Live) -> str:
    rt = live.world.runtime
    with rt.db.transaction() as s:
        body = signal_body(omschrijving=DESCRIPTION, indicatoren=["HT-01", "HT-04"],
                           waargenomenOp=(clock.today() - timedelta(days=4)).isoformat(),
                           vertrouwelijkheid="zaakvertrouwelijk")
        signal = service.register_signal(s, live.world["gemeente_partner"].principal,
                                         parse_signal(body, rt.catalogue), rt.catalogue,
                                         service.Provenance("formulier"))
        return signal.id


def log_out(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="Uitloggen").click()
    page.get_by_label("E-mailadres").wait_for()


def test_a_case_from_signal_to_closure_with_two_partners(live: Live, browser, screenshots: Path) -> None:
    from playwright.sync_api import expect

    signal_id = register_signal(live)
    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    ok = page.locator(".utrecht-alert--ok")  # the notice after a step (the info alerts are statuses too)

    # --- The coordinator: intake check, weighing "doorzetten naar RIEC", a case ---------------
    log_in(page, live, "coordinator")
    page.goto(f"{live.url}/signalen/{signal_id}")
    expect(page.get_by_role("link", name="Casus openen")).to_have_count(0)  # not before the weighing
    page.get_by_label("Gaat het om ondermijning?").select_option("ja")
    page.get_by_label(re.compile("^Is het een taak of bevoegdheid")).select_option("ja")
    page.get_by_label("Speelt het op ons grondgebied?").select_option("ja")
    page.get_by_label("Toelichting").fill("Hennepteelt in een huurwoning: prioriteit van de gemeente.")
    page.get_by_role("button", name="Intaketoets vastleggen").click()
    expect(ok).to_contain_text("De stap is vastgelegd.")
    page.get_by_label("Ernst").select_option("2")
    page.get_by_label("Concreetheid").select_option("3")
    page.get_by_label("Relevantie").select_option("3")
    page.get_by_label("Uitkomst").select_option("doorzetten_riec")
    page.get_by_label("Toelichting").fill("Woningcorporatie en politie nodig: door naar het RIEC.")
    page.get_by_role("button", name="Weging vastleggen").click()
    expect(ok).to_contain_text("De stap is vastgelegd.")

    page.get_by_role("link", name="Casus openen").click()
    expect(page.get_by_role("heading", name="Casus openen")).to_be_visible()
    expect(page.get_by_role("checkbox", name=re.compile("Hennepteelt"))).to_be_checked()
    page.get_by_label("Titel").fill("Hennepteelt Havenstraat")
    page.get_by_label("Aanleiding").fill("Doorgezet na de weging; huurwoning van de woningcorporatie.")
    page.get_by_role("button", name="Casus openen").click()
    expect(ok).to_contain_text("De casus is geopend.")
    expect(page.get_by_role("heading", name="Hennepteelt Havenstraat")).to_be_visible()
    case_url = page.url.split("?")[0]

    # Invite the housing corporation and the police, each on its legal basis.
    invite = page.locator("#form-uitnodigen")
    for name, basis, reason in (
            ("Woonstichting Thuisvast (woningcorporatie)", "woningwet_hennepconvenant", "Verhuurder van de woning."),
            ("Politie Basisteam Lindeveen (politie)", "riec_convenant", "Strafrechtelijke kant van de teelt.")):
        invite.get_by_label("Organisatie").select_option(label=name)
        invite.get_by_label("Grondslag").select_option(basis)
        invite.get_by_label("Reden").fill(reason)
        invite.get_by_role("button", name="Uitnodigen").click()
        expect(ok).to_contain_text("De organisatie is uitgenodigd.")
    participants = page.get_by_role("table", name=re.compile("Deelnemers"))
    expect(participants).to_contain_text("Woonstichting Thuisvast")
    expect(participants).to_contain_text("Politie Basisteam Lindeveen")

    # Privacy check 2A: the corporation gets the address and the indicators, not the parties;
    # the police get the description and the parties, not the address.
    for org, fields, reason in (
            ("Woonstichting Thuisvast", ["Adres en locatie", "De aangevinkte indicatoren"],
             "Het adres is nodig voor het huurdossier en het gesprek met de huurder."),
            ("Politie Basisteam Lindeveen", ["De omschrijving van het signaal", re.compile("^Namen en gegevens"),
                                             re.compile("^BSN, KvK-nummer")],
             "Voor een mogelijk opsporingsonderzoek naar de teelt.")):
        form = page.get_by_role("form", name=f"Delen met {org}")
        form.get_by_role("checkbox", name=re.compile("^Hennepteelt")).check()
        for label in fields:
            form.get_by_role("checkbox", name=label).check()
        form.get_by_label("Waarom heeft deze partner dit nodig?").fill(reason)
        form.get_by_role("button", name=f"Delen met {org}").click()
        expect(ok).to_contain_text("De gegevens zijn gedeeld")

    # To the integral weighing: two instruments chosen, one not, with privacy check 2B.
    page.get_by_role("button", name="Naar integrale weging").click()
    expect(ok).to_contain_text("De status van de casus is gewijzigd.")
    weighing = page.locator("#form-weging")
    for instrument, answer, reason, executor in (
            ("Ontbinding van de huur en ontruiming (hennepconvenant)", "ja",
             "Hennepteelt in een huurwoning: de huur wordt ontbonden.", "Woonstichting Thuisvast"),
            ("Strafrechtelijk onderzoek door politie en OM", "ja",
             "De politie onderzoekt wie achter de teelt zit.", "Politie Basisteam Lindeveen"),
            ("Sluiting op grond van artikel 13b Opiumwet (Damoclesbeleid)", "nee",
             "Ontbinding en ontruiming maken sluiting overbodig.", None)):
        weighing.get_by_label(f"Inzetten: {instrument}").select_option(answer)
        weighing.get_by_label(f"Motivering: {instrument}").fill(reason)
        if executor:
            weighing.get_by_label(f"Uitvoerder: {instrument}").select_option(label=executor)
    weighing.get_by_label("Grondslag (2B)").select_option("woningwet_hennepconvenant")
    weighing.get_by_label("Doel").fill("De huurovereenkomst ontbinden en de teelt beëindigen.")
    weighing.get_by_label("Noodzaak").fill("Zonder de bevindingen van de politie kan de verhuurder niet ontbinden.")
    weighing.get_by_label("Proportionaliteit").fill("Alleen het adres en de bevindingen, geen gegevens van derden.")
    weighing.get_by_label("Subsidiariteit").fill("Een waarschuwing aan de huurder heeft eerder niet geholpen.")
    weighing.get_by_label(re.compile("^Extra deling")).fill("Het proces-verbaal van de politie voor de verhuurder.")
    weighing.get_by_role("checkbox", name="Woonstichting Thuisvast").check()
    weighing.get_by_role("button", name="Weging vastleggen").click()
    expect(ok).to_contain_text("De integrale weging is vastgelegd.")
    decisions = page.get_by_role("list", name="Besluitenlog")
    expect(decisions).to_contain_text("uitvoering door Woonstichting Thuisvast")
    expect(decisions).to_contain_text("niet gekozen")
    page.get_by_role("button", name="Strategie vastgesteld, naar uitvoering").click()
    expect(page.locator(".wb-meta")).to_contain_text("Uitvoering en monitoring")

    # An action for each partner; the police's deadline has passed already (escalation).
    action = page.locator("#form-actie")
    for text, org, who, days in (("Huurovereenkomst ontbinden", "Woonstichting Thuisvast", "J. de Verhuurder", 30),
                                 ("Proces-verbaal aanleveren", "Politie Basisteam Lindeveen", "Agent Bakker", -2)):
        action.get_by_label("Wat wordt er gedaan?").fill(text)
        action.get_by_label("Uitvoerende organisatie").select_option(label=org)
        action.get_by_label("Verantwoordelijke").fill(who)
        action.get_by_label("Deadline").fill((clock.today() + timedelta(days=days)).isoformat())
        action.get_by_role("button", name="Actie afspreken").click()
        expect(ok).to_contain_text("De actie is afgesproken.")
    expect(page.locator(".wb-overdue")).to_contain_text("Proces-verbaal aanleveren")
    log_out(page)

    # --- The housing corporation: only its part; it completes its action ----------------------
    log_in(page, live, "woco")
    page.get_by_role("link", name="Casussen", exact=True).click()
    page.get_by_role("link", name=re.compile(r"^CAS-")).click()
    expect(page.get_by_role("heading", name="Hennepteelt Havenstraat")).to_be_visible()
    signals = page.locator("#signalen").locator("xpath=..")
    expect(signals).to_contain_text("Havenstraat 1")
    expect(signals).to_contain_text("HT-04")
    expect(signals).to_contain_text("Niet met uw organisatie gedeeld: omschrijving, betrokkenen")
    expect(page.get_by_text(POLICE_ONLY)).to_have_count(0)
    expect(page.get_by_text("Groeimaat")).to_have_count(0)
    expect(page.get_by_text(DESCRIPTION)).to_have_count(0)
    expect(page.get_by_text("medewerker van Politie Basisteam Lindeveen")).to_be_visible()
    expect(page.get_by_text("Agent Bakker")).to_have_count(0)
    expect(page.get_by_role("button", name="Uitnodigen")).to_have_count(0)
    progress = page.get_by_role("form", name="Voortgang: Huurovereenkomst ontbinden")
    progress.get_by_label("Nieuwe status").select_option("gereed")
    progress.get_by_label("Toelichting").fill("De ontbinding is aangezegd; ontruiming gepland.")
    progress.get_by_role("button", name="Voortgang bijwerken").click()
    expect(ok).to_contain_text("De actie is bijgewerkt.")
    expect(page.get_by_role("form", name="Voortgang: Proces-verbaal aanleveren")).to_have_count(0)
    log_out(page)

    # --- The police: their own part: the parties and the description, not the address ---------
    log_in(page, live, "politie")
    page.goto(case_url)
    signals = page.locator("#signalen").locator("xpath=..")
    expect(signals).to_contain_text(POLICE_ONLY)
    expect(signals).to_contain_text(DESCRIPTION)
    expect(signals).to_contain_text("111222333")
    expect(signals).not_to_contain_text("Havenstraat")
    expect(signals).to_contain_text("Niet met uw organisatie gedeeld: locatie, indicatoren, bronwaardering")
    expect(page.locator(".wb-overdue")).to_contain_text("Proces-verbaal aanleveren")
    expect(page.get_by_role("form", name="Voortgang: Proces-verbaal aanleveren")).to_be_visible()
    log_out(page)

    # --- The coordinator: the escalation list, closing, a read-only case -----------------------
    log_in(page, live, "coordinator")
    expect(page.locator("#verlopen-acties").locator("xpath=..")).to_contain_text("Proces-verbaal aanleveren")
    page.get_by_role("link", name="Acties", exact=True).click()
    page.get_by_label("Status").select_option("verlopen")
    page.get_by_role("button", name="Filter toepassen").click()
    expect(page).to_have_url(re.compile(r"/acties\?status=verlopen$"))
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Proces-verbaal aanleveren")
    expect(rows.first).to_contain_text("Verlopen")
    expect(rows.first).to_contain_text("Agent Bakker")  # the intake team sees who is responsible

    rows.first.get_by_role("link", name=re.compile(r"^CAS-")).click()
    expect(page.get_by_role("heading", name="Hennepteelt Havenstraat")).to_be_visible()
    page.screenshot(path=str(screenshots / "casus.png"), full_page=True)
    closing = page.get_by_role("form", name="Casus afsluiten")
    closing.get_by_label("Resultaat").select_option("huurcontract_ontbonden")
    closing.get_by_label("Nazorgdatum").fill((clock.today() + timedelta(days=180)).isoformat())
    closing.get_by_label("Reden").fill("De huur is ontbonden; het opsporingsonderzoek loopt bij de politie.")
    closing.get_by_role("button", name="Casus afsluiten").click()
    expect(ok).to_contain_text("De status van de casus is gewijzigd.")
    expect(page.get_by_text("Deze casus is afgesloten en alleen-lezen.")).to_be_visible()
    expect(page.get_by_role("heading", name="Herhaalsignalen")).to_be_visible()
    for button in ("Uitnodigen", "Weging vastleggen", "Actie afspreken", "Voortgang bijwerken"):
        expect(page.get_by_role("button", name=button)).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Delen met"))).to_have_count(0)
    expect(page.get_by_role("button", name="Casus heropenen")).to_be_visible()
    expect(page.locator("#kenmerken").locator("xpath=..")).to_contain_text("Huurcontract ontbonden")
    assert errors == [], errors
    context.close()

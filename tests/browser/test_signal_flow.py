"""End to end in Chromium: a partner registers a signal through the form (with the htmx
signal card, address check and party rows) and finds it again; a coordinator filters the list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ..world import PASSWORD
from .conftest import Live

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def log_in(page, live: Live, actor: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(live.url + "/")
    assert "/inloggen" in page.url  # not logged in yet: sent to the login page
    page.get_by_label("E-mailadres").fill(live.world[actor].user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("heading", name=re.compile(r"^Welkom, ")).wait_for()


def test_partner_registers_a_signal_and_finds_it_again(live: Live, browser, screenshots: Path) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, live, "woco")

    page.get_by_role("link", name="Nieuw signaal").click()
    expect(page.get_by_role("heading", name="Signaal melden")).to_be_visible()
    # The no-JavaScript button is hidden when our script runs.
    expect(page.get_by_role("button", name="Signaalkaart tonen")).to_be_hidden()

    # Choosing a phenomenon loads its signal card through htmx.
    page.get_by_label("Fenomeen").select_option("hennepteelt")
    first = page.get_by_role("checkbox", name=re.compile("Geen sneeuw op het dak"))
    expect(first).to_be_visible()
    first.check()
    page.get_by_role("checkbox", name=re.compile("Ramen afgeplakt met folie")).check()

    page.get_by_label("Omschrijving").fill(
        "Ramen van de bovenwoning afgeplakt met zilverfolie; 's nachts een zoemend geluid.")

    # The address is checked against the address register while typing.
    page.get_by_label("Postcode").fill("9991 AA")
    page.get_by_label("Huisnummer").fill("7")
    expect(page.locator("#adres-controle")).to_contain_text("Adres niet in het adresregister")
    page.get_by_label("Huisnummer").fill("1")
    expect(page.locator("#adres-controle")).to_contain_text(
        "Adres gevonden: Havenstraat 1, 9991 AA Lindeveen (buurt Oude Haven)")

    # A person in the first party row; the company and vehicle fields are hidden for a person.
    row = page.locator("#f-betrokkenen-0")
    row.get_by_label("Voornamen").fill("Karel")
    row.get_by_label("Achternaam").fill("Brugman")
    row.get_by_label("Geboortedatum").fill("1979-03-02")
    row.get_by_label("BSN").fill("111222333")
    expect(row.get_by_label("Bedrijfsnaam")).to_be_hidden()

    # One more row through htmx, as a vehicle.
    page.get_by_role("button", name="Nog een betrokkene toevoegen").click()
    new_row = page.locator("#f-betrokkenen-1")
    expect(new_row).to_be_visible()
    expect(new_row.get_by_label("Soort")).to_be_focused()
    new_row.get_by_label("Soort").select_option("voertuig")
    expect(new_row.get_by_label("Voornamen")).to_be_hidden()
    new_row.get_by_label("Kenteken").fill("AB-123-C")
    page.get_by_label("Betrouwbaarheid van de bron").select_option("B")
    page.get_by_label("Betrouwbaarheid van de informatie").select_option("2")

    page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")  # the tips beside the form are sticky
    page.screenshot(path=str(screenshots / "signaal-formulier.png"), full_page=True)

    page.get_by_role("button", name="Signaal opslaan").click()
    expect(page.get_by_text("Het signaal is opgeslagen.")).to_be_visible()
    assert re.search(r"/signalen/[0-9a-f-]{36}\?melding=opgeslagen$", page.url)
    signal_path = page.url.split("?")[0].removeprefix(live.url)
    expect(page.get_by_role("heading", name="Hennepteelt")).to_be_visible()
    expect(page.get_by_text("Karel Brugman")).to_be_visible()
    expect(page.get_by_text("Kenteken AB123C")).to_be_visible()
    expect(page.get_by_text("Geen sneeuw op het dak terwijl de daken van de buren wit zijn")).to_be_visible()

    # Find it again with the text search (a POST: the search term stays out of the URL).
    page.get_by_role("link", name="Signalen", exact=True).click()
    page.get_by_label("Tekst").fill("zilverfolie")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("heading", name=re.compile("Zoekresultaten"))).to_be_visible()
    assert "zilverfolie" not in page.url
    link = page.locator(f'a[href="{signal_path}"]')
    expect(link).to_have_count(1)
    expect(page.locator(".wb-results")).to_contain_text("1 signaal")
    link.click()
    expect(page.get_by_text("Karel Brugman")).to_be_visible()

    # The same form at phone width: no sideways scrolling.
    phone = browser.new_context(viewport=PHONE, locale="nl-NL", device_scale_factor=2, is_mobile=True)
    mobile = phone.new_page()
    log_in(mobile, live, "woco2")
    mobile.goto(live.url + "/signalen/nieuw")
    mobile.get_by_label("Fenomeen").select_option("woonfraude")
    expect(mobile.get_by_role("checkbox").first).to_be_visible()
    mobile.get_by_label("Postcode").fill("9991AB")
    mobile.get_by_label("Huisnummer").fill("12")
    expect(mobile.locator("#adres-controle")).to_contain_text("Adres gevonden: Molenweg 12")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    mobile.evaluate("window.scrollTo(0, 0)")
    mobile.screenshot(path=str(screenshots / "formulier-telefoon.png"), full_page=False)
    phone.close()
    context.close()
    assert not errors, errors


def test_coordinator_filters_the_list_by_phenomenon(live: Live, browser, screenshots: Path) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    page = context.new_page()
    log_in(page, live, "coordinator")
    page.get_by_role("link", name="Signalen", exact=True).click()
    rows = page.locator(".wb-table tbody tr")
    expect(rows).to_have_count(6)
    page.screenshot(path=str(screenshots / "signalen-lijst.png"), full_page=True)

    page.get_by_label("Fenomeen").select_option(label="Woonfraude en adresfraude")
    page.get_by_role("button", name="Filter toepassen").click()
    expect(page).to_have_url(re.compile(r"/signalen\?fenomeen=woonfraude"))
    expect(rows).to_have_count(2)
    for text in rows.all_inner_texts():
        assert "Woonfraude en adresfraude" in text
    expect(page.locator(".wb-results")).to_contain_text("2 signalen")
    expect(page.get_by_label("Fenomeen")).to_have_value("woonfraude")
    context.close()

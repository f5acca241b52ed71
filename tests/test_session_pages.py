"""The five-B session pages through the TestClient, on SQLite and PostgreSQL: /preventie and its
menu item, planning a session, each phase page with its forms (errors beside their fields),
"Volgende fase", commitments ending up on the partners' action lists, the sign-off and the
agreement PDF, the previous session's commitments, and a 404 for who is not at the table."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from weerbaar.core.clock import today

from .test_case_pages import error_beside, post
from .test_meeting_pages import switch
from .test_meetings import html_text, pdf_text
from .test_web import login_as
from .world import World

SESSION_URL = re.compile(r"^/beraden/([0-9a-f-]{36})/binden\?melding=gepland$")


def plan(client: TestClient, csrf: str, title: str = "Beraad hennep Centrum", days: int = 0) -> str:
    r = post(client, "/beraden", csrf, titel=title, datum=(today() + timedelta(days=days)).isoformat())
    assert r.status_code == 303, r.text
    match = SESSION_URL.match(r.headers["location"])
    assert match, r.headers["location"]
    return match.group(1)


def ok(r: Any, to: str) -> None:
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith(to), r.headers["location"]


def seat(client: TestClient, world: World, csrf: str, sid: str) -> None:
    for key, name in [("gemeente", "Anna de Voorzitter"), ("woco", "Bram Huurzaken"), ("politie", "Carla Wijkagent")]:
        ok(post(client, f"/beraden/{sid}/deelnemers", csrf, naam=name, organisatie=world.orgs[key].id,
                rol="voorzitter" if key == "gemeente" else "deelnemer", email=f"{key}@voorbeeld.nl"),
           f"/beraden/{sid}/binden?melding=deelnemer")


def test_start_page_nav_and_planning_with_errors(app_client: TestClient, world: World) -> None:
    csrf = login_as(app_client, world["coordinator"])
    home = app_client.get("/preventie")
    assert home.status_code == 200
    text = html_text(home.text)
    for part in ("Barrièremodellen", "Weerbaarheidsscan", "Training", "Beraden"):
        assert part in text
    assert 'href="/preventie"' in home.text and 'aria-current="page"' in home.text
    r = post(app_client, "/beraden", csrf, titel="", datum="morgen")
    assert r.status_code == 422
    assert "Vul de titel" in error_beside(r.text, "nieuw-f-titel")
    assert "JJJJ-MM-DD" in error_beside(r.text, "nieuw-f-datum")
    sid = plan(app_client, csrf)
    assert "Beraad hennep Centrum" in html_text(app_client.get("/beraden").text)
    # A partner without a session sees the start page but no session; a privacy officer no menu item.
    switch(app_client, world, "woco")
    assert app_client.get("/preventie").status_code == 200
    assert app_client.get(f"/beraden/{sid}").status_code == 404
    switch(app_client, world, "privacy")
    assert 'href="/preventie"' not in app_client.get("/").text
    assert app_client.get("/preventie").status_code == 403


def test_a_facilitator_walks_the_five_phases(app_client: TestClient, world: World) -> None:
    csrf = login_as(app_client, world["coordinator"])
    sid = plan(app_client, csrf)

    # Binden: participants (errors beside the fields), a legal basis, the working agreements.
    r = post(app_client, f"/beraden/{sid}/deelnemers", csrf, naam="", organisatie="", rol="deelnemer",
             email="geen-adres")
    assert r.status_code == 422
    assert "naam" in error_beside(r.text, "deelnemer-f-naam")
    assert "organisatie" in error_beside(r.text, "deelnemer-f-organisatie")
    assert "e-mailadres" in error_beside(r.text, "deelnemer-f-email")
    seat(app_client, world, csrf, sid)
    ok(post(app_client, f"/beraden/{sid}/grondslagen", csrf, organisatie=world.orgs["woco"].id,
            grondslag="woningwet_hennepconvenant"), f"/beraden/{sid}/binden")
    page = app_client.get(f"/beraden/{sid}/binden").text
    assert "Bram Huurzaken" in page and "Woonstichting Thuisvast" in html_text(page)
    ok(post(app_client, f"/beraden/{sid}/fasen/binden", csrf, toelichting="Wat aan tafel gezegd wordt, blijft daar.",
            volgende="ja"), f"/beraden/{sid}/boeien")

    # Boeien: the picture, stored as shown.
    ok(post(app_client, f"/beraden/{sid}/beeld", csrf), f"/beraden/{sid}/boeien?melding=beeld")
    page = app_client.get(f"/beraden/{sid}/boeien").text
    assert 'id="beeld-fenomenen"' in page and "Hennepteelt" in page
    ok(post(app_client, f"/beraden/{sid}/fasen/boeien", csrf, volgende="ja"), f"/beraden/{sid}/bekwamen")

    # Bekwamen: a training round with a join code.
    ok(post(app_client, f"/beraden/{sid}/training", csrf, titel="Oefenen met hennepsignalen"),
       f"/beraden/{sid}/bekwamen?melding=training")
    page = html_text(app_client.get(f"/beraden/{sid}/bekwamen").text)
    assert "Oefenen met hennepsignalen" in page and "met de code" in page
    ok(post(app_client, f"/beraden/{sid}/fasen/bekwamen", csrf, toelichting="Woonfraude het minst herkend.",
            volgende="ja"), f"/beraden/{sid}/bepalen")

    # Bepalen: ballots, the tally, a choice with its reason.
    page = app_client.get(f"/beraden/{sid}/bepalen").text
    voters = dict((name, pid) for pid, name in re.findall(r'<option value="([0-9a-f-]{36})">([^<(]+) \(', page))
    assert set(voters) == {"Anna de Voorzitter", "Bram Huurzaken", "Carla Wijkagent"}
    r = post(app_client, f"/beraden/{sid}/stemmen", csrf, deelnemer=voters["Bram Huurzaken"])
    assert r.status_code == 422 and "ten minste één" in r.text
    ok(post(app_client, f"/beraden/{sid}/stemmen", csrf, deelnemer=voters["Bram Huurzaken"], fenomeen1="hennepteelt",
            fenomeen2="woonfraude", strategieen="huurontbinding_hennep"), f"/beraden/{sid}/bepalen?melding=stem")
    ok(post(app_client, f"/beraden/{sid}/stemmen", csrf, deelnemer=voters["Carla Wijkagent"], fenomeen1="woonfraude",
            fenomeen2="hennepteelt"), f"/beraden/{sid}/bepalen?melding=stem")
    page = app_client.get(f"/beraden/{sid}/bepalen").text
    assert 'id="telling-fenomenen"' in page and "Gelijke stand" in page
    r = post(app_client, f"/beraden/{sid}/prioriteiten", csrf, keuze="", toelichting="")
    assert r.status_code == 422
    ok(post(app_client, f"/beraden/{sid}/prioriteiten", csrf, keuze="fenomeen:hennepteelt",
            toelichting="Meeste signalen in Centrum."), f"/beraden/{sid}/bepalen?melding=prioriteit")
    ok(post(app_client, f"/beraden/{sid}/fasen/bepalen", csrf, volgende="ja"), f"/beraden/{sid}/beklinken")

    # Beklinken: commitments, the sign-off, the document.
    r = post(app_client, f"/beraden/{sid}/afspraken", csrf, omschrijving="", organisatie=world.orgs["woco"].id,
             verantwoordelijke="", deadline="31-12")
    assert r.status_code == 422
    assert "JJJJ-MM-DD" in error_beside(r.text, "afspraak-f-deadline")
    assert error_beside(r.text, "afspraak-f-verantwoordelijke")
    deadline = (today() + timedelta(days=30)).isoformat()
    for org, text in [("woco", "Huurders voorlichten over hennepsignalen"),
                      ("politie", "Extra surveillance in de Oude Haven")]:
        ok(post(app_client, f"/beraden/{sid}/afspraken", csrf, omschrijving=text, organisatie=world.orgs[org].id,
                verantwoordelijke=f"Contact {org}", deadline=deadline), f"/beraden/{sid}/beklinken?melding=afspraak")
    ok(post(app_client, f"/beraden/{sid}/ondertekening", csrf), f"/beraden/{sid}/beklinken?melding=ondertekend")
    overview = html_text(app_client.get(f"/beraden/{sid}").text)
    assert overview.count("Afgerond") >= 5 and "Ondertekend door Coordinator Tester" in overview
    pdf = app_client.get(f"/beraden/{sid}/overeenkomst")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Huurders voorlichten over hennepsignalen" in text and "Woonfraude het minst herkend." in text
    # Read-only after signing.
    r = post(app_client, f"/beraden/{sid}/afspraken", csrf, omschrijving="Nog een afspraak maken",
             organisatie=world.orgs["woco"].id, verantwoordelijke="X", deadline=deadline)
    assert r.status_code == 409

    # The partners find their own commitment among their actions; another partner finds neither.
    switch(app_client, world, "woco")
    actions = html_text(app_client.get("/acties").text)
    assert "Huurders voorlichten" in actions and "Extra surveillance" not in actions
    assert "Huurders voorlichten" in html_text(app_client.get(f"/beraden/{sid}/beklinken").text)
    switch(app_client, world, "politie")
    assert "Extra surveillance" in html_text(app_client.get("/acties").text)
    switch(app_client, world, "netbeheer")
    assert app_client.get(f"/beraden/{sid}/beklinken").status_code == 404
    assert app_client.get(f"/beraden/{sid}/overeenkomst").status_code == 404


def test_the_next_session_opens_with_the_previous_commitments(app_client: TestClient, world: World) -> None:
    csrf = login_as(app_client, world["coordinator"])
    first = plan(app_client, csrf, "Eerste beraad", days=-40)
    seat(app_client, world, csrf, first)
    ok(post(app_client, f"/beraden/{first}/afspraken", csrf, omschrijving="Extra surveillance in de Oude Haven",
            organisatie=world.orgs["politie"].id, verantwoordelijke="Wijkagent",
            deadline=(today() - timedelta(days=3)).isoformat()), f"/beraden/{first}/beklinken")
    ok(post(app_client, f"/beraden/{first}/ondertekening", csrf), f"/beraden/{first}/beklinken")
    second = plan(app_client, csrf, "Tweede beraad")
    page = app_client.get(f"/beraden/{second}/binden").text
    section = html_text(page[page.index('id="vorig-beraad"'):])
    assert "Eerste beraad" in section and "Extra surveillance in de Oude Haven" in section
    assert "0 van 1 afgerond, 1 verlopen" in section and "Verlopen" in section

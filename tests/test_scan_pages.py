"""The resilience scan pages through the TestClient, on SQLite and PostgreSQL: opening a round with
every error beside its field, the questionnaire (themes as fieldsets, radio buttons, what was
entered kept on error), the result with its radar chart (a polygon per round with a point per
shown theme) and tables, the comparison, adopting actions, and who gets no page at all."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from weerbaar.cases.models import CaseAction
from weerbaar.core.catalogue import load_catalogue
from weerbaar.core.config import PACKAGE_DIR
from weerbaar.prevention.scan_models import ScanRound

from .test_case_pages import error_beside, post
from .test_meeting_pages import switch
from .test_meetings import html_text
from .world import World

SCAN = load_catalogue(PACKAGE_DIR / "catalogus").resilience_scan
assert SCAN is not None
STAFF = ("coordinator", "analist", "gemeente_partner")


def open_round(client: TestClient, csrf: str, title: str) -> str:
    r = post(client, "/weerbaarheidsscan", csrf, titel=title, periodeVan="2026-03-01", periodeTot="2026-03-31")
    assert r.status_code == 303, r.text
    match = re.fullmatch(r"/weerbaarheidsscan/([0-9a-f-]{36})\?melding=geopend", r.headers["location"])
    assert match, r.headers["location"]
    return match.group(1)


def answers(per_theme: dict[str, str]) -> dict[str, str]:
    return {f"antwoorden.{s.code}": per_theme.get(t.code, "3") for t in SCAN.themas for s in t.stellingen}


def fill_in(client: TestClient, world: World, rid: str, actor: str, per_theme: dict[str, str]) -> None:
    csrf = switch(client, world, actor)
    r = post(client, f"/weerbaarheidsscan/{rid}/invullen", csrf, **answers(per_theme))
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"/weerbaarheidsscan/{rid}?melding=ingevuld"


def polygons(html: str) -> dict[str, int]:
    """The radar's round polygons: round title → number of points."""
    return {name: len(points.split()) for name, points in re.findall(
        r'<polygon class="wb-radar__ronde" data-ronde="([^"]+)" points="([^"]*)"', html)}


def test_opening_a_round_keeps_what_was_typed(app_client: TestClient, world: World) -> None:
    csrf = switch(app_client, world, "coordinator")
    page = app_client.get("/weerbaarheidsscan")
    assert page.status_code == 200 and "Nieuwe ronde openen" in page.text and "anoniem" in page.text
    r = post(app_client, "/weerbaarheidsscan", csrf, titel="", periodeVan="1 maart", periodeTot="2026-02-01")
    assert r.status_code == 422
    assert "Geef de ronde een titel" in error_beside(r.text, "f-titel")
    assert "JJJJ-MM-DD" in error_beside(r.text, "f-periodeVan")
    assert 'value="1 maart"' in r.text and 'value="2026-02-01"' in r.text
    with world.runtime.db.session() as s:
        assert s.scalars(sa.select(ScanRound)).first() is None
    rid = open_round(app_client, csrf, "Scan voorjaar 2026")
    r = post(app_client, "/weerbaarheidsscan", csrf, titel="Nog een", periodeVan="2026-03-01",
             periodeTot="2026-03-31")
    assert r.status_code == 409 and "Er loopt al een ronde" in r.text
    listing = app_client.get("/weerbaarheidsscan").text
    assert f'href="/weerbaarheidsscan/{rid}"' in listing and "Invullen" in listing
    # The analyst takes part but does not open rounds.
    csrf = switch(app_client, world, "analist")
    assert "Nieuwe ronde openen" not in app_client.get("/weerbaarheidsscan").text
    r = post(app_client, "/weerbaarheidsscan", csrf, titel="Eigen ronde", periodeVan="2026-03-01",
             periodeTot="2026-03-31")
    assert r.status_code == 403


def test_the_questionnaire_keeps_answers_on_error(app_client: TestClient, world: World) -> None:
    rid = open_round(app_client, switch(app_client, world, "coordinator"), "Scan voorjaar 2026")
    csrf = switch(app_client, world, "analist")
    form = app_client.get(f"/weerbaarheidsscan/{rid}/invullen")
    assert form.status_code == 200
    assert form.text.count('class="utrecht-form-fieldset wb-fieldset wb-scan-theme"') == len(SCAN.themas)
    first = SCAN.themas[0].stellingen[0].code
    assert form.text.count(f'name="antwoorden.{first}"') == 6  # five levels and "weet ik niet"
    given = answers({})
    missing = SCAN.themas[-1].stellingen[-1].code
    del given[f"antwoorden.{missing}"]
    given[f"antwoorden.{first}"] = "weet_niet"
    r = post(app_client, f"/weerbaarheidsscan/{rid}/invullen", csrf, **given)
    assert r.status_code == 422
    assert "Kies een niveau van 1 tot en met 5" in error_beside(r.text, f"f-antwoorden-{missing.replace('_', '-')}")
    assert re.search(rf'name="antwoorden.{first}" value="weet_niet" checked', r.text)  # kept
    with world.runtime.db.session() as s:
        assert s.scalar(sa.text("SELECT count(*) FROM scan_answers")) == 0
    given[f"antwoorden.{missing}"] = "5"
    r = post(app_client, f"/weerbaarheidsscan/{rid}/invullen", csrf, **given)
    assert r.status_code == 303
    # Revising: the form shows the respondent's own answers, and only to them.
    again = app_client.get(f"/weerbaarheidsscan/{rid}/invullen").text
    assert re.search(rf'name="antwoorden.{missing}" value="5" checked', again)
    page = app_client.get(f"/weerbaarheidsscan/{rid}?melding=ingevuld").text
    assert "Uw antwoorden zijn opgeslagen" in page and "Antwoorden herzien" in page
    assert "De uitslag verschijnt als de ronde is gesloten" in page and "wb-radar" not in page
    switch(app_client, world, "coordinator")
    other = app_client.get(f"/weerbaarheidsscan/{rid}/invullen").text
    assert not re.search(rf'name="antwoorden.{missing}" value="5" checked', other)


def test_result_radar_comparison_and_adoption(app_client: TestClient, world: World) -> None:
    csrf = switch(app_client, world, "coordinator")
    first = open_round(app_client, csrf, "Scan 2026")
    for actor in STAFF:
        fill_in(app_client, world, first, actor, {"bewustzijn": "2", "bestuurlijke_instrumenten": "4"})
    csrf = switch(app_client, world, "coordinator")
    r = post(app_client, f"/weerbaarheidsscan/{first}/sluiten", csrf)
    assert r.status_code == 303
    page = app_client.get(r.headers["location"]).text
    assert "De ronde is gesloten" in page
    assert polygons(page) == {"Scan 2026": len(SCAN.themas)}
    text = html_text(page)
    assert "Per thema, zwakste eerst" in text
    rows = re.findall(r'<tr class="utrecht-table__row" data-thema="(\w+)">', page)
    assert rows[0] == "bewustzijn" and rows[-1] == "bestuurlijke_instrumenten"
    for name in (world[a].user.name for a in STAFF):
        assert name in text  # who answered (the manager's list) ...
    assert "alleen wie de scan heeft ingevuld, niet wat" in text.lower()

    second = open_round(app_client, csrf, "Scan 2027")
    fill_in(app_client, world, second, "coordinator", {"bewustzijn": "4", "samenwerking": "weet_niet"})
    fill_in(app_client, world, second, "analist", {"bewustzijn": "4", "samenwerking": "weet_niet"})
    fill_in(app_client, world, second, "gemeente_partner", {"bewustzijn": "4"})
    csrf = switch(app_client, world, "analist")
    page = app_client.get(f"/weerbaarheidsscan/{second}").text
    assert "Ronde sluiten" not in page and "Wie heeft ingevuld" not in page  # not the manager
    csrf = switch(app_client, world, "coordinator")
    assert post(app_client, f"/weerbaarheidsscan/{second}/sluiten", csrf).status_code == 303
    page = app_client.get(f"/weerbaarheidsscan/{second}").text
    # Cooperation had one respondent this round: no point for it; the earlier round keeps all six.
    assert polygons(page) == {"Scan 2027": len(SCAN.themas) - 1, "Scan 2026": len(SCAN.themas)}
    text = html_text(page)
    assert "Niet getoond: minder dan 3 respondenten" in text
    assert re.search(r'data-thema="bewustzijn">.*?4\.0.*?2\.0.*?\+2\.0', page, re.S)  # now, before, difference
    alone = app_client.get(f"/weerbaarheidsscan/{first}", params={"vergelijkMet": ""}).text
    assert set(polygons(alone)) == {"Scan 2026"}
    bad = app_client.get(f"/weerbaarheidsscan/{first}", params={"vergelijkMet": first})
    assert bad.status_code == 200 and "Kies een andere, gesloten ronde" in bad.text

    # The first round's plan: awareness scored 2, under the threshold of 3.
    page = app_client.get(f"/weerbaarheidsscan/{first}").text
    assert 'id="plan-bewustzijn_meldroute"' in page and 'id="plan-instrumenten_13b_beleid"' not in page
    r = post(app_client, f"/weerbaarheidsscan/{first}/acties", csrf, kies="bewustzijn_meldroute",
             **{"verantwoordelijke.bewustzijn_meldroute": "", "deadline.bewustzijn_meldroute": "morgen",
                "organisatie.bewustzijn_meldroute": world.orgs["gemeente"].id})
    assert r.status_code == 422
    assert "JJJJ-MM-DD" in error_beside(r.text, "f-deadline-bewustzijn-meldroute")
    assert 'value="morgen"' in r.text
    with world.runtime.db.session() as s:
        assert s.scalars(sa.select(CaseAction)).first() is None
    form: dict[str, Any] = {"kies": ["bewustzijn_meldroute", "bewustzijn_training_organiseren"],
                            "verantwoordelijke.bewustzijn_meldroute": "Communicatieadviseur",
                            "deadline.bewustzijn_meldroute": "2027-01-31",
                            "organisatie.bewustzijn_meldroute": world.orgs["gemeente"].id,
                            "verantwoordelijke.bewustzijn_training_organiseren": "Coördinator ondermijning",
                            "deadline.bewustzijn_training_organiseren": "2027-03-01",
                            "organisatie.bewustzijn_training_organiseren": world.orgs["gemeente"].id}
    r = app_client.post(f"/weerbaarheidsscan/{first}/acties", data={"csrf": csrf, **form}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = app_client.get(r.headers["location"]).text
    assert "Overgenomen" in page and "vastgelegd als acties" in page
    actions = app_client.get("/acties").text
    assert "Maak de interne meldroute voor signalen van ondermijning bekend" in actions
    assert "Communicatieadviseur" in actions


def test_who_gets_no_page(app_client: TestClient, world: World) -> None:
    rid = open_round(app_client, switch(app_client, world, "coordinator"), "Scan voorjaar 2026")
    for actor in ("woco", "politie", "privacy"):
        switch(app_client, world, actor)
        for path in ("/weerbaarheidsscan", f"/weerbaarheidsscan/{rid}", f"/weerbaarheidsscan/{rid}/invullen"):
            assert app_client.get(path).status_code == 403, (actor, path)
    switch(app_client, world, "buur_coordinator")
    assert "Scan voorjaar 2026" not in app_client.get("/weerbaarheidsscan").text
    assert app_client.get(f"/weerbaarheidsscan/{rid}").status_code == 404
    assert app_client.get("/weerbaarheidsscan/geen-id").status_code == 404

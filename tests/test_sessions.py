"""The five-B session (beraad): the API contract, every phase, commitments as actions of the right
partners, visibility (404 for who is not at the table), the agreement PDF and the next session
opening with the previous one's commitments. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from weerbaar.access.models import AccessLogEntry
from weerbaar.access.principal import Principal
from weerbaar.core.clock import today
from weerbaar.core.runtime import Runtime
from weerbaar.prevention import sessions
from weerbaar.prevention.sessions_models import SessionVote

from .test_meetings import pdf_text
from .world import World

API = "/api/v1/beraden"


def post(client: TestClient, world: World, actor: str, path: str, body: dict[str, Any] | None = None,
         status: int = 201) -> dict[str, Any]:
    r = client.post(f"{API}{path}", headers=world[actor].headers, json=body if body is not None else {})
    assert r.status_code == status, r.text
    return r.json()  # type: ignore[no-any-return]


def new_session(client: TestClient, world: World, title: str = "Beraad hennep Centrum", days: int = 0) -> str:
    body = post(client, world, "coordinator", "", {"titel": title,
                                                    "datum": (today() + timedelta(days=days)).isoformat()})
    return str(body["id"])


def seat(client: TestClient, world: World, sid: str) -> dict[str, str]:
    """Three at the table: the municipality (chair), the housing corporation and the police."""
    ids = {}
    for key, name, role in [("gemeente", "Anna de Voorzitter", "voorzitter"), ("woco", "Bram Huurzaken", "deelnemer"),
                            ("politie", "Carla Wijkagent", "deelnemer")]:
        body = post(client, world, "coordinator", f"/{sid}/deelnemers", {
            "naam": name, "organisatie": world.orgs[key].id, "rol": role, "email": f"{key}@voorbeeld.nl",
            "telefoon": "030 123 45 67"})
        ids[key] = next(p["id"] for p in body["deelnemers"] if p["naam"] == name)
    return ids


def commit(client: TestClient, world: World, sid: str, org: str, text_: str, days: int = 30) -> str:
    body = post(client, world, "coordinator", f"/{sid}/afspraken", {
        "omschrijving": text_, "organisatie": world.orgs[org].id, "verantwoordelijke": f"Contact {org}",
        "deadline": (today() + timedelta(days=days)).isoformat()})
    return str(body["id"])


def test_plan_a_session_with_five_open_phases_and_every_error_at_once(app_client: TestClient, world: World) -> None:
    r = app_client.post(API, headers=world["coordinator"].headers, json={"titel": "x", "datum": None})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert {p["name"] for p in r.json()["invalidParams"]} == {"titel", "datum"}
    sid = new_session(app_client, world)
    body = app_client.get(f"{API}/{sid}", headers=world["coordinator"].headers).json()
    assert [(f["code"], f["status"]) for f in body["fasen"]] == [
        ("binden", "open"), ("boeien", "open"), ("bekwamen", "open"), ("bepalen", "open"), ("beklinken", "open")]
    assert body["vorigBeraad"] is None and body["huidigeFase"] == "binden"
    listed = app_client.get(API, headers=world["coordinator"].headers).json()
    assert [i["id"] for i in listed["items"]] == [sid]
    # Partners plan nothing; an analyst takes part but does not manage.
    assert app_client.post(API, headers=world["woco"].headers, json={"titel": "Beraad", "datum": "2026-12-01"}
                           ).status_code == 403
    assert app_client.post(API, headers=world["analist"].headers, json={"titel": "Beraad", "datum": "2026-12-01"}
                           ).status_code == 403


def test_binden_participants_and_legal_bases(app_client: TestClient, world: World) -> None:
    sid = new_session(app_client, world)
    r = app_client.post(f"{API}/{sid}/deelnemers", headers=world["coordinator"].headers, json={
        "naam": "", "organisatie": "onbekend", "rol": "baas", "email": "geen-adres", "telefoon": "abc"})
    assert r.status_code == 422
    assert {p["name"] for p in r.json()["invalidParams"]} == {"naam", "organisatie", "rol", "email", "telefoon"}
    seat(app_client, world, sid)
    r = app_client.put(f"{API}/{sid}/grondslagen", headers=world["coordinator"].headers, json={
        "organisatie": world.orgs["woco"].id, "grondslag": "wpg_art_20"})
    assert r.status_code == 422 and r.json()["invalidParams"][0]["code"] == "past_niet"
    r = app_client.put(f"{API}/{sid}/grondslagen", headers=world["coordinator"].headers, json={
        "organisatie": world.orgs["netbeheer"].id, "grondslag": "wgs"})
    assert r.status_code == 422 and r.json()["invalidParams"][0]["code"] == "geen_deelnemer"
    for org, basis in [("woco", "woningwet_hennepconvenant"), ("politie", "wpg_art_20")]:
        r = app_client.put(f"{API}/{sid}/grondslagen", headers=world["coordinator"].headers,
                           json={"organisatie": world.orgs[org].id, "grondslag": basis})
        assert r.status_code == 200, r.text
    r = app_client.put(f"{API}/{sid}/fasen/binden", headers=world["coordinator"].headers,
                       json={"status": "afgerond", "toelichting": "Wat aan tafel gezegd wordt, blijft aan tafel."})
    body = r.json()
    assert [(p["naam"], p["organisatie"]["naam"], p["rol"]) for p in body["deelnemers"]] == [
        ("Anna de Voorzitter", "Gemeente Lindeveen", "voorzitter"),
        ("Bram Huurzaken", "Woonstichting Thuisvast", "deelnemer"),
        ("Carla Wijkagent", "Politie Basisteam Lindeveen", "deelnemer")]
    assert {g["grondslag"] for g in body["grondslagen"]} == {"woningwet_hennepconvenant", "wpg_art_20"}
    assert body["fasen"][0]["status"] == "afgerond" and body["fasen"][0]["toelichting"].startswith("Wat aan tafel")
    assert body["huidigeFase"] == "boeien"
    # Beklinken is closed by signing, not by a phase update; an unknown phase is a 404.
    r = app_client.put(f"{API}/{sid}/fasen/beklinken", headers=world["coordinator"].headers,
                       json={"status": "afgerond"})
    assert r.status_code == 422
    assert app_client.put(f"{API}/{sid}/fasen/bedenken", headers=world["coordinator"].headers,
                          json={"status": "bezig"}).status_code == 404


def test_boeien_stores_a_suppressed_snapshot_of_the_picture(app_client: TestClient, world: World) -> None:
    from .world import signal_body

    for _ in range(2):
        assert app_client.post("/api/v1/signalen", headers=world["coordinator"].headers,
                               json=signal_body(waargenomenOp=(today() - timedelta(days=10)).isoformat())
                               ).status_code == 201
    sid = new_session(app_client, world)
    body = post(app_client, world, "coordinator", f"/{sid}/beeld")
    picture = body["beeld"]
    hennep = next(f for f in picture["fenomenen"] if f["code"] == "hennepteelt")
    assert hennep["signalen"] == "<5"  # two signals: suppressed at a table with partners, even for an analyst role
    assert [w["code"] for w in picture["wijken"]] == ["WK999001"]
    assert body["fasen"][1]["status"] == "bezig"
    # A partner cannot take the picture (nor any other managing step).
    assert app_client.post(f"{API}/{sid}/beeld", headers=world["woco"].headers).status_code == 404


def test_bekwamen_links_a_training_round(app_client: TestClient, world: World) -> None:
    sid = new_session(app_client, world)
    body = post(app_client, world, "coordinator", f"/{sid}/training", {"titel": "Oefenen met hennepsignalen"})
    assert body["trainingsronde"]["titel"] == "Oefenen met hennepsignalen"
    assert body["trainingsronde"]["deelnemers"] == 0 and body["fasen"][2]["status"] == "bezig"
    r = app_client.get(f"/api/v1/trainingen/{body['trainingsronde']['id']}", headers=world["coordinator"].headers)
    assert r.status_code == 200, r.text


def test_bepalen_votes_tally_with_ties_explained_and_chosen_priorities(app_client: TestClient, world: World,
                                                                     ) -> None:
    sid = new_session(app_client, world)
    who = seat(app_client, world, sid)
    r = app_client.post(f"{API}/{sid}/stemmen", headers=world["coordinator"].headers, json={
        "deelnemer": who["gemeente"], "fenomenen": ["hennepteelt", "hennepteelt", "onzin", "x", "y"],
        "strategieen": ["vliegen"]})
    assert r.status_code == 422
    assert {p["name"] for p in r.json()["invalidParams"]} >= {"fenomenen", "fenomenen[2]", "strategieen[0]"}
    post(app_client, world, "coordinator", f"/{sid}/stemmen", {
        "deelnemer": who["gemeente"], "fenomenen": ["hennepteelt", "woonfraude"], "strategieen": ["sluiting_13b"]})
    # The police's own officer casts the police's vote; not the housing corporation's.
    assert app_client.post(f"{API}/{sid}/stemmen", headers=world["politie"].headers, json={
        "deelnemer": who["woco"], "fenomenen": ["woonfraude"]}).status_code == 403
    post(app_client, world, "politie", f"/{sid}/stemmen", {
        "deelnemer": who["politie"], "fenomenen": ["woonfraude", "hennepteelt"], "strategieen": ["sluiting_13b"]})
    # A first ballot of the corporation, then a second that replaces it.
    post(app_client, world, "coordinator", f"/{sid}/stemmen", {"deelnemer": who["woco"], "fenomenen": ["horeca"]})
    body = post(app_client, world, "coordinator", f"/{sid}/stemmen", {
        "deelnemer": who["woco"], "fenomenen": ["synthetische_drugs"], "strategieen": ["huurontbinding_hennep"]})
    tally = body["telling"]
    assert tally["stemmen"] == 3
    points = {r["code"]: r["punten"] for r in tally["fenomenen"]}
    assert points == {"hennepteelt": 5, "woonfraude": 5, "synthetische_drugs": 3}
    assert "horeca" not in points  # the replaced ballot no longer counts
    assert len(tally["gelijkeStanden"]) == 1 and "5 punten" in tally["gelijkeStanden"][0]
    assert {r["code"]: r["stemmen"] for r in tally["strategieen"]} == {"sluiting_13b": 2, "huurontbinding_hennep": 1}
    r = app_client.post(f"{API}/{sid}/prioriteiten", headers=world["coordinator"].headers,
                        json={"soort": "fenomeen", "code": "onbekend"})
    assert {p["name"] for p in r.json()["invalidParams"]} == {"code", "toelichting"}
    body = post(app_client, world, "coordinator", f"/{sid}/prioriteiten", {
        "soort": "fenomeen", "code": "hennepteelt", "toelichting": "Gelijk met woonfraude; meer signalen in Centrum."})
    assert [(p["code"], p["naam"]) for p in body["prioriteiten"]] == [("hennepteelt", "Hennepteelt")]
    assert body["fasen"][3]["status"] == "bezig"
    # Ballots are history: the database refuses to edit them.
    with pytest.raises(DBAPIError), world.runtime.db.transaction() as s:
        s.execute(text("UPDATE session_votes SET code = 'x'"))
    with world.runtime.db.session() as s:
        assert len(list(s.scalars(select(SessionVote)))) == 9  # the replaced ballot stays, as history


def test_beklinken_commitments_are_actions_of_the_right_partners(app_client: TestClient, world: World) -> None:
    sid = new_session(app_client, world)
    seat(app_client, world, sid)
    r = app_client.post(f"{API}/{sid}/afspraken", headers=world["coordinator"].headers, json={
        "omschrijving": "", "organisatie": world.orgs["netbeheer"].id, "deadline": None})
    assert r.status_code == 422
    assert {p["name"] for p in r.json()["invalidParams"]} == {"omschrijving", "organisatie", "verantwoordelijke",
                                                              "deadline"}
    woco = commit(app_client, world, sid, "woco", "Huurders voorlichten over hennepsignalen")
    police = commit(app_client, world, sid, "politie", "Extra surveillance in de Oude Haven")

    def actions(actor: str) -> set[str]:
        r = app_client.get("/api/v1/acties", headers=world[actor].headers)
        assert r.status_code == 200
        return {a["id"] for a in r.json()["items"]}

    assert {woco, police} <= actions("coordinator")
    assert woco in actions("woco") and police not in actions("woco")
    assert police in actions("politie") and woco not in actions("politie")
    assert not {woco, police} & actions("netbeheer")
    body = app_client.get(f"{API}/{sid}", headers=world["coordinator"].headers).json()
    assert {(a["organisatie"]["naam"], a["verantwoordelijke"]) for a in body["afspraken"]} == {
        ("Woonstichting Thuisvast", "Contact woco"), ("Politie Basisteam Lindeveen", "Contact politie")}
    assert body["fasen"][4]["status"] == "bezig"

    signed = post(app_client, world, "coordinator", f"/{sid}/ondertekening")
    assert signed["ondertekendDoor"] == "Coordinator Tester" and signed["fasen"][4]["status"] == "afgerond"
    # Signed: read-only.
    assert app_client.post(f"{API}/{sid}/afspraken", headers=world["coordinator"].headers, json={
        "omschrijving": "Nog iets doen", "organisatie": world.orgs["woco"].id, "verantwoordelijke": "X",
        "deadline": today().isoformat()}).status_code == 409


def test_signing_needs_participants_and_a_commitment(app_client: TestClient, world: World) -> None:
    sid = new_session(app_client, world)
    r = app_client.post(f"{API}/{sid}/ondertekening", headers=world["coordinator"].headers)
    assert r.status_code == 422 and {p["name"] for p in r.json()["invalidParams"]} == {"deelnemers", "afspraken"}


def test_only_the_table_sees_a_session(app_client: TestClient, world: World) -> None:
    sid = new_session(app_client, world)
    seat(app_client, world, sid)
    commit(app_client, world, sid, "woco", "Huurders voorlichten over hennepsignalen")
    for actor in ("woco", "woco2", "politie", "analist", "gemeente_partner"):
        r = app_client.get(f"{API}/{sid}", headers=world[actor].headers)
        assert r.status_code == 200, (actor, r.text)
    for actor in ("netbeheer", "buur_coordinator", "privacy"):
        assert app_client.get(f"{API}/{sid}", headers=world[actor].headers).status_code == 404, actor
        assert app_client.get(f"{API}/{sid}/overeenkomst", headers=world[actor].headers).status_code == 404
        listed = app_client.get(API, headers=world[actor].headers)
        assert listed.status_code in (200, 403) and sid not in str(listed.json())
    # A partner at the table reads, but does not manage.
    r = app_client.post(f"{API}/{sid}/deelnemers", headers=world["woco"].headers, json={
        "naam": "Iemand", "organisatie": world.orgs["woco"].id, "rol": "deelnemer"})
    assert r.status_code == 403
    # A partner sees another partner's commitment with the official pseudonymised.
    body = app_client.get(f"{API}/{sid}", headers=world["politie"].headers).json()
    assert body["afspraken"] == []  # the police sees actions of its own organisation only
    assert app_client.get(f"{API}/niet-een-id", headers=world["coordinator"].headers).status_code == 404
    with world.runtime.db.session() as s:
        purposes = set(s.scalars(select(AccessLogEntry.purpose).where(AccessLogEntry.object_id == sid)))
    assert {"beraad plannen", "deelnemer toevoegen", "afspraak vastleggen", "beraad inzien"} <= purposes


def test_the_agreement_pdf_holds_the_commitments(app_client: TestClient, world: World) -> None:
    sid = new_session(app_client, world, "Beraad woonoverlast")
    seat(app_client, world, sid)
    app_client.put(f"{API}/{sid}/grondslagen", headers=world["coordinator"].headers,
                   json={"organisatie": world.orgs["woco"].id, "grondslag": "woningwet_hennepconvenant"})
    commit(app_client, world, sid, "woco", "Huurders voorlichten over hennepsignalen")
    post(app_client, world, "coordinator", f"/{sid}/ondertekening")
    r = app_client.get(f"{API}/{sid}/overeenkomst", headers=world["coordinator"].headers)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    flat = pdf_text(r.content)
    for expected in ("Convenant: Beraad woonoverlast", "Huurders voorlichten over hennepsignalen", "Contact woco",
                     "Woonstichting Thuisvast", "Bram Huurzaken", "Ondertekend door Coordinator Tester",
                     "Ondertekening", "Namens Politie Basisteam Lindeveen"):
        assert expected in flat, expected


def test_the_next_session_opens_with_the_previous_commitments(app_client: TestClient, world: World) -> None:
    first = new_session(app_client, world, "Eerste beraad", days=-60)
    seat(app_client, world, first)
    done = commit(app_client, world, first, "woco", "Huurders voorlichten over hennepsignalen", days=-30)
    late = commit(app_client, world, first, "politie", "Extra surveillance in de Oude Haven", days=-5)
    post(app_client, world, "coordinator", f"/{first}/ondertekening")
    r = app_client.post(f"/api/v1/acties/{done}/voortgang", headers=world["woco"].headers,
                        json={"status": "gereed", "toelichting": "Twee avonden gehouden."})
    assert r.status_code in (200, 201), r.text

    second = new_session(app_client, world, "Tweede beraad")
    body = app_client.get(f"{API}/{second}", headers=world["coordinator"].headers).json()
    assert body["vorigBeraad"]["id"] == first
    status = {a["id"]: (a["status"], a["verlopen"]) for a in body["vorigBeraad"]["afspraken"]}
    assert status == {done: ("gereed", False), late: ("open", True)}
    with world.runtime.db.session() as s:
        view = sessions.session_view(s, world["coordinator"].principal, world.runtime.catalogue, second, log=False)
        assert view.previous is not None and view.previous.title == "Eerste beraad"


def test_the_demo_seeds_an_earlier_session_that_opens_the_next(runtime: Runtime) -> None:
    from weerbaar.core.models import User
    from weerbaar.demo import build_demo

    build_demo(runtime, seed=2026, partner_extracts=False)
    with runtime.db.transaction() as s:
        user = s.scalars(select(User).where(User.email == "coordinator@lindeveen.demo")).one()
        coordinator = Principal.of(user, runtime.catalogue, channel="cli")
        [earlier] = sessions.list_sessions(s, coordinator, runtime.catalogue)
        assert earlier.session.signed_off_at is not None and earlier.done == 5 and earlier.participants == 4
        new = sessions.create_session(s, coordinator, "Volgend beraad", today())
        view = sessions.session_view(s, coordinator, runtime.catalogue, new.id)
        assert view.previous is not None and view.previous.id == earlier.session.id
        states = sorted((a.status, a.overdue) for a in view.previous_commitments)
        assert states == [("gereed", False), ("gereed", False), ("open", False), ("open", True)]
        assert view.previous.picture is not None and view.previous.picture["wijken"]

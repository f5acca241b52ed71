"""The lifecycle of a signal (catalogus/signaalverloop.yaml) through the API: intake check,
weighing with an outcome, closing and reopening; every refusal in Dutch, every step appended.
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from weerbaar.access.models import AccessLogEntry
from weerbaar.intake.models import SignalStatus

from .world import World, signal_body

API = "/api/v1"
YES = {"ondermijning": True, "gemeentelijkeTaak": True, "grondgebied": True}
WEIGHING = {"ernst": 3, "concreetheid": 2, "relevantie": 3}


@pytest.fixture
def signal_id(app_client: TestClient, world: World) -> str:
    r = app_client.post(f"{API}/signalen", headers=world["woco"].headers, json=signal_body())
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def step(client: TestClient, world: World, signal: str, actor: str = "coordinator", **body: Any):  # type: ignore[no-untyped-def]
    return client.post(f"{API}/signalen/{signal}/statussen", headers=world[actor].headers, json=body)


def history(client: TestClient, world: World, signal: str) -> list[dict[str, Any]]:
    r = client.get(f"{API}/signalen/{signal}", headers=world["coordinator"].headers)
    assert r.status_code == 200, r.text
    return r.json()["statusgeschiedenis"]  # type: ignore[no-any-return]


def test_a_signal_goes_through_intake_weighing_closing_and_reopening(
        app_client: TestClient, world: World, signal_id: str) -> None:
    r = step(app_client, world, signal_id, overgang="intake_positief", intaketoets=YES, reden="Past bij hennep")
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "in_behandeling"
    assert r.json()["mogelijkeOvergangen"] == ["wegen"]
    r = step(app_client, world, signal_id, overgang="wegen", reden="Concreet, past bij de prioriteit",
             weging={**WEIGHING, "uitkomst": "doorzetten_riec"})
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "doorgezet"
    assert step(app_client, world, signal_id, overgang="afsluiten", reden="RIEC heeft het").json()["status"] \
        == "afgesloten"
    assert step(app_client, world, signal_id, overgang="heropenen", reden="Nieuwe melding").json()["status"] \
        == "in_behandeling"
    steps = history(app_client, world, signal_id)
    assert [h["status"] for h in steps] == ["nieuw", "in_behandeling", "doorgezet", "afgesloten", "in_behandeling"]
    assert [h["overgang"] for h in steps] == [None, "intake_positief", "wegen", "afsluiten", "heropenen"]
    assert steps[1]["gegevens"] == {"intaketoets": YES}
    assert steps[2]["gegevens"] == {"weging": {**WEIGHING, "uitkomst": "doorzetten_riec"}}
    assert steps[2]["toelichting"] == "Concreet, past bij de prioriteit"
    assert all(h["door"] for h in steps[1:])


@pytest.mark.parametrize(("outcome", "status"), [
    ("geen_actie", "afgesloten"), ("intern_beleggen", "intern_belegd"), ("verder_onderzoeken", "in_vooronderzoek")])
def test_each_outcome_of_the_weighing_leads_to_its_status(
        app_client: TestClient, world: World, signal_id: str, outcome: str, status: str) -> None:
    step(app_client, world, signal_id, overgang="intake_positief", intaketoets=YES, reden="ok")
    r = step(app_client, world, signal_id, overgang="wegen", reden="gewogen", weging={**WEIGHING, "uitkomst": outcome})
    assert (r.status_code, r.json()["status"]) == (201, status)


def test_a_negative_intake_closes_and_must_say_so(app_client: TestClient, world: World, signal_id: str) -> None:
    no = {**YES, "grondgebied": False}
    r = step(app_client, world, signal_id, overgang="intake_positief", intaketoets=no, reden="buiten de gemeente")
    assert r.status_code == 422
    assert [(p["name"], p["reason"]) for p in r.json()["invalidParams"]] == [
        ("intaketoets", "Minstens een vraag is met nee beantwoord; kies 'Intaketoets vastleggen (geen zaak voor de "
                        "aanpak)'.")]
    r = step(app_client, world, signal_id, overgang="intake_negatief", intaketoets=no, reden="buiten de gemeente")
    assert (r.status_code, r.json()["status"]) == (201, "afgesloten")


def test_every_missing_field_is_named_at_once(app_client: TestClient, world: World, signal_id: str) -> None:
    step(app_client, world, signal_id, overgang="intake_positief", intaketoets=YES, reden="ok")
    r = step(app_client, world, signal_id, overgang="wegen", reden=" ", weging={"ernst": 9, "kleur": 2})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    names = {p["name"] for p in r.json()["invalidParams"]}
    assert names == {"reden", "weging.ernst", "weging.concreetheid", "weging.relevantie", "weging.kleur",
                     "weging.uitkomst"}
    assert all(p["reason"] for p in r.json()["invalidParams"])
    r = step(app_client, world, signal_id, overgang="toveren")
    assert r.status_code == 422 and r.json()["invalidParams"][0]["name"] == "overgang"
    assert [h["status"] for h in history(app_client, world, signal_id)] == ["nieuw", "in_behandeling"]


def test_a_transition_from_another_status_is_a_conflict(app_client: TestClient, world: World, signal_id: str) -> None:
    r = step(app_client, world, signal_id, overgang="wegen", reden="te vroeg",
             weging={**WEIGHING, "uitkomst": "geen_actie"})
    assert r.status_code == 409
    assert "kan alleen vanuit 'In behandeling'" in r.json()["detail"]
    assert "Mogelijk nu:" in r.json()["detail"]
    assert [h["status"] for h in history(app_client, world, signal_id)] == ["nieuw"]


def test_who_may_move_a_signal(app_client: TestClient, world: World, signal_id: str) -> None:
    # The reporting partner sees its signal but is not the intake team.
    r = step(app_client, world, signal_id, actor="woco", overgang="intake_positief", intaketoets=YES, reden="ok")
    assert r.status_code == 403
    # Another municipality's coordinator does not see it at all.
    r = step(app_client, world, signal_id, actor="buur_coordinator", overgang="intake_positief", intaketoets=YES,
             reden="ok")
    assert r.status_code == 404
    r = step(app_client, world, signal_id, actor="analist", overgang="intake_positief", intaketoets=YES, reden="ok")
    assert r.status_code == 201


def test_each_step_is_logged_and_the_history_stays_append_only(
        app_client: TestClient, world: World, signal_id: str) -> None:
    step(app_client, world, signal_id, overgang="intake_positief", intaketoets=YES, reden="ok")
    with world.runtime.db.session() as s:
        entry = s.scalars(sa.select(AccessLogEntry).where(AccessLogEntry.object_id == signal_id,
                                                          AccessLogEntry.action == "beoordelen")).one()
        assert entry.details["overgang"] == "intake_positief" and entry.details["naar"] == "in_behandeling"
    with pytest.raises(sa.exc.DBAPIError), world.runtime.db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE signal_status_history SET details = NULL"))
    with world.runtime.db.session() as s:
        rows = s.scalars(sa.select(SignalStatus).where(SignalStatus.signal_id == signal_id)).all()
        assert rows[-1].details == {"intaketoets": YES}


def test_the_flow_is_published(app_client: TestClient, world: World) -> None:
    r = app_client.get(f"{API}/signaalverloop", headers=world["woco"].headers)
    assert r.status_code == 200
    body = r.json()
    assert body["statussen"][0]["code"] == "nieuw"
    wegen = next(t for t in body["overgangen"] if t["code"] == "wegen")
    assert set(wegen["naarPerUitkomst"]) == set(body["weging"]["uitkomsten"]) == {
        "geen_actie", "intern_beleggen", "doorzetten_riec", "verder_onderzoeken"}
    assert set(body["weging"]["schalen"]) == {"ernst", "concreetheid", "relevantie"}


# --- the same steps on the signal page (plain forms, no JavaScript) ---------------------------

def test_the_intake_team_takes_the_steps_on_the_signal_page(
        app_client: TestClient, world: World, signal_id: str) -> None:
    from .test_web import login_as

    csrf = login_as(app_client, world["coordinator"])
    page = app_client.get(f"/signalen/{signal_id}").text
    assert "Volgende stap" in page and "Intaketoets vastleggen" in page and "Weging vastleggen" not in page
    # One answer missing and no reason: both named beside their fields, nothing stored.
    r = app_client.post(f"/signalen/{signal_id}/status", data={
        "csrf": csrf, "overgang": "intaketoets", "intaketoets.ondermijning": "ja",
        "intaketoets.gemeentelijkeTaak": "ja"})
    assert r.status_code == 422
    assert "Beantwoord met ja of nee: Speelt het op ons grondgebied?" in r.text
    assert "Geef de reden van deze stap in eigen woorden." in r.text
    assert [h["status"] for h in history(app_client, world, signal_id)] == ["nieuw"]
    r = app_client.post(f"/signalen/{signal_id}/status", follow_redirects=False, data={
        "csrf": csrf, "overgang": "intaketoets", "intaketoets.ondermijning": "ja",
        "intaketoets.gemeentelijkeTaak": "ja", "intaketoets.grondgebied": "ja", "reden": "Past bij hennep"})
    assert r.status_code == 303
    page = app_client.get(r.headers["location"]).text
    assert "De stap is vastgelegd." in page and "Weging vastleggen" in page and "Intaketoets vastleggen" not in page
    r = app_client.post(f"/signalen/{signal_id}/status", follow_redirects=False, data={
        "csrf": csrf, "overgang": "wegen", "weging.ernst": "3", "weging.concreetheid": "2", "weging.relevantie": "3",
        "weging.uitkomst": "intern_beleggen", "reden": "Voor de afdeling handhaving"})
    assert r.status_code == 303
    assert [h["status"] for h in history(app_client, world, signal_id)] == ["nieuw", "in_behandeling", "intern_belegd"]
    assert "Afsluiten" in app_client.get(f"/signalen/{signal_id}").text


def test_a_no_in_the_intake_form_closes_the_signal(app_client: TestClient, world: World, signal_id: str) -> None:
    from .test_web import login_as

    csrf = login_as(app_client, world["analist"])
    r = app_client.post(f"/signalen/{signal_id}/status", follow_redirects=False, data={
        "csrf": csrf, "overgang": "intaketoets", "intaketoets.ondermijning": "nee",
        "intaketoets.gemeentelijkeTaak": "ja", "intaketoets.grondgebied": "ja", "reden": "Burenruzie"})
    assert r.status_code == 303
    steps = history(app_client, world, signal_id)
    assert (steps[-1]["status"], steps[-1]["overgang"]) == ("afgesloten", "intake_negatief")


def test_a_partner_sees_no_steps_and_may_not_post_them(app_client: TestClient, world: World, signal_id: str) -> None:
    from .test_web import login_as

    csrf = login_as(app_client, world["woco"])
    page = app_client.get(f"/signalen/{signal_id}")
    assert page.status_code == 200 and "Volgende stap" not in page.text
    r = app_client.post(f"/signalen/{signal_id}/status", data={
        "csrf": csrf, "overgang": "afsluiten", "reden": "klaar"})
    assert r.status_code == 403

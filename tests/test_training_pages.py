"""Training pages: practise alone (start, answer, feedback, score), a session with two participants
on their own devices and the projector view (distribution without names), results, access."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from weerbaar.prevention.training_models import TrainingRound

from .test_web import login_as
from .world import World


def post(client: TestClient, url: str, csrf: str, **fields: object):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf": csrf, **fields}, follow_redirects=False)


def stored_questions(world: World, round_id: str) -> list[dict]:  # type: ignore[type-arg]
    with world.runtime.db.transaction() as s:
        return list(s.get_one(TrainingRound, round_id).questions)


def round_id_of(location: str) -> str:
    match = re.fullmatch(r"/training/([0-9a-f-]{36})", location)
    assert match, location
    return match.group(1)


@pytest.fixture
def second_client(app_client: TestClient) -> Iterator[TestClient]:
    with TestClient(app_client.app) as client:
        yield client


@pytest.fixture
def third_client(app_client: TestClient) -> Iterator[TestClient]:
    with TestClient(app_client.app) as client:
        yield client


def test_practice_round_with_feedback_and_score(app_client: TestClient, world: World) -> None:
    csrf = login_as(app_client, world["analist"])
    home = app_client.get("/training")
    assert home.status_code == 200 and "Zelf oefenen" in home.text
    assert "Sessie starten" not in home.text  # an analyst practises, does not lead
    bad = post(app_client, "/training", csrf, modus="oefenen", titel="", aantal="veel", fenomenen="onbekend")
    assert bad.status_code == 422
    assert "Geef een titel" in bad.text and "geheel getal" in bad.text
    r = post(app_client, "/training", csrf, modus="oefenen", titel="Oefenen hennep", aantal="5",
             fenomenen="hennepteelt")
    assert r.status_code == 303
    rid = round_id_of(r.headers["location"])
    questions = stored_questions(world, rid)
    assert len(questions) == 5 and {q["fenomeen"] for q in questions} == {"hennepteelt"}
    page = app_client.get(f"/training/{rid}").text
    assert "Vraag 1 van 5" in page and questions[0]["vraag"].split("?")[0][:30] in page
    for i, q in enumerate(questions):
        chosen = q["juist"] if i < 3 else [next(o["code"] for o in q["opties"] if o["code"] not in q["juist"])]
        r = app_client.post(f"/training/{rid}/antwoord", data={"csrf": csrf, "vraag": str(i), "antwoord": chosen},
                            follow_redirects=False)
        assert r.status_code == 303, r.text
        shown = app_client.get(r.headers["location"]).text
        assert ("Goed!" if i < 3 else "Niet goed.") in shown
        assert "Bron:" in shown
    done = app_client.get(f"/training/{rid}").text
    assert "Klaar." in done and "3 van de 5" in done
    again = app_client.post(f"/training/{rid}/antwoord", data={"csrf": csrf, "vraag": "0",
                                                               "antwoord": questions[0]["juist"]})
    assert again.status_code == 409 and "al beantwoord" in again.text
    results = app_client.get("/training/resultaten").text
    assert "Hennepteelt" in results and "60%" in results


def test_session_with_two_participants_and_the_projector(app_client: TestClient, second_client: TestClient,
                                                         third_client: TestClient, world: World) -> None:
    lead = login_as(app_client, world["coordinator"])
    assert "Sessie starten" in app_client.get("/training").text
    r = post(app_client, "/training", lead, modus="sessie", titel="Bekwamen in het beraad", aantal="2")
    rid = round_id_of(r.headers["location"])
    with world.runtime.db.transaction() as s:
        code = s.get_one(TrainingRound, rid).join_code
    assert code and code in app_client.get(f"/training/{rid}").text
    questions = stored_questions(world, rid)
    q = questions[0]
    wrong = next(o["code"] for o in q["opties"] if o["code"] not in q["juist"])
    for client, actor, chosen in ((second_client, "woco", q["juist"]), (third_client, "politie", [wrong])):
        csrf = login_as(client, world[actor])
        joined = post(client, "/training/deelnemen", csrf, code=code)
        assert joined.headers["location"] == f"/training/{rid}"
        assert "Vraag 1 van 2" in client.get(f"/training/{rid}").text
        r = client.post(f"/training/{rid}/antwoord", data={"csrf": csrf, "vraag": "0", "antwoord": chosen},
                        follow_redirects=False)
        assert r.status_code == 303
        waiting = client.get(f"/training/{rid}").text
        assert "Wacht tot de leider" in waiting and 'hx-trigger="every 4s"' in waiting
    screen = app_client.get(f"/training/{rid}/scherm")
    assert screen.status_code == 200 and "2 antwoorden binnen" in screen.text
    post(app_client, f"/training/{rid}/stap", lead, stap="uitslag", terug="scherm")
    screen = app_client.get(f"/training/{rid}/scherm").text
    assert "Verdeling van de antwoorden" in screen and "(juist)" in screen
    for actor in ("woco", "politie"):
        assert world[actor].user.name not in screen
    counts = re.findall(r'utrecht-table__cell--numeric">(\d+)</td>', screen)
    assert sum(int(c) for c in counts) == len(q["juist"]) + 1  # woco chose every right option, politie one
    assert "2 deelnemers, zonder namen" in screen
    # The facilitator's own page names the participants with their scores; participants see only their own.
    own = app_client.get(f"/training/{rid}").text
    assert world["woco"].user.name in own and world["politie"].user.name in own
    woco_page = second_client.get(f"/training/{rid}").text
    assert world["politie"].user.name not in woco_page and "Goed!" not in woco_page
    assert post(second_client, f"/training/{rid}/stap", "x", stap="volgende").status_code == 403
    assert second_client.get(f"/training/{rid}/scherm").status_code == 403


def test_access_to_the_pages(app_client: TestClient, second_client: TestClient, third_client: TestClient,
                             world: World) -> None:
    csrf = login_as(app_client, world["privacy"])
    assert app_client.get("/training").status_code == 403
    assert app_client.get("/training/resultaten").status_code == 403
    assert post(app_client, "/training", csrf, modus="oefenen", titel="Oefenen").status_code == 403
    partner = login_as(second_client, world["woco"])
    assert post(second_client, "/training", partner, modus="sessie", titel="Sessie").status_code == 403
    r = post(second_client, "/training", partner, modus="oefenen", titel="Oefenen", aantal="5")
    rid = round_id_of(r.headers["location"])
    login_as(third_client, world["woco2"])
    assert third_client.get(f"/training/{rid}").status_code == 404
    assert third_client.get("/training/geen-id").status_code == 404

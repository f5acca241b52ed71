"""Training (Bekwamen): generation from the catalogue, no personal data from cases, scoring,
results per phenomenon weakest first, session mode and access."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from fastapi.testclient import TestClient

from weerbaar.core.catalogue import Catalogue
from weerbaar.core.config import PACKAGE_DIR
from weerbaar.prevention import training

from .case_setup import (
    CHOICE_REASONS,
    SUBJECT_POLITIE,
    SUBJECT_WOCO,
    TEXT_POLITIE,
    TEXT_WOCO,
    decide_closure,
    make_case,
)
from .world import World

API = "/api/v1/trainingen"
FOLDER = PACKAGE_DIR / "catalogus"


# --------------------------------------------------------------------------------------------
# Generation (no database): the catalogue read independently, straight from its YAML files
# --------------------------------------------------------------------------------------------


def _barrier_yaml() -> dict[str, dict[str, Any]]:
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in sorted((FOLDER / "barrieremodellen").glob("*.yaml"))}


def _yaml_knowledge() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, Any]], set[str]]:
    """Signal cards (phenomenon -> indicator code -> text), instruments by code, organisation types."""
    cards = {}
    for path in sorted((FOLDER / "fenomenen").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        cards[data["code"]] = {i["code"]: i["tekst"] for i in data["signaalkaart"]}
    instruments = {i["code"]: i for i in yaml.safe_load(
        (FOLDER / "instrumenten.yaml").read_text(encoding="utf-8"))["instrumenten"]}
    types = {t["code"] for t in yaml.safe_load(
        (FOLDER / "organisatietypen.yaml").read_text(encoding="utf-8"))["organisatietypen"]}
    return cards, instruments, types


def _fits(instrument: dict[str, Any], phenomenon: str) -> bool:
    return not instrument.get("fenomenen") or phenomenon in instrument["fenomenen"]


def check_question(q: dict[str, Any]) -> None:
    """The right answer(s) of one question, derived again from the YAML files."""
    cards, instruments, types = _yaml_knowledge()
    p = q["fenomeen"]
    options = [o["code"] for o in q["opties"]]
    assert len(options) == len(set(options)) >= 3, q
    assert set(q["juist"]) <= set(options) and q["juist"], q
    assert q["meerdere"] == (len(q["juist"]) > 1)
    assert q["uitleg"] and q["bron"]
    if q["soort"] == "fenomeen":
        owners = {ph for text in q["scenario"] for ph, card in cards.items() if text in card.values()}
        assert owners == {p} and q["juist"] == [p], q
        assert all(o in cards for o in options)
        assert all(code in q["uitleg"] for code, text in cards[p].items() if text in q["scenario"])
    elif q["soort"] == "indicatoren":
        assert set(q["juist"]) == {o for o in options if o in cards[p]}, q
        assert all(code in q["uitleg"] for code in q["juist"])
    elif q["soort"] == "partner" and q["bron"].startswith("barrieremodellen/"):
        model_file, _, path = q["bron"].partition(".yaml: ")
        model = _barrier_yaml()[model_file.removeprefix("barrieremodellen/")]
        step_code, barrier_code = path.split("/")
        step = next(st for st in model["stappen"] if st["code"] == step_code)
        barrier = next(b for b in step["barrieres"] if b["code"] == barrier_code)
        assert p in model["fenomenen"] and q["juist"] == [barrier["eigenaar"]], q
        assert set(options) <= types
    elif q["soort"] == "stap":
        model = _barrier_yaml()[q["bron"].removeprefix("barrieremodellen/").removesuffix(".yaml")]
        signal = next(c for card in cards.values() for c, t in card.items() if t == q["scenario"][0])
        assert p in model["fenomenen"]
        assert set(q["juist"]) == {st["code"] for st in model["stappen"] if signal in st["signalen"]}, q
        assert set(options) <= {st["code"] for st in model["stappen"]}
    elif q["soort"] == "partner":
        code = q["bron"].removeprefix("instrumenten.yaml: ")
        inst = instruments[code]
        assert _fits(inst, p)
        assert set(q["juist"]) == {o for o in options if o in inst["eigenaars"]} == set(inst["eigenaars"]), q
        assert set(options) <= types
    elif q["soort"] == "instrument":
        right = {o for o in options if p in (instruments[o].get("fenomenen") or [])}
        if q["casus"]:
            assert all(_fits(instruments[o], p) for o in q["juist"])
            assert not any(_fits(instruments[o], p) for o in options if o not in q["juist"]), q
        else:
            assert set(q["juist"]) == right, q
        assert not any(_fits(instruments[o], p) for o in options if o not in q["juist"]), q
    else:
        raise AssertionError(f"unknown kind {q['soort']}")


def test_generation_is_deterministic_per_seed(catalogue: Catalogue) -> None:
    a = training.generate(catalogue, 1234, 20)
    assert a == training.generate(catalogue, 1234, 20)
    assert len(a) == 20
    assert a != training.generate(catalogue, 1235, 20)
    kinds = {q["soort"] for q in a}
    assert {"fenomeen", "indicatoren", "partner", "instrument", "stap"} <= kinds
    facts = [training.CaseFacts("hennepteelt", ("HT-01", "HT-03"), ("sluiting_13b",))]
    with_cases = training.generate(catalogue, 1234, 20, cases=facts)
    assert with_cases == training.generate(catalogue, 1234, 20, cases=facts)
    assert sum(q["casus"] for q in with_cases) == 1


@pytest.mark.parametrize("seed", range(12))
def test_every_right_answer_follows_from_the_catalogue(catalogue: Catalogue, seed: int) -> None:
    facts = [training.CaseFacts("hennepteelt", ("HT-01", "HT-03"), ("huurontbinding_hennep", "sluiting_13b")),
             training.CaseFacts("woonfraude", ("WF-01", "WF-02", "WF-03"), ())]
    questions = training.generate(catalogue, seed, 30, cases=facts)
    assert len(questions) == 30
    for q in questions:
        check_question(q)


def test_a_phenomenon_filter_keeps_every_question_on_it(catalogue: Catalogue) -> None:
    questions = training.generate(catalogue, 7, 12, ["hennepteelt", "mensenhandel"])
    assert {q["fenomeen"] for q in questions} == {"hennepteelt", "mensenhandel"}


# --------------------------------------------------------------------------------------------
# Through the API
# --------------------------------------------------------------------------------------------


def start(client: TestClient, world: World, actor: str = "analist", **body: Any) -> dict[str, Any]:
    r = client.post(API, headers=world[actor].headers, json={"titel": "Oefenen", **body})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def right_answer(world: World, round_id: str, index: int) -> list[str]:
    """The stored right answer, read from the round itself (the API hides it until answered)."""
    with world.runtime.db.transaction() as s:
        rnd = s.get_one(training.TrainingRound, round_id)
        return list(rnd.questions[index]["juist"])


def wrong_answer(body: dict[str, Any], right: list[str], index: int) -> list[str]:
    return [next(o["code"] for o in body["vragen"][index]["opties"] if o["code"] not in right)]


def test_no_personal_data_from_cases_reaches_a_question(app_client: TestClient, world: World) -> None:
    setup = make_case(app_client, world, title="Hennepzolder Zwaluwstraat Quirijnhof")
    decide_closure(world, setup.case.id)
    body = start(app_client, world, "coordinator", fenomenen=["hennepteelt"], aantal=30, zaad=5)
    from_cases = [q for q in body["vragen"] if q["uitGeanonimiseerdeCasus"]]
    assert from_cases, "the case must have been used"
    with world.runtime.db.transaction() as s:
        stored = s.get_one(training.TrainingRound, body["id"]).questions
    for q in stored:
        check_question(q)
    everything = json.dumps(stored, ensure_ascii=False) + json.dumps(body, ensure_ascii=False)
    forbidden = [TEXT_WOCO, TEXT_POLITIE, *SUBJECT_WOCO, *SUBJECT_POLITIE, CHOICE_REASONS,
                 "Zwaluwstraat", "Quirijnhof", "Kraanvogelpad", "Dûpont", "Zeegers", setup.case.number,
                 setup.case.id, setup.signal_woco, setup.signal_politie, "9991", "Havenstraat"]
    for text in forbidden:
        assert text not in everything, text
    # Its catalogue texts are what it contributes: the signals' indicators HT-01 and HT-03.
    card = {i.code: i.tekst for i in world.runtime.catalogue.phenomena["hennepteelt"].signaalkaart}
    assert all(set(q["scenario"]) <= {card["HT-01"], card["HT-03"]} for q in from_cases)


def test_scoring_and_feedback_per_question(app_client: TestClient, world: World) -> None:
    body = start(app_client, world, aantal=4, zaad=11)
    rid = body["id"]
    assert body["modus"] == "oefenen" and body["deelnemer"] is True
    assert all("juist" not in q and "uitleg" not in q for q in body["vragen"])
    for i in range(4):
        right = right_answer(world, rid, i)
        chosen = right if i % 2 == 0 else wrong_answer(body, right, i)
        r = app_client.post(f"{API}/{rid}/antwoorden", headers=world["analist"].headers,
                            json={"vraag": i, "antwoord": chosen})
        assert r.status_code == 201, r.text
        assert r.json()["goed"] is (i % 2 == 0)
        assert r.json()["vraag"]["juist"] == sorted(right) and r.json()["vraag"]["uitleg"]
    again = app_client.post(f"{API}/{rid}/antwoorden", headers=world["analist"].headers,
                            json={"vraag": 0, "antwoord": right_answer(world, rid, 0)})
    assert again.status_code == 409
    final = app_client.get(f"{API}/{rid}", headers=world["analist"].headers).json()
    assert final["score"] == {"goed": 2, "beantwoord": 4, "totaal": 4}
    assert all("juist" in q for q in final["vragen"])


def test_a_bad_answer_names_every_problem(app_client: TestClient, world: World) -> None:
    body = start(app_client, world, aantal=2, zaad=3)
    r = app_client.post(f"{API}/{body['id']}/antwoorden", headers=world["analist"].headers,
                        json={"vraag": 0, "antwoord": ["XX-99", "bestaat_niet"]})
    assert r.status_code == 422
    names = {p["name"] for p in r.json()["invalidParams"]}
    assert {"antwoord[0]", "antwoord[1]"} <= names
    r = app_client.post(API, headers=world["analist"].headers,
                        json={"titel": "", "fenomenen": ["onbekend"], "aantal": 99, "modus": "raar"})
    assert r.status_code == 422
    assert {p["name"] for p in r.json()["invalidParams"]} == {"titel", "fenomenen[0]", "aantal", "modus"}


def test_answers_are_append_only(app_client: TestClient, world: World) -> None:
    body = start(app_client, world, aantal=1, zaad=1)
    r = app_client.post(f"{API}/{body['id']}/antwoorden", headers=world["analist"].headers,
                        json={"vraag": 0, "antwoord": right_answer(world, body["id"], 0)})
    assert r.status_code == 201
    for sql in ("UPDATE training_answers SET correct = false", "DELETE FROM training_answers"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), world.runtime.db.engine.begin() as conn:
            conn.execute(sa.text(sql))
    with world.runtime.db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM training_answers")).scalar() == 1


def answer_all(client: TestClient, world: World, actor: str, phenomenon: str, size: int, right: bool,
               seed: int) -> None:
    body = start(client, world, actor, fenomenen=[phenomenon], aantal=size, zaad=seed)
    for i in range(size):
        good = right_answer(world, body["id"], i)
        r = client.post(f"{API}/{body['id']}/antwoorden", headers=world[actor].headers,
                        json={"vraag": i, "antwoord": good if right else wrong_answer(body, good, i)})
        assert r.status_code == 201, r.text


def test_results_per_phenomenon_weakest_first(app_client: TestClient, world: World) -> None:
    answer_all(app_client, world, "analist", "hennepteelt", 6, True, 1)
    answer_all(app_client, world, "woco", "woonfraude", 5, False, 2)
    answer_all(app_client, world, "analist", "woonfraude", 1, True, 3)
    answer_all(app_client, world, "politie", "horeca", 4, False, 4)
    r = app_client.get(f"{API}/resultaten", headers=world["coordinator"].headers)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [i["fenomeen"] for i in items] == ["woonfraude", "hennepteelt", "horeca"]
    assert items[0]["aantalAntwoorden"] == 6 and items[0]["aandeelGoed"] == round(1 / 6, 3)
    assert items[1]["aandeelGoed"] == 1.0 and items[1]["oordeel"] is None
    assert items[2] == {"fenomeen": "horeca", "naam": "Horeca", "aantalAntwoorden": 4, "aantalGoed": None,
                        "aandeelGoed": None, "oordeel": "te weinig"}
    # Another municipality's answers are not ours.
    other = app_client.get(f"{API}/resultaten", headers=world["buur_coordinator"].headers).json()
    assert other["items"] == []


def test_session_mode_with_two_participants(app_client: TestClient, world: World) -> None:
    body = start(app_client, world, "coordinator", modus="sessie", aantal=3, zaad=9, titel="Beraad oefening")
    rid, code = body["id"], body["code"]
    assert code and body["deelnemer"] is False
    for actor in ("woco", "politie"):
        r = app_client.post(f"{API}/_deelnemen", headers=world[actor].headers, json={"code": code.lower()})
        assert r.status_code == 200, r.text
        assert "code" not in r.json() and r.json()["huidigeVraag"] == 0
    bad = app_client.post(f"{API}/_deelnemen", headers=world["woco2"].headers, json={"code": "ZZZZZZ"})
    assert bad.status_code == 422
    good = right_answer(world, rid, 0)
    assert app_client.post(f"{API}/{rid}/antwoorden", headers=world["woco"].headers,
                           json={"vraag": 0, "antwoord": good}).status_code == 201
    assert app_client.post(f"{API}/{rid}/antwoorden", headers=world["politie"].headers,
                           json={"vraag": 0, "antwoord": wrong_answer(body, good, 0)}).status_code == 201
    # Only the question on the screen is open.
    early = app_client.post(f"{API}/{rid}/antwoorden", headers=world["woco"].headers,
                            json={"vraag": 1, "antwoord": right_answer(world, rid, 1)})
    assert early.status_code == 422
    # The facilitator does not answer, and a participant does not lead.
    assert app_client.post(f"{API}/{rid}/antwoorden", headers=world["coordinator"].headers,
                           json={"vraag": 0, "antwoord": good}).status_code == 403
    assert app_client.post(f"{API}/{rid}/_stap", headers=world["woco"].headers,
                           json={"stap": "volgende"}).status_code == 403
    # Before the screen shows the answers, politie does not see the right one; after, it does.
    politie_view = app_client.get(f"{API}/{rid}", headers=world["politie"].headers).json()
    assert politie_view["vragen"][0]["mijnAntwoord"]["goed"] is False
    assert politie_view["vragen"][0]["juist"] == sorted(good)  # answered: feedback shown
    assert "juist" not in politie_view["vragen"][1]
    assert "deelnemers" not in politie_view
    lead = app_client.get(f"{API}/{rid}", headers=world["coordinator"].headers).json()
    scores = {p["naam"]: (p["goed"], p["beantwoord"]) for p in lead["deelnemers"]}
    assert scores == {world["woco"].user.name: (1, 1), world["politie"].user.name: (0, 1)}
    step = app_client.post(f"{API}/{rid}/_stap", headers=world["coordinator"].headers, json={"stap": "uitslag"})
    assert step.json()["uitslagGetoond"] is True
    late = app_client.post(f"{API}/{rid}/antwoorden", headers=world["woco2"].headers,
                           json={"vraag": 0, "antwoord": good})
    assert late.status_code == 404  # woco2 never joined: the round is not theirs to see
    for _ in range(3):
        app_client.post(f"{API}/{rid}/_stap", headers=world["coordinator"].headers, json={"stap": "volgende"})
    assert app_client.get(f"{API}/{rid}", headers=world["coordinator"].headers).json()["afgelopen"] is True
    # A closed session cannot be joined any more.
    assert app_client.post(f"{API}/_deelnemen", headers=world["woco2"].headers, json={"code": code}).status_code \
        == 422


def test_start_round_for_a_five_b_session(world: World) -> None:
    rt = world.runtime
    with rt.db.transaction() as s:
        rnd = training.start_round(s, world["coordinator"].principal, rt.catalogue, title="Bekwamen in het beraad",
                                   phenomena=["hennepteelt"], size=5, seed=3, beraad="beraad-123")
        assert rnd.mode == "sessie" and rnd.join_code and rnd.beraad_id == "beraad-123"
        assert len(rnd.questions) == 5 and rnd.questions == training.generate(rt.catalogue, 3, 5, ["hennepteelt"])


def test_access(app_client: TestClient, world: World) -> None:
    for actor in ("privacy", "beheerder"):
        h = world[actor].headers
        assert app_client.post(API, headers=h, json={"titel": "Oefenen"}).status_code == 403
        assert app_client.get(f"{API}/resultaten", headers=h).status_code == 403
    # A partner practises, but does not start a session.
    assert app_client.post(API, headers=world["woco"].headers,
                           json={"titel": "Sessie", "modus": "sessie"}).status_code == 403
    own = start(app_client, world, "woco", aantal=2, zaad=1)
    # Someone else's practice round is a 404, also for the coordinator and the privacy officer.
    for actor in ("woco2", "coordinator", "buur_coordinator"):
        assert app_client.get(f"{API}/{own['id']}", headers=world[actor].headers).status_code == 404
    assert app_client.get(f"{API}/{own['id']}", headers=world["privacy"].headers).status_code == 403
    assert app_client.get(f"{API}/niet-een-id", headers=world["woco"].headers).status_code == 404
    # Personal data in the query string is refused.
    assert app_client.get(f"{API}/resultaten?bsn=111222333", headers=world["coordinator"].headers).status_code \
        == 422

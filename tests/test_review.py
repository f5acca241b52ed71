"""The review queue and judgements through the API and the web page, on SQLite and
PostgreSQL: only coordinators judge, every invalid field is named, judgements are appended
with who and when, and splitting a mention off a card records the right pair."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from weerbaar.access import logbook
from weerbaar.access.models import AccessLogEntry
from weerbaar.resolve.models import MatchJudgement, ReviewPair

from .er_rows import build_linked
from .test_web import login_as
from .world import privacy_check


@pytest.fixture
def linked(world):  # type: ignore[no-untyped-def]
    return build_linked(world)


def _judgements(runtime) -> list[MatchJudgement]:  # type: ignore[no-untyped-def]
    with runtime.db.session() as s:
        return list(s.scalars(select(MatchJudgement).order_by(MatchJudgement.id)))


def _add_pair(runtime, linked, a: str, b: str, probability: float, kind: str = "persoon",  # type: ignore[no-untyped-def]
              municipality: str = "GM9990", roles: tuple[str, str] = ("persoon", "huurder")) -> str:
    with runtime.db.transaction() as s:
        pair = ReviewPair(kind=kind, municipality_code=municipality, record_a=linked.records[a], role_a=roles[0],
                          record_b=linked.records[b], role_b=roles[1], probability=probability,
                          explanation={"bron": "model", "bijdragen": []}, run_id="run-1")
        s.add(pair)
        s.flush()
        return pair.id


def test_queue_most_uncertain_first_with_both_sides_and_explanation(app_client, world, runtime, linked):
    sure = _add_pair(runtime, linked, "pers1", "huur1", 0.88)
    doubt = _add_pair(runtime, linked, "pers1", "trans1", 0.49, roles=("persoon", "koper"))
    _add_pair(runtime, linked, "buur1", "buur1", 0.5, municipality="GM9991")  # not in Lindeveen's queue
    _add_pair(runtime, linked, "pers1", "buur1", 0.5)  # a record Lindeveen may not see: never shown
    r = app_client.get("/api/v1/koppelvoorstellen", headers=world["coordinator"].headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert [i["id"] for i in body["items"]] == [doubt, linked.pair_id, sure]  # |p - 0.5|: 0.01, 0.12, 0.38
    assert body["totaal"] == 3
    first = next(i for i in body["items"] if i["id"] == linked.pair_id)
    assert (first["a"]["bron"], first["a"]["sleutel"], first["a"]["regel"]) == ("personen", "PRS-1", 2)
    assert first["a"]["gegevens"]["voornamen"] == "Jan" and first["b"]["gegevens"]["voornamen"] == "Johannes"
    assert first["a"]["subject"]["id"] == first["b"]["subject"]["id"] == "P-000001"
    rows = {row["veld"]: row for row in first["vergelijking"]}
    assert rows["geslachtsnaam"]["gelijk"] is True and rows["voornamen"]["gelijk"] is False
    assert first["uitleg"][0]["tekst"] == "achternaam: gelijk (+5,1)"
    assert first["zelfdeSubject"] is True and first["kans"] == 0.62
    # Analysts may look; partners and other municipalities may not.
    assert app_client.get("/api/v1/koppelvoorstellen", headers=world["analist"].headers).status_code == 200
    assert app_client.get("/api/v1/koppelvoorstellen", headers=world["woco"].headers).status_code == 403
    buur = app_client.get("/api/v1/koppelvoorstellen", headers=world["buur_coordinator"].headers).json()
    assert len(buur["items"]) == 1 and buur["items"][0]["a"]["sleutel"] == "PRS-1"
    assert app_client.get(f"/api/v1/koppelvoorstellen/{linked.pair_id}",
                          headers=world["buur_coordinator"].headers).status_code == 404


def test_judgement_is_appended_with_who_and_when_and_leaves_the_queue(app_client, world, runtime, linked):
    url = f"/api/v1/koppelvoorstellen/{linked.pair_id}/oordeel"
    r = app_client.post(url, json={"oordeel": "verschillend", "toelichting": "Andere voornaam, andere vader."},
                        headers=world["coordinator"].headers)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["oordeel"] == "verschillend" and body["door"]["naam"] == world["coordinator"].user.name
    assert "volgende analyse" in body["melding"]
    [j] = _judgements(runtime)
    assert (j.record_a, j.role_a, j.record_b, j.role_b) == (linked.records["pers1"], "persoon",
                                                            linked.records["pers_old"], "persoon")
    assert (j.verdict, j.kind, j.by_user_id, j.organisation_id) == (
        "verschillend", "persoon", world["coordinator"].user.id, world.orgs["gemeente"].id)
    assert j.reason == "Andere voornaam, andere vader." and j.at is not None
    queue = app_client.get("/api/v1/koppelvoorstellen", headers=world["coordinator"].headers).json()
    assert queue["items"] == [] and queue["totaal"] == 0
    detail = app_client.get(f"/api/v1/koppelvoorstellen/{linked.pair_id}", headers=world["coordinator"].headers)
    assert detail.json()["beoordeeld"] is True
    # A second verdict is appended, never overwritten: the latest counts in the next run.
    app_client.post(url, json={"oordeel": "zelfde"}, headers=world["coordinator"].headers)
    assert [j.verdict for j in _judgements(runtime)] == ["verschillend", "zelfde"]
    listed = app_client.get("/api/v1/koppeloordelen", headers=world["analist"].headers).json()
    assert [i["oordeel"] for i in listed["items"]] == ["zelfde", "verschillend"]
    assert listed["items"][1]["door"]["naam"] == world["coordinator"].user.name and listed["items"][1]["op"]
    assert listed["items"][1]["a"]["sleutel"] == "PRS-1" and listed["items"][1]["b"]["sleutel"] == "PRS-7"
    with runtime.db.session() as s:
        logged = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == logbook.JUDGE)).all()
        assert len(logged) == 2 and logged[0].details["oordeel"] == "verschillend"


@pytest.mark.parametrize("actor", ["analist", "woco", "privacy", "gemeente_partner"])
def test_only_coordinators_judge(app_client, world, runtime, linked, actor):
    r = app_client.post(f"/api/v1/koppelvoorstellen/{linked.pair_id}/oordeel", json={"oordeel": "zelfde"},
                        headers=world[actor].headers)
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json")
    r = app_client.post("/api/v1/subjecten/P-000001/_ontkoppel", headers=world[actor].headers,
                        json={"bronregistratie": linked.records["huur1"], "rol": "huurder"})
    assert r.status_code == 403
    assert _judgements(runtime) == []


def test_invalid_judgement_names_every_field_and_stores_nothing(app_client, world, runtime, linked):
    url = f"/api/v1/koppelvoorstellen/{linked.pair_id}/oordeel"
    r = app_client.post(url, json={"oordeel": "misschien", "toelichting": "x" * 2001, "door": "iemand"},
                        headers=world["coordinator"].headers)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    problems = {p["name"]: p["reason"] for p in r.json()["invalidParams"]}
    assert set(problems) == {"oordeel", "toelichting", "door"}
    assert "zelfde" in problems["oordeel"] and "2000" in problems["toelichting"]
    r = app_client.post(url, json={"toelichting": 5}, headers=world["coordinator"].headers)
    assert {p["name"] for p in r.json()["invalidParams"]} == {"oordeel", "toelichting"}
    r = app_client.post(url, content=b"{kapot", headers=world["coordinator"].headers)
    assert r.status_code == 422
    assert app_client.post("/api/v1/koppelvoorstellen/onbekend/oordeel", json={"oordeel": "zelfde"},
                           headers=world["coordinator"].headers).status_code == 404
    assert _judgements(runtime) == []


def test_split_records_different_against_the_via_mention(app_client, world, runtime, linked):
    r = app_client.post("/api/v1/subjecten/P-000001/_ontkoppel", headers=world["coordinator"].headers,
                        json={"bronregistratie": linked.records["func1"], "rol": "functionaris",
                              "toelichting": "Andere Jan de Vries: geboren in een ander jaar volgens KvK."})
    assert r.status_code == 201, r.text
    assert "volgende analyse" in r.json()["melding"]
    [j] = _judgements(runtime)
    assert (j.record_a, j.role_a, j.record_b, j.role_b, j.verdict) == (
        linked.records["func1"], "functionaris", linked.records["pers1"], "persoon", "verschillend")
    # The first mention of a subject (no via) splits from the mention linked through it.
    r = app_client.post("/api/v1/subjecten/A-000002/_ontkoppel", headers=world["coordinator"].headers,
                        json={"bronregistratie": linked.records["adres2"], "rol": "adres"})
    assert r.status_code == 201, r.text
    last = _judgements(runtime)[-1]
    assert (last.record_a, last.record_b, last.kind) == (linked.records["adres2"], linked.records["bedr1"], "adres")
    # Merged ids are followed, as on the card.
    r = app_client.post("/api/v1/subjecten/P-000002/_ontkoppel", headers=world["coordinator"].headers,
                        json={"bronregistratie": linked.records["huur1"], "rol": "huurder"})
    assert r.status_code == 201 and r.json()["over"] == "P-000001"


def test_split_refuses_what_cannot_be_split(app_client, world, runtime, linked):
    def split(subject: str, body: dict[str, Any], actor: str = "coordinator"):  # type: ignore[no-untyped-def]
        return app_client.post(f"/api/v1/subjecten/{subject}/_ontkoppel", json=body, headers=world[actor].headers)

    r = split("P-000001", {"bronregistratie": "tien", "rol": "", "x": 1})
    assert {p["name"] for p in r.json()["invalidParams"]} == {"bronregistratie", "rol", "x"}
    r = split("P-000001", {"bronregistratie": linked.records["bedr1"], "rol": "bedrijf"})
    assert r.status_code == 422 and r.json()["invalidParams"][0]["code"] == "niet_gekoppeld"
    r = split("P-000003", {"bronregistratie": linked.records["func2"], "rol": "functionaris"})
    assert r.status_code == 422 and r.json()["invalidParams"][0]["code"] == "niets_te_ontkoppelen"
    assert split("P-000009", {"bronregistratie": linked.records["buur1"], "rol": "persoon"}).status_code == 404
    assert split("P-000001", {"bronregistratie": linked.records["huur1"], "rol": "huurder"},
                 "buur_coordinator").status_code == 404
    assert _judgements(runtime) == []


# --- web -----------------------------------------------------------------------------------


def test_review_page_side_by_side_and_htmx_judgement(app_client, world, runtime, linked):
    csrf = login_as(app_client, world["coordinator"])
    page = app_client.get("/koppelvoorstellen")
    assert page.status_code == 200
    html = page.text
    assert 'href="/koppelvoorstellen"' in html  # navigation entry
    assert "achternaam: gelijk (+5,1)" in html and "Johannes" in html and "personen_2026-09.csv" in html
    assert "Bevestigen: dezelfde" in html and "Afwijzen: verschillend" in html
    assert f'hx-post="/koppelvoorstellen/{linked.pair_id}/oordeel"' in html
    r = app_client.post(f"/koppelvoorstellen/{linked.pair_id}/oordeel", headers={"HX-Request": "true"},
                        data={"csrf": csrf, "oordeel": "zelfde", "toelichting": "Roepnaam Jan"})
    assert r.status_code == 200 and "Vastgelegd: dezelfde" in r.text and "volgende analyse" in r.text
    assert [(j.verdict, j.reason) for j in _judgements(runtime)] == [("zelfde", "Roepnaam Jan")]
    assert "Er zijn geen open koppelvoorstellen." in app_client.get("/koppelvoorstellen").text


def test_review_page_without_javascript_and_without_csrf(app_client, world, runtime, linked):
    csrf = login_as(app_client, world["coordinator"])
    url = f"/koppelvoorstellen/{linked.pair_id}/oordeel"
    assert app_client.post(url, data={"oordeel": "zelfde"}).status_code == 403  # no CSRF token
    r = app_client.post(url, data={"csrf": csrf, "oordeel": "weet niet"})
    assert r.status_code == 422 and "Kies &#39;zelfde&#39; of &#39;verschillend&#39;." in r.text
    r = app_client.post(url, data={"csrf": csrf, "oordeel": "verschillend"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/koppelvoorstellen?melding=beoordeeld"
    assert len(_judgements(runtime)) == 1


def test_review_page_rights(app_client, world, linked):
    login_as(app_client, world["analist"])
    page = app_client.get("/koppelvoorstellen")
    assert page.status_code == 200 and "Bevestigen: dezelfde" not in page.text
    assert 'href="/koppelvoorstellen"' not in page.text  # the menu entry is for judges
    app_client.cookies.clear()
    csrf = login_as(app_client, world["woco"])
    assert app_client.get("/koppelvoorstellen").status_code == 403
    assert app_client.post(f"/koppelvoorstellen/{linked.pair_id}/oordeel",
                           data={"csrf": csrf, "oordeel": "zelfde"}).status_code == 403


def test_split_from_the_card_page(app_client, world, runtime, linked):
    privacy_check(world, "coordinator", ["P-000001"])
    csrf = login_as(app_client, world["coordinator"])
    card = app_client.get("/subjecten/P-000001").text
    assert "Ontkoppelen" in card
    r = app_client.post("/subjecten/P-000001/ontkoppelen", follow_redirects=False,
                        data={"csrf": csrf, "bronregistratie": str(linked.records["trans1"]), "rol": "koper"})
    assert r.status_code == 303 and r.headers["location"] == "/subjecten/P-000001?melding=ontkoppeld"
    assert "volgende analyse" in app_client.get(r.headers["location"]).text
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(MatchJudgement)) == 1

"""Pre-cases (vooronderzoeken) and privacy check 1 through the API and the pages, on SQLite and
PostgreSQL: suggested bundles of signals about one subject, the one write path with every
problem named at once, need-to-know, the log — and the gate: without a privacy check 1 of the
reader's own organisation a subject is hit/no-hit only, on the API and on the web."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from weerbaar.access.models import AccessLogEntry
from weerbaar.cases import privacy
from weerbaar.cases.models import Case, PreCase, PreCaseSignal, PrivacyCheck, PrivacyCheckSubject
from weerbaar.core.errors import Forbidden
from weerbaar.intake.models import SignalParty
from weerbaar.resolve.models import SignalSubject

from .er_rows import build_linked
from .test_web import login_as
from .world import CHECK_TEXTS, World, privacy_check, signal_body

API = "/api/v1"
YES = {"ondermijning": True, "gemeentelijkeTaak": True, "grondgebied": True}
WEIGHING = {"ernst": 2, "concreetheid": 2, "relevantie": 3, "uitkomst": "verder_onderzoeken"}
CHECK = {"grondslag": "gemeentewet_172", "doel": CHECK_TEXTS["purpose"], "noodzaak": CHECK_TEXTS["necessity"],
         "proportionaliteit": CHECK_TEXTS["proportionality"], "subsidiariteit": CHECK_TEXTS["subsidiarity"]}
NAME, BSN = "Vries", "999990019"  # of P-000001 in tests/er_rows.py


@pytest.fixture
def linked(world: World) -> Any:
    return build_linked(world)


def _signal(client: TestClient, world: World, actor: str = "woco", **overrides: Any) -> str:
    r = client.post(f"{API}/signalen", json=signal_body(**overrides), headers=world[actor].headers)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _about(world: World, signal_id: str, subject_id: str) -> None:
    with world.runtime.db.transaction() as s:
        party = s.scalars(select(SignalParty.id).where(SignalParty.signal_id == signal_id,
                                                       SignalParty.kind == "persoon")).first()
        s.add(SignalSubject(signal_id=signal_id, party_id=party, subject_id=subject_id, probability=0.95))


def _to_pre_investigation(client: TestClient, world: World, signal_id: str) -> None:
    for body in ({"overgang": "intake_positief", "intaketoets": YES, "reden": "Past bij hennep"},
                 {"overgang": "wegen", "weging": WEIGHING, "reden": "Meer nodig om te beslissen"}):
        r = client.post(f"{API}/signalen/{signal_id}/statussen", json=body, headers=world["coordinator"].headers)
        assert r.status_code == 201, r.text


@pytest.fixture
def signals(app_client: TestClient, world: World, linked: Any) -> dict[str, str]:
    """Two signals about P-000001 weighed to 'in vooronderzoek', one still new, one about another
    subject, and one of the neighbouring municipality about the same person there."""
    out = {"a": _signal(app_client, world), "b": _signal(app_client, world, actor="netbeheer"),
           "new": _signal(app_client, world), "other": _signal(app_client, world),
           "buur": _signal(app_client, world, actor="buur_coordinator",
                           locatie={"postcode": "9992 ZZ", "huisnummer": 5})}
    for key in ("a", "b", "other"):
        _to_pre_investigation(app_client, world, out[key])
    for key in ("a", "b", "new"):
        _about(world, out[key], "P-000001")
    _about(world, out["other"], "P-000003")
    _about(world, out["buur"], "P-000009")
    return out


def _post(client: TestClient, world: World, actor: str, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}{path}", json=body, headers=world[actor].headers)


def _get(client: TestClient, world: World, actor: str, path: str) -> Any:
    return client.get(f"{API}{path}", headers=world[actor].headers)


# --- pre-cases -----------------------------------------------------------------------------


def test_suggested_bundle_becomes_a_pre_case(app_client: TestClient, world: World, signals: dict[str, str]) -> None:
    r = _get(app_client, world, "coordinator", "/vooronderzoeken/_voorstellen")
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [(i["subject"]["id"], sorted(s["id"] for s in i["signalen"])) for i in items] == [
        ("P-000001", sorted([signals["a"], signals["b"]]))]
    # Behind the gate: the shared subject by id and kind, not by name.
    assert items[0]["subject"]["naam"] is None and items[0]["subject"]["gegevensZichtbaar"] is False
    assert NAME not in r.text
    every_open = _get(app_client, world, "coordinator", "/vooronderzoeken/_voorstellen?alleOpen=true").json()
    assert {s["id"] for s in every_open["items"][0]["signalen"]} == {signals["a"], signals["b"], signals["new"]}

    r = _post(app_client, world, "coordinator", "/vooronderzoeken",
              {"titel": "  Hennep Havenstraat  ", "signalen": [signals["a"], signals["b"]]})
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["location"] == f"/api/v1/vooronderzoeken/{body['id']}"
    assert body["titel"] == "Hennep Havenstraat" and body["subject"]["id"] == "P-000001"  # the shared subject
    assert {s["id"] for s in body["signalen"]} == {signals["a"], signals["b"]}
    assert all(s["status"] == "in_vooronderzoek" for s in body["signalen"])
    assert body["privacytoetsen"] == []
    # Bundled signals are no longer suggested; the pre-case is listed and can be opened.
    assert _get(app_client, world, "coordinator", "/vooronderzoeken/_voorstellen").json()["items"] == []
    listed = _get(app_client, world, "analist", "/vooronderzoeken").json()
    assert [(i["id"], i["aantalSignalen"], i["aantalPrivacytoetsen"]) for i in listed["items"]] == [(body["id"], 2, 0)]
    opened = _get(app_client, world, "analist", f"/vooronderzoeken/{body['id']}")
    assert opened.status_code == 200 and opened.json()["titel"] == "Hennep Havenstraat"
    r = _post(app_client, world, "coordinator", f"/vooronderzoeken/{body['id']}/signalen",
              {"signalen": [signals["new"]]})
    assert r.status_code == 201 and len(r.json()["signalen"]) == 3
    with world.runtime.db.session() as s:
        actions = s.execute(select(AccessLogEntry.action, AccessLogEntry.object_id, AccessLogEntry.details)
                            .where(AccessLogEntry.object_type == "vooronderzoek")
                            .order_by(AccessLogEntry.id)).all()
    assert [(a, o) for a, o, _ in actions] == [("aanmaken", body["id"]), ("raadplegen_lijst", None),
                                               ("lezen", body["id"]), ("wijzigen", body["id"])]
    assert set(actions[0][2]["signalen"]) == {signals["a"], signals["b"]}


def test_every_problem_is_named_at_once_and_nothing_is_stored(
        app_client: TestClient, world: World, signals: dict[str, str]) -> None:
    r = _post(app_client, world, "coordinator", "/vooronderzoeken", {
        "titel": "   ", "subject": "P-999999",
        "signalen": [signals["a"], "00000000-0000-0000-0000-000000000000", signals["buur"], signals["a"], "kapot"]})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    problems = {p["name"]: p["code"] for p in r.json()["invalidParams"]}
    assert problems == {"titel": "missing", "signalen[1]": "signaal_onbekend", "signalen[2]": "signaal_onbekend",
                        "signalen[3]": "dubbel", "signalen[4]": "signaal_onbekend", "subject": "subject_onbekend"}
    # The neighbour's signal reads exactly like an unknown one.
    reasons = {p["name"]: p["reason"] for p in r.json()["invalidParams"]}
    assert reasons["signalen[1]"] == reasons["signalen[2]"]
    assert _post(app_client, world, "coordinator", "/vooronderzoeken", {"titel": "Leeg"}).status_code == 422
    first = _post(app_client, world, "coordinator", "/vooronderzoeken", {"titel": "Eerste", "signalen": [signals["a"]]})
    assert first.status_code == 201
    again = _post(app_client, world, "coordinator", "/vooronderzoeken", {"titel": "Tweede", "signalen": [signals["a"]]})
    assert [(p["name"], p["code"]) for p in again.json()["invalidParams"]] == [("signalen[0]", "al_in_vooronderzoek")]
    assert "Eerste" in again.json()["invalidParams"][0]["reason"]
    with world.runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(PreCase)) == 1
        assert s.scalar(select(func.count()).select_from(PreCaseSignal)) == 1


def test_who_may_open_and_read_pre_cases(app_client: TestClient, world: World, signals: dict[str, str]) -> None:
    body = {"titel": "Hennep", "signalen": [signals["a"]]}
    for actor in ("analist", "woco", "privacy"):
        assert _post(app_client, world, actor, "/vooronderzoeken", body).status_code == 403
    assert _get(app_client, world, "woco", "/vooronderzoeken").status_code == 403
    created = _post(app_client, world, "coordinator", "/vooronderzoeken", body).json()
    # Another municipality does not learn it exists; an unknown id looks the same.
    for path in (f"/vooronderzoeken/{created['id']}", "/vooronderzoeken/onbekend"):
        r = _get(app_client, world, "buur_coordinator", path)
        assert r.status_code == 404
    assert _get(app_client, world, "buur_coordinator", "/vooronderzoeken").json()["items"] == []
    r = _post(app_client, world, "buur_coordinator", f"/vooronderzoeken/{created['id']}/privacytoetsen",
              {**CHECK, "subjecten": ["P-000009"]})
    assert r.status_code == 404


def test_a_pre_case_about_a_subject_without_signals(app_client: TestClient, world: World, linked: Any) -> None:
    r = _post(app_client, world, "coordinator", "/vooronderzoeken", {"titel": "Groeimaat", "subject": "B-000001"})
    assert r.status_code == 201, r.text
    assert (r.json()["subject"]["id"], r.json()["signalen"]) == ("B-000001", [])


# --- privacy check 1 -----------------------------------------------------------------------


def _pre_case(client: TestClient, world: World, subject: str = "P-000001") -> str:
    r = _post(client, world, "coordinator", "/vooronderzoeken", {"titel": "Onderzoek", "subject": subject})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_privacy_check_names_every_problem_at_once(app_client: TestClient, world: World, linked: Any) -> None:
    pre_case = _pre_case(app_client, world)
    r = _post(app_client, world, "coordinator", f"/vooronderzoeken/{pre_case}/privacytoetsen", {
        "grondslag": "toverwet", "doel": "", "noodzaak": "ja", "proportionaliteit": CHECK["doel"],
        "subsidiariteit": CHECK["doel"], "subjecten": ["P-000001", "P-000009", "P-000001"]})
    assert r.status_code == 422
    problems = {p["name"]: p["code"] for p in r.json()["invalidParams"]}
    assert problems == {"grondslag": "grondslag_onbekend", "doel": "missing", "noodzaak": "te_summier",
                        "subsidiariteit": "zelfde_antwoord", "subjecten[1]": "subject_onbekend",
                        "subjecten[2]": "dubbel"}
    assert all(p["reason"] for p in r.json()["invalidParams"])
    r = _post(app_client, world, "coordinator", f"/vooronderzoeken/{pre_case}/privacytoetsen",
              {**CHECK, "grondslag": "wpg_art_20", "subjecten": []})
    assert {p["name"]: p["code"] for p in r.json()["invalidParams"]} == {
        "grondslag": "grondslag_niet_voor_organisatie", "subjecten": "missing"}
    assert _post(app_client, world, "analist", f"/vooronderzoeken/{pre_case}/privacytoetsen",
                 {**CHECK, "subjecten": ["P-000001"]}).status_code == 403
    with world.runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(PrivacyCheck)) == 0


def test_the_check_is_recorded_logged_and_append_only(app_client: TestClient, world: World, linked: Any) -> None:
    pre_case = _pre_case(app_client, world)
    r = _post(app_client, world, "coordinator", f"/vooronderzoeken/{pre_case}/privacytoetsen",
              {**CHECK, "subjecten": ["P-000002", "A-000001"]})  # a merged id stands for its subject
    assert r.status_code == 201, r.text
    check = r.json()
    assert (check["fase"], check["grondslag"], check["subjecten"]) == ("1", "gemeentewet_172", ["A-000001", "P-000001"])
    assert check["door"] == world["coordinator"].user.name and check["grondslagNaam"].startswith("Gemeentewet")
    listed = _get(app_client, world, "coordinator", f"/vooronderzoeken/{pre_case}").json()["privacytoetsen"]
    assert [c["id"] for c in listed] == [check["id"]]
    with world.runtime.db.session() as s:
        entry = s.scalars(select(AccessLogEntry).where(AccessLogEntry.object_type == "privacytoets")).one()
        assert (entry.action, entry.object_id, entry.purpose) == ("aanmaken", check["id"], CHECK["doel"])
        assert entry.details == {"fase": "1", "grondslag": "gemeentewet_172", "subjecten": ["P-000001", "A-000001"],
                                 "vooronderzoek": pre_case}
    with pytest.raises(sa.exc.DBAPIError), world.runtime.db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE privacy_checks SET purpose = 'anders'"))


def test_a_check_for_a_case_of_the_own_municipality(world: World, linked: Any) -> None:
    with world.runtime.db.transaction() as s:
        case = Case(number="CAS-2026-0001", title="Casus", municipality_code="GM9990",
                    organisation_id=world.orgs["gemeente"].id, confidentiality="vertrouwelijk")
        s.add(case)
        s.flush()
        check = privacy.record_check_1(
            s, world["coordinator"].principal, world.runtime.catalogue, case_id=case.id, legal_basis="riec_convenant",
            purpose=CHECK["doel"], necessity=CHECK["noodzaak"], proportionality=CHECK["proportionaliteit"],
            subsidiarity=CHECK["subsidiariteit"], subject_ids=["B-000001"])
        assert (check.case_id, check.pre_case_id, check.stage) == (case.id, None, "1")
        with pytest.raises(Forbidden):
            privacy.record_check_1(
                s, world["analist"].principal, world.runtime.catalogue, case_id=case.id, legal_basis="riec_convenant",
                purpose=CHECK["doel"], necessity=CHECK["noodzaak"], proportionality=CHECK["proportionaliteit"],
                subsidiarity=CHECK["subsidiariteit"], subject_ids=["B-000001"])


# --- the gate ------------------------------------------------------------------------------


def test_without_a_check_the_card_is_hit_no_hit_only(app_client: TestClient, world: World, linked: Any) -> None:
    r = _get(app_client, world, "analist", "/subjecten/P-000001")
    assert r.status_code == 200, r.text
    card = r.json()
    assert (card["id"], card["soort"], card["naam"], card["gegevensZichtbaar"], card["bekend"]) == (
        "P-000001", "persoon", None, False, True)
    assert card["privacytoets"]["uitleg"].startswith("Leg eerst privacytoets 1 vast")
    known = {(b["organisatie"]["naam"], b["bron"]): b["aantal"] for b in card["bekendBij"]}
    assert known[("Woonstichting Thuisvast", "huurcontracten")] == 1 and ("Gemeente Lindeveen", "personen") in known
    for secret in (NAME, BSN, "1985", "Johannes", "huurcontracten_2026-09.csv"):
        assert secret not in r.text
    assert "bronregistraties" not in card and "relaties" not in card and "kenmerken" not in card
    # Search finds the subject (a hit) but does not name it.
    found = _post(app_client, world, "analist", "/subjecten/_zoek", {"naam": "J. de Vries"}).json()["items"]
    assert [(i["id"], i["naam"], i["gegevensZichtbaar"]) for i in found] == [("P-000001", None, False)]
    with world.runtime.db.session() as s:
        entry = s.scalars(select(AccessLogEntry).where(AccessLogEntry.object_type == "subject",
                                                       AccessLogEntry.action == "lezen")).one()
        assert entry.details == {"alleenBekendheid": True}


def test_a_check_of_the_own_organisation_opens_the_details(app_client: TestClient, world: World, linked: Any) -> None:
    privacy_check(world, "coordinator", ["P-000001"])
    r = _get(app_client, world, "analist", "/subjecten/P-000001")  # a colleague of the same organisation
    card = r.json()
    assert card["gegevensZichtbaar"] is True and card["naam"] == "Jan de Vries (1985-06-07)"
    assert BSN in card["kenmerken"]["bsn"]
    # Only the subjects the check names: the company next to him stays behind the gate.
    company = _get(app_client, world, "analist", "/subjecten/B-000001").json()
    assert company["naam"] is None and "Groeimaat" not in str(company)
    found = _post(app_client, world, "analist", "/subjecten/_zoek", {"naam": "Vries"}).json()["items"]
    assert [(i["id"], i["naam"]) for i in found] == [("P-000001", "Jan de Vries (1985-06-07)")]
    # A check on the merged id covers its successor too.
    assert _get(app_client, world, "analist", "/subjecten/P-000002").json()["gegevensZichtbaar"] is True


def test_a_check_on_an_absorbed_subject_opens_its_successor_and_nothing_else(
        app_client: TestClient, world: World, linked: Any) -> None:
    """Regression: the absorbed-subject clause once lost its correlation, so that one check on a
    merged subject opened the details of every subject of the municipality."""
    with world.runtime.db.transaction() as s:
        check = PrivacyCheck(stage="1", municipality_code="GM9990", organisation_id=world.orgs["gemeente"].id,
                             legal_basis="gemeentewet_172", purpose="x", necessity="x", proportionality="x",
                             subsidiarity="x")
        s.add(check)
        s.flush()
        s.add(PrivacyCheckSubject(check_id=check.id, subject_id="P-000002"))  # merged into P-000001
    assert _get(app_client, world, "coordinator", "/subjecten/P-000001").json()["gegevensZichtbaar"] is True
    for other in ("P-000003", "B-000001", "A-000001"):
        card = _get(app_client, world, "coordinator", f"/subjecten/{other}").json()
        assert card["gegevensZichtbaar"] is False and card["naam"] is None, other


def test_another_organisations_check_or_a_stage_2b_check_does_not_open_it(
        app_client: TestClient, world: World, linked: Any) -> None:
    with world.runtime.db.transaction() as s:
        for org, stage in (("woco", "1"), ("buurgemeente", "1"), ("gemeente", "2B")):
            check = PrivacyCheck(stage=stage, municipality_code="GM9990", organisation_id=world.orgs[org].id,
                                 legal_basis="riec_convenant", purpose="x", necessity="x", proportionality="x",
                                 subsidiarity="x")
            s.add(check)
            s.flush()
            s.add(PrivacyCheckSubject(check_id=check.id, subject_id="P-000001"))
    r = _get(app_client, world, "coordinator", "/subjecten/P-000001")
    assert r.json()["gegevensZichtbaar"] is False and NAME not in r.text and BSN not in r.text
    # The neighbouring coordinator's own check cannot reach into Lindeveen either.
    assert _get(app_client, world, "buur_coordinator", "/subjecten/P-000001").status_code == 404


def test_the_gate_holds_on_the_web_pages(app_client: TestClient, world: World, linked: Any) -> None:
    csrf = login_as(app_client, world["analist"])
    page = app_client.get("/subjecten/P-000001")
    assert page.status_code == 200
    assert "Leg eerst privacytoets 1 vast" in page.text and "Woonstichting Thuisvast" in page.text
    for secret in (NAME, BSN, "Johannes"):
        assert secret not in page.text
    result = app_client.post("/subjecten", data={"csrf": csrf, "naam": "de vries"})
    assert 'href="/subjecten/P-000001"' in result.text and "1985-06-07" not in result.text
    privacy_check(world, "coordinator", ["P-000001"])
    page = app_client.get("/subjecten/P-000001")
    assert "Jan de Vries" in page.text and BSN in page.text and "Leg eerst privacytoets 1 vast" not in page.text


def test_pre_case_and_privacy_check_on_the_pages(app_client: TestClient, world: World, signals: dict[str, str]) -> None:
    csrf = login_as(app_client, world["coordinator"])
    page = app_client.get("/vooronderzoeken")
    assert page.status_code == 200 and "Voorgestelde bundels" in page.text and "P-000001" in page.text
    assert NAME not in page.text
    r = app_client.post("/vooronderzoeken", data={"csrf": csrf, "titel": "", "subject": "P-999999"})
    assert r.status_code == 422 and "Geef het vooronderzoek een titel." in r.text
    r = app_client.post("/vooronderzoeken", follow_redirects=False, data={
        "csrf": csrf, "titel": "Havenstraat", "signalen": [signals["a"], signals["b"]]})
    assert r.status_code == 303
    detail = app_client.get(r.headers["location"])
    assert "Privacytoets 1 vastleggen" in detail.text and "Nog geen privacytoets" in detail.text
    form = {"csrf": csrf, "grondslag": "gemeentewet_172", "doel": CHECK["doel"], "noodzaak": "kort",
            "proportionaliteit": CHECK["proportionaliteit"], "subsidiariteit": CHECK["subsidiariteit"],
            "subjecten": "P-000001"}
    r = app_client.post(f"{r.headers['location']}/privacytoets", data=form)
    assert r.status_code == 422 and "Te summier" in r.text
    r = app_client.post(f"{detail.url.path}/privacytoets", follow_redirects=False,
                        data={**form, "noodzaak": CHECK["noodzaak"]})
    assert r.status_code == 303 and r.headers["location"].endswith("?melding=toets")
    assert "Privacytoets 1 is vastgelegd" in app_client.get(r.headers["location"]).text
    assert "Jan de Vries" in app_client.get("/subjecten/P-000001").text
    with TestClient(app_client.app) as other:  # an analyst reads, but may not record a check
        login_as(other, world["analist"])
        assert "Privacytoets 1 vastleggen" not in other.get(detail.url.path).text

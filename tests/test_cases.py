"""The case table through the API: open a case from signals, invite partners on a legal basis,
share per participant (privacy check 2A), weigh and decide (privacy check 2B), agree actions,
escalate overdue ones, close with a result and a follow-up date, reopen. Every gate refuses;
partners see only what was shared with them. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from weerbaar.access.models import AccessLogEntry
from weerbaar.cases.models import CaseStatus

from .world import World, signal_body

API = "/api/v1"
CHECK_2B = {
    "grondslag": "riec_convenant",
    "doel": "De woning laten sluiten en het huurcontract ontbinden om de hennepteelt te beëindigen.",
    "noodzaak": "Zonder de bevindingen van de politie kan de corporatie de ontbinding niet onderbouwen.",
    "proportionaliteit": "Alleen het adres en de datum van de inval worden gedeeld, geen andere personen.",
    "subsidiariteit": "Een waarschuwing heeft eerder niet geholpen; er is een herhaling geconstateerd.",
    "extraDeling": "De politie deelt het proces-verbaal van bevindingen met de woningcorporatie.",
}


def post(client: TestClient, world: World, actor: str, path: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    return client.post(f"{API}{path}", headers=world[actor].headers, json=body)


def get(client: TestClient, world: World, actor: str, path: str):  # type: ignore[no-untyped-def]
    return client.get(f"{API}{path}", headers=world[actor].headers)


def invalid(r: Any) -> set[str]:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    return {p["name"] for p in r.json()["invalidParams"]}


@pytest.fixture
def signals(app_client: TestClient, world: World) -> list[str]:
    """Two signals about one grow room: one with the tenant, one with a company and a car."""
    a = post(app_client, world, "woco", "/signalen", signal_body(
        omschrijving="Huurder Pieter van der Wal weigert al weken toegang voor onderhoud; stroomkasten warm.",
        betrokkenen=[{"soort": "persoon", "voornamen": "Pieter", "tussenvoegsel": "van der",
                      "geslachtsnaam": "Wal", "geboortedatum": "1985-06-07", "bsn": "111222333"}]))
    b = post(app_client, world, "politie", "/signalen", signal_body(
        omschrijving="Buurtbewoners melden een bestelbus die 's nachts zakken aarde aflevert bij Havenstraat 1.",
        betrokkenen=[{"soort": "bedrijf", "naam": "Groeimaat B.V.", "kvkNummer": "12345678"},
                     {"soort": "voertuig", "kenteken": "AB-123-C"}]))
    assert a.status_code == 201 and b.status_code == 201, (a.text, b.text)
    return [a.json()["id"], b.json()["id"]]


@pytest.fixture
def case(app_client: TestClient, world: World, signals: list[str]) -> dict[str, Any]:
    r = post(app_client, world, "coordinator", "/casussen",
             {"titel": "Hennepteelt Havenstraat 1", "signalen": signals,
              "reden": "Twee partners zien hetzelfde adres."})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def open_with_partners(client: TestClient, world: World, case: dict[str, Any]) -> str:
    cid = case["id"]
    for actor, basis in (("woco", "woningwet_hennepconvenant"), ("politie", "riec_convenant")):
        r = post(client, world, "coordinator", f"/casussen/{cid}/deelnemers",
                 {"organisatie": world.orgs[actor].id, "grondslag": basis, "reden": "Partner aan tafel."})
        assert r.status_code == 201, r.text
    return str(cid)


def test_a_case_opens_from_signals_with_its_owner_as_participant(
        app_client: TestClient, world: World, case: dict[str, Any], signals: list[str]) -> None:
    assert case["casusnummer"].startswith("CAS-")
    assert case["status"] == "informatiepositie"
    assert case["geheel"] is True
    assert {s["id"] for s in case["signalen"]} == set(signals)
    assert case["fenomeen"] == "hennepteelt"
    assert case["vertrouwelijkheid"] == "vertrouwelijk"  # as its most confidential signal
    assert [d["organisatie"]["id"] for d in case["deelnemers"]] == [world.orgs["gemeente"].id]
    assert "naar_weging" in case["mogelijkeOvergangen"]
    listed = get(app_client, world, "coordinator", "/casussen").json()
    assert [c["id"] for c in listed["items"]] == [case["id"]]


def test_opening_refuses_every_problem_at_once_and_only_the_intake_team_may(
        app_client: TestClient, world: World, signals: list[str]) -> None:
    r = post(app_client, world, "coordinator", "/casussen",
             {"titel": "", "signalen": ["00000000-0000-0000-0000-000000000000"], "fenomeen": "tulpen",
              "vertrouwelijkheid": "streng"})
    assert invalid(r) == {"titel", "signalen[0]", "fenomeen", "vertrouwelijkheid"}
    # The neighbouring municipality cannot open a case on our signals: they are unknown to it.
    r = post(app_client, world, "buur_coordinator", "/casussen", {"titel": "Poging", "signalen": signals})
    assert invalid(r) == {"signalen[0]", "signalen[1]"}
    r = post(app_client, world, "woco", "/casussen", {"titel": "Eigen casus", "signalen": signals[:1]})
    assert r.status_code == 403


def test_an_invitation_needs_an_organisation_and_a_legal_basis_that_fits_it(
        app_client: TestClient, world: World, case: dict[str, Any]) -> None:
    cid = case["id"]
    assert invalid(post(app_client, world, "coordinator", f"/casussen/{cid}/deelnemers", {})) == {
        "organisatie", "grondslag"}
    # Wpg art. 20 is a police basis: a housing corporation cannot take part on it.
    r = post(app_client, world, "coordinator", f"/casussen/{cid}/deelnemers",
             {"organisatie": world.orgs["woco"].id, "grondslag": "wpg_art_20"})
    assert invalid(r) == {"grondslag"}
    assert "woningcorporatie" in r.text
    cid = open_with_partners(app_client, world, case)
    again = post(app_client, world, "coordinator", f"/casussen/{cid}/deelnemers",
                 {"organisatie": world.orgs["woco"].id, "grondslag": "woningwet_hennepconvenant"})
    assert again.status_code == 409
    # A partner cannot invite.
    r = post(app_client, world, "woco", f"/casussen/{cid}/deelnemers",
             {"organisatie": world.orgs["netbeheer"].id, "grondslag": "wgs"})
    assert r.status_code == 403


def test_partners_see_exactly_what_was_shared_with_them_and_others_get_404(
        app_client: TestClient, world: World, case: dict[str, Any], signals: list[str]) -> None:
    cid = open_with_partners(app_client, world, case)
    # Invited but nothing shared yet: the case, without signals.
    bare = get(app_client, world, "woco", f"/casussen/{cid}").json()
    assert bare["geheel"] is False and bare["signalen"] == [] and bare["subjecten"] == []
    # woco: the police signal's location and description, not its parties.
    r = post(app_client, world, "coordinator", f"/casussen/{cid}/delingen",
             {"organisatie": world.orgs["woco"].id, "signalen": [signals[1]], "velden": ["locatie", "omschrijving"],
              "reden": "De corporatie moet weten wat er op haar adres is gezien."})
    assert r.status_code == 201, r.text
    # politie: the woco signal with its parties and identifying numbers.
    r = post(app_client, world, "coordinator", f"/casussen/{cid}/delingen",
             {"organisatie": world.orgs["politie"].id, "signalen": [signals[0]],
              "velden": ["betrokkenen", "identificerende_nummers"],
              "reden": "De politie toetst of de huurder bekend is."})
    assert r.status_code == 201, r.text

    woco = get(app_client, world, "woco", f"/casussen/{cid}")
    assert woco.status_code == 200
    seen = woco.json()
    assert [s["id"] for s in seen["signalen"]] == [signals[1]]
    assert "Havenstraat" in seen["signalen"][0]["omschrijving"]
    assert "betrokkenen" not in seen["signalen"][0]
    assert "Groeimaat" not in woco.text and "AB-123-C" not in woco.text
    assert "Pieter" not in woco.text and "111222333" not in woco.text
    assert [(d["organisatie"], d["signalen"], d["velden"]) for d in seen["delingen"]] == [
        (world.orgs["woco"].id, [signals[1]], ["locatie", "omschrijving"])]
    assert "privacytoetsen" not in seen  # the intake team's own records

    police = get(app_client, world, "politie", f"/casussen/{cid}")
    body = police.json()
    assert [s["id"] for s in body["signalen"]] == [signals[0]]
    assert body["signalen"][0]["betrokkenen"][0]["bsn"] == "111222333"
    assert "omschrijving" not in body["signalen"][0]
    assert "weigert al weken" not in police.text

    # Not invited: the case does not exist for them, and it is not in their list.
    for actor in ("netbeheer", "buur_coordinator", "privacy", "beheerder"):
        assert get(app_client, world, actor, f"/casussen/{cid}").status_code == 404, actor
    assert get(app_client, world, "netbeheer", "/casussen").json()["items"] == []
    # Every read of the case is in the logboek, per organisation.
    with world.runtime.db.session() as s:
        readers = set(s.scalars(sa.select(AccessLogEntry.organisation_id).where(
            AccessLogEntry.object_type == "casus", AccessLogEntry.object_id == cid,
            AccessLogEntry.action == "lezen")))
    assert {world.orgs["woco"].id, world.orgs["politie"].id} <= readers


def test_a_share_names_what_is_wrong_all_at_once(
        app_client: TestClient, world: World, case: dict[str, Any], signals: list[str]) -> None:
    cid = open_with_partners(app_client, world, case)
    r = post(app_client, world, "coordinator", f"/casussen/{cid}/delingen",
             {"organisatie": world.orgs["netbeheer"].id, "signalen": ["elders"], "subjecten": ["P-999999"],
              "velden": ["alles"], "reden": "kort"})
    assert invalid(r) == {"organisatie", "signalen[0]", "subjecten[0]", "velden[0]", "reden"}
    r = post(app_client, world, "coordinator", f"/casussen/{cid}/delingen",
             {"organisatie": world.orgs["woco"].id, "signalen": [signals[0]]})
    assert invalid(r) == {"velden", "reden"}


def test_weighing_needs_reasons_and_privacy_check_2b_before_execution(
        app_client: TestClient, world: World, case: dict[str, Any]) -> None:
    cid = open_with_partners(app_client, world, case)
    assert post(app_client, world, "coordinator", f"/casussen/{cid}/statussen",
                {"overgang": "naar_weging"}).status_code == 201
    # No chosen instrument yet: execution is refused.
    r = post(app_client, world, "coordinator", f"/casussen/{cid}/statussen", {"overgang": "naar_uitvoering"})
    assert invalid(r) == {"besluit"}
    r = post(app_client, world, "coordinator", f"/casussen/{cid}/besluiten", {"besluiten": [
        {"instrument": "sluiting_13b", "gekozen": True, "motivering": ""},
        {"instrument": "bestaat_niet", "gekozen": False, "motivering": "Niet van toepassing hier."},
        {"instrument": "huurontbinding_hennep", "motivering": "De corporatie ontbindt.",
         "organisatie": world.orgs["netbeheer"].id}]})
    assert invalid(r) == {"besluiten[0].motivering", "besluiten[1].instrument", "besluiten[2].gekozen",
                          "besluiten[2].organisatie", "privacytoets2b"}
    # The executing organisation must own the instrument: a municipality does not rescind a lease.
    r = post(app_client, world, "coordinator", f"/casussen/{cid}/besluiten", {"besluiten": [
        {"instrument": "huurontbinding_hennep", "gekozen": True, "motivering": "De corporatie ontbindt de huur.",
         "organisatie": world.orgs["gemeente"].id}], "privacytoets2b": {**CHECK_2B, "noodzaak": ""}})
    assert invalid(r) == {"besluiten[0].organisatie", "privacytoets2b.noodzaak"}
    r = post(app_client, world, "coordinator", f"/casussen/{cid}/besluiten", {"besluiten": [
        {"instrument": "sluiting_13b", "gekozen": True, "motivering": "Drugs aangetroffen; sluiting 3 maanden.",
         "organisatie": world.orgs["gemeente"].id},
        {"instrument": "huurontbinding_hennep", "gekozen": True, "motivering": "De corporatie ontbindt de huur.",
         "organisatie": world.orgs["woco"].id},
        {"instrument": "fiscale_controle", "gekozen": False,
         "motivering": "Geen aanwijzingen voor fiscale fraude; andere instrumenten volstaan."}],
        "privacytoets2b": {**CHECK_2B, "organisaties": [world.orgs["politie"].id, world.orgs["woco"].id]}})
    assert r.status_code == 201, r.text
    body = r.json()
    assert {(d["instrument"], d["gekozen"]) for d in body["besluiten"]} == {
        ("sluiting_13b", True), ("huurontbinding_hennep", True), ("fiscale_controle", False)}
    assert [c["fase"] for c in body["privacytoetsen"]] == ["2B"]
    assert body["privacytoetsen"][0]["extraDeling"]["organisaties"] == [world.orgs["politie"].id,
                                                                        world.orgs["woco"].id]
    r = post(app_client, world, "coordinator", f"/casussen/{cid}/statussen", {"overgang": "naar_uitvoering"})
    assert r.status_code == 201 and r.json()["status"] == "uitvoering"
    # Partners see the decisions, but not who in the municipality took them.
    woco = get(app_client, world, "woco", f"/casussen/{cid}").json()
    assert {d["instrument"] for d in woco["besluiten"]} == {"sluiting_13b", "huurontbinding_hennep",
                                                            "fiscale_controle"}
    assert all(d["door"].startswith("medewerker van") for d in woco["besluiten"])
    assert world["coordinator"].user.name not in str(woco)


def test_actions_are_required_in_full_updated_by_their_own_partner_and_escalated_when_overdue(
        app_client: TestClient, world: World, case: dict[str, Any]) -> None:
    cid = open_with_partners(app_client, world, case)
    assert invalid(post(app_client, world, "coordinator", f"/casussen/{cid}/acties", {})) == {
        "omschrijving", "organisatie", "verantwoordelijke", "deadline"}
    r = post(app_client, world, "coordinator", f"/casussen/{cid}/acties",
             {"omschrijving": "Stroom afsluiten", "organisatie": world.orgs["netbeheer"].id,
              "verantwoordelijke": "J. Jansen", "deadline": "volgende week"})
    assert invalid(r) == {"deadline"}
    r = post(app_client, world, "coordinator", f"/casussen/{cid}/acties",
             {"omschrijving": "Stroom afsluiten", "organisatie": world.orgs["netbeheer"].id,
              "verantwoordelijke": "J. Jansen", "deadline": "2030-01-01"})
    assert invalid(r) == {"organisatie"}  # not a participant
    past = (date.today() - timedelta(days=3)).isoformat()
    future = (date.today() + timedelta(days=30)).isoformat()
    woco_action = post(app_client, world, "coordinator", f"/casussen/{cid}/acties",
                       {"omschrijving": "Gesprek met de huurder en aanzegging ontbinding",
                        "organisatie": world.orgs["woco"].id, "verantwoordelijke": "Sanne Corporatie",
                        "deadline": past})
    police_action = post(app_client, world, "coordinator", f"/casussen/{cid}/acties",
                         {"omschrijving": "Bevindingen van de inval delen", "organisatie": world.orgs["politie"].id,
                          "verantwoordelijke": "Agent Bakker", "deadline": future})
    assert woco_action.status_code == 201 and police_action.status_code == 201, woco_action.text
    wid, pid = woco_action.json()["id"], police_action.json()["id"]
    assert woco_action.json()["verlopen"] is True and police_action.json()["verlopen"] is False

    # The escalation list for the steering group.
    overdue = get(app_client, world, "coordinator", "/acties?status=verlopen").json()
    assert [a["id"] for a in overdue["items"]] == [wid]
    assert invalid(get(app_client, world, "coordinator", "/acties?status=laat")) == {"status"}
    assert invalid(get(app_client, world, "coordinator", "/acties?naam=Jansen")) == {"naam"}

    # Partners see the case's actions; responsible persons of other organisations are pseudonymised.
    seen = {a["id"]: a for a in get(app_client, world, "woco", "/acties").json()["items"]}
    assert seen[wid]["verantwoordelijke"] == "Sanne Corporatie"
    assert seen[pid]["verantwoordelijke"] == "medewerker van Politie Basisteam Lindeveen"
    # A partner updates its own action only.
    assert invalid(post(app_client, world, "woco", f"/acties/{wid}/voortgang", {"status": "klaar"})) == {"status"}
    r = post(app_client, world, "woco", f"/acties/{wid}/voortgang",
             {"status": "gereed", "toelichting": "Huurder heeft de sleutels ingeleverd."})
    assert r.status_code == 201 and r.json()["status"] == "gereed" and r.json()["verlopen"] is False
    assert post(app_client, world, "woco", f"/acties/{pid}/voortgang", {"status": "gereed"}).status_code == 403
    assert post(app_client, world, "netbeheer", f"/acties/{pid}/voortgang", {"status": "gereed"}).status_code == 404
    assert get(app_client, world, "netbeheer", f"/acties/{pid}").status_code == 404
    assert get(app_client, world, "coordinator", "/acties?status=verlopen").json()["items"] == []


def test_closing_needs_a_result_and_follow_up_makes_the_case_read_only_and_reopening_is_recorded(
        app_client: TestClient, world: World, case: dict[str, Any], signals: list[str]) -> None:
    cid = open_with_partners(app_client, world, case)
    r = post(app_client, world, "coordinator", f"/casussen/{cid}/statussen",
             {"overgang": "afsluiten", "resultaat": "pand_dicht", "nazorgdatum": "2020-01-01"})
    assert invalid(r) == {"reden", "resultaat", "nazorgdatum"}
    follow_up = (date.today() + timedelta(days=180)).isoformat()
    r = post(app_client, world, "coordinator", f"/casussen/{cid}/statussen",
             {"overgang": "afsluiten", "reden": "Woning gesloten en huur ontbonden.",
              "resultaat": "pand_gesloten", "nazorgdatum": follow_up})
    assert r.status_code == 201, r.text
    closed = r.json()
    assert closed["status"] == "afgesloten" and closed["resultaat"] == "pand_gesloten"
    assert closed["nazorgdatum"] == follow_up and closed["herhaalsignalen"] == []
    assert closed["mogelijkeOvergangen"] == ["heropenen"]
    # Read-only: no invitation, share, decision or action on a closed case.
    for path, body in ((f"/casussen/{cid}/deelnemers", {"organisatie": world.orgs["netbeheer"].id,
                                                        "grondslag": "wgs"}),
                       (f"/casussen/{cid}/acties", {"omschrijving": "Nog iets doen", "deadline": follow_up,
                                                    "organisatie": world.orgs["woco"].id,
                                                    "verantwoordelijke": "X"})):
        assert post(app_client, world, "coordinator", path, body).status_code == 409, path
    # A new signal on the same address after closure is shown as a repeat signal.
    again = post(app_client, world, "netbeheer", "/signalen", signal_body(
        omschrijving="Opnieuw afwijkend stroomverbruik op dit adres na de sluiting.", betrokkenen=[]))
    assert again.status_code == 201
    repeat = get(app_client, world, "coordinator", f"/casussen/{cid}").json()["herhaalsignalen"]
    assert [s["id"] for s in repeat] == [again.json()["id"]]
    # Reopening needs a reason and is a transition of its own.
    assert invalid(post(app_client, world, "coordinator", f"/casussen/{cid}/statussen",
                        {"overgang": "heropenen"})) == {"reden"}
    r = post(app_client, world, "coordinator", f"/casussen/{cid}/statussen",
             {"overgang": "heropenen", "reden": "Herhaalsignaal van de netbeheerder na de sluiting."})
    assert r.status_code == 201 and r.json()["status"] == "uitvoering"
    assert [h["overgang"] for h in r.json()["statusgeschiedenis"]] == [None, "afsluiten", "heropenen"]
    assert post(app_client, world, "woco", f"/casussen/{cid}/statussen",
                {"overgang": "afsluiten"}).status_code == 403
    # The history is append-only in the database itself.
    with pytest.raises(sa.exc.DBAPIError), world.runtime.db.transaction() as s:
        s.execute(sa.update(CaseStatus).values(note="gewijzigd"))


def test_the_follow_up_list_shows_closed_cases_whose_date_has_come_with_their_repeat_signals(
        app_client: TestClient, world: World, signals: list[str]) -> None:
    from datetime import UTC, datetime

    from weerbaar.cases import service

    coordinator = world["coordinator"].principal
    cat = world.runtime.catalogue
    long_ago = datetime.now(UTC) - timedelta(days=200)
    with world.runtime.db.transaction() as s:
        due = service.open_case(s, coordinator, cat, service.NewCase("Oude casus", signals[:1]), at=long_ago)
        later = service.open_case(s, coordinator, cat, service.NewCase("Recente casus", signals[1:]))
        service.change_status(s, coordinator, cat, due.id, service.CaseChange(
            "afsluiten", "Afgerond na sluiting van de woning.", "pand_gesloten",
            (long_ago + timedelta(days=180)).date()), at=long_ago + timedelta(days=5))
        service.change_status(s, coordinator, cat, later.id, service.CaseChange(
            "afsluiten", "Geen grond gevonden om op te treden.", "geen_grond", date.today() + timedelta(days=60)))
        due_id, later_id = due.id, later.id
    repeat = post(app_client, world, "netbeheer", "/signalen", signal_body(
        omschrijving="Weer een afwijkend verbruik op het adres van de oude casus.", betrokkenen=[]))
    assert repeat.status_code == 201
    listed = get(app_client, world, "coordinator", "/casussen?nazorg=bereikt").json()["items"]
    assert [c["id"] for c in listed] == [due_id]
    assert listed[0]["nazorgBereikt"] is True and listed[0]["resultaat"] == "pand_gesloten"
    # Both later signals on the address count: the other fixture signal and the new one.
    assert listed[0]["herhaalsignalen"] == 2
    closed = {c["id"]: c for c in get(app_client, world, "coordinator", "/casussen?status=afgesloten").json()["items"]}
    assert set(closed) == {due_id, later_id} and closed[later_id]["nazorgBereikt"] is False
    assert invalid(get(app_client, world, "coordinator", "/casussen?nazorg=ooit")) == {"nazorg"}


def test_the_case_contract_is_in_the_public_openapi_document(app_client: TestClient) -> None:
    r = app_client.get(f"{API}/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    expected = {
        f"{API}/casussen": {"get", "post"},
        f"{API}/casussen/{{id}}": {"get"},
        f"{API}/casussen/{{id}}/deelnemers": {"post"},
        f"{API}/casussen/{{id}}/delingen": {"post"},
        f"{API}/casussen/{{id}}/besluiten": {"post"},
        f"{API}/casussen/{{id}}/acties": {"post"},
        f"{API}/casussen/{{id}}/statussen": {"post"},
        f"{API}/acties": {"get"},
        f"{API}/acties/{{id}}/voortgang": {"post"},
    }
    assert {p: set(paths.get(p, {})) & {"get", "post"} for p in expected} == expected
    schemas = r.json()["components"]["schemas"]
    assert {"omschrijving", "organisatie", "verantwoordelijke", "deadline"} <= set(schemas["ActieIn"]["properties"])
    assert {"organisatie", "grondslag"} <= set(schemas["DeelnemerIn"]["properties"])
    assert {"organisatie", "signalen", "subjecten", "velden"} <= set(schemas["CasusDelingIn"]["properties"])
    assert "privacytoets2b" in schemas["IntegraleWegingIn"]["properties"]


def test_a_decision_names_only_a_meeting_that_has_the_case_on_its_agenda(
        app_client: TestClient, world: World, case: dict[str, Any]) -> None:
    cid = case["id"]
    meeting = post(app_client, world, "coordinator", "/overleggen", {"titel": "Casusoverleg", "datum": "2026-12-03"})
    assert meeting.status_code == 201, meeting.text
    mid = meeting.json()["id"]
    weighing = {"besluiten": [{"instrument": "fiscale_controle", "gekozen": False,
                               "motivering": "Geen aanwijzingen voor fiscale fraude."}], "overleg": mid}
    assert invalid(post(app_client, world, "coordinator", f"/casussen/{cid}/besluiten", weighing)) == {"overleg"}
    assert post(app_client, world, "coordinator", f"/overleggen/{mid}/agendapunten",
                {"casus": cid}).status_code == 201
    r = post(app_client, world, "coordinator", f"/casussen/{cid}/besluiten", weighing)
    assert r.status_code == 201, r.text
    assert [d["overleg"] for d in r.json()["besluiten"]] == [mid]


def test_privacy_check_1_on_a_case_opens_the_details_of_its_subjects(app_client: TestClient, world: World) -> None:
    from sqlalchemy import select

    from weerbaar.intake.models import SignalParty
    from weerbaar.resolve.models import SignalSubject

    from .er_rows import build_linked
    from .world import CHECK_TEXTS

    build_linked(world)
    signal = post(app_client, world, "woco", "/signalen", signal_body()).json()["id"]
    with world.runtime.db.transaction() as s:
        party = s.scalars(select(SignalParty.id).where(SignalParty.signal_id == signal,
                                                       SignalParty.kind == "persoon")).first()
        s.add(SignalSubject(signal_id=signal, party_id=party, subject_id="P-000001", probability=0.95))
    case = post(app_client, world, "coordinator", "/casussen", {"titel": "Casus over P-000001", "signalen": [signal]})
    assert case.status_code == 201, case.text
    cid = case.json()["id"]
    assert [s["id"] for s in case.json()["subjecten"]] == ["P-000001"]
    before = get(app_client, world, "coordinator", "/subjecten/P-000001").json()
    assert before["gegevensZichtbaar"] is False and before["naam"] is None
    body = {"grondslag": "gemeentewet_172", "doel": CHECK_TEXTS["purpose"], "noodzaak": CHECK_TEXTS["necessity"],
            "proportionaliteit": CHECK_TEXTS["proportionality"], "subsidiariteit": CHECK_TEXTS["subsidiarity"],
            "subjecten": ["P-000001"]}
    assert invalid(post(app_client, world, "coordinator", f"/casussen/{cid}/privacytoetsen",
                        {**body, "doel": "", "grondslag": "onbekend"})) == {"doel", "grondslag"}
    assert post(app_client, world, "woco", f"/casussen/{cid}/privacytoetsen", body).status_code in (403, 404)
    r = post(app_client, world, "coordinator", f"/casussen/{cid}/privacytoetsen", body)
    assert r.status_code == 201, r.text
    after = get(app_client, world, "coordinator", "/subjecten/P-000001").json()
    assert after["gegevensZichtbaar"] is True and after["naam"]
    assert [c["fase"] for c in get(app_client, world, "coordinator", f"/casussen/{cid}").json()["privacytoetsen"]] \
        == ["1"]

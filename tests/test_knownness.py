"""The hit/no-hit check (bekendheidscheck) through the API, on SQLite and PostgreSQL: per
organisation known or not from pseudonymised keys of its signals and delivered extracts, name
variants meeting, every invalid field at once, the question recorded and logged without the
identifier, and the organisations asked seeing that they were asked — never content."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from weerbaar.access.models import AccessLogEntry
from weerbaar.cases.knownness import refresh_keys
from weerbaar.cases.models import KnownnessAnswer, KnownnessKey, KnownnessQuery

from .er_rows import ADDRESS_1, KVK, build_linked
from .world import World, signal_body

API = "/api/v1"
WHY = {"doel": "Voorbereiding van het casusoverleg over hennepteelt op de Havenstraat.",
       "grondslag": "riec_convenant"}
JAN = {"naam": "Jan de Vries", "geboortedatum": "1985-06-07"}


@pytest.fixture
def known(app_client: TestClient, world: World) -> World:
    """Jan de Vries in the municipality's extracts and the corporation's tenancies (tests/er_rows.py),
    and in Zandhoven's; Pieter van der Wal, Groeimaat and Havenstraat 1 in a grid operator's signal."""
    build_linked(world)
    r = app_client.post(f"{API}/signalen", json=signal_body(), headers=world["netbeheer"].headers)
    assert r.status_code == 201, r.text
    with world.runtime.db.transaction() as s:
        refresh_keys(s, "GM9990")
        refresh_keys(s, "GM9991")
    return world


def ask(client: TestClient, world: World, actor: str = "analist", **body: Any) -> Any:
    return client.post(f"{API}/bekendheid/_zoek", json={**WHY, **body}, headers=world[actor].headers)


def answers(r: Any) -> dict[str, bool]:
    assert r.status_code == 200, r.text
    return {a["organisatie"]["naam"]: a["bekend"] for a in r.json()["antwoorden"]}


LINDEVEEN = {"Gemeente Lindeveen", "Woonstichting Thuisvast", "Stroomnet Netbeheer", "Politie Basisteam Lindeveen"}


def test_known_per_organisation_with_a_contact_and_nothing_else(app_client: TestClient, known: World) -> None:
    r = ask(app_client, known, persoon=JAN)
    got = answers(r)
    # Every organisation of the asker's municipality is asked; another municipality's only where it knows.
    assert set(got) == LINDEVEEN | {"Gemeente Zandhoven"}
    assert {name for name, hit in got.items() if hit} == {"Gemeente Lindeveen", "Woonstichting Thuisvast",
                                                           "Gemeente Zandhoven"}
    body = r.json()
    assert body["bekend"] is True and body["soort"] == "naam_geboortedatum"
    for a in body["antwoorden"]:
        assert set(a) == ({"organisatie", "bekend", "contact"} if a["bekend"] else {"organisatie", "bekend"})
        assert set(a["organisatie"]) == {"id", "naam", "type"}
    woco = next(a for a in body["antwoorden"] if a["organisatie"]["naam"] == "Woonstichting Thuisvast")
    assert woco["contact"] == {"naam": "Contact Woonstichting Thuisvast", "email": "contact@woco.example",
                               "telefoon": None}
    # No content: nothing of what the organisations hold comes back.
    for content in ("Havenstraat", "HC-1", "huurcontracten", "999990019", "P-000001"):
        assert content not in r.text
    nobody = ask(app_client, known, persoon={"naam": "Jan de Vries", "geboortedatum": "1990-01-01"})
    assert set(answers(nobody)) == LINDEVEEN and not any(answers(nobody).values())
    assert nobody.json()["bekend"] is False


def test_name_variants_meet_the_same_key(app_client: TestClient, known: World) -> None:
    expected = answers(ask(app_client, known, persoon=JAN))
    for name in ("J. de Vries", "Vries, Jan de", "JAN DE VRIES", "jan  de vries", "Johannes de Vries", "De Vries"):
        assert answers(ask(app_client, known, persoon={**JAN, "naam": name})) == expected, name
    # The grid operator wrote "Pieter van der Wal"; asked as one word, or with initials, it meets.
    for name in ("P. van der Wal", "Pieter Vanderwal", "Wal, P. van der"):
        got = answers(ask(app_client, known, persoon={"naam": name, "geboortedatum": "1985-06-07"}))
        assert {n for n, hit in got.items() if hit} == {"Stroomnet Netbeheer"}, name


def test_bsn_company_and_address(app_client: TestClient, known: World) -> None:
    def hits(**body: Any) -> set[str]:
        return {n for n, hit in answers(ask(app_client, known, **body)).items() if hit}

    assert hits(persoon={"bsn": "1112.22.333"}) == {"Stroomnet Netbeheer"}
    assert hits(persoon={"bsn": "999990019"}) == {"Gemeente Lindeveen"}
    assert hits(kvkNummer=KVK) == {"Gemeente Lindeveen", "Stroomnet Netbeheer"}
    assert hits(kvkNummer="87654321") == set()
    # The signal named postcode and number; the address register knows its BAG id: both forms meet.
    address = known.addresses["BU99900101"]
    assert hits(postcode="9991 aa", huisnummer=1) == {"Stroomnet Netbeheer"}
    assert hits(adresId=address.id) == {"Stroomnet Netbeheer"}
    assert hits(postcode="9991AA", huisnummer=1, huisletter="B") == set()
    # The corporation's tenancy names a BAG id only; the address register extract itself does not count.
    assert hits(adresId=ADDRESS_1) == {"Woonstichting Thuisvast", "Gemeente Lindeveen"}


def test_every_invalid_field_is_named_at_once(app_client: TestClient, known: World) -> None:
    r = app_client.post(f"{API}/bekendheid/_zoek", headers=known["analist"].headers, json={
        "persoon": {"naam": "Jan"}, "kvkNummer": "12", "doel": "even", "grondslag": "toverwet"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert {p["name"]: p["code"] for p in r.json()["invalidParams"]} == {
        "kvkNummer": "een_onderwerp", "persoon.geboortedatum": "missing", "doel": "te_summier",
        "grondslag": "grondslag_onbekend"}
    r = app_client.post(f"{API}/bekendheid/_zoek", headers=known["analist"].headers, json={
        "postcode": "ABC", "huisletter": "B", "grondslag": "wpg_art_20"})
    assert {p["name"]: p["code"] for p in r.json()["invalidParams"]} == {
        "postcode": "postcode_ongeldig", "huisnummer": "missing", "doel": "missing",
        "grondslag": "grondslag_niet_voor_organisatie"}
    r = ask(app_client, known, persoon={"bsn": "123456789", "naam": "Jan"})
    assert {p["name"] for p in r.json()["invalidParams"]} == {"persoon.bsn", "persoon"}
    r = ask(app_client, known)
    assert [p["code"] for p in r.json()["invalidParams"]] == ["geen_onderwerp"]
    assert all(p["reason"] for p in r.json()["invalidParams"])
    with known.runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(KnownnessQuery)) == 0


def test_only_those_with_the_right_may_ask(app_client: TestClient, known: World) -> None:
    for actor in ("woco", "privacy", "gemeente_partner"):
        assert ask(app_client, known, actor=actor, persoon=JAN).status_code == 403


def test_the_question_is_recorded_and_logged_without_the_identifier(app_client: TestClient, known: World) -> None:
    r = ask(app_client, known, persoon=JAN)
    with known.runtime.db.session() as s:
        query = s.get(KnownnessQuery, r.json()["id"])
        assert query is not None and len(query.key_hash) == 64 and query.kind == "naam_geboortedatum"
        assert (query.purpose, query.legal_basis, query.organisation_id) == (
            WHY["doel"], "riec_convenant", known.orgs["gemeente"].id)
        stored = dict(s.execute(select(KnownnessAnswer.organisation_id, KnownnessAnswer.known)
                                .where(KnownnessAnswer.query_id == query.id)).all())
        assert len(stored) == 5 and sum(stored.values()) == 3
        entry = s.scalars(select(AccessLogEntry).where(AccessLogEntry.object_type == "bekendheid")).one()
        assert (entry.action, entry.object_id, entry.purpose) == ("zoeken", query.id, WHY["doel"])
        assert entry.details["sleutel"].startswith("hash:") and entry.details["bevraagd"] == 5
        assert "Vries" not in str(entry.details) and "1985" not in str(entry.details)
        assert len(entry.details["bekendBij"]) == 3
        # The keys table holds hashes only, per organisation and kind.
        assert s.scalar(select(func.count()).select_from(KnownnessKey)) > 0
        assert not s.scalar(select(func.count()).where(KnownnessKey.key_hash.like("%vries%")))


def test_the_organisations_asked_see_that_they_were_asked(app_client: TestClient, known: World) -> None:
    ask(app_client, known, persoon=JAN)
    r = app_client.get(f"{API}/bekendheid/bevragingen", headers=known["woco2"].headers)
    assert r.status_code == 200, r.text
    [item] = r.json()["items"]
    assert item["gevraagdDoor"]["naam"] == known["analist"].user.name
    assert item["gevraagdDoor"]["organisatie"]["naam"] == "Gemeente Lindeveen"
    assert (item["doel"], item["grondslag"], item["bekend"], item["soort"]) == (
        WHY["doel"], "riec_convenant", True, "naam_geboortedatum")
    assert "Vries" not in r.text and "1985" not in r.text
    grid = app_client.get(f"{API}/bekendheid/bevragingen", headers=known["netbeheer"].headers).json()["items"]
    assert [i["bekend"] for i in grid] == [False]
    # Zandhoven was asked because it knows him; Lindeveen's questions reach no one else.
    assert len(app_client.get(f"{API}/bekendheid/bevragingen",
                              headers=known["buur_coordinator"].headers).json()["items"]) == 1
    with known.runtime.db.session() as s:
        assert s.scalar(select(func.count()).where(AccessLogEntry.object_type == "bekendheidsvraag")) == 3


def test_refresh_is_idempotent_and_follows_the_data(app_client: TestClient, known: World) -> None:
    with known.runtime.db.transaction() as s:
        again = refresh_keys(s, "GM9990")
    assert (again["toegevoegd"], again["verwijderd"]) == (0, 0) and again["sleutels"] > 0
    # A new signal is known at once (added at registration), before any analysis.
    r = app_client.post(f"{API}/signalen", headers=known["politie"].headers, json=signal_body(
        betrokkenen=[{"soort": "persoon", "voornamen": "Sanne", "geslachtsnaam": "Bakker",
                      "geboortedatum": "1990-02-03"}]))
    assert r.status_code == 201, r.text
    got = answers(ask(app_client, known, persoon={"naam": "S. Bakker", "geboortedatum": "1990-02-03"}))
    assert {n for n, hit in got.items() if hit} == {"Politie Basisteam Lindeveen"}


def test_the_check_on_its_page(app_client: TestClient, known: World) -> None:
    from .test_web import login_as

    csrf = login_as(app_client, known["analist"])
    form = {"csrf": csrf, "naam": "J. de Vries", "geboortedatum": "1985-06-07", **WHY}
    r = app_client.post("/bekendheid", data=form)
    assert r.status_code == 200, r.text
    assert "Woonstichting Thuisvast</strong>: bekend" in r.text and "contact@woco.example" in r.text
    assert "Stroomnet Netbeheer</strong>: niet bekend" in r.text and "HC-1" not in r.text
    r = app_client.post("/bekendheid", data={**form, "geboortedatum": "gisteren", "doel": ""})
    assert r.status_code == 422 and "Ongeldige datum" in r.text and "Geef het doel" in r.text
    with TestClient(app_client.app) as other:
        login_as(other, known["woco"])
        page = other.get("/bekendheid")
    assert page.status_code == 200 and "Vragen aan uw organisatie" in page.text
    assert "uw antwoord: bekend" in page.text and "Vries" not in page.text
    assert 'action="/bekendheid"' not in page.text  # a partner professional may not ask

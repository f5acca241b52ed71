"""Subject cards and subject search through the API and the web pages, on SQLite and
PostgreSQL: provenance of every linked record, relations, signals filtered by signal
visibility, merged ids followed, and nothing at all for partners or other municipalities."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from weerbaar.access import logbook
from weerbaar.access.models import AccessLogEntry
from weerbaar.core.errors import NotFound
from weerbaar.intake.models import SignalParty
from weerbaar.resolve.cards import subject_card
from weerbaar.resolve.models import SignalSubject

from .er_rows import ADDRESS_1, KVK, build_linked
from .test_web import login_as
from .world import privacy_check, signal_body


@pytest.fixture
def linked(world):  # type: ignore[no-untyped-def]
    built = build_linked(world)
    # Privacy check 1 by the municipality opens these subjects' details to its coordinators and
    # analysts (tests/test_privacy_gate.py: what the cards show without one).
    privacy_check(world, "coordinator", ["P-000001", "B-000001", "A-000001", "B-000002"])
    return built


def _signal(app_client, actor, **overrides: Any) -> str:  # type: ignore[no-untyped-def]
    r = app_client.post("/api/v1/signalen", json=signal_body(**overrides), headers=actor.headers)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _about(runtime, signal_id: str, subject_id: str, probability: float = 0.93) -> None:  # type: ignore[no-untyped-def]
    with runtime.db.transaction() as s:
        party = s.scalars(select(SignalParty.id).where(SignalParty.signal_id == signal_id,
                                                       SignalParty.kind == "persoon")).first()
        s.add(SignalSubject(signal_id=signal_id, party_id=party, subject_id=subject_id, probability=probability))


def _card(app_client, actor, subject_id: str) -> Any:  # type: ignore[no-untyped-def]
    return app_client.get(f"/api/v1/subjecten/{subject_id}", headers=actor.headers)


def test_card_shows_every_record_with_provenance_and_explanation(app_client, world, linked):
    r = _card(app_client, world["analist"], "P-000001")
    assert r.status_code == 200, r.text
    card = r.json()
    assert (card["id"], card["soort"], card["naam"]) == ("P-000001", "persoon", "Jan de Vries (1985-06-07)")
    assert card["samengevoegdIn"] is None
    by_source = {(b["bron"], b["rol"]): b for b in card["bronregistraties"]}
    assert set(by_source) == {("personen", "persoon"), ("huurcontracten", "huurder"),
                              ("functionarissen", "functionaris"), ("transacties", "koper"), ("ftm", "entiteit")}
    assert len(card["bronregistraties"]) == 6  # two personen records
    huur = by_source[("huurcontracten", "huurder")]
    assert huur["organisatie"] == "Woonstichting Thuisvast"
    assert (huur["sleutel"], huur["versie"], huur["bestand"], huur["regel"], huur["peildatum"]) == (
        "HC-1", 1, "huurcontracten_2026-09.csv", 2, "2026-09-01")
    assert huur["gegevens"] == {"voornamen": "Jan", "tussenvoegsel": "de", "geslachtsnaam": "Vries",
                                "geboortedatum": "1985-06-07", "adres_id": ADDRESS_1}
    assert huur["koppeling"]["kans"] == 0.97 and huur["koppeling"]["bron"] == "model"
    assert huur["koppeling"]["via"] == {"bronregistratie": linked.records["pers1"], "rol": "persoon"}
    assert [u["tekst"] for u in huur["koppeling"]["uitleg"]] == [
        "achternaam: gelijk (+5,1)", "voornamen: gelijk (+3,4)", "geboortedatum: dag en maand verwisseld (-1,2)"]
    # The FtM mention: title stripped, name split.
    ftm = by_source[("ftm", "entiteit")]
    assert ftm["gegevens"] == {"voornamen": "Jan", "tussenvoegsel": "de", "geslachtsnaam": "Vries"}
    assert card["kenmerken"]["voornamen"] == ["Jan", "Johannes"]
    assert card["kenmerken"]["bsn"] == ["999990019"]


def test_key_links_explain_themselves_in_either_stored_form(app_client, world, linked):
    """A run stores a key link compactly ({"sleutel": "kvk"}); earlier runs spelled the reason
    out. The card reads the same Dutch reason from both."""
    company = _card(app_client, world["coordinator"], "B-000001").json()
    compact = [r for r in company["bronregistraties"] if r["rol"] == "onderneming"]
    assert compact and all([u["tekst"] for u in r["koppeling"]["uitleg"]] == ["kvk: zelfde KvK-nummer"]
                           for r in compact)
    address = _card(app_client, world["coordinator"], "A-000001").json()
    spelled = [r for r in address["bronregistraties"] if r["koppeling"]["bron"] == "sleutel"]
    assert spelled and all([u["tekst"] for u in r["koppeling"]["uitleg"]] == ["adres_id: zelfde BAG-adres-id"]
                           for r in spelled)


def test_card_relations_both_directions_with_dates(app_client, world, linked):
    person = _card(app_client, world["coordinator"], "P-000001").json()
    rels = {(r["type"], r["subject"]["id"]): r for r in person["relaties"]}
    assert set(rels) == {("bewoning", "A-000001"), ("huur", "A-000001"), ("eigendom", "A-000001"),
                         ("bestuur", "B-000001"), ("betaling", "B-000002"), ("bewoning", "A-000003")}
    bestuur = rels[("bestuur", "B-000001")]
    assert (bestuur["van"], bestuur["tot"], bestuur["functie"], bestuur["richting"]) == (
        "2019-01-01", "2021-06-30", "bestuurder", "uitgaand")
    assert bestuur["omschrijving"] == "is functionaris van" and bestuur["bron"] == "functionarissen"
    assert rels[("bewoning", "A-000001")]["van"] == "2015-01-01" and rels[("bewoning", "A-000001")]["tot"] is None
    assert rels[("eigendom", "A-000001")]["sleutel"] == "TR-1"
    pay = rels[("betaling", "B-000002")]
    assert (pay["van"], pay["bedragEur"], pay["bron"], pay["sleutel"]) == (
        "2021-12-29", "100000", "ftm", "ftm-betaling")

    company = _card(app_client, world["coordinator"], "B-000001").json()
    crels = sorted((r["type"], r["subject"]["id"], r["richting"], r.get("functie")) for r in company["relaties"])
    assert crels == [("bestuur", "P-000001", "inkomend", "bestuurder"), ("bestuur", "P-000003", "inkomend", "vennoot"),
                     ("eigendom", "A-000002", "uitgaand", None), ("vestiging", "A-000002", "uitgaand", None)]
    address = _card(app_client, world["coordinator"], "A-000001").json()
    assert sorted((r["type"], r["omschrijving"]) for r in address["relaties"]) == [
        ("bewoning", "heeft als ingeschrevene"), ("eigendom", "is gekocht door"), ("huur", "wordt gehuurd door")]
    party = _card(app_client, world["coordinator"], "B-000002").json()
    assert [(r["type"], r["subject"]["id"], r["richting"]) for r in party["relaties"]] == [
        ("betaling", "P-000001", "inkomend")]


def test_card_lists_only_signals_the_reader_may_see(app_client, world, runtime, linked):
    seen = _signal(app_client, world["woco"])
    hidden = _signal(app_client, world["buur_coordinator"], locatie={"postcode": "9992 ZZ", "huisnummer": 5})
    _about(runtime, seen, "P-000001")
    _about(runtime, hidden, "P-000001")
    analyst = _card(app_client, world["analist"], "P-000001").json()
    assert [s["id"] for s in analyst["signalen"]] == [seen]
    assert analyst["signalen"][0]["betrokkenheid"] == "persoon" and analyst["signalen"][0]["kans"] == 0.93
    # Same card, other municipality's reader cannot open it at all; the signal's own reader
    # in Zandhoven sees it only on a Zandhoven card.
    assert _card(app_client, world["buur_coordinator"], "P-000001").status_code == 404


@pytest.mark.parametrize("actor", ["woco", "politie", "gemeente_partner", "privacy", "buur_coordinator"])
def test_partners_and_other_municipalities_get_404(app_client, world, linked, actor):
    r = _card(app_client, world[actor], "P-000001")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    # Unknown ids look exactly the same.
    unknown = _card(app_client, world[actor], "P-999999")
    assert (unknown.status_code, unknown.json()["detail"]) == (404, r.json()["detail"])


def test_unknown_and_malformed_ids_are_404(app_client, world, linked):
    for sid in ("P-999999", "X-000001", "P-1", "..%2F"):
        assert _card(app_client, world["coordinator"], sid).status_code == 404


def test_merged_id_is_followed_and_said(app_client, world, linked):
    card = _card(app_client, world["coordinator"], "P-000002").json()
    assert (card["id"], card["gevraagdId"], card["samengevoegdIn"]) == ("P-000001", "P-000002", "P-000001")
    assert "P-000002 is samengevoegd in P-000001" in card["melding"]


def test_every_card_read_is_logged(app_client, world, runtime, linked):
    _card(app_client, world["analist"], "P-000002")
    with runtime.db.session() as s:
        entries = s.scalars(select(AccessLogEntry).where(AccessLogEntry.object_type == "subject")).all()
        assert [(e.action, e.object_id, e.user_email, e.channel) for e in entries] == [
            (logbook.READ, "P-000001", world["analist"].user.email, "api")]
        assert entries[0].details == {"gevraagd": "P-000002"}
        assert logbook.verify_chain(s) == (True, None)


def test_service_reads_no_partner_extract_for_a_partner(runtime, world, linked):
    with runtime.db.transaction() as s, pytest.raises(NotFound):
        subject_card(s, world["woco"].principal, runtime.catalogue, "A-000001")


# --- search --------------------------------------------------------------------------------


def _search(app_client, actor, **body: Any):  # type: ignore[no-untyped-def]
    return app_client.post("/api/v1/subjecten/_zoek", json=body, headers=actor.headers)


def test_search_by_name_birth_date_kvk_and_address(app_client, world, linked):
    def ids(**body: Any) -> list[str]:
        r = _search(app_client, world["analist"], **body)
        assert r.status_code == 200, r.text
        return [i["id"] for i in r.json()["items"]]

    assert ids(naam="J. de Vries") == ["P-000001"]  # merged P-000002 is not a result
    assert ids(naam="jan vries", soort="persoon") == ["P-000001"]
    assert ids(naam="Vries", geboortedatum="1985-07-06") == ["P-000001"]  # day and month swapped
    assert ids(naam="Vries", geboortedatum="1990-01-01") == []
    assert ids(kvkNummer=KVK) == ["B-000001"]
    assert ids(naam="groeimaat") == ["B-000001"]
    assert ids(postcode="9991 aa", huisnummer=1) == ["A-000001"]
    assert ids(postcode="9991AB") == ["A-000002"]
    assert ids(naam="Jansen", soort="bedrijf") == []


def test_search_refuses_bad_input_and_partners(app_client, world, linked):
    r = _search(app_client, world["analist"], kvkNummer="123", postcode="ABC", huisnummer=0, soort="fiets", x=1)
    assert r.status_code == 422
    names = {p["name"] for p in r.json()["invalidParams"]}
    assert names == {"huisnummer", "soort", "x"}  # pydantic first; identifiers after
    r = _search(app_client, world["analist"], kvkNummer="123", postcode="ABC")
    assert {p["name"] for p in r.json()["invalidParams"]} == {"kvkNummer", "postcode"}
    assert _search(app_client, world["analist"]).status_code == 422
    assert _search(app_client, world["woco"], naam="Vries").status_code == 403
    r = _search(app_client, world["buur_coordinator"], naam="Vries")
    assert [i["id"] for i in r.json()["items"]] == ["P-000009"]


def test_search_is_logged_without_the_name(app_client, world, runtime, linked):
    _search(app_client, world["analist"], naam="de Vries")
    with runtime.db.session() as s:
        entry = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == logbook.SEARCH,
                                                       AccessLogEntry.object_type == "subject")).one()
        assert "Vries" not in str(entry.details) and entry.details["ids"] == ["P-000001"]


# --- web -----------------------------------------------------------------------------------


def test_card_page_shows_sections_and_links(app_client, world, linked):
    login_as(app_client, world["analist"])
    r = app_client.get("/subjecten/P-000001")
    assert r.status_code == 200, r.text
    html = r.text
    for heading in ("Gegevens", "Bronregistraties", "Relaties", "Signalen"):
        assert f">{heading}<" in html
    assert 'href="/subjecten/B-000001"' in html and 'href="/subjecten/A-000001"' in html
    assert "huurcontracten_2026-09.csv" in html and "achternaam: gelijk (+5,1)" in html
    assert 'href="/subjecten"' in html  # navigation entry for bronnen.lezen
    assert "Ontkoppelen" not in html  # analysts cannot judge
    merged = app_client.get("/subjecten/P-000002")
    assert "P-000002 is samengevoegd in P-000001" in merged.text


def test_card_page_is_404_for_partners(app_client, world, linked):
    login_as(app_client, world["woco"])
    assert app_client.get("/subjecten/P-000001").status_code == 404
    assert 'href="/subjecten"' not in app_client.get("/").text


def test_search_page_posts_the_name(app_client, world, linked):
    csrf = login_as(app_client, world["coordinator"])
    r = app_client.post("/subjecten", data={"csrf": csrf, "naam": "de vries"})
    assert r.status_code == 200 and 'href="/subjecten/P-000001"' in r.text
    r = app_client.post("/subjecten", data={"csrf": csrf, "postcode": "nope"})
    assert r.status_code == 422 and "postcode" in r.text.lower()

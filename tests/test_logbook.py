"""The logboek: every access recorded (who, organisation, role, action, object, purpose, channel),
search criteria pseudonymised, hash-chained and tamper-evident."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from weerbaar.access import logbook
from weerbaar.access.models import AccessLogEntry, LogChainHead
from weerbaar.core.runtime import Runtime

from .world import World, signal_body

API = "/api/v1"
BSN = "111222333"  # the BSN of Pieter van der Wal in signal_body()


def rows(rt: Runtime) -> list[AccessLogEntry]:
    with rt.db.session() as s:
        return list(s.scalars(sa.select(AccessLogEntry).order_by(AccessLogEntry.id)))


def last(rt: Runtime) -> AccessLogEntry:
    return rows(rt)[-1]


def who(e: AccessLogEntry) -> tuple[Any, ...]:
    return (e.user_id, e.user_email, e.organisation_id, e.organisation_name, e.role, e.channel)


def expected_who(world: World, actor: str, org: str) -> tuple[Any, ...]:
    a = world[actor]
    return (a.user.id, a.user.email, world.orgs[org].id, world.orgs[org].name, a.user.role, "api")


def create(client: TestClient, world: World, actor: str = "woco", **overrides: Any) -> str:
    r = client.post(f"{API}/signalen", headers=world[actor].headers, json=signal_body(**overrides))
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


# --------------------------------------------------------------------------------------------
# Every access is recorded, with who, organisation, role, action, object, purpose and channel.
# --------------------------------------------------------------------------------------------
def test_create_is_logged(app_client: TestClient, world: World) -> None:
    sid = create(app_client, world)
    e = last(world.runtime)
    assert who(e) == expected_who(world, "woco", "woco")
    assert (e.action, e.object_type, e.object_id, e.purpose) == ("aanmaken", "signaal", sid, "signaalregistratie")


def test_read_is_logged_with_the_purpose_from_the_query(app_client: TestClient, world: World) -> None:
    sid = create(app_client, world)
    app_client.get(f"{API}/signalen/{sid}?doel=Intake%20signaal%2012", headers=world["coordinator"].headers)
    e = last(world.runtime)
    assert who(e) == expected_who(world, "coordinator", "gemeente")
    assert (e.action, e.object_id, e.purpose) == ("lezen", sid, "Intake signaal 12")


def test_read_without_purpose_gets_the_default_purpose(app_client: TestClient, world: World) -> None:
    sid = create(app_client, world)
    app_client.get(f"{API}/signalen/{sid}", headers=world["analist"].headers)
    assert (last(world.runtime).action, last(world.runtime).purpose) == ("lezen", "signaalbehandeling")


def test_list_is_logged_with_filters_and_the_ids_shown(app_client: TestClient, world: World) -> None:
    sid = create(app_client, world)
    app_client.get(f"{API}/signalen?fenomeen=hennepteelt&doel=weekoverzicht", headers=world["coordinator"].headers)
    e = last(world.runtime)
    assert who(e) == expected_who(world, "coordinator", "gemeente")
    assert (e.action, e.purpose, e.details["filters"], e.details["ids"]) == (
        "raadplegen_lijst", "weekoverzicht", {"fenomeen": "hennepteelt"}, [sid])


def test_search_is_logged_with_the_purpose_from_the_body(app_client: TestClient, world: World) -> None:
    sid = create(app_client, world)
    app_client.post(f"{API}/signalen/_zoek", headers=world["analist"].headers,
                    json={"bsn": BSN, "doel": "Voorbereiding casusoverleg"})
    e = last(world.runtime)
    assert who(e) == expected_who(world, "analist", "gemeente")
    assert (e.action, e.purpose, e.details["treffers"], e.details["ids"]) == (
        "zoeken", "Voorbereiding casusoverleg", 1, [sid])


def test_share_is_logged_with_the_reason_as_purpose(app_client: TestClient, world: World) -> None:
    sid = create(app_client, world)
    app_client.post(f"{API}/signalen/{sid}/delingen", headers=world["coordinator"].headers,
                    json={"organisatie": world.orgs["politie"].id, "reden": "Convenant hennep, art. 3"})
    e = last(world.runtime)
    assert who(e) == expected_who(world, "coordinator", "gemeente")
    assert (e.action, e.object_id, e.purpose, e.details["gedeeldMet"]) == (
        "delen", sid, "Convenant hennep, art. 3", world.orgs["politie"].id)


def test_log_read_is_itself_logged(app_client: TestClient, world: World) -> None:
    r = app_client.get(f"{API}/logboek", headers=world["privacy"].headers)
    e = last(world.runtime)
    assert r.status_code == 200
    assert who(e) == expected_who(world, "privacy", "gemeente")
    assert (e.action, e.object_type, e.purpose) == ("logboek_lezen", "logboek", "toezicht")


def test_refused_requests_leave_no_access_record(app_client: TestClient, world: World) -> None:
    sid = create(app_client, world)
    before = len(rows(world.runtime))
    app_client.get(f"{API}/signalen/{sid}", headers=world["netbeheer"].headers)  # 404: not theirs
    app_client.get(f"{API}/logboek", headers=world["coordinator"].headers)  # 403
    app_client.post(f"{API}/signalen", headers=world["woco"].headers, json={"omschrijving": ""})  # 422
    assert len(rows(world.runtime)) == before


def test_privacy_officer_reads_the_log_of_one_signal(app_client: TestClient, world: World) -> None:
    sid = create(app_client, world)
    app_client.get(f"{API}/signalen/{sid}", headers=world["coordinator"].headers)
    app_client.get(f"{API}/signalen/{sid}", headers=world["analist"].headers)
    r = app_client.get(f"{API}/logboek?objectId={sid}", headers=world["privacy"].headers)
    items = r.json()["items"]
    assert [(i["actie"], i["rol"]) for i in items] == [("lezen", "analist"), ("lezen", "coordinator"),
                                                       ("aanmaken", "partner")]
    assert r.json()["totaal"] == 3
    assert items[0]["organisatie"]["naam"] == "Gemeente Lindeveen" and items[0]["kanaal"] == "api"


def test_log_filters_by_user_and_action(app_client: TestClient, world: World) -> None:
    create(app_client, world)
    create(app_client, world, "netbeheer")
    h = world["privacy"].headers
    by_user = app_client.get(f"{API}/logboek?gebruiker={world['netbeheer'].user.id}", headers=h).json()
    by_action = app_client.get(f"{API}/logboek?actie=aanmaken", headers=h).json()
    assert [i["gebruiker"]["email"] for i in by_user["items"]] == ["netbeheer@netbeheer.example"]
    assert by_action["totaal"] == 2


# --------------------------------------------------------------------------------------------
# Personal search criteria never appear in clear.
# --------------------------------------------------------------------------------------------
def _everything_logged(rt: Runtime) -> str:
    with rt.db.engine.connect() as conn:
        return repr(conn.execute(sa.text("SELECT * FROM access_log")).all()).lower()


def test_raw_bsn_name_and_plate_never_appear_in_any_log_row(app_client: TestClient, world: World) -> None:
    sid = create(app_client, world)
    h = world["coordinator"].headers
    searches = [{"bsn": BSN}, {"bsn": "111 222 333"}, {"naam": "Pieter van der Wal"},
                {"naam": "wal", "geboortedatum": "1985-06-07"}, {"kenteken": "AB-123-C"},
                {"tekst": "zoemend geluid"}]
    for body in searches:
        assert app_client.post(f"{API}/signalen/_zoek", headers=h, json=body).json()["totaal"] == 1
    app_client.get(f"{API}/signalen/{sid}", headers=h)
    app_client.get(f"{API}/logboek", headers=world["privacy"].headers)
    logged = _everything_logged(world.runtime)
    for secret in (BSN, "111 222 333", "pieter", "van der wal", "1985-06-07", "ab-123-c", "ab123c", "zoemend"):
        assert secret not in logged, secret


def test_same_bsn_gets_the_same_pseudonym_so_searches_can_be_correlated(app_client: TestClient,
                                                                         world: World) -> None:
    h = world["coordinator"].headers
    app_client.post(f"{API}/signalen/_zoek", headers=h, json={"bsn": BSN})
    app_client.post(f"{API}/signalen/_zoek", headers=h, json={"bsn": "111.222.333"})
    app_client.post(f"{API}/signalen/_zoek", headers=h, json={"bsn": "100011378"})
    pseudonyms = [e.details["criteria"]["bsn"] for e in rows(world.runtime) if e.action == "zoeken"]
    assert pseudonyms[0] == pseudonyms[1] != pseudonyms[2]
    assert all(p.startswith("hash:") for p in pseudonyms)


# --------------------------------------------------------------------------------------------
# The hash chain.
# --------------------------------------------------------------------------------------------
def verify(rt: Runtime) -> tuple[bool, int | None]:
    with rt.db.session() as s:
        return logbook.verify_chain(s)


def test_empty_log_is_intact(runtime: Runtime) -> None:
    assert verify(runtime) == (True, None)


def test_chain_is_intact_after_activity_and_links_each_entry(app_client: TestClient, world: World) -> None:
    sid = create(app_client, world)
    app_client.get(f"{API}/signalen/{sid}", headers=world["coordinator"].headers)
    app_client.post(f"{API}/signalen/_zoek", headers=world["coordinator"].headers, json={"bsn": BSN})
    entries = rows(world.runtime)
    assert verify(world.runtime) == (True, None)
    assert entries[0].previous_hash == logbook.GENESIS
    assert all(b.previous_hash == a.hash for a, b in itertools.pairwise(entries))
    with world.runtime.db.session() as s:
        assert s.get(LogChainHead, 1).last_hash == entries[-1].hash  # type: ignore[union-attr]


def test_integrity_endpoint_reports_the_chain(app_client: TestClient, world: World) -> None:
    create(app_client, world)
    r = app_client.get(f"{API}/logboek/integriteit", headers=world["privacy"].headers).json()
    assert (r["intact"], r["eersteAfwijking"], r["aantal"]) == (True, None, len(rows(world.runtime)))


@pytest.fixture
def triggers_off(runtime: Runtime):  # type: ignore[no-untyped-def]
    """A tamperer with database access who bypasses the append-only triggers."""
    def run(sql: str, **params: Any) -> None:
        with runtime.db.engine.begin() as conn:
            if runtime.db.is_postgres:
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            else:
                conn.exec_driver_sql("DROP TRIGGER IF EXISTS access_log_no_update")
                conn.exec_driver_sql("DROP TRIGGER IF EXISTS access_log_no_delete")
            conn.execute(sa.text(sql), params)
    return run


def _three_entries(client: TestClient, world: World) -> list[AccessLogEntry]:
    sid = create(client, world)
    client.get(f"{API}/signalen/{sid}", headers=world["coordinator"].headers)
    client.get(f"{API}/signalen/{sid}", headers=world["analist"].headers)
    entries = rows(world.runtime)
    assert len(entries) == 3
    return entries


def test_edited_entry_is_detected(app_client: TestClient, world: World, triggers_off) -> None:  # type: ignore[no-untyped-def]
    entries = _three_entries(app_client, world)
    triggers_off("UPDATE access_log SET purpose = 'onschuldig' WHERE id = :id", id=entries[1].id)
    assert verify(world.runtime) == (False, entries[1].id)


def test_deleted_middle_entry_is_detected(app_client: TestClient, world: World, triggers_off) -> None:  # type: ignore[no-untyped-def]
    entries = _three_entries(app_client, world)
    triggers_off("DELETE FROM access_log WHERE id = :id", id=entries[1].id)
    assert verify(world.runtime) == (False, entries[2].id)


def test_deleted_last_entry_is_detected(app_client: TestClient, world: World, triggers_off) -> None:  # type: ignore[no-untyped-def]
    entries = _three_entries(app_client, world)
    triggers_off("DELETE FROM access_log WHERE id = :id", id=entries[2].id)
    assert verify(world.runtime)[0] is False


def test_rehashed_forgery_is_detected_against_the_chain_head(app_client: TestClient, world: World,
                                                             triggers_off) -> None:  # type: ignore[no-untyped-def]
    """Someone who edits the last entry and recomputes its hash still breaks the head."""
    entries = _three_entries(app_client, world)
    forged = logbook._canonical(entries[2]) | {"purpose": "onschuldig"}
    new_hash = logbook._digest(entries[2].previous_hash, forged)
    triggers_off("UPDATE access_log SET purpose = 'onschuldig', hash = :h WHERE id = :id", h=new_hash,
                 id=entries[2].id)
    assert verify(world.runtime)[0] is False


def test_entry_time_in_another_zone_still_verifies(runtime: Runtime, world: World) -> None:
    """A caller may pass a Dutch local time; the chain must survive the database round trip."""
    with runtime.db.transaction() as s:
        logbook.record(s, world["coordinator"].principal, logbook.EXPORT, object_type="rapport",
                       at=datetime(2026, 7, 1, 14, 30, tzinfo=ZoneInfo("Europe/Amsterdam")))
    stored = last(runtime).at
    assert verify(runtime) == (True, None)
    assert (stored.replace(tzinfo=stored.tzinfo or UTC)).astimezone(UTC) == datetime(2026, 7, 1, 12, 30, tzinfo=UTC)

"""The network around a subject (issue 6, part 3) on SQLite and PostgreSQL: structure derived as the
subject card derives relations, depth, filters, signals and vehicles, cases, clusters with
indicators, the shortest path, and the FtM and GEXF exports."""

from __future__ import annotations

import io
import json
from typing import Any

import networkx as nx
import pytest
from followthemoney import model
from sqlalchemy import select

from weerbaar.access.models import AccessLogEntry
from weerbaar.detect.models import IndicatorHit
from weerbaar.intake.models import SignalParty
from weerbaar.picture import network
from weerbaar.resolve.models import SignalSubject

from .er_rows import ADDRESS_1, build_linked
from .world import privacy_check, signal_body

API = "/api/v1/subjecten"
OPENED = ["P-000001", "B-000001", "A-000001", "B-000002"]


@pytest.fixture
def linked(world):  # type: ignore[no-untyped-def]
    built = build_linked(world)
    privacy_check(world, "coordinator", OPENED)
    return built


def _net(app_client, actor, subject: str = "P-000001", **params: Any) -> Any:  # type: ignore[no-untyped-def]
    return app_client.get(f"{API}/{subject}/netwerk", params=params, headers=actor.headers)


def _signal(app_client, actor, **overrides: Any) -> str:  # type: ignore[no-untyped-def]
    r = app_client.post("/api/v1/signalen", json=signal_body(**overrides), headers=actor.headers)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _about(runtime, signal_id: str, subject_id: str) -> None:  # type: ignore[no-untyped-def]
    with runtime.db.transaction() as s:
        party = s.scalars(select(SignalParty.id).where(SignalParty.signal_id == signal_id,
                                                       SignalParty.kind == "persoon")).first()
        s.add(SignalSubject(signal_id=signal_id, party_id=party, subject_id=subject_id, probability=0.9))


def _edges(body: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(e["van"], e["naar"], e["type"]) for e in body["relaties"]}


def test_depth_one_holds_the_cards_relations(app_client, world, linked):
    r = _net(app_client, world["coordinator"])
    assert r.status_code == 200, r.text
    body = r.json()
    nodes = {n["id"]: n for n in body["knopen"]}
    assert set(nodes) == {"P-000001", "A-000001", "B-000001", "A-000003", "B-000002"}
    assert _edges(body) == {
        ("P-000001", "A-000001", "bewoning"), ("P-000001", "A-000001", "huur"), ("P-000001", "A-000001", "eigendom"),
        ("P-000001", "B-000001", "bestuur"), ("P-000001", "A-000003", "bewoning"), ("P-000001", "B-000002", "betaling")}
    bestuur = next(e for e in body["relaties"] if e["type"] == "bestuur")
    assert (bestuur["vanaf"], bestuur["tot"], bestuur["functie"], bestuur["omschrijving"]) == (
        "2019-01-01", "2021-06-30", "bestuurder", "is functionaris van")
    assert nodes["P-000001"]["label"] == "Jan de Vries (1985-06-07)" and nodes["P-000001"]["diepte"] == 0
    assert nodes["B-000001"]["gegevensZichtbaar"] is True
    # A-000003 (the FtM address) has no privacy check 1: a placeholder.
    assert nodes["A-000003"] == {**nodes["A-000003"], "label": None, "gegevensZichtbaar": False}
    assert body["afgekapt"] is False and body["diepte"] == 1


def test_depth_two_reaches_further_and_the_same_function_works_without_http(world, runtime, linked):
    with runtime.db.transaction() as s:
        net = network.subject_network(s, world["coordinator"].principal, runtime.catalogue, "P-000001", depth=2)
    assert set(net.nodes) == {"P-000001", "A-000001", "B-000001", "A-000003", "B-000002", "P-000003", "A-000002"}
    assert net.nodes["P-000003"].depth == 2 and net.nodes["P-000003"].label is None
    assert {(e.source, e.target, e.type) for e in net.edges.values()} >= {
        ("P-000003", "B-000001", "bestuur"), ("B-000001", "A-000002", "vestiging"),
        ("B-000001", "A-000002", "eigendom")}
    # A merged id is followed to where its mentions went.
    with runtime.db.transaction() as s:
        merged = network.subject_network(s, world["coordinator"].principal, runtime.catalogue, "P-000002")
    assert merged.center == "P-000001" and merged.requested == "P-000002"


def test_filters_on_relation_type_and_period(app_client, world, linked):
    body = _net(app_client, world["coordinator"], relatietypen="bestuur,vestiging", diepte=2).json()
    assert _edges(body) == {("P-000001", "B-000001", "bestuur"), ("P-000003", "B-000001", "bestuur"),
                            ("B-000001", "A-000002", "vestiging")}
    # Jan's directorship ended mid 2021; the residence, tenancy and purchase have no end date.
    later = _net(app_client, world["coordinator"], vanaf="2022-01-01", tot="2022-12-31").json()
    assert ("P-000001", "B-000001", "bestuur") not in _edges(later)
    assert ("P-000001", "A-000001", "huur") in _edges(later)
    assert ("P-000001", "B-000002", "betaling") not in _edges(later)  # paid on 2021-12-29
    earlier = _net(app_client, world["coordinator"], tot="2015-06-01").json()
    assert {e[2] for e in _edges(earlier)} == {"bewoning", "eigendom"}  # huur from 2016, bestuur from 2019


def test_node_cap_reports_truncation(app_client, world, linked):
    body = _net(app_client, world["coordinator"], diepte=3, max=3).json()
    assert len(body["knopen"]) == 3 and body["afgekapt"] is True


def test_bad_parameters_are_one_422_listing_every_field(app_client, world, linked):
    r = _net(app_client, world["coordinator"], diepte=4, max=0, relatietypen="bestuur,vriendschap",
             vanaf="2022-13-01", tot="gisteren", naam="Jan")
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    fields = {p["name"]: p for p in r.json()["invalidParams"]}
    assert set(fields) == {"diepte", "max", "relatietypen", "vanaf", "tot", "naam"}
    assert "1 tot en met 3" in fields["diepte"]["reason"]
    assert "vriendschap" in fields["relatietypen"]["reason"]
    assert fields["naam"]["code"] == "persoonsgegevens_in_url"
    assert _net(app_client, world["coordinator"], diepte="0").status_code == 422


def test_signals_vehicles_and_placeholders_for_unreadable_signals(app_client, world, runtime, linked):
    seen = _signal(app_client, world["woco"])
    hidden = _signal(app_client, world["buur_coordinator"], locatie={"postcode": "9992 ZZ", "huisnummer": 5})
    other = _signal(app_client, world["politie"], waargenomenOp="2026-10-20",
                    betrokkenen=[{"soort": "voertuig", "kenteken": "AB-123-C"}])
    _about(runtime, seen, "P-000001")
    _about(runtime, hidden, "P-000001")
    body = _net(app_client, world["coordinator"], diepte=3, relatietypen="signaal").json()
    nodes = {n["id"]: n for n in body["knopen"]}
    readable = nodes[f"S-{seen}"]
    assert readable["gegevensZichtbaar"] is True and readable["waargenomenOp"] == "2026-10-14"
    placeholders = [n for n in nodes.values() if n["soort"] == "signaal" and not n["gegevensZichtbaar"]]
    assert len(placeholders) == 1
    assert placeholders[0]["label"] == "signaal van Gemeente Zandhoven" and hidden not in json.dumps(body)
    vehicle = next(n for n in nodes.values() if n["soort"] == "voertuig")
    assert vehicle["kenteken"] == "AB123C" and "AB123C" not in vehicle["id"]
    # The vehicle leads on to the police signal that names the same plate.
    assert f"S-{other}" in nodes and nodes[f"S-{other}"]["diepte"] == 3
    assert (vehicle["id"], f"S-{other}", "signaal") in _edges(body)
    placeholder_edge = next(e for e in body["relaties"] if e["naar"] == placeholders[0]["id"])
    assert placeholder_edge["vanaf"] is None and placeholder_edge["omschrijving"] == "genoemd in signaal"


def test_cases_are_drawn_for_their_readers(app_client, world, runtime, linked):
    from weerbaar.cases import service

    signal = _signal(app_client, world["coordinator"])
    _about(runtime, signal, "P-000001")
    with runtime.db.transaction() as s:
        case = service.open_case(s, world["coordinator"].principal, runtime.catalogue, service.NewCase(
            title="Hennep Havenstraat", signals=[signal], subjects=["B-000001"], confidentiality="vertrouwelijk"))
        case_id = case.id
    body = _net(app_client, world["coordinator"], relatietypen="casus,signaal").json()
    nodes = {n["id"]: n for n in body["knopen"]}
    assert nodes[f"C-{case_id}"]["soort"] == "casus" and "Hennep Havenstraat" in nodes[f"C-{case_id}"]["label"]
    assert ("P-000001", f"C-{case_id}", "casus") in _edges(body)  # through its signal
    deeper = _net(app_client, world["coordinator"], relatietypen="casus", diepte=2).json()
    assert ("B-000001", f"C-{case_id}", "casus") in _edges(deeper)  # named at opening


def test_clusters_with_indicators_for_risk_readers(app_client, world, runtime, linked):
    with runtime.db.transaction() as s:
        s.add_all([
            IndicatorHit(run_id="r1", municipality_code="GM9990", code="HT-01", phenomenon="hennepteelt",
                         target_kind="adres", target_id=ADDRESS_1, weight=1.0),
            IndicatorHit(run_id="r1", municipality_code="GM9990", code="HT-03", phenomenon="hennepteelt",
                         target_kind="persoon", target_id="P-000001", weight=1.0),
            IndicatorHit(run_id="r1", municipality_code="GM9991", code="HT-04", phenomenon="hennepteelt",
                         target_kind="persoon", target_id="P-000001", weight=1.0),
        ])
    body = _net(app_client, world["coordinator"], diepte=2).json()
    assert [c["grootte"] for c in body["componenten"]] == [7]
    assert sum(c["grootte"] for c in body["clusters"]) == 7
    assert len(body["clusters"]) >= 2  # Jan's home and Groeimaat's circle are separate communities
    codes = {i["code"] for c in body["clusters"] for i in c["indicatoren"]}
    assert codes == {"HT-01", "HT-03"}  # the other municipality's hit stays out
    again = _net(app_client, world["coordinator"], diepte=2).json()
    assert again["clusters"] == body["clusters"]  # a fixed seed: the same clusters every time


def test_shortest_path_and_no_path(app_client, world, runtime, linked):
    r = app_client.get(f"{API}/P-000003/netwerk/pad", params={"naar": "A-000001"}, headers=world["coordinator"].headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["gevonden"] is True and body["lengte"] == 3
    assert [n["id"] for n in body["knopen"]] == ["P-000003", "B-000001", "P-000001", "A-000001"]
    assert len(body["relaties"]) == 3
    # Without relation types that reach, there is no path: a Dutch message, not an error.
    none = app_client.get(f"{API}/P-000003/netwerk/pad", params={"naar": "A-000001", "relatietypen": "huur"},
                          headers=world["coordinator"].headers).json()
    assert none["gevonden"] is False and none["melding"] == "Er is geen verbinding gevonden binnen 4 stappen."
    missing = app_client.get(f"{API}/P-000003/netwerk/pad", headers=world["coordinator"].headers)
    assert missing.status_code == 422 and missing.json()["invalidParams"][0]["name"] == "naar"
    unknown = app_client.get(f"{API}/P-000003/netwerk/pad", params={"naar": "P-999999"},
                             headers=world["coordinator"].headers)
    assert unknown.status_code == 404
    other_town = app_client.get(f"{API}/P-000003/netwerk/pad", params={"naar": "P-000009"},
                                headers=world["coordinator"].headers)
    assert other_town.status_code == 404


def test_ftm_export_parses_and_holds_only_open_subjects(app_client, world, linked):
    r = app_client.get(f"{API}/P-000001/netwerk/ftm", params={"diepte": 2}, headers=world["coordinator"].headers)
    assert r.status_code == 200, r.text
    entities = [model.get_proxy(json.loads(line)) for line in r.text.splitlines()]
    by_schema: dict[str, list[Any]] = {}
    for e in entities:
        by_schema.setdefault(e.schema.name, []).append(e)
    assert {e.id for e in by_schema["Person"]} == {"weerbaar-P-000001"}  # P-000003 is a placeholder
    assert {e.id for e in by_schema["Company"]} == {"weerbaar-B-000001", "weerbaar-B-000002"}
    assert {e.id for e in by_schema["Address"]} == {"weerbaar-A-000001"}
    director = by_schema["Directorship"][0]
    assert director.get("director") == ["weerbaar-P-000001"] and director.get("organization") == ["weerbaar-B-000001"]
    assert by_schema["Payment"][0].get("amountEur") == ["100000"]
    assert "Piet" not in r.text and "Molenweg" not in r.text
    with world.runtime.db.session() as s:
        entry = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "exporteren")).one()
    assert entry.object_id == "P-000001" and entry.details["formaat"] == "ftm"


def test_gexf_export_parses_with_networkx(app_client, world, linked):
    r = app_client.get(f"{API}/P-000001/netwerk/gexf", params={"diepte": 2}, headers=world["coordinator"].headers)
    assert r.status_code == 200, r.text
    g = nx.read_gexf(io.BytesIO(r.content))
    assert g.number_of_nodes() == 7
    assert g.nodes["P-000001"]["label"] == "Jan de Vries (1985-06-07)"
    assert g.nodes["P-000003"]["label"] == "bekend (privacytoets 1 nodig)"
    assert "Piet" not in r.text
    assert set(g.edges["P-000001", "A-000001"]["relatietype"].split(",")) == {"bewoning", "huur", "eigendom"}


def test_every_network_read_is_logged(app_client, world, linked):
    _net(app_client, world["analist"], diepte=2)
    with world.runtime.db.session() as s:
        entry = s.scalars(select(AccessLogEntry).where(AccessLogEntry.purpose == "netwerk")).one()
    assert (entry.action, entry.object_type, entry.object_id) == ("lezen", "subject", "P-000001")
    assert entry.details["diepte"] == 2 and entry.details["aantalKnopen"] == 7
    assert entry.details["subjectenMetGegevens"] == sorted(OPENED)  # the organisation's privacy check 1

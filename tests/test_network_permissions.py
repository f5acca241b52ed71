"""Need-to-know in the network (issue 6, part 3), on SQLite and PostgreSQL: only holders of
netwerk.bekijken of the subject's municipality get a network; without privacy check 1 a subject is
a hit/no-hit placeholder (kind and id, relation types still drawn); after the check its label shows."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .er_rows import build_linked
from .world import privacy_check

API = "/api/v1/subjecten"
ROUTES = ("netwerk", "netwerk/ftm", "netwerk/gexf", "netwerk/pad")


def _get(app_client, actor, path: str, **params: Any) -> Any:  # type: ignore[no-untyped-def]
    return app_client.get(f"{API}/{path}", params=params, headers=actor.headers)


@pytest.mark.parametrize("actor", ["gemeente_partner", "woco", "politie", "privacy", "beheerder",
                                   "buur_coordinator"])
def test_who_may_not_see_networks_gets_404_everywhere(app_client, world, actor):
    build_linked(world)
    for route in ROUTES:
        params = {"naar": "A-000001"} if route.endswith("pad") else {}
        r = _get(app_client, world[actor], f"P-000001/{route}", **params)
        assert r.status_code == 404, (route, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "Vries" not in r.text


def test_unknown_and_invisible_subjects_look_the_same(app_client, world):
    build_linked(world)
    coordinator = world["coordinator"]
    assert _get(app_client, coordinator, "P-999999/netwerk").status_code == 404
    assert _get(app_client, coordinator, "P-000009/netwerk").status_code == 404  # Zandhoven's person
    assert _get(app_client, coordinator, "iets-anders/netwerk").status_code == 404
    # Zandhoven's coordinator sees its own person, and nothing of Lindeveen's around it.
    own = _get(app_client, world["buur_coordinator"], "P-000009/netwerk")
    assert own.status_code == 200, own.text
    assert [n["id"] for n in own.json()["knopen"]] == ["P-000009"]


def test_without_privacy_check_1_subjects_are_placeholders(app_client, world):
    build_linked(world)
    r = _get(app_client, world["analist"], "P-000001/netwerk", diepte=2)
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["knopen"]) == 7
    for node in body["knopen"]:
        assert node["gegevensZichtbaar"] is False and node["label"] is None
    # The relation types are still drawn, so the analyst knows what a privacy check would open.
    assert {e["type"] for e in body["relaties"]} == {"bewoning", "huur", "eigendom", "bestuur", "vestiging",
                                                     "betaling"}
    text = json.dumps(body)
    assert all("functie" not in e and "bedragEur" not in e for e in body["relaties"])
    for secret in ("Vries", "Jansen", "Groeimaat", "9991AA", "Karlsruhe", "999990019", "12345678", "vennoot"):
        assert secret not in text
    # Nothing to export as FtM: no subject is open to this reader.
    assert _get(app_client, world["analist"], "P-000001/netwerk/ftm").text == ""
    gexf = _get(app_client, world["analist"], "P-000001/netwerk/gexf", diepte=2).text
    assert "Vries" not in gexf and "bekend (privacytoets 1 nodig)" in gexf


def test_after_privacy_check_1_the_labels_appear_for_that_organisation(app_client, world):
    build_linked(world)
    before = {n["id"]: n for n in _get(app_client, world["analist"], "P-000001/netwerk").json()["knopen"]}
    assert before["P-000001"]["label"] is None
    privacy_check(world, "coordinator", ["P-000001", "B-000001"])  # the intake team of the analyst's municipality
    nodes = {n["id"]: n for n in _get(app_client, world["analist"], "P-000001/netwerk", diepte=2).json()["knopen"]}
    assert nodes["P-000001"]["label"] == "Jan de Vries (1985-06-07)"
    assert nodes["B-000001"]["label"] == "Groeimaat B.V. (KvK 12345678)"
    assert nodes["P-000003"]["label"] is None and nodes["A-000001"]["gegevensZichtbaar"] is False
    # The check is the organisation's: Zandhoven's coordinator still cannot open Lindeveen's network.
    assert _get(app_client, world["buur_coordinator"], "P-000001/netwerk").status_code == 404


def test_indicators_only_for_risk_readers(app_client, world, runtime):
    """The coordinator and analyst both read risks; the clusters name indicators for them. The
    rule is the one of policy.risk_visible: a principal without risico.lezen gets none."""
    from dataclasses import replace

    from weerbaar.picture import network

    build_linked(world)
    coordinator = world["coordinator"].principal
    without_risk = replace(coordinator, rights=frozenset(coordinator.rights - {"risico.lezen"}))
    with runtime.db.transaction() as s:
        net = network.subject_network(s, without_risk, runtime.catalogue, "P-000001")
        seen = network.subject_network(s, coordinator, runtime.catalogue, "P-000001")
    assert all("indicatoren" not in c for c in net.clusters)
    assert all("indicatoren" in c for c in seen.clusters)


def test_the_page_and_its_downloads_follow_the_same_rules(app_client, world):
    from .test_web import login_as

    build_linked(world)
    login_as(app_client, world["analist"])
    page = app_client.get("/subjecten/P-000001/netwerk", params={"diepte": 2})
    assert page.status_code == 200
    assert page.text.count("bekend (privacytoets 1 nodig)") >= 7 and "Vries" not in page.text
    assert 'data-knoop="P-000003"' in page.text  # the table, without JavaScript
    bad = app_client.get("/subjecten/P-000001/netwerk", params={"diepte": 9, "relatietype": "vriendschap"})
    assert bad.status_code == 422 and "Onbekend relatietype: vriendschap." in bad.text
    expanded = app_client.get("/subjecten/B-000001/netwerk/gegevens", params={"diepte": 1}).json()
    assert {n["id"] for n in expanded["knopen"]} == {"B-000001", "P-000001", "P-000003", "A-000002"}
    assert app_client.get("/subjecten/P-000001/netwerk/gexf").status_code == 200
    app_client.post("/uitloggen")
    app_client.cookies.clear()
    login_as(app_client, world["woco"])
    for path in ("/subjecten/P-000001/netwerk", "/subjecten/P-000001/netwerk/gegevens",
                 "/subjecten/P-000001/netwerk/ftm"):
        assert app_client.get(path).status_code == 404
    card = app_client.get("/subjecten/P-000001")
    assert "Netwerk bekijken" not in card.text

"""The catalogue endpoints: phenomena with their signal cards, organisations and the reference lists."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from .world import ORGS, World

API = "/api/v1"

# Written out by hand: the twelve phenomena the product brief names, and the ZGW ladder.
PHENOMENA = {"energiefraude", "hennepteelt", "horeca", "intimidatie", "mensenhandel", "sport",
             "synthetische_drugs", "vakantieparken", "witwassen_bedrijven", "witwassen_vastgoed",
             "woonfraude", "zorgfraude"}
ZGW_LADDER = ["openbaar", "beperkt_openbaar", "intern", "zaakvertrouwelijk", "vertrouwelijk",
              "confidentieel", "geheim", "zeer_geheim"]


def get(client: TestClient, world: World, path: str, actor: str = "woco") -> dict:  # type: ignore[type-arg]
    r = client.get(API + path, headers=world[actor].headers)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_twelve_phenomena(app_client: TestClient, world: World) -> None:
    items = get(app_client, world, "/fenomenen")["items"]
    assert {p["code"] for p in items} == PHENOMENA
    assert len(items) == 12


def test_each_phenomenon_has_a_name_and_at_least_eight_indicators_with_code_and_name(
    app_client: TestClient, world: World
) -> None:
    for p in get(app_client, world, "/fenomenen")["items"]:
        assert p["naam"].strip(), p["code"]
        assert len(p["indicatoren"]) >= 8, p["code"]
        for ind in p["indicatoren"]:
            assert re.fullmatch(r"[A-Z]{2}-\d{2}", ind["code"]), ind
            assert len(ind["naam"].strip()) > 10, ind


def test_indicator_codes_are_unique_and_share_a_prefix_per_phenomenon(app_client: TestClient, world: World) -> None:
    items = get(app_client, world, "/fenomenen")["items"]
    codes = [i["code"] for p in items for i in p["indicatoren"]]
    assert len(codes) == len(set(codes))
    assert all(len({i["code"][:2] for i in p["indicatoren"]}) == 1 for p in items)


def test_phenomena_are_sorted_by_name(app_client: TestClient, world: World) -> None:
    names = [p["naam"] for p in get(app_client, world, "/fenomenen")["items"]]
    assert names == sorted(names)


def test_one_phenomenon_and_an_unknown_one(app_client: TestClient, world: World) -> None:
    one = get(app_client, world, "/fenomenen/hennepteelt")
    unknown = app_client.get(f"{API}/fenomenen/tulpenbollen", headers=world["woco"].headers)
    assert (one["code"], one["indicatoren"][0]["code"]) == ("hennepteelt", "HT-01")
    assert (unknown.status_code, unknown.headers["content-type"].split(";")[0]) == (404, "application/problem+json")


def test_organisations_list_every_organisation_with_id_name_type(app_client: TestClient, world: World) -> None:
    items = get(app_client, world, "/organisaties")["items"]
    assert {(o["naam"], o["type"]) for o in items} == {(name, type_) for _, name, type_, _ in ORGS}
    assert {o["id"] for o in items} == {o.id for o in world.orgs.values()}


def test_organisation_types_cover_every_type_in_use(app_client: TestClient, world: World) -> None:
    items = get(app_client, world, "/organisatietypen")["items"]
    codes = {t["code"] for t in items}
    assert {type_ for _, _, type_, _ in ORGS} <= codes
    assert all(t["naam"] and t["toelichting"] for t in items)


def test_confidentiality_levels_follow_the_zgw_ladder_low_to_high(app_client: TestClient, world: World) -> None:
    items = get(app_client, world, "/vertrouwelijkheidsniveaus")["items"]
    assert [i["code"] for i in items] == ZGW_LADDER
    assert all(i["naam"] and i["toelichting"] for i in items)


def test_source_grading_has_two_separate_scales(app_client: TestClient, world: World) -> None:
    body = get(app_client, world, "/brongradering")
    assert [i["code"] for i in body["betrouwbaarheid"]] == list("ABCDEF")
    assert [i["code"] for i in body["informatie"]] == list("123456")
    assert all(i["naam"] for i in body["betrouwbaarheid"] + body["informatie"])


@pytest.mark.parametrize("path", ["/fenomenen", "/fenomenen/hennepteelt", "/organisaties", "/organisatietypen",
                                  "/vertrouwelijkheidsniveaus", "/brongradering"])
def test_catalogue_needs_a_token(app_client: TestClient, path: str) -> None:
    r = app_client.get(API + path)
    assert (r.status_code, r.headers["API-Version"]) == (401, "1.0.0")


@pytest.mark.parametrize("actor", ["beheerder", "privacy", "woco", "buur_coordinator"])
def test_every_role_may_read_the_catalogue(app_client: TestClient, world: World, actor: str) -> None:
    assert len(get(app_client, world, "/fenomenen", actor)["items"]) == 12

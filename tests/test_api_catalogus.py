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
                                  "/vertrouwelijkheidsniveaus", "/brongradering", "/grondslagen",
                                  "/grondslagen/opiumwet_13b", "/instrumenten", "/instrumenten/sluiting_13b"])
def test_catalogue_needs_a_token(app_client: TestClient, path: str) -> None:
    r = app_client.get(API + path)
    assert (r.status_code, r.headers["API-Version"]) == (401, "1.0.0")


@pytest.mark.parametrize("actor", ["beheerder", "privacy", "woco", "buur_coordinator"])
def test_every_role_may_read_the_catalogue(app_client: TestClient, world: World, actor: str) -> None:
    assert len(get(app_client, world, "/fenomenen", actor)["items"]) == 12


# Written out by hand: the legal bases issue 5 names, which every installation must know.
NAMED_BASES = {"gemeentewet_172", "opiumwet_13b", "wet_bibob", "wet_brp_3_8", "riec_convenant", "wgs"}


def test_legal_bases_are_listed_with_code_and_name(app_client: TestClient, world: World) -> None:
    items = get(app_client, world, "/grondslagen")["items"]
    assert {b["code"] for b in items} >= NAMED_BASES
    assert all(b["naam"] and b["toelichting"] and b["doelen"] and b["bron"].startswith("https://") for b in items)
    assert {b["soort"] for b in items} <= {"wet", "convenant", "protocol", "reglement"}
    one = get(app_client, world, "/grondslagen/wet_bibob")
    assert one["naam"] == "Wet Bibob" and one["bijzondereGegevens"] is True
    assert app_client.get(f"{API}/grondslagen/onbekend", headers=world["woco"].headers).status_code == 404


def test_instruments_carry_their_steps_basis_and_owners(app_client: TestClient, world: World) -> None:
    items = {i["code"]: i for i in get(app_client, world, "/instrumenten")["items"]}
    bases = {b["code"] for b in get(app_client, world, "/grondslagen")["items"]}
    assert {i["soort"] for i in items.values()} == {
        "bestuurlijk", "strafrechtelijk", "fiscaal", "privaatrechtelijk", "preventief"}
    assert all(i["grondslag"] in bases and i["eigenaars"] and i["stappen"] for i in items.values())
    # The escalations the issue names, in order.
    assert [s["code"] for s in items["sluiting_13b"]["stappen"]] == [
        "waarschuwing", "last_onder_dwangsom", "sluiting_3_maanden", "sluiting_6_maanden"]
    assert [s["code"] for s in items["bibob_onderzoek"]["stappen"]] == [
        "vragenformulier", "eigen_onderzoek", "advies_lbb", "besluit"]
    assert items["huurontbinding_hennep"]["soort"] == "privaatrechtelijk"
    assert items["huurontbinding_hennep"]["eigenaars"] == ["woningcorporatie"]


def test_instruments_filter_by_phenomenon_and_kind(app_client: TestClient, world: World) -> None:
    hemp = {i["code"] for i in get(app_client, world, "/instrumenten?fenomeen=hennepteelt")["items"]}
    assert {"sluiting_13b", "huurontbinding_hennep", "strafrechtelijk_onderzoek"} <= hemp  # the last fits every one
    assert "terugvordering_zorg" not in hemp
    fiscal = get(app_client, world, "/instrumenten?soort=fiscaal")["items"]
    assert fiscal and all(i["soort"] == "fiscaal" for i in fiscal)
    r = app_client.get(f"{API}/instrumenten?fenomeen=tulpenbollen&soort=magisch", headers=world["woco"].headers)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert {p["name"] for p in r.json()["invalidParams"]} == {"fenomeen", "soort"}

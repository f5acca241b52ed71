"""The /api/v1/signalen contract: create, read, list, filter, paginate, search; errors in Dutch
as problem+json naming every invalid field; nothing stored half; never a 500."""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from weerbaar.app import create_app
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.config import Settings
from weerbaar.core.db import Database
from weerbaar.core.runtime import Runtime
from weerbaar.intake import service
from weerbaar.intake.models import Signal
from weerbaar.intake.schemas import parse_signal

from .test_permissions import module_database
from .world import World, build_world, signal_body

API = "/api/v1"
UNKNOWN_ID = "3f2b8c1e-0d4a-4e6b-9a51-7c0e2d9b4f10"  # fixed, so test ids match across xdist workers
PROBLEM = "application/problem+json"
ENGLISH = re.compile(r"\b(Input|should|valid|Field required|must|Value error)\b")


def tomorrow() -> str:
    return (datetime.now(ZoneInfo("Europe/Amsterdam")).date() + timedelta(days=1)).isoformat()


def count_signals(world: World) -> int:
    with world.runtime.db.session() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(Signal)) or 0


def visible_total(client: TestClient, world: World) -> int:
    """What the coordinator (who sees all of Lindeveen) is told there is."""
    r = client.get(f"{API}/signalen", headers=world["coordinator"].headers)
    assert r.status_code == 200, r.text
    return int(r.json()["totaal"])


def create(client: TestClient, world: World, actor: str = "woco", **overrides: Any) -> str:
    r = client.post(f"{API}/signalen", headers=world[actor].headers, json=signal_body(**overrides))
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def params(r: Any) -> list[tuple[str, str]]:
    return sorted((p["name"], p["code"]) for p in r.json()["invalidParams"])


# --------------------------------------------------------------------------------------------
# Contract: create and read
# --------------------------------------------------------------------------------------------
def test_create_returns_201_with_id_and_location(app_client: TestClient, world: World) -> None:
    r = app_client.post(f"{API}/signalen", headers=world["woco"].headers, json=signal_body())
    sid = r.json()["id"]
    assert r.status_code == 201
    assert str(uuid.UUID(sid)) == sid
    assert r.headers["Location"] == f"{API}/signalen/{sid}"
    assert r.json()["status"] == "nieuw"


def test_created_signal_reads_back_normalised(app_client: TestClient, world: World) -> None:
    body = signal_body(betrokkenen=[
        {"soort": "persoon", "geslachtsnaam": "Wal", "tussenvoegsel": "van der", "bsn": "111 222 333"},
        {"soort": "bedrijf", "naam": "Groeimaat B.V.", "kvkNummer": "1234 5678"},
        {"soort": "voertuig", "kenteken": "ab-123-c"},
    ], indicatoren=["ht-03", "HT-01", "HT-01"])
    sid = app_client.post(f"{API}/signalen", headers=world["woco"].headers, json=body).json()["id"]
    got = app_client.get(f"{API}/signalen/{sid}", headers=world["coordinator"].headers).json()
    assert got["indicatoren"] == ["HT-01", "HT-03"]
    assert [b.get("bsn") or b.get("kvkNummer") or b.get("kenteken") for b in got["betrokkenen"]] == [
        "111222333", "12345678", "AB123C"]
    assert got["locatie"]["postcode"] == "9991AA"
    assert got["locatie"]["buurtcode"] == "BU99900101"
    assert got["organisatie"]["id"] == world.orgs["woco"].id
    assert got["bron"] == {"betrouwbaarheid": "B", "informatie": "2"}
    assert got["vertrouwelijkheid"] == "vertrouwelijk"


def test_description_of_exactly_the_limit_is_accepted(app_client: TestClient, world: World) -> None:
    sid = create(app_client, world, omschrijving="x" * 5000)
    got = app_client.get(f"{API}/signalen/{sid}", headers=world["woco"].headers).json()
    assert len(got["omschrijving"]) == 5000


def test_names_at_their_maximum_length_are_stored_and_found(app_client: TestClient, world: World) -> None:
    surname = "Wal" + "e" * 197
    person = {"soort": "persoon", "voornamen": " ".join(["Pieter"] * 28), "tussenvoegsel": "van der",
              "geslachtsnaam": surname}
    assert (len(person["voornamen"]), len(surname)) == (195, 200)
    sid = create(app_client, world, betrokkenen=[person])
    found = app_client.post(f"{API}/signalen/_zoek", headers=world["woco"].headers,
                            json={"naam": surname.upper()}).json()["items"]
    assert [i["id"] for i in found] == [sid]


def test_minimal_signal_without_location_or_parties(app_client: TestClient, world: World) -> None:
    r = app_client.post(f"{API}/signalen", headers=world["woco"].headers,
                        json={"omschrijving": "Onbekende bezoekers 's nachts", "waargenomenOp": "2026-10-01"})
    assert r.status_code == 201, r.text
    assert (r.json()["fenomeen"], r.json()["locatie"], r.json()["vertrouwelijkheid"]) == (
        None, None, "zaakvertrouwelijk")


# --------------------------------------------------------------------------------------------
# Validation: each invalid field on its own, then all at once; nothing stored.
# --------------------------------------------------------------------------------------------
def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Set a dotted path with [i] list indexes in a body; value None with `del` semantics."""
    parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]

    def apply(body: dict[str, Any]) -> None:
        target: Any = body
        for part in parts[:-1]:
            target = target[part]
        if value is _DELETE:
            del target[parts[-1]]
        else:
            target[parts[-1]] = value

    return apply


_DELETE = object()

# (case id, path, value, expected invalidParams name, code, a fragment of the Dutch reason)
INVALID = [
    ("bsn_fails_eleven_test", "betrokkenen[0].bsn", "111222334", "betrokkenen[0].bsn", "bsn_ongeldig", "elfproef"),
    ("bsn_too_short", "betrokkenen[0].bsn", "1234", "betrokkenen[0].bsn", "bsn_ongeldig", "9 cijfers"),
    ("kvk_not_8_digits", "betrokkenen[1].kvkNummer", "1234567", "betrokkenen[1].kvkNummer", "kvk_ongeldig",
     "8 cijfers"),
    ("postcode_malformed", "locatie.postcode", "99911AA", "locatie.postcode", "postcode_ongeldig",
     "4 cijfers en 2 letters"),
    ("postcode_forbidden_letters", "locatie.postcode", "9991 SS", "locatie.postcode", "postcode_ongeldig",
     "niet in postcodes"),
    ("kenteken_malformed", "betrokkenen[2].kenteken", "AB-12", "betrokkenen[2].kenteken", "kenteken_ongeldig",
     "kenteken"),
    ("unknown_phenomenon", "fenomeen", "tulpenbollen", "fenomeen", "fenomeen_onbekend", "Onbekend fenomeen"),
    ("unknown_indicator", "indicatoren", ["HT-01", "XX-99"], "indicatoren", "indicator_onbekend", "XX-99"),
    ("indicator_of_other_phenomenon", "indicatoren", ["HT-01", "SD-01"], "indicatoren",
     "indicator_hoort_niet_bij_fenomeen", "SD-01"),
    ("observed_in_future", "waargenomenOp", "TOMORROW", "waargenomenOp", "datum_in_toekomst", "toekomst"),
    ("observed_before_2000", "waargenomenOp", "1999-12-31", "waargenomenOp", "datum_te_vroeg", "2000"),
    ("birth_date_in_future", "betrokkenen[0].geboortedatum", "TOMORROW", "betrokkenen[0].geboortedatum",
     "datum_in_toekomst", "toekomst"),
    ("description_over_limit", "omschrijving", "x" * 5001, "omschrijving", "string_too_long", "maximaal 5000"),
    ("description_blank", "omschrijving", "   ", "omschrijving", "string_too_short", "niet leeg"),
    ("description_missing", "omschrijving", _DELETE, "omschrijving", "missing", "verplicht"),
    ("unknown_top_level_field", "geheimeNotitie", "x", "geheimeNotitie", "extra_forbidden", "Onbekend veld"),
    ("unknown_nested_field", "locatie.straat", "Havenstraat", "locatie.straat", "extra_forbidden", "Onbekend veld"),
    ("date_wrong_format", "waargenomenOp", "14-10-2026", "waargenomenOp", "date_from_datetime_parsing",
     "JJJJ-MM-DD"),
    ("boolean_wrong_type", "melderAfgeschermd", "misschien", "melderAfgeschermd", "bool_parsing", "waar of onwaar"),
    ("list_wrong_type", "betrokkenen", "Pieter", "betrokkenen", "list_type", "lijst"),
    ("number_wrong_type", "locatie.huisnummer", "een", "locatie.huisnummer", "int_parsing", "geheel getal"),
    ("text_wrong_type", "omschrijving", 42, "omschrijving", "string_type", "tekst"),
    ("confidentiality_unknown", "vertrouwelijkheid", "supergeheim", "vertrouwelijkheid", "literal_error",
     "kies uit"),
    ("grading_unknown", "bron.betrouwbaarheid", "Z", "bron.betrouwbaarheid", "literal_error", "kies uit"),
    ("party_kind_unknown", "betrokkenen[0].soort", "dier", "betrokkenen[0].soort", "literal_error", "kies uit"),
    ("company_field_on_person", "betrokkenen[0].kvkNummer", "12345678", "betrokkenen[0]",
     "veld_past_niet_bij_soort", "horen niet bij soort"),
    ("postcode_without_number", "locatie.huisnummer", _DELETE, "locatie", "huisnummer_ontbreekt", "huisnummer"),
]


def _invalid_body(path: str, value: Any) -> dict[str, Any]:
    body = copy.deepcopy(signal_body())
    _set(path, tomorrow() if value == "TOMORROW" else value)(body)
    return body


@pytest.mark.parametrize(("path", "value", "name", "code", "fragment"), [c[1:] for c in INVALID],
                         ids=[c[0] for c in INVALID])
def test_each_invalid_field_is_refused_with_a_dutch_reason_and_nothing_stored(
    shared: Shared, path: str, value: Any, name: str, code: str, fragment: str
) -> None:
    app_client, world = shared.client, shared.world
    before = visible_total(app_client, world)
    r = app_client.post(f"{API}/signalen", headers=world["woco"].headers, json=_invalid_body(path, value))
    assert r.status_code == 422
    assert r.headers["content-type"].startswith(PROBLEM)
    [problem] = r.json()["invalidParams"]
    assert (problem["name"], problem["code"]) == (name, code)
    assert fragment.lower() in problem["reason"].lower()
    assert not ENGLISH.search(problem["reason"])
    assert visible_total(app_client, world) == before


def test_all_invalid_fields_are_named_at_once_and_nothing_is_stored(shared: Shared) -> None:
    app_client, world = shared.client, shared.world
    body = signal_body(
        indicatoren=["HT-01", "SD-01"],
        omschrijving="x" * 5001,
        waargenomenOp=tomorrow(),
        locatie={"postcode": "1234", "huisnummer": 1},
        betrokkenen=[
            {"soort": "persoon", "geslachtsnaam": "Wal", "bsn": "111222334", "geboortedatum": tomorrow()},
            {"soort": "bedrijf", "naam": "Groeimaat", "kvkNummer": "123"},
            {"soort": "voertuig", "kenteken": "X"},
        ],
        melderAfgeschermd="misschien",
        vertrouwelijkheid="supergeheim",
        geheimeNotitie="x",
    )
    before_db, before_api = count_signals(world), visible_total(app_client, world)
    r = app_client.post(f"{API}/signalen", headers=world["woco"].headers, json=body)
    assert r.status_code == 422
    assert params(r) == sorted([
        ("indicatoren", "indicator_hoort_niet_bij_fenomeen"),
        ("omschrijving", "string_too_long"),
        ("waargenomenOp", "datum_in_toekomst"),
        ("locatie.postcode", "postcode_ongeldig"),
        ("betrokkenen[0].bsn", "bsn_ongeldig"),
        ("betrokkenen[0].geboortedatum", "datum_in_toekomst"),
        ("betrokkenen[1].kvkNummer", "kvk_ongeldig"),
        ("betrokkenen[2].kenteken", "kenteken_ongeldig"),
        ("melderAfgeschermd", "bool_parsing"),
        ("vertrouwelijkheid", "literal_error"),
        ("geheimeNotitie", "extra_forbidden"),
    ])
    assert "11 fouten" in r.json()["detail"]
    assert all(not ENGLISH.search(p["reason"]) for p in r.json()["invalidParams"])
    assert (count_signals(world), visible_total(app_client, world)) == (before_db, before_api)


@pytest.mark.parametrize("raw", [b"", b"null", b"[]", b"\"tekst\"", b"42", b"{", b"\xff\xfe", b"{\"a\": tru}"],
                         ids=["empty", "null", "list", "string", "number", "truncated", "not_utf8", "bad_literal"])
def test_body_that_is_not_a_json_object_is_422(shared: Shared, raw: bytes) -> None:
    app_client, world = shared.client, shared.world
    r = app_client.post(f"{API}/signalen", headers={**world["woco"].headers, "content-type": "application/json"},
                        content=raw)
    assert (r.status_code, r.headers["content-type"].split(";")[0], r.json()["invalidParams"][0]["name"]) == (
        422, PROBLEM, "(body)")


@pytest.mark.parametrize("raw", [
    b'{"omschrijving": "a\\u0000b", "waargenomenOp": "2026-10-01"}',
    b'{"omschrijving": "a\\ud800b", "waargenomenOp": "2026-10-01"}',
    b'{"\\ud800": 1, "omschrijving": "x", "waargenomenOp": "2026-10-01"}',
    b'{"fenomeen": "\\udfff", "omschrijving": "x", "waargenomenOp": "2026-10-01"}',
    b"[" * 50_000 + b"]" * 50_000,
    b'{"locatie": {"huisnummer": ' + b"9" * 5000 + b'}}',
], ids=["nul_character", "lone_surrogate_value", "lone_surrogate_key", "surrogate_in_echoed_value",
        "deeply_nested", "huge_integer"])
def test_hostile_json_is_422_and_nothing_stored(shared: Shared, raw: bytes) -> None:
    app_client, world = shared.client, shared.world
    before = count_signals(world)
    for url in (f"{API}/signalen", f"{API}/signalen/_zoek"):
        r = app_client.post(url, headers={**world["coordinator"].headers, "content-type": "application/json"},
                            content=raw)
        assert (r.status_code, r.headers["content-type"].split(";")[0]) == (422, PROBLEM), url
    assert count_signals(world) == before


def test_nul_character_refused_by_the_shared_schema_too(catalogue: Any) -> None:
    """Forms and bulk files go through `parse_signal` without the API's JSON reader."""
    from weerbaar.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        parse_signal(signal_body(omschrijving="a\x00b"), catalogue)
    assert [e.name for e in caught.value.errors] == ["omschrijving"]


# --------------------------------------------------------------------------------------------
# Authentication, not found, headers
# --------------------------------------------------------------------------------------------
ENDPOINTS = [
    ("GET", "/signalen"),
    ("POST", "/signalen"),
    ("GET", f"/signalen/{UNKNOWN_ID}"),
    ("POST", "/signalen/_zoek"),
    ("POST", f"/signalen/{UNKNOWN_ID}/delingen"),
    ("GET", "/fenomenen"),
    ("GET", "/organisaties"),
    ("GET", "/logboek"),
]
BAD_AUTH = {
    "none": {},
    "wrong_token": {"Authorization": "Bearer wb_dit-token-bestaat-niet"},
    "empty_token": {"Authorization": "Bearer "},
    "basic_scheme": {"Authorization": "Basic dXNlcjpwYXNz"},
}


@pytest.mark.parametrize(("method", "path"), ENDPOINTS, ids=[f"{m} {p.split('/')[1]}" for m, p in ENDPOINTS])
@pytest.mark.parametrize("auth", list(BAD_AUTH))
def test_without_valid_token_is_401_problem(shared: Shared, method: str, path: str,
                                            auth: str) -> None:
    app_client = shared.client
    r = app_client.request(method, API + path, headers=BAD_AUTH[auth], json=signal_body())
    assert (r.status_code, r.headers["content-type"].split(";")[0]) == (401, PROBLEM)
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert r.headers["API-Version"]


def test_401_even_for_an_invalid_body(shared: Shared) -> None:
    """Authentication is checked first: an anonymous caller learns nothing from validation."""
    app_client = shared.client
    r = app_client.post(f"{API}/signalen", json={"bsn": "1"})
    assert r.status_code == 401


@pytest.mark.parametrize("sid", [UNKNOWN_ID, "abc", "0", "x" * 300, "null", "%00", "1;DROP TABLE signals",
                                 "00000000-0000-0000-0000-00000000000g"])
def test_unknown_or_malformed_id_is_404_problem(shared: Shared, sid: str) -> None:
    app_client, world = shared.client, shared.world
    r = app_client.get(f"{API}/signalen/{sid}", headers=world["coordinator"].headers)
    assert (r.status_code, r.headers["content-type"].split(";")[0]) == (404, PROBLEM)
    assert r.json()["detail"] == "Dit object bestaat niet of u heeft er geen toegang toe."


def test_uppercase_id_reads_the_same_signal(app_client: TestClient, world: World) -> None:
    sid = create(app_client, world)
    r = app_client.get(f"{API}/signalen/{sid.upper()}", headers=world["woco"].headers)
    assert (r.status_code, r.json()["id"]) == (200, sid)


def test_every_api_response_carries_api_version(app_client: TestClient, world: World) -> None:
    h = world["woco"].headers
    sid = create(app_client, world)
    responses = [
        app_client.get(f"{API}/openapi.json"),
        app_client.get(f"{API}/signalen", headers=h),
        app_client.get(f"{API}/signalen/{sid}", headers=h),
        app_client.post(f"{API}/signalen", headers=h, json=signal_body()),
        app_client.post(f"{API}/signalen", headers=h, json={}),
        app_client.get(f"{API}/signalen"),
        app_client.get(f"{API}/signalen/{uuid.uuid4()}", headers=h),
        app_client.get(f"{API}/logboek", headers=h),
        app_client.get(f"{API}/bestaat-niet", headers=h),
        app_client.delete(f"{API}/signalen", headers=h),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 201, 422, 401, 404, 403, 404, 405]
    assert {r.headers.get("API-Version") for r in responses} == {"1.0.0"}


def test_errors_are_problem_json_with_status_title_detail(shared: Shared) -> None:
    app_client, world = shared.client, shared.world
    h = world["woco"].headers
    for r in (app_client.get(f"{API}/signalen"),
              app_client.get(f"{API}/logboek", headers=h),
              app_client.get(f"{API}/signalen/{uuid.uuid4()}", headers=h),
              app_client.post(f"{API}/signalen", headers=h, json={}),
              app_client.get(f"{API}/bestaat-niet", headers=h)):
        body = r.json()
        assert r.headers["content-type"].split(";")[0] == PROBLEM
        assert body["status"] == r.status_code and body["title"] and body["detail"]


# --------------------------------------------------------------------------------------------
# OpenAPI
# --------------------------------------------------------------------------------------------
def test_openapi_is_public_with_cors_and_lists_the_contract(app_client: TestClient) -> None:
    r = app_client.get(f"{API}/openapi.json")
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    paths = r.json()["paths"]
    expected = {
        f"{API}/signalen": {"get", "post"},
        f"{API}/signalen/{{id}}": {"get"},
        f"{API}/signalen/_zoek": {"post"},
        f"{API}/signalen/{{id}}/delingen": {"post"},
        f"{API}/fenomenen": {"get"},
        f"{API}/organisaties": {"get"},
        f"{API}/logboek": {"get"},
    }
    assert {p: set(paths.get(p, {})) & {"get", "post"} for p in expected} == expected
    schemas = r.json()["components"]["schemas"]
    assert {"SignaalIn", "ZoekIn", "DelingIn"} <= set(schemas)
    assert "waargenomenOp" in schemas["SignaalIn"]["properties"]


# --------------------------------------------------------------------------------------------
# No personal data in URLs
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("query", ["bsn=111222333", "naam=Pieter", "bsn=111222333&naam=Wal&fenomeen=hennepteelt"])
def test_personal_data_in_list_url_is_refused_pointing_to_zoek(shared: Shared,
                                                                query: str) -> None:
    app_client, world = shared.client, shared.world
    r = app_client.get(f"{API}/signalen?{query}", headers=world["coordinator"].headers)
    personal = {k for k in ("bsn", "naam") if f"{k}=" in query}
    assert r.status_code == 422
    assert {p["name"] for p in r.json()["invalidParams"]} == personal
    assert all("_zoek" in p["reason"] and p["code"] == "persoonsgegevens_in_url" for p in r.json()["invalidParams"])


def test_personal_data_in_detail_url_is_refused_too(app_client: TestClient, world: World) -> None:
    sid = create(app_client, world)
    r = app_client.get(f"{API}/signalen/{sid}?bsn=111222333", headers=world["coordinator"].headers)
    assert (r.status_code, params(r)) == (422, [("bsn", "persoonsgegevens_in_url")])


# --------------------------------------------------------------------------------------------
# Pagination and filters over a small known corpus
# --------------------------------------------------------------------------------------------
def make_corpus(app_client: TestClient, world: World) -> dict[str, str]:
    """Four signals whose properties the filter tests below know by heart."""
    a = create(app_client, world, "woco")  # hennepteelt, 2026-10-14, BU99900101, Pieter van der Wal
    b = create(app_client, world, "netbeheer", fenomeen="energiefraude", indicatoren=["EF-01"],
               waargenomenOp="2026-09-01", locatie={"postcode": "9991AB", "huisnummer": 12},
               omschrijving="Verbruik veel hoger dan bij de woning past.",
               betrokkenen=[{"soort": "persoon", "voornamen": "Petra", "geslachtsnaam": "Walters",
                             "geboortedatum": "1990-03-04", "bsn": "100011378"},
                            {"soort": "voertuig", "kenteken": "12-ABC-3"}])
    c = create(app_client, world, "woco", waargenomenOp="2026-08-15", indicatoren=["HT-02"],
               locatie={"omschrijving": "Schuur achter de boerderij aan de Dijkweg"},
               omschrijving="Sterke hennepgeur bij de schuur, 's nachts verkeer.",
               betrokkenen=[{"soort": "persoon", "voornamen": "Jan", "tussenvoegsel": "de",
                             "geslachtsnaam": "Vries"}])
    rt = world.runtime
    with rt.db.transaction() as s:
        service.append_status(s, s.get(Signal, c), "in_behandeling", world["coordinator"].principal, "Intake")
        data = parse_signal({"fenomeen": "woonfraude", "omschrijving": "Veel wisselende bewoners.",
                             "waargenomenOp": "2026-11-01"}, rt.catalogue)
        d = service.register_signal(s, world["gemeente_partner"].principal, data, rt.catalogue,
                                    service.Provenance("formulier")).id
    return {"A": a, "B": b, "C": c, "D": d}


@dataclass
class Shared:
    client: TestClient
    world: World
    corpus: dict[str, str]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared(request: pytest.FixtureRequest, catalogue: Catalogue,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    """One database with the corpus for the tests that only read (or must store nothing):
    building a world per test would make this file slow for no extra certainty."""
    tmp = tmp_path_factory.mktemp("api")
    with module_database(request, tmp) as url:
        rt = Runtime(Settings.from_env(database_url=url, data_dir=tmp), Database(url), catalogue)
        world = build_world(rt)
        with TestClient(create_app(rt)) as client:
            yield Shared(client, world, make_corpus(client, world))
        rt.db.engine.dispose()


def _ids(client: TestClient, world: World, query: str) -> set[str]:
    r = client.get(f"{API}/signalen?{query}", headers=world["coordinator"].headers)
    assert r.status_code == 200, r.text
    return {i["id"] for i in r.json()["items"]}


def test_pagination_walks_every_signal_once(shared: Shared) -> None:
    app_client, world, corpus = shared.client, shared.world, shared.corpus
    h = world["coordinator"].headers
    pages = [app_client.get(f"{API}/signalen?paginaGrootte=3&pagina={n}", headers=h).json() for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [3, 1, 0]
    assert {(p["totaal"], p["paginaGrootte"], p["aantalPaginas"]) for p in pages} == {(4, 3, 2)}
    assert [p["pagina"] for p in pages] == [1, 2, 3]
    seen = [i["id"] for p in pages for i in p["items"]]
    assert sorted(seen) == sorted(corpus.values())
    # Newest observation first.
    assert seen == [corpus[k] for k in ("D", "A", "B", "C")]


def test_pagination_links_keep_the_filters(shared: Shared) -> None:
    app_client, world, corpus = shared.client, shared.world, shared.corpus
    h = world["coordinator"].headers
    first = app_client.get(f"{API}/signalen?fenomeen=hennepteelt&paginaGrootte=1", headers=h).json()
    second = app_client.get(first["_links"]["next"]["href"], headers=h).json()
    assert (first["totaal"], second["totaal"], second["pagina"]) == (2, 2, 2)
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {corpus["A"], corpus["C"]}
    assert "next" not in second["_links"] and "prev" in second["_links"]


FILTERS = [
    ("fenomeen=hennepteelt", {"A", "C"}),
    ("fenomeen=energiefraude", {"B"}),
    ("status=nieuw", {"A", "B", "D"}),
    ("status=in_behandeling", {"C"}),
    ("status=afgesloten", set()),
    ("vanaf=2026-09-01", {"A", "B", "D"}),
    ("tot=2026-09-01", {"B", "C"}),
    ("vanaf=2026-09-02&tot=2026-10-14", {"A"}),
    ("buurt=BU99900101", {"A"}),
    ("buurt=BU99900102", {"B"}),
    ("wijk=WK999001", {"A", "B"}),
    ("organisatie=WOCO", {"A", "C"}),
    ("organisatie=NETBEHEER", {"B"}),
    ("kanaal=api", {"A", "B", "C"}),
    ("kanaal=formulier", {"D"}),
    ("fenomeen=hennepteelt&status=nieuw", {"A"}),
    ("doel=controle", {"A", "B", "C", "D"}),
]


@pytest.mark.parametrize(("query", "expected"), FILTERS, ids=[q for q, _ in FILTERS])
def test_list_filters(shared: Shared, query: str,
                      expected: set[str]) -> None:
    app_client, world, corpus = shared.client, shared.world, shared.corpus
    query = query.replace("WOCO", world.orgs["woco"].id).replace("NETBEHEER", world.orgs["netbeheer"].id)
    assert _ids(app_client, world, query) == {corpus[k] for k in expected}


BAD_QUERIES = [
    ("fenomeen=tulpenbollen", [("fenomeen", "fenomeen_onbekend")]),
    ("vanaf=2026-02-30", [("vanaf", "date_parsing")]),
    ("vanaf=gisteren&tot=morgen", [("tot", "date_parsing"), ("vanaf", "date_parsing")]),
    ("vanaf=2026-10-01&tot=2026-09-01", [("tot", "periode_ongeldig")]),
    ("pagina=0", [("pagina", "int_parsing")]),
    ("pagina=%C2%B2", [("pagina", "int_parsing")]),
    ("paginaGrootte=101", [("paginaGrootte", "int_parsing")]),
    ("paginaGrootte=-1&pagina=x", [("pagina", "int_parsing"), ("paginaGrootte", "int_parsing")]),
    ("sorteer=naam", [("sorteer", "onbekende_parameter")]),
    ("status=%00", [("status", "teken_ongeldig")]),
    ("doel=" + "x" * 301, [("doel", "string_too_long")]),
]


@pytest.mark.parametrize(("query", "expected"), BAD_QUERIES, ids=[q[:40] for q, _ in BAD_QUERIES])
def test_invalid_query_parameters_are_all_named(shared: Shared, query: str,
                                                expected: list[tuple[str, str]]) -> None:
    app_client, world = shared.client, shared.world
    r = app_client.get(f"{API}/signalen?{query}", headers=world["coordinator"].headers)
    assert (r.status_code, params(r)) == (422, expected)
    assert all(not ENGLISH.search(p["reason"]) for p in r.json()["invalidParams"])


# --------------------------------------------------------------------------------------------
# _zoek: person, company, vehicle, address, text
# --------------------------------------------------------------------------------------------
SEARCHES = [
    ({"naam": "pieter van der wal"}, {"A"}),
    ({"naam": "P. vd Wal"}, {"A"}),
    ({"naam": "P. v/d Wal"}, {"A"}),
    ({"naam": "WAL"}, {"A"}),
    ({"naam": "Wal, Pieter van der"}, {"A"}),
    ({"naam": "Pieter Vanderwal"}, {"A"}),
    ({"naam": "Q. van der Wal"}, set()),
    ({"naam": "Walters"}, {"B"}),
    ({"naam": "jan DE vries"}, {"C"}),
    ({"geboortedatum": "1985-06-07"}, {"A"}),
    ({"geboortedatum": "1985-07-06"}, {"A"}),  # day and month swapped at the source
    ({"geboortedatum": "1990-04-03"}, {"B"}),
    ({"naam": "Wal", "geboortedatum": "1990-03-04"}, set()),  # both must hold for one person
    ({"bsn": "111222333"}, {"A"}),
    ({"bsn": "111.222.333"}, {"A"}),
    ({"bsn": "100011378"}, {"B"}),
    ({"kvkNummer": "12345678"}, {"A"}),
    ({"bedrijfsnaam": "groeimaat"}, {"A"}),
    ({"kenteken": "AB-123-C"}, {"A"}),
    ({"kenteken": "ab123c"}, {"A"}),
    ({"kenteken": "12abc3"}, {"B"}),
    ({"postcode": "9991 aa", "huisnummer": 1}, {"A"}),
    ({"postcode": "9991AB", "huisnummer": 12}, {"B"}),
    ({"postcode": "9991AA", "huisnummer": 2}, set()),
    ({"postcode": "9991AA"}, {"A"}),
    ({"tekst": "zoemend"}, {"A"}),
    ({"tekst": "HENNEPGEUR schuur"}, {"C"}),
    ({"tekst": "Havenstraat"}, {"A"}),
    ({"tekst": "%"}, set()),
    ({"tekst": "_"}, set()),
    ({"bedrijfsnaam": "%"}, set()),
    ({"naam": "pieter", "fenomeen": "energiefraude"}, set()),
    ({"naam": "petra", "fenomeen": "energiefraude", "doel": "Intake signaal 12"}, {"B"}),
]


@pytest.mark.parametrize(("body", "expected"), SEARCHES, ids=[json.dumps(b) for b, _ in SEARCHES])
def test_zoek_variants(shared: Shared, body: dict[str, Any],
                       expected: set[str]) -> None:
    app_client, world, corpus = shared.client, shared.world, shared.corpus
    r = app_client.post(f"{API}/signalen/_zoek", headers=world["coordinator"].headers, json=body)
    assert r.status_code == 200, r.text
    assert ({i["id"] for i in r.json()["items"]}, r.json()["totaal"]) == (
        {corpus[k] for k in expected}, len(expected))


BAD_SEARCHES = [
    ({}, [("(body)", "geen_zoekcriteria")]),
    ({"doel": "nieuwsgierig"}, [("(body)", "geen_zoekcriteria")]),
    ({"bsn": "123"}, [("bsn", "bsn_ongeldig")]),
    ({"bsn": "111222334", "kenteken": "X", "postcode": "1", "kvkNummer": "1"},
     [("bsn", "bsn_ongeldig"), ("kenteken", "kenteken_ongeldig"), ("kvkNummer", "kvk_ongeldig"),
      ("postcode", "postcode_ongeldig")]),
    ({"fenomeen": "tulpenbollen", "bsn": "1"}, [("bsn", "bsn_ongeldig"), ("fenomeen", "fenomeen_onbekend")]),
    ({"huisnummer": 1}, [("postcode", "postcode_ontbreekt")]),
    ({"huisletter": "A"}, [("postcode", "postcode_ontbreekt")]),
    ({"naam": "..."}, [("naam", "naam_ongeldig")]),
    ({"geboortedatum": "07-06-1985"}, [("geboortedatum", "date_from_datetime_parsing")]),
    ({"voornaam": "Pieter"}, [("voornaam", "extra_forbidden")]),
    ({"naam": "x" * 201}, [("naam", "string_too_long")]),
    ({"bsn": "111222333", "paginaGrootte": 0}, [("paginaGrootte", "greater_than_equal")]),
]


@pytest.mark.parametrize(("body", "expected"), BAD_SEARCHES, ids=[json.dumps(b)[:40] for b, _ in BAD_SEARCHES])
def test_zoek_refuses_bad_criteria_naming_each(shared: Shared, body: dict[str, Any],
                                               expected: list[tuple[str, str]]) -> None:
    app_client, world = shared.client, shared.world
    r = app_client.post(f"{API}/signalen/_zoek", headers=world["coordinator"].headers, json=body)
    assert (r.status_code, params(r)) == (422, sorted(expected))
    assert all(not ENGLISH.search(p["reason"]) for p in r.json()["invalidParams"])


# --------------------------------------------------------------------------------------------
# Never a 500: random bodies and query strings
# --------------------------------------------------------------------------------------------
EDGE_TEXT = st.sampled_from(["", " ", "\x00", "²", "١٢", "9" * 400, "'; DROP TABLE signals;--", "%", "_",
                             "1985-06-07", "2099-01-01", "111222333", "HT-01", "hennepteelt", "AB-123-C",
                             "9991AA", "nieuw", "api", "true", "null", "🌷"])
TEXT = EDGE_TEXT | st.text(max_size=40)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | TEXT
JSONISH = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(TEXT, inner, max_size=4), max_leaves=12)
FIELDS = st.sampled_from(["fenomeen", "indicatoren", "omschrijving", "waargenomenOp", "locatie", "betrokkenen",
                          "bron", "vertrouwelijkheid", "melderAfgeschermd", "naam", "geboortedatum", "bsn",
                          "kvkNummer", "kenteken", "postcode", "huisnummer", "tekst", "doel", "pagina",
                          "paginaGrootte", "organisatie", "reden"])
PARTY_FIELDS = st.sampled_from(["soort", "voornamen", "tussenvoegsel", "geslachtsnaam", "geboortedatum", "bsn",
                                "naam", "kvkNummer", "kenteken", "rol", "toelichting"])


def _mutate_top(key: str, value: Any) -> dict[str, Any]:
    body = signal_body()
    body[key] = value
    return body


def _mutate_party(key: str, value: Any) -> dict[str, Any]:
    body = signal_body()
    body["betrokkenen"][0][key] = value
    return body


BODIES = (st.dictionaries(FIELDS | TEXT, JSONISH, max_size=8)
          | st.builds(_mutate_top, FIELDS, JSONISH)
          | st.builds(_mutate_party, PARTY_FIELDS, JSONISH)
          | JSONISH)
NEVER_500 = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
POST_STATUSES = {201, 401, 403, 404, 422}


@pytest.fixture
def fuzz_signal(app_client: TestClient, world: World) -> str:
    """A signal to aim share requests at (created once per test, not per example)."""
    return create(app_client, world)


@NEVER_500
@given(body=BODIES, target=st.sampled_from(["", "/_zoek", "/ID/delingen"]))
def test_random_bodies_never_crash_and_store_only_on_201(app_client: TestClient, world: World, fuzz_signal: str,
                                                         body: Any, target: str) -> None:
    sid = fuzz_signal
    before = count_signals(world)
    r = app_client.post(f"{API}/signalen{target.replace('ID', sid)}", headers=world["coordinator"].headers,
                        content=json.dumps(body))
    stored = count_signals(world) - before
    assert r.status_code in POST_STATUSES | ({200} if target == "/_zoek" else set())
    assert stored == (1 if r.status_code == 201 and target == "" else 0)


@NEVER_500
@given(raw=st.binary(max_size=200))
def test_random_bytes_never_crash(shared: Shared, raw: bytes) -> None:
    app_client, world = shared.client, shared.world
    r = app_client.post(f"{API}/signalen", headers={**world["woco"].headers, "content-type": "application/json"},
                        content=raw)
    assert r.status_code in POST_STATUSES


QUERY_KEYS = st.sampled_from(["fenomeen", "status", "vanaf", "tot", "buurt", "wijk", "organisatie", "kanaal",
                              "pagina", "paginaGrootte", "doel", "bsn", "naam", "gebruiker", "actie",
                              "objectId"]) | TEXT


@NEVER_500
@given(query=st.lists(st.tuples(QUERY_KEYS, TEXT), max_size=6),
       path=st.sampled_from(["/signalen", "/signalen/ID", "/logboek", "/fenomenen", "/organisaties"]),
       actor=st.sampled_from(["coordinator", "privacy", "woco"]))
def test_random_query_strings_never_crash(shared: Shared, query: list[tuple[str, str]],
                                          path: str, actor: str) -> None:
    app_client, world = shared.client, shared.world
    sid = shared.corpus["A"]
    r = app_client.get(f"{API}{path.replace('ID', sid)}?{urlencode(query)}", headers=world[actor].headers)
    assert r.status_code in {200, 401, 403, 404, 422}


@NEVER_500
@given(sid=TEXT)
def test_random_ids_never_crash(shared: Shared, sid: str) -> None:
    app_client, world = shared.client, shared.world
    r = app_client.get(f"{API}/signalen/{quote(sid, safe='')}", headers=world["coordinator"].headers)
    assert r.status_code in {200, 404, 405, 422}


def test_observed_today_in_amsterdam_is_not_in_the_future(app_client: TestClient, world: World) -> None:
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    assert create(app_client, world, waargenomenOp=today.isoformat())

"""The area figures through the API (/api/v1/gebieden) and the pages (/kaart, /buurten/{code}), on
SQLite and PostgreSQL: who sees what, "<5" for partners, exact figures for the analyst, 422s
naming every bad parameter."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient

from weerbaar.core.models import Area

from .test_picture_stats import BOSRAND, CENTRUM, MOLEN, OUDE_HAVEN, populate
from .test_web import login_as
from .world import World

API = "/api/v1/gebieden"
SQUARE = {"type": "Polygon", "coordinates": [[[5.1, 52.1], [5.11, 52.1], [5.11, 52.11], [5.1, 52.11], [5.1, 52.1]]]}


@pytest.fixture
def lindeveen(world: World) -> World:
    return populate(world)


def _by_code(body: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {f["properties"]["code"]: f["properties"] for f in body["features"]}


def test_geojson_per_buurt_exact_for_the_analyst(app_client: TestClient, lindeveen: World) -> None:
    w = lindeveen
    with w.runtime.db.transaction() as s:
        area = s.get(Area, OUDE_HAVEN)
        assert area is not None
        area.geometry = SQUARE
    r = app_client.get(API, headers=w["analist"].headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/geo+json")
    body = r.json()
    assert body["type"] == "FeatureCollection" and body["exact"] is True
    props = _by_code(body)
    assert set(props) == {OUDE_HAVEN, MOLEN, BOSRAND}
    assert (props[MOLEN]["signalen"], props[MOLEN]["aantalAdressen"]) == (2, 60)
    assert props[OUDE_HAVEN]["signalenPer1000Adressen"] == 300.0
    assert props[OUDE_HAVEN]["signalenTovGemiddelde"] == round(300.0 / (23 * 1000 / 200), 2)
    geometry = {f["id"]: f["geometry"] for f in body["features"]}
    assert geometry[OUDE_HAVEN] == SQUARE and geometry[MOLEN] is None
    assert body["gemeente"] == {"code": "GM9990", "naam": "Lindeveen", "aantalAdressen": 200, "signalen": 23,
                                "treffers": 9, "signalenPer1000Adressen": 115.0, "treffersPer1000Adressen": 45.0}
    assert body["zonderGebied"] == {"signalen": 1, "treffers": 0}


def test_partner_gets_small_counts_hidden(app_client: TestClient, lindeveen: World) -> None:
    w = lindeveen
    body = app_client.get(API, headers=w["woco"].headers, params={"niveau": "wijk"}).json()
    props = _by_code(body)
    assert body["exact"] is False
    assert set(props) == {CENTRUM, "WK999002"}
    assert props["WK999002"]["treffers"] == "<5" and props["WK999002"]["treffersPer1000Adressen"] is None
    assert props[CENTRUM]["signalen"] == 14
    # Not a "<5" anywhere a count of 1..4 could be read back: the unplaced signal is hidden too.
    assert body["zonderGebied"]["signalen"] == "<5"
    buurten = _by_code(app_client.get(API, headers=w["woco"].headers).json())
    assert buurten[MOLEN]["signalen"] == "<5" and buurten[OUDE_HAVEN]["signalen"] == "x"


def test_bad_parameters_are_all_named(app_client: TestClient, lindeveen: World) -> None:
    w = lindeveen
    r = app_client.get(API, headers=w["analist"].headers,
                       params={"niveau": "provincie", "fenomeen": "onzin", "vanaf": "gisteren", "bsn": "111222333",
                               "kleur": "rood"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    names = {p["name"]: p["code"] for p in r.json()["invalidParams"]}
    assert names == {"niveau": "literal_error", "fenomeen": "fenomeen_onbekend", "vanaf": "date_parsing",
                     "bsn": "persoonsgegevens_in_url", "kleur": "onbekende_parameter"}
    r = app_client.get(API, headers=w["analist"].headers, params={"vanaf": "2026-10-01", "tot": "2026-09-01"})
    assert r.status_code == 422 and [p["name"] for p in r.json()["invalidParams"]] == ["tot"]
    r = app_client.get(f"{API}/{OUDE_HAVEN}", headers=w["analist"].headers, params={"maanden": "99", "niveau": "x"})
    assert r.status_code == 422
    assert {p["name"] for p in r.json()["invalidParams"]} == {"maanden", "niveau"}


def test_area_detail_and_who_may_not(app_client: TestClient, lindeveen: World) -> None:
    w = lindeveen
    r = app_client.get(f"{API}/{OUDE_HAVEN}", headers=w["analist"].headers,
                       params={"tot": "2026-10-31", "maanden": "3"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["naam"] == "Oude Haven" and body["cijfers"]["signalen"] == 12
    assert [(m["maand"], m["signalen"], m["treffers"]) for m in body["trend"]] == [
        ("2026-08", 0, 0), ("2026-09", 0, 0), ("2026-10", 12, 6)]
    assert body["indicatoren"][0]["code"] == "HT-01" and body["indicatoren"][0]["treffers"] == 6
    assert {p["fenomeen"]: p["signalen"] for p in body["fenomenen"]}["hennepteelt"] == 12
    wijk = app_client.get(f"{API}/{CENTRUM}", headers=w["analist"].headers).json()
    assert (wijk["niveau"], wijk["cijfers"]["signalen"]) == ("wijk", 14)
    # Another municipality's buurt does not exist for Lindeveen; the privacy officer has no picture.
    assert app_client.get(f"{API}/BU99910101", headers=w["analist"].headers).status_code == 404
    assert app_client.get(f"{API}/BU00000000", headers=w["analist"].headers).status_code == 404
    assert app_client.get(API, headers=w["privacy"].headers).status_code == 403
    assert app_client.get(f"{API}/{OUDE_HAVEN}", headers=w["privacy"].headers).status_code == 403
    assert app_client.get(API).status_code == 401


def _table_counts(html: str) -> dict[str, str]:
    rows = re.findall(r'data-code="([^"]+)">.*?data-testid="signalen">([^<]*)<', html, re.S)
    return dict(rows)


def test_map_page_partner_and_analist(app_client: TestClient, lindeveen: World) -> None:
    w = lindeveen
    login_as(app_client, w["woco"])
    r = app_client.get("/kaart")
    assert r.status_code == 200, r.text
    assert 'href="/kaart"' in r.text and "leaflet.js" in r.text and "kaart.js" in r.text
    assert _table_counts(r.text) == {OUDE_HAVEN: "x", MOLEN: "&lt;5", BOSRAND: "8", "onbekend": "&lt;5"}
    blob = re.search(r'<script type="application/json" id="kaart-gegevens">(.*?)</script>', r.text, re.S)
    assert blob is not None
    data = json.loads(blob.group(1))
    assert {f["id"]: f["properties"]["label"] for f in data["features"]}[MOLEN] == "<5"
    assert data["maat"] == "signalen" and data["exact"] is False
    # The same filters without JavaScript: a GET form; a bad value is named beside its field.
    r = app_client.get("/kaart", params={"niveau": "wijk", "maat": "treffers", "vanaf": "zomaar"})
    assert r.status_code == 200
    assert "Ongeldige datum" in r.text and _table_counts(r.text)[CENTRUM] == "14"

    app_client.cookies.clear()
    login_as(app_client, w["analist"])
    r = app_client.get("/kaart", params={"fenomeen": "hennepteelt"})
    assert _table_counts(r.text) == {OUDE_HAVEN: "12", MOLEN: "0", BOSRAND: "8", "onbekend": "1"}


def test_area_page_shows_trend_chart_and_comparison(app_client: TestClient, lindeveen: World) -> None:
    w = lindeveen
    login_as(app_client, w["woco"])
    r = app_client.get(f"/buurten/{MOLEN}", params={"tot": "2026-10-31"})
    assert r.status_code == 200, r.text
    assert "Molenkwartier" in r.text and '<svg xmlns="http://www.w3.org/2000/svg"' in r.text
    assert 'data-testid="trend-signalen"' in r.text
    assert re.search(r'data-testid="signalen">&lt;5<', r.text)
    assert 'href="/kaart?tot=2026-10-31&amp;niveau=buurt&amp;maat=signalen"' in r.text
    assert app_client.get("/buurten/BU99910101").status_code == 404
    app_client.cookies.clear()
    login_as(app_client, w["analist"])
    r = app_client.get(f"/buurten/{MOLEN}", params={"tot": "2026-10-31"})
    assert re.search(r'data-testid="signalen">2<', r.text)
    assert "Synthetische drugs" in r.text or "synthetische drugs" in r.text.lower()


def test_privacy_officer_has_no_map(app_client: TestClient, lindeveen: World) -> None:
    w = lindeveen
    login_as(app_client, w["privacy"])
    assert 'href="/kaart"' not in app_client.get("/").text
    assert app_client.get("/kaart").status_code == 403
    assert app_client.get(f"/buurten/{OUDE_HAVEN}").status_code == 403


def test_period_filter_on_the_page(app_client: TestClient, lindeveen: World) -> None:
    w = lindeveen
    login_as(app_client, w["analist"])
    r = app_client.get("/kaart", params={"vanaf": date(2026, 9, 1).isoformat(), "tot": "2026-09-30"})
    assert _table_counts(r.text) == {OUDE_HAVEN: "0", MOLEN: "2", BOSRAND: "0"}


def test_a_configured_tile_server_is_the_one_outside_image_origin() -> None:
    from weerbaar.app import SECURITY_HEADERS, security_headers

    assert security_headers(None) == SECURITY_HEADERS
    osm = security_headers("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tile.openstreetmap.org;" in osm
    pdok = security_headers("https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://service.pdok.nl;" in pdok["Content-Security-Policy"]
    assert "script-src 'self';" in pdok["Content-Security-Policy"]
    assert security_headers("javascript:alert(1)") == SECURITY_HEADERS

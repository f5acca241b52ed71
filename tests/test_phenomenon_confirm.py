"""A signal without phenomenon gets a suggestion from its text (API, form and bulk import
alike), and the intake team confirms it or picks another — via the API and the page."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from weerbaar.access import logbook
from weerbaar.access.models import AccessLogEntry
from weerbaar.core.runtime import Runtime
from weerbaar.ingest.signals import import_signals
from weerbaar.intake.models import Signal, SignalStatus

from .test_web import csrf_of, form_body, login_as
from .world import World, signal_body

API = "/api/v1"
PROBLEM = "application/problem+json"
HEMP = ("Achter de afgeplakte ramen van de bovenwoning zit een wietplantage, "
        "het ruikt de hele dag naar wiet en er zoemt iets.")
RUBBISH = "Er ligt al twee weken grofvuil naast de container op de hoek."


def unclassified(**overrides: Any) -> dict[str, Any]:
    return signal_body(fenomeen=None, indicatoren=[], **overrides)


def create(client: TestClient, world: World, text: str = HEMP, actor: str = "woco") -> dict[str, Any]:
    r = client.post(f"{API}/signalen", headers=world[actor].headers, json=unclassified(omschrijving=text))
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def confirm(client: TestClient, world: World, sid: str, code: Any, actor: str = "coordinator") -> Any:
    return client.post(f"{API}/signalen/{sid}/_bevestig-fenomeen", headers=world[actor].headers,
                       json={"fenomeen": code})


def history(runtime: Runtime, sid: str) -> list[tuple[str, str | None]]:
    with runtime.db.session() as s:
        rows = s.scalars(select(SignalStatus).where(SignalStatus.signal_id == sid).order_by(SignalStatus.id))
        return [(h.status, h.note) for h in rows]


def stored(runtime: Runtime, sid: str) -> Signal:
    with runtime.db.session() as s:
        signal = s.get(Signal, sid)
        assert signal is not None
        return signal


# --- the suggestion at registration ---------------------------------------------------------

def test_api_signal_without_phenomenon_gets_a_suggestion(app_client: TestClient, world: World,
                                                         runtime: Runtime) -> None:
    body = create(app_client, world)
    assert body["fenomeen"] is None
    assert body["fenomeenSuggestie"] == "hennepteelt"
    assert body["fenomeenSuggestieNaam"] == "Hennepteelt"
    assert 0 < body["fenomeenSuggestieScore"] <= 1
    assert "wietplantage" in body["fenomeenSuggestieWoorden"]
    signal = stored(runtime, body["id"])
    assert signal.phenomenon_suggestion == "hennepteelt" and signal.phenomenon_suggestion_score is not None
    listed = app_client.get(f"{API}/signalen", headers=world["coordinator"].headers).json()["items"]
    assert [i["fenomeenSuggestie"] for i in listed if i["id"] == body["id"]] == ["hennepteelt"]


def test_ordinary_complaint_gets_no_suggestion(app_client: TestClient, world: World, runtime: Runtime) -> None:
    body = create(app_client, world, RUBBISH)
    assert body["fenomeenSuggestie"] is None and body["fenomeenSuggestieNaam"] is None
    assert body["fenomeenSuggestieWoorden"] == []
    assert stored(runtime, body["id"]).phenomenon_suggestion is None


def test_signal_with_phenomenon_gets_no_suggestion(app_client: TestClient, world: World) -> None:
    r = app_client.post(f"{API}/signalen", headers=world["woco"].headers,
                        json=signal_body(fenomeen="woonfraude", indicatoren=[], omschrijving=HEMP))
    assert r.status_code == 201
    assert r.json()["fenomeen"] == "woonfraude" and r.json()["fenomeenSuggestie"] is None


def test_form_and_bulk_import_get_a_suggestion_too(app_client: TestClient, world: World, runtime: Runtime,
                                                   tmp_path: Path) -> None:
    csrf = login_as(app_client, world["woco"])
    r = app_client.post("/signalen/nieuw", follow_redirects=False,
                        data=form_body(csrf, fenomeen="", indicatoren=[], omschrijving=HEMP))
    assert r.status_code == 303, r.text
    sid = re.search(r"/signalen/([0-9a-f-]{36})", r.headers["location"]).group(1)  # type: ignore[union-attr]
    assert stored(runtime, sid).phenomenon_suggestion == "hennepteelt"

    path = tmp_path / "signalen.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["signaal_id", "datum", "organisatie", "fenomeen", "indicatoren", "omschrijving",
                    "postcode", "huisnummer", "betrokkenen"])
        w.writerow(["WS-1", "2026-10-14", "Woonstichting Thuisvast", "", "", HEMP, "9991 AA", "1", ""])
        w.writerow(["WS-2", "2026-10-14", "Woonstichting Thuisvast", "", "", RUBBISH, "9991 AA", "1", ""])
    summary = import_signals(runtime, path, world["coordinator"].principal)
    assert summary.nieuw == 2, summary
    with runtime.db.session() as s:
        got = dict(s.execute(select(Signal.source_key, Signal.phenomenon_suggestion)
                             .where(Signal.channel == "bulk")).all())
    assert got == {"WS-1": "hennepteelt", "WS-2": None}


# --- confirming through the API -------------------------------------------------------------

def test_coordinator_confirms_the_suggestion(app_client: TestClient, world: World, runtime: Runtime) -> None:
    sid = create(app_client, world)["id"]
    r = confirm(app_client, world, sid, "hennepteelt")
    assert r.status_code == 200, r.text
    assert r.json()["fenomeen"] == "hennepteelt" and r.json()["status"] == "nieuw"
    assert history(runtime, sid) == [("nieuw", "Geregistreerd via api"), ("nieuw", "Fenomeen bevestigd: Hennepteelt")]
    assert stored(runtime, sid).phenomenon == "hennepteelt"
    with runtime.db.session() as s:
        entry = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == logbook.JUDGE,
                                                       AccessLogEntry.object_id == sid)).one()
        assert entry.details == {"fenomeen": "hennepteelt", "vorigFenomeen": None, "voorstel": "hennepteelt"}
    filtered = app_client.get(f"{API}/signalen?fenomeen=hennepteelt", headers=world["coordinator"].headers)
    assert sid in [i["id"] for i in filtered.json()["items"]]


def test_coordinator_picks_another_phenomenon(app_client: TestClient, world: World, runtime: Runtime) -> None:
    sid = create(app_client, world)["id"]
    r = confirm(app_client, world, sid, "woonfraude")
    assert r.status_code == 200 and r.json()["fenomeen"] == "woonfraude"
    assert history(runtime, sid)[-1] == ("nieuw", "Fenomeen bevestigd: Woonfraude en adresfraude "
                                                  "(voorgesteld was: Hennepteelt)")


def test_unknown_phenomenon_is_a_dutch_422(app_client: TestClient, world: World, runtime: Runtime) -> None:
    sid = create(app_client, world)["id"]
    for code in ("bakkerijfraude", 12):
        r = confirm(app_client, world, sid, code)
        assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM)
        names = [p["name"] for p in r.json()["invalidParams"]]
        assert names == ["fenomeen"], r.text
    r = confirm(app_client, world, sid, "bakkerijfraude")
    assert "Onbekend fenomeen 'bakkerijfraude'" in r.json()["invalidParams"][0]["reason"]
    r = app_client.post(f"{API}/signalen/{sid}/_bevestig-fenomeen", headers=world["coordinator"].headers, json={})
    assert r.status_code == 422 and [p["name"] for p in r.json()["invalidParams"]] == ["fenomeen"]
    assert stored(runtime, sid).phenomenon is None and len(history(runtime, sid)) == 1


def test_other_municipality_gets_404_and_changes_nothing(app_client: TestClient, world: World,
                                                         runtime: Runtime) -> None:
    sid = create(app_client, world)["id"]
    for target in (sid, "3f2b8c1e-0d4a-4e6b-9a51-7c0e2d9b4f10", "geen-uuid"):
        r = confirm(app_client, world, target, "hennepteelt", actor="buur_coordinator")
        assert r.status_code == 404 and r.headers["content-type"].startswith(PROBLEM)
    assert stored(runtime, sid).phenomenon is None and len(history(runtime, sid)) == 1


def test_partner_who_reported_may_not_confirm(app_client: TestClient, world: World, runtime: Runtime) -> None:
    sid = create(app_client, world)["id"]
    r = confirm(app_client, world, sid, "hennepteelt", actor="woco")
    assert r.status_code == 403 and r.headers["content-type"].startswith(PROBLEM)
    assert confirm(app_client, world, sid, "hennepteelt", actor="netbeheer").status_code == 404
    assert confirm(app_client, world, sid, "hennepteelt", actor="analist").status_code == 200
    assert stored(runtime, sid).phenomenon == "hennepteelt"


# --- confirming on the page (no JavaScript) -------------------------------------------------

def test_detail_page_shows_suggestion_and_confirms_by_plain_form(app_client: TestClient, world: World,
                                                                 runtime: Runtime) -> None:
    sid = create(app_client, world)["id"]
    csrf = login_as(app_client, world["coordinator"])
    page = app_client.get(f"/signalen/{sid}")
    assert "Voorgesteld fenomeen: <strong>Hennepteelt</strong>" in page.text
    assert "op grond van:" in page.text and "wietplantage" in page.text
    assert f'action="/signalen/{sid}/fenomeen"' in page.text and "Bevestig: Hennepteelt" in page.text
    r = app_client.post(f"/signalen/{sid}/fenomeen", data={"csrf": csrf, "fenomeen": "hennepteelt"},
                        follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/signalen/{sid}?melding=fenomeen"
    page = app_client.get(r.headers["location"])
    assert "Het fenomeen is vastgesteld." in page.text and "Fenomeen bevestigd: Hennepteelt" in page.text
    assert "Voorgesteld fenomeen" not in page.text
    assert stored(runtime, sid).phenomenon == "hennepteelt"


def test_page_picks_another_and_shows_errors_beside_the_select(app_client: TestClient, world: World,
                                                               runtime: Runtime) -> None:
    sid = create(app_client, world, RUBBISH)["id"]
    csrf = login_as(app_client, world["coordinator"])
    page = app_client.get(f"/signalen/{sid}")
    assert "Geen fenomeen voorgesteld" in page.text and "Bevestig:" not in page.text
    r = app_client.post(f"/signalen/{sid}/fenomeen", data={"csrf": csrf, "fenomeen": ""})
    assert r.status_code == 422 and "Kies een fenomeen." in r.text and "Het fenomeen is niet vastgesteld" in r.text
    r = app_client.post(f"/signalen/{sid}/fenomeen", data={"csrf": csrf, "fenomeen": "bakkerijfraude"})
    assert r.status_code == 422 and "Onbekend fenomeen &#39;bakkerijfraude&#39;" in r.text
    r = app_client.post(f"/signalen/{sid}/fenomeen", data={"csrf": csrf, "fenomeen": "energiefraude"},
                        follow_redirects=False)
    assert r.status_code == 303
    assert stored(runtime, sid).phenomenon == "energiefraude"


def test_page_refuses_others(app_client: TestClient, world: World, runtime: Runtime) -> None:
    sid = create(app_client, world)["id"]
    csrf = login_as(app_client, world["buur_coordinator"])
    r = app_client.post(f"/signalen/{sid}/fenomeen", data={"csrf": csrf, "fenomeen": "hennepteelt"})
    assert r.status_code == 404
    app_client.cookies.clear()
    csrf = login_as(app_client, world["woco"])
    assert "Bevestig: Hennepteelt" not in app_client.get(f"/signalen/{sid}").text
    r = app_client.post(f"/signalen/{sid}/fenomeen", data={"csrf": csrf, "fenomeen": "hennepteelt"})
    assert r.status_code == 403
    assert csrf_of(app_client.get("/").text)
    assert stored(runtime, sid).phenomenon is None

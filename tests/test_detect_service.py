"""The analysis run end to end: automatic signals that are raised once, renewed, closed when
the evidence is gone and reopened when it returns; "verklaard" that keeps an entry down until
something new comes in; the API of the risk lists; the exports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from weerbaar.access.models import AccessLogEntry
from weerbaar.cli import exporteer as exporteer_cli
from weerbaar.detect import queries
from weerbaar.detect.models import RiskExplanation
from weerbaar.intake.models import Signal, SignalStatus
from weerbaar.intake.schemas import parse_signal
from weerbaar.intake.service import Provenance, register_signal
from weerbaar.resolve.models import SignalSubject, Subject

from .detect_world import GAS, Town, analyse, periods, scores, years_ago
from .world import World, signal_body

GROW = "9990200000100001"


def grow_town(tmp_path: Path, spike: float = 2400) -> Town:
    t = Town(tmp_path / "bronnen")
    for i in range(10):
        a = t.address(f"99902000002000{i:02d}")
        t.household(f"n{i}-", a, 2)
        t.typical_energy(a, 240 + 5 * i)
    t.address(GROW)
    t.household("g-", GROW, 2)
    t.energy(GROW, [250] * 6 + [250 + spike] * 6, [GAS[m.month - 1] for m in periods()])
    shop = t.address("9990200000300001", use="winkelfunctie", m2=120, street="Markt")
    t.company("12345678", "Bakkerij Markt", "1071", shop, years_ago(8))
    t.energy(shop, [700] * 12)
    return t


def automatic(world: World) -> list[Signal]:
    with world.runtime.db.session() as s:
        found = list(s.scalars(select(Signal).where(Signal.channel == "analyse").order_by(Signal.source_key)))
        for sig in found:
            _ = sig.indicators, sig.history
        return found


def status_rows(world: World) -> int:
    with world.runtime.db.session() as s:
        return s.scalar(select(func.count()).select_from(SignalStatus)) or 0


def test_automatic_signal_is_raised_once_renewed_closed_and_reopened(world: World, tmp_path: Path) -> None:
    town = grow_town(tmp_path)
    town.load(world)
    _, figures = analyse(world)
    assert figures.signals["nieuw"] == 1
    [signal] = automatic(world)
    assert signal.source_key == f"analyse:hennepteelt:adres:{GROW}"
    assert signal.phenomenon == "hennepteelt" and signal.address_id == GROW
    assert {i.code for i in signal.indicators} == {"I-EN-01", "I-EN-02"}
    assert "2.650 kWh per maand" in signal.description and signal.organisation_id == world.orgs["gemeente"].id
    assert (signal.source_reliability, signal.information_credibility) == ("B", "3")
    with world.runtime.db.session() as s:  # linked to the address subject, like any signal at intake
        kinds = set(s.scalars(select(Subject.kind).join(SignalSubject, SignalSubject.subject_id == Subject.id)
                              .where(SignalSubject.signal_id == signal.id)))
    assert kinds == {"adres"}

    before = status_rows(world)
    _, figures = analyse(world)  # nothing changed: nothing new, nothing appended
    assert figures.signals == {"nieuw": 0, "bijgewerkt": 0, "afgesloten": 0, "heropend": 0, "ongewijzigd": 1}
    assert status_rows(world) == before and len(automatic(world)) == 1

    stronger = grow_town(tmp_path / "v2", spike=3400)  # a newer extract: more lamps
    stronger.load(world, tag="-v2")
    _, figures = analyse(world)
    assert figures.signals["bijgewerkt"] == 1
    [signal] = automatic(world)
    assert "3.650 kWh per maand" in signal.description
    assert signal.history[-1].status == "nieuw" and "Bijgewerkt door de analyse" in (signal.history[-1].note or "")

    calm = grow_town(tmp_path / "v3", spike=0)  # the lamps are gone: the evidence disappears
    calm.load(world, tag="-v3")
    _, figures = analyse(world)
    assert figures.signals["afgesloten"] == 1
    [signal] = automatic(world)
    assert signal.history[-1].status == "afgesloten"
    assert "bewijs verdwenen" in (signal.history[-1].note or "") and "I-EN-01" in (signal.history[-1].note or "")
    assert not [s for s in scores(world, "hennepteelt") if s.target_id == GROW]

    grow_town(tmp_path / "v4", spike=2600).load(world, tag="-v4")
    _, figures = analyse(world)
    assert figures.signals["heropend"] == 1 and len(automatic(world)) == 1
    assert automatic(world)[0].history[-1].status == "nieuw"


def test_explained_entry_stays_down_until_something_new(world: World, tmp_path: Path) -> None:
    grow_town(tmp_path).load(world)
    analyse(world)
    coordinator = world["coordinator"].principal
    with world.runtime.db.transaction() as s:
        queries.explain(s, coordinator, world.runtime.catalogue, "adres", GROW, "hennepteelt",
                        "Bewoner kweekt tropische planten met vergunning; gecontroleerd op 12-11.")
    [signal] = automatic(world)
    assert signal.history[-1].status == "afgesloten" and "verklaard" in (signal.history[-1].note or "")

    _, figures = analyse(world)
    assert figures.explained == 1 and figures.signals["nieuw"] == 0 and figures.signals["heropend"] == 0
    with world.runtime.db.transaction() as s:
        entries, _ = queries.ranked(s, coordinator, queries.RiskFilters(kinds=("adres",)))
    assert entries[-1].target_id == GROW and entries[-1].explained and entries[-1].score == 0
    assert all(not e.explained for e in entries[:-1])

    # A reported signal about the address is new information: the entry comes back up.
    with world.runtime.db.transaction() as s:
        body = signal_body(locatie={"adresId": GROW}, betrokkenen=[], indicatoren=["HT-02"])
        register_signal(s, world["woco"].principal, parse_signal(body, world.runtime.catalogue),
                        world.runtime.catalogue, Provenance("api"))
    _, figures = analyse(world)
    assert figures.explained == 0 and figures.signals["heropend"] == 1
    top = next(s for s in scores(world, "hennepteelt") if s.target_id == GROW)
    assert not top.explained and {c["soort"] for c in top.components} == {"indicator", "signaal"}


def test_explaining_needs_a_reason_and_the_right(world: World, tmp_path: Path, app_client: TestClient) -> None:
    client = app_client
    grow_town(tmp_path).load(world)
    analyse(world)
    url = f"/api/v1/risico-adressen/{GROW}/_verklaar"
    r = client.post(url, json={"fenomeen": "geen_fenomeen", "reden": " "}, headers=world["coordinator"].headers)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert {p["name"] for p in r.json()["invalidParams"]} == {"fenomeen", "reden"}
    r = client.post(url, json={"fenomeen": "hennepteelt", "reden": "Verklaard."}, headers=world["analist"].headers)
    assert r.status_code == 403
    r = client.post(url, json={"fenomeen": "hennepteelt", "reden": "Verklaard."},
                    headers=world["buur_coordinator"].headers)
    assert r.status_code == 404
    r = client.post(url, json={"fenomeen": "hennepteelt", "reden": "Tropische planten, gecontroleerd."},
                    headers=world["coordinator"].headers)
    assert r.status_code == 201 and r.json()["status"] == "verklaard"
    assert set(r.json()["indicatoren"]) == {"I-EN-01", "I-EN-02"}
    detail = client.get(f"/api/v1/risico-adressen/{GROW}", headers=world["coordinator"].headers).json()
    assert detail["verklaard"] and detail["verklaringen"][0]["reden"] == "Tropische planten, gecontroleerd."
    r = client.post(f"/api/v1/risico-adressen/{GROW}/_trek-verklaring-in",
                    json={"fenomeen": "hennepteelt", "reden": "Toch niet."}, headers=world["coordinator"].headers)
    assert r.status_code == 201
    detail = client.get(f"/api/v1/risico-adressen/{GROW}", headers=world["coordinator"].headers).json()
    assert not detail["verklaard"] and [v["status"] for v in detail["verklaringen"]] == ["verklaard", "ingetrokken"]


def test_risk_list_api_explains_every_entry(world: World, tmp_path: Path, app_client: TestClient) -> None:
    client = app_client
    grow_town(tmp_path).load(world)
    analyse(world)
    r = client.get("/api/v1/risico-adressen?fenomeen=hennepteelt", headers=world["analist"].headers)
    assert r.status_code == 200 and r.headers["API-Version"]
    body = r.json()
    assert body["items"][0]["adresId"] == GROW and body["items"][0]["fenomeen"] == "hennepteelt"
    first = body["items"][0]["fenomenen"][0]
    assert first["score"] == body["items"][0]["score"]
    parts = first["onderdelen"]
    assert {p["code"] for p in parts} == {"I-EN-01", "I-EN-02"}
    assert all(p["uitleg"] and p["gegevens"] for p in parts)
    assert abs(sum(p["bijdrage"] for p in parts) - first["score"]) < 0.02
    scores_ = [i["score"] for i in body["items"]]
    assert scores_ == sorted(scores_, reverse=True)

    r = client.get("/api/v1/risico-adressen?fenomeen=onbekend&pagina=0&van=gisteren&bsn=1",
                   headers=world["analist"].headers)
    assert r.status_code == 422
    assert {p["name"] for p in r.json()["invalidParams"]} == {"fenomeen", "pagina", "van", "bsn"}
    assert client.get("/api/v1/risico-adressen", headers=world["woco"].headers).status_code == 403
    other = client.get("/api/v1/risico-adressen", headers=world["buur_coordinator"].headers).json()
    assert other["totaal"] == 0
    assert client.get(f"/api/v1/risico-adressen/{GROW}", headers=world["buur_coordinator"].headers).status_code == 404
    rules = client.get("/api/v1/indicatoren", headers=world["woco"].headers).json()["items"]
    assert len(rules) == len(world.runtime.catalogue.rules) >= 18
    assert all(p["reden"] for r_ in rules for p in r_["parameters"])
    with world.runtime.db.session() as s:
        logged = s.scalar(select(func.count()).select_from(AccessLogEntry).where(
            AccessLogEntry.object_type == "risicolijst"))
    assert logged and logged >= 2


def export(env: dict[str, str], *args: str) -> Any:
    return CliRunner().invoke(exporteer_cli.app, list(args), env=env, prog_name="weerbaar exporteer")


def test_exports_of_risk_lists_and_signals(world: World, tmp_path: Path) -> None:
    town = grow_town(tmp_path)
    # A straw man: three short-lived companies in three years, so that a person has a score.
    for n, kvk in enumerate(("11111111", "22222222", "33333333")):
        start = years_ago(2.5 - n * 0.6)
        town.company(kvk, f"Nova {n} B.V.", "4690", "9990200000300001", start, years_ago(2.2 - n * 0.6))
        town.officer(kvk, "Kees", "Stroman", years_ago(41), start)
    town.load(world)
    with world.runtime.db.transaction() as s:  # a bulk-imported signal without phenomenon
        body = signal_body(fenomeen=None, indicatoren=[], betrokkenen=[], locatie={"adresId": GROW})
        register_signal(s, world["coordinator"].principal, parse_signal(body, world.runtime.catalogue),
                        world.runtime.catalogue, Provenance("bulk", source_key="LV-2026-001", source_file="x.csv"))
    analyse(world)
    env = {"WEERBAAR_DATABASE_URL": world.runtime.db.url, "WEERBAAR_DATA": str(tmp_path),
           "WEERBAAR_GEBRUIKER": world["analist"].user.email}

    out = tmp_path / "adressen.csv"
    result = export(env, "risico-adressen", "--uitvoer", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["adres_id", "score", "fenomeen", "indicatoren"]
    assert rows[0]["adres_id"] == GROW and rows[0]["fenomeen"] == "hennepteelt"
    assert rows[0]["indicatoren"].split("|")[:2] in (["I-EN-01", "I-EN-02"], ["I-EN-02", "I-EN-01"])
    values = [float(r["score"]) for r in rows]
    assert values == sorted(values, reverse=True) and min(values) > 0

    result = export(env, "risico-personen", "--formaat", "jsonl")
    assert result.exit_code == 0, result.output
    people = [json.loads(line) for line in result.stdout.splitlines()]
    assert people and all(p["subject_id"].startswith("P-") for p in people)
    assert people[0]["fenomeen"] == "witwassen_bedrijven" and people[0]["indicatoren"] == ["I-KV-01"]

    result = export(env, "signalen", "--formaat", "jsonl")
    assert result.exit_code == 0, result.output
    signals = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(set(s) == {"id", "bronSleutel", "fenomeen", "fenomeenSuggestie", "indicatoren", "bron", "adresId"}
               for s in signals)
    by_source = {s["bron"]: s for s in signals}
    assert by_source["bulk"]["bronSleutel"] == "LV-2026-001" and by_source["bulk"]["fenomeen"] is None
    assert by_source["analyse"]["indicatoren"] and by_source["analyse"]["adresId"] == GROW

    assert export(env, "risico-adressen", "--formaat", "xml").exit_code != 0
    partner = {**env, "WEERBAAR_GEBRUIKER": world["woco"].user.email}
    refused = export(partner, "risico-adressen")
    assert refused.exit_code != 0 and "risicolijsten" in refused.output


def test_explanations_are_append_only(world: World, tmp_path: Path) -> None:
    grow_town(tmp_path).load(world)
    analyse(world)
    with world.runtime.db.transaction() as s:
        queries.explain(s, world["coordinator"].principal, world.runtime.catalogue, "adres", GROW, "hennepteelt",
                        "Gecontroleerd.")
    for sql in ("UPDATE risk_explanations SET reason = 'anders'", "DELETE FROM risk_explanations"):
        with world.runtime.db.engine.connect() as conn:
            try:
                conn.exec_driver_sql(sql)
                conn.commit()
            except Exception as exc:
                assert "append-only" in str(exc)
            else:
                raise AssertionError(f"{sql} was not refused")
    with world.runtime.db.session() as s:
        assert [x.reason for x in s.scalars(select(RiskExplanation))] == ["Gecontroleerd."]

"""The register of threats against officials (/api/v1/dreigingen): anyone with the right reports,
only the municipality's holders of dreigingen.lezen read the register, a reporter keeps seeing
its own report, every access is logged. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from weerbaar.access.models import AccessLogEntry
from weerbaar.cases.models import Threat

from .case_setup import API, decide_closure, make_case
from .world import World


def threat(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "datum": "2026-03-02",
        "doelwit": "handhaver",
        "naamDoelwit": "Boa Sietske de Vries",
        "soort": "intimidatie",
        "omschrijving": "Na de controle stond de huurder twee avonden bij de woning van de boa.",
        "aangifteGedaan": True,
    }
    body.update(overrides)
    return body


def report(client: TestClient, world: World, actor: str, **overrides: Any) -> dict[str, Any]:
    r = client.post(f"{API}/dreigingen", headers=world[actor].headers, json=threat(**overrides))
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def ids(client: TestClient, world: World, actor: str, query: str = "") -> list[str]:
    r = client.get(f"{API}/dreigingen{query}", headers=world[actor].headers)
    assert r.status_code == 200, r.text
    assert r.json()["totaal"] == len(r.json()["items"])
    return [t["id"] for t in r.json()["items"]]


def test_a_partner_reports_and_only_the_register_readers_and_the_reporter_see_it(
        app_client: TestClient, world: World) -> None:
    own = report(app_client, world, "woco")
    assert (own["doelwit"], own["soort"], own["aangifteGedaan"]) == ("handhaver", "intimidatie", True)
    assert own["doelwitNaam"].startswith("Toezichthouder") and own["gemeente"] == "GM9990"
    other = report(app_client, world, "analist", soort="bedreiging", doelwit="bestuurder", naamDoelwit=None)
    # The coordinator holds dreigingen.lezen: the whole register of Lindeveen.
    assert set(ids(app_client, world, "coordinator")) == {own["id"], other["id"]}
    # The reporters see only their own report; a colleague of the same partner nothing.
    assert ids(app_client, world, "woco") == [own["id"]]
    assert ids(app_client, world, "analist") == [other["id"]]
    assert ids(app_client, world, "woco2") == []
    assert ids(app_client, world, "buur_coordinator") == []
    for actor, status in [("coordinator", 200), ("woco", 200), ("woco2", 404), ("politie", 404),
                          ("buur_coordinator", 404), ("privacy", 404)]:
        r = app_client.get(f"{API}/dreigingen/{own['id']}", headers=world[actor].headers)
        assert r.status_code == status, (actor, r.text)
    r = app_client.get(f"{API}/dreigingen/{own['id']}", headers=world["coordinator"].headers)
    assert r.json()["naamDoelwit"] == "Boa Sietske de Vries"
    assert r.json()["omschrijving"] == threat()["omschrijving"]


def test_filters_of_the_register(app_client: TestClient, world: World) -> None:
    a = report(app_client, world, "coordinator", datum="2026-01-10", soort="bedreiging")
    b = report(app_client, world, "coordinator", datum="2026-02-20", soort="doxing")
    assert ids(app_client, world, "coordinator") == [b["id"], a["id"]]  # newest first
    assert ids(app_client, world, "coordinator", "?soort=doxing") == [b["id"]]
    assert ids(app_client, world, "coordinator", "?vanaf=2026-02-01") == [b["id"]]
    assert ids(app_client, world, "coordinator", "?tot=2026-01-31") == [a["id"]]
    r = app_client.get(f"{API}/dreigingen?soort=toveren&vanaf=gisteren&naam=Jan",
                       headers=world["coordinator"].headers)
    assert r.status_code == 422
    assert {p["name"] for p in r.json()["invalidParams"]} == {"soort", "vanaf", "naam"}


def test_every_problem_is_named_at_once_and_nothing_is_stored(app_client: TestClient, world: World) -> None:
    r = app_client.post(f"{API}/dreigingen", headers=world["woco"].headers, json={
        "datum": "2999-01-01", "doelwit": "koning", "soort": "", "omschrijving": "kort",
        "casus": "00000000-0000-0000-0000-000000000000"})
    assert r.status_code == 422, r.text
    problems = {p["name"]: p["reason"] for p in r.json()["invalidParams"]}
    assert set(problems) == {"datum", "doelwit", "soort", "omschrijving", "aangifteGedaan", "casus"}
    assert all(problems.values())
    r = app_client.post(f"{API}/dreigingen", headers=world["woco"].headers, json={**threat(), "kleur": "rood"})
    assert r.status_code == 422 and r.json()["invalidParams"][0]["name"] == "kleur"
    r = app_client.post(f"{API}/dreigingen", headers=world["woco"].headers, json=threat(besluit="x"))
    assert r.status_code == 422 and r.json()["invalidParams"][0]["name"] == "besluit"
    with world.runtime.db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Threat)) == 0


def test_a_threat_links_to_a_visible_case_and_its_decision(app_client: TestClient, world: World) -> None:
    setup = make_case(app_client, world)
    decision = decide_closure(world, setup.case.id)[0]
    # woco takes part in the case: it may link its report to the case and the decision.
    linked = report(app_client, world, "woco", casus=setup.case.id, besluit=decision)
    assert (linked["casus"], linked["besluit"]) == (setup.case.id, decision)
    # netbeheer is not invited: for it the case does not exist.
    r = app_client.post(f"{API}/dreigingen", headers=world["netbeheer"].headers,
                        json=threat(casus=setup.case.id, besluit=decision))
    assert r.status_code == 422
    assert [p["name"] for p in r.json()["invalidParams"]] == ["casus"]
    # A decision of another case is refused.
    other = make_case(app_client, world, title="Tweede casus")
    r = app_client.post(f"{API}/dreigingen", headers=world["woco"].headers,
                        json=threat(casus=other.case.id, besluit=decision))
    assert r.status_code == 422 and [p["name"] for p in r.json()["invalidParams"]] == ["besluit"]


def test_who_may_report(app_client: TestClient, world: World) -> None:
    r = app_client.post(f"{API}/dreigingen", headers=world["privacy"].headers, json=threat())
    assert r.status_code == 403
    r = app_client.post(f"{API}/dreigingen", headers=world["beheerder"].headers, json=threat())
    assert r.status_code == 403


def test_reports_and_reads_of_the_register_are_logged(app_client: TestClient, world: World) -> None:
    own = report(app_client, world, "woco")
    ids(app_client, world, "coordinator")
    app_client.get(f"{API}/dreigingen/{own['id']}", headers=world["coordinator"].headers)
    with world.runtime.db.session() as s:
        rows = s.execute(sa.select(AccessLogEntry.user_email, AccessLogEntry.action, AccessLogEntry.object_type,
                                   AccessLogEntry.object_id, AccessLogEntry.details)
                         .where(AccessLogEntry.object_type.in_(["dreiging", "dreigingen"]))
                         .order_by(AccessLogEntry.id)).all()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (world["woco"].user.email, "aanmaken", "dreiging"),
        (world["coordinator"].user.email, "raadplegen_lijst", "dreigingen"),
        (world["coordinator"].user.email, "lezen", "dreiging"),
    ]
    assert rows[0][3] == own["id"] and rows[2][3] == own["id"]
    assert rows[1][4]["aantal"] == 1

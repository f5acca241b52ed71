"""The coordinator's dashboard (API and page): what waits, counted through the permission layer.
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from weerbaar.cases import service
from weerbaar.core.clock import today

from .case_setup import make_case
from .test_lifecycle import YES, step
from .test_web import login_as
from .world import World, signal_body

API = "/api/v1"


def register(client: TestClient, world: World, actor: str, **overrides: Any) -> str:
    r = client.post(f"{API}/signalen", headers=world[actor].headers, json=signal_body(**overrides))
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def board(client: TestClient, world: World, actor: str = "coordinator", **params: str) -> dict[str, Any]:
    r = client.get(f"{API}/dashboard", headers=world[actor].headers, params=params)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_new_and_unweighed_signals_are_counted_oldest_first(app_client: TestClient, world: World) -> None:
    first = register(app_client, world, "woco", waargenomenOp="2026-09-01")
    second = register(app_client, world, "politie", waargenomenOp="2026-09-02")
    weighed = register(app_client, world, "coordinator")
    r = step(app_client, world, weighed, overgang="intake_positief", intaketoets=YES, reden="Past bij hennep")
    assert r.status_code in (200, 201), r.text

    got = board(app_client, world)
    assert (got["signalen"]["nieuw"], got["signalen"]["ongewogen"]) == (2, 1)
    assert [s["id"] for s in got["signalen"]["oudsteNieuw"]] == [first, second]
    assert [s["id"] for s in got["signalen"]["oudsteOngewogen"]] == [weighed]
    waiting = got["signalen"]["oudsteNieuw"][0]
    assert waiting["organisatie"] == world.orgs["woco"].name and waiting["fenomeen"] == "hennepteelt"
    # No parties, no description: the dashboard is a work queue, not a read of the signals.
    assert "betrokkenen" not in waiting and "omschrijving" not in waiting
    assert "Wal" not in str(got) and "111222333" not in str(got)

    # The analyst sees the same municipality; a partner and the privacy officer get no dashboard.
    assert board(app_client, world, "analist")["signalen"]["nieuw"] == 2
    for actor in ("woco", "privacy", "beheerder"):
        r = app_client.get(f"{API}/dashboard", headers=world[actor].headers)
        assert r.status_code == 403, (actor, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")


def test_another_municipality_sees_none_of_it(app_client: TestClient, world: World) -> None:
    register(app_client, world, "woco")
    got = board(app_client, world, "buur_coordinator")
    assert got["signalen"]["nieuw"] == 0 and got["signalen"]["oudsteNieuw"] == []


def test_cases_by_status_and_overdue_actions(app_client: TestClient, world: World) -> None:
    setup = make_case(app_client, world)
    rt = world.runtime
    deadline = today() + timedelta(days=14)
    with rt.db.transaction() as s:
        action = service.add_action(s, world["coordinator"].principal, rt.catalogue, setup.case.id, service.NewAction(
            "Buurtonderzoek naar de bestelbus.", world.orgs["politie"].id, "Rechercheur", deadline))
        action_id = action.id

    now = board(app_client, world)
    assert now["casussenPerStatus"]["informatiepositie"] == 1
    assert sum(now["casussenPerStatus"].values()) == 1
    assert now["verlopenActies"] == []

    later = board(app_client, world, peildatum=(deadline + timedelta(days=1)).isoformat())
    assert [a["id"] for a in later["verlopenActies"]] == [action_id]
    assert later["peildatum"] == (deadline + timedelta(days=1)).isoformat()


def test_unknown_and_bad_parameters_are_all_named(app_client: TestClient, world: World) -> None:
    r = app_client.get(f"{API}/dashboard", headers=world["coordinator"].headers,
                       params={"peildatum": "gisteren", "kleur": "rood"})
    assert r.status_code == 422
    names = {p["name"] for p in r.json()["invalidParams"]}
    assert names == {"peildatum", "kleur"}


def test_the_page_shows_the_queues_and_refuses_partners(app_client: TestClient, world: World) -> None:
    register(app_client, world, "woco")
    login_as(app_client, world["coordinator"])
    page = app_client.get("/dashboard")
    assert page.status_code == 200
    assert 'data-testid="nieuw">1<' in page.text
    assert "Casussen per status" in page.text and 'href="/dashboard"' in page.text

    app_client.cookies.clear()
    login_as(app_client, world["woco"])
    refused = app_client.get("/dashboard")
    assert refused.status_code == 403
    assert 'href="/dashboard"' not in app_client.get("/").text


def test_trends_per_phenomenon_are_suppressed_outside_the_analyst_role(app_client: TestClient, world: World) -> None:
    observed = today().isoformat()
    for actor in ("woco", "politie", "coordinator"):
        register(app_client, world, actor, waargenomenOp=observed)

    def hennep(actor: str) -> dict[str, Any]:
        trends = board(app_client, world, actor)["trendsPerFenomeen"]
        return next(t for t in trends if t["fenomeen"] == "hennepteelt")

    coordinator, analist = hennep("coordinator"), hennep("analist")
    assert coordinator["signalen"] == "<5" and analist["signalen"] == 3
    assert coordinator["perMaand"][-1] == {"maand": observed[:7], "signalen": "<5", "treffers": 0}
    assert analist["perMaand"][-1]["signalen"] == 3
    assert "3" not in str(coordinator["perMaand"][-1]["signalen"])
    login_as(app_client, world["coordinator"])
    page = app_client.get("/dashboard").text
    assert "Trends per fenomeen" in page and "&lt;5" in page

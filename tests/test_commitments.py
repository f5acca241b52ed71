"""Commitments outside a case (a five-B session's, the resilience scan's plan) as tracked actions:
one write path, the same action list and progress as a case's actions. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from weerbaar.cases import service
from weerbaar.core.clock import today
from weerbaar.core.errors import Forbidden, ValidationFailed

from .world import World

API = "/api/v1"


def commit(world: World, actor: str, organisation: str, **overrides: object) -> str:
    rt = world.runtime
    new = service.NewAction(**{"description": "Voorlichting aan huurders over hennepsignalen.",
                               "organisation": world.orgs[organisation].id, "responsible": "Wijkconsulent",
                               "deadline": today() + timedelta(days=30), **overrides})  # type: ignore[arg-type]
    with rt.db.transaction() as s:
        return service.add_commitment(s, world[actor].principal, "beraad", "beraad-1", new,
                                      organisations=[world.orgs["woco"].id, world.orgs["politie"].id]).id


def actions(client: TestClient, world: World, actor: str) -> list[dict[str, object]]:
    r = client.get(f"{API}/acties", headers=world[actor].headers)
    assert r.status_code == 200, r.text
    return r.json()["items"]  # type: ignore[no-any-return]


def test_a_commitment_is_an_action_of_its_partner(app_client: TestClient, world: World) -> None:
    action_id = commit(world, "coordinator", "woco")
    mine = [a for a in actions(app_client, world, "woco") if a["id"] == action_id]
    assert len(mine) == 1 and mine[0]["casus"] is None
    assert action_id in [a["id"] for a in actions(app_client, world, "coordinator")]
    # A colleague at woco sees it; another partner, even one at the same table, does not.
    assert action_id in [a["id"] for a in actions(app_client, world, "woco2")]
    assert action_id not in [a["id"] for a in actions(app_client, world, "politie")]
    assert action_id not in [a["id"] for a in actions(app_client, world, "netbeheer")]
    with world.runtime.db.session() as s:
        own = service.list_actions(s, world["coordinator"].principal, world.runtime.catalogue,
                                   origin="beraad", origin_id="beraad-1")
        assert [v.action.id for v in own] == [action_id]
        assert service.list_actions(s, world["coordinator"].principal, world.runtime.catalogue,
                                    origin="scan") == []

    # The owning partner reports progress, as on a case's action.
    r = app_client.post(f"{API}/acties/{action_id}/voortgang", headers=world["woco"].headers,
                        json={"status": "gereed", "toelichting": "Drie bijeenkomsten gehouden."})
    assert r.status_code in (200, 201), r.text
    assert [a["status"] for a in actions(app_client, world, "woco") if a["id"] == action_id] == ["gereed"]


def test_only_the_prevention_manager_commits_and_only_for_the_table(world: World) -> None:
    with pytest.raises(Forbidden):
        commit(world, "analist", "woco")
    with pytest.raises(ValidationFailed) as caught:
        commit(world, "coordinator", "netbeheer", description="", responsible="", deadline=None)
    assert {e.name for e in caught.value.errors} == {"omschrijving", "organisatie", "verantwoordelijke", "deadline"}

"""The write path itself: registering on behalf of another organisation."""

from __future__ import annotations

import pytest

from weerbaar.core.errors import Forbidden
from weerbaar.intake import service
from weerbaar.intake.schemas import parse_signal

from .world import signal_body


def _register(world, actor: str, org_key: str):
    rt = world.runtime
    with rt.db.transaction() as s:
        data = parse_signal(signal_body(), rt.catalogue)
        provenance = service.Provenance("bulk", source_key="S-1", organisation_id=world.orgs[org_key].id)
        return service.register_signal(s, world[actor].principal, data, rt.catalogue, provenance).organisation_id


def test_intake_team_registers_for_a_partner_in_its_own_municipality(world):
    assert _register(world, "analist", "woco") == world.orgs["woco"].id


def test_intake_team_cannot_register_for_another_municipality(world):
    with pytest.raises(Forbidden, match="eigen gemeente"):
        _register(world, "analist", "buurgemeente")


def test_partner_cannot_register_for_another_organisation(world):
    with pytest.raises(Forbidden, match="eigen organisatie"):
        _register(world, "woco", "netbeheer")

"""Need-to-know as a permission matrix (MISP style): one explicit expectation per cell.

The expected outcomes are written out below as data, by hand, from the rules in the brief and
`catalogus/rollen.yaml` — never computed by the code under test:

- a partner sees its own organisation's signals and those explicitly shared with its organisation;
- coordinators and analysts see every signal in their own municipality;
- the other municipality's coordinator sees none of ours (unless one is explicitly shared with it);
- beheerder and privacy see no signal content at all;
- a signal you may not see is a 404, never a 403, so its existence is not revealed.

Relations, seen from the actor:
  own_org          a signal registered by the actor's own organisation
  shared_with_org  another organisation's signal, explicitly shared with the actor's organisation
  other_org        another organisation's signal in the actor's municipality, not shared with it
  other_municip    a signal in the other municipality, not shared with the actor's organisation
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from weerbaar.access import admin, auth
from weerbaar.access.models import AccessLogEntry
from weerbaar.access.principal import Principal
from weerbaar.app import create_app
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.config import Settings
from weerbaar.core.db import Database
from weerbaar.core.runtime import Runtime
from weerbaar.intake import service

from .conftest import PG_URL, _admin_engine, _with_db
from .world import PASSWORD, Actor, World, build_world, signal_body

# ---------------------------------------------------------------------------------------------
# The expected outcome table. detail: HTTP status of GET /signalen/{id}; list: the signal is in
# GET /signalen; zoek_bsn: POST /signalen/_zoek on the signal's BSN finds it; logged: the
# actor's detail read, list and search of this signal are in the logboek (and nothing is
# recorded about a signal the actor may not see).
# ---------------------------------------------------------------------------------------------
MATRIX = """
actor             relation         detail  list  zoek_bsn  logged
coordinator       own_org          200     yes   yes       yes
coordinator       shared_with_org  200     yes   yes       yes
coordinator       other_org        200     yes   yes       yes
coordinator       other_municip    404     no    no        no
analist           own_org          200     yes   yes       yes
analist           shared_with_org  200     yes   yes       yes
analist           other_org        200     yes   yes       yes
analist           other_municip    404     no    no        no
privacy           own_org          404     no    no        no
privacy           shared_with_org  404     no    no        no
privacy           other_org        404     no    no        no
privacy           other_municip    404     no    no        no
beheerder         own_org          404     no    no        no
beheerder         shared_with_org  404     no    no        no
beheerder         other_org        404     no    no        no
beheerder         other_municip    404     no    no        no
gemeente_partner  own_org          200     yes   yes       yes
gemeente_partner  shared_with_org  200     yes   yes       yes
gemeente_partner  other_org        404     no    no        no
gemeente_partner  other_municip    404     no    no        no
woco              own_org          200     yes   yes       yes
woco              shared_with_org  200     yes   yes       yes
woco              other_org        404     no    no        no
woco              other_municip    404     no    no        no
netbeheer         own_org          200     yes   yes       yes
netbeheer         shared_with_org  200     yes   yes       yes
netbeheer         other_org        404     no    no        no
netbeheer         other_municip    404     no    no        no
buur_coordinator  own_org          200     yes   yes       yes
buur_coordinator  shared_with_org  200     yes   yes       yes
buur_coordinator  other_org        200     yes   yes       yes
buur_coordinator  other_municip    404     no    no        no
"""

# Which scene signal plays which relation for which actor (see `scene` below).
LINDEVEEN_GEMEENTE = {"own_org": "gemeente", "shared_with_org": "politie",
                      "other_org": "woco", "other_municip": "zandhoven"}
RELATION_SIGNAL: dict[str, dict[str, str]] = {
    "coordinator": LINDEVEEN_GEMEENTE,
    "analist": LINDEVEEN_GEMEENTE,
    "privacy": LINDEVEEN_GEMEENTE,
    "beheerder": LINDEVEEN_GEMEENTE,
    "gemeente_partner": LINDEVEEN_GEMEENTE,
    "woco": {"own_org": "woco", "shared_with_org": "politie",
             "other_org": "netbeheer", "other_municip": "zandhoven"},
    "netbeheer": {"own_org": "netbeheer", "shared_with_org": "politie",
                  "other_org": "woco", "other_municip": "zandhoven"},
    "buur_coordinator": {"own_org": "zandhoven", "shared_with_org": "politie",
                         "other_org": "zandhoven_woco", "other_municip": "woco"},
}

# One distinct, valid (eleven-test) BSN per scene signal.
BSNS = {"gemeente": "100011378", "woco": "100022741", "netbeheer": "100034111",
        "politie": "100045480", "zandhoven": "100056854", "zandhoven_woco": "100068224"}


@dataclass(frozen=True)
class Cell:
    actor: str
    relation: str
    detail: int
    listed: bool
    found: bool
    logged: bool


def _parse(table: str) -> list[Cell]:
    lines = [line.split() for line in table.strip().splitlines()[1:]]
    return [Cell(a, r, int(d), lst == "yes", z == "yes", g == "yes") for a, r, d, lst, z, g in lines]


CELLS = _parse(MATRIX)


def _ids(op: str) -> list[str]:
    return [f"{c.actor}-{c.relation}-{op}" for c in CELLS]


def test_matrix_covers_every_actor_and_relation_once() -> None:
    pairs = [(c.actor, c.relation) for c in CELLS]
    assert sorted(pairs) == sorted((a, r) for a in RELATION_SIGNAL for r in LINDEVEEN_GEMEENTE)


# ---------------------------------------------------------------------------------------------
# The scene: one database per backend for the whole module (the matrix only reads).
# ---------------------------------------------------------------------------------------------
@dataclass
class Scene:
    client: TestClient
    world: World
    signals: dict[str, str]  # scene key -> signal id

    def actor(self, key: str) -> Actor:
        return self.world.actors[key]

    def signal_for(self, cell: Cell) -> str:
        return self.signals[RELATION_SIGNAL[cell.actor][cell.relation]]


def _person(bsn: str) -> dict[str, str]:
    return {"soort": "persoon", "voornamen": "Test", "geslachtsnaam": f"Persoon{bsn[-3:]}", "bsn": bsn}


LINDEVEEN_ADDRESS = {"postcode": "9991 AA", "huisnummer": 1}
ZANDHOVEN_PLACE = {"omschrijving": "Bosweg bij de Zandhovense hei"}


def _register(client: TestClient, actor: Actor, key: str, location: dict[str, object]) -> str:
    r = client.post("/api/v1/signalen", headers=actor.headers,
                    json=signal_body(locatie=location, betrokkenen=[_person(BSNS[key])]))
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _add_zandhoven_partner(rt: Runtime, world: World) -> None:
    with rt.db.transaction() as s:
        org = admin.add_organisation(s, rt.catalogue, "Woonstichting Zandhoven", "woningcorporatie", "GM9991")
        user = admin.add_user(s, rt.catalogue, "partner@zandhoven.example", "Zandhoven Partner",
                              org.name, "partner", PASSWORD)
        token = auth.issue_token(s, user, "test")
        world.orgs["zandhoven_woco"] = org
        world.actors["zandhoven_woco"] = Actor(user, token, Principal.of(user, rt.catalogue, "api"))


@contextmanager
def module_database(request: pytest.FixtureRequest, tmp: Path) -> Iterator[str]:
    """Like conftest's `database_url`, but for a whole module (the read-only tests of
    test_api_signalen share it too). Use with `request.param` in ("sqlite", "postgresql")."""
    if request.param == "sqlite":
        target = tmp / "matrix.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        yield f"sqlite:///{target}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"wb_matrix_{uuid.uuid4().hex[:10]}"
    admin_engine = _admin_engine()
    with admin_engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield _with_db(PG_URL, name)
    finally:
        with admin_engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin_engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def scene(request: pytest.FixtureRequest, catalogue: Catalogue,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    tmp = tmp_path_factory.mktemp("matrix")
    with module_database(request, tmp) as url:
        rt = Runtime(Settings.from_env(database_url=url, data_dir=tmp), Database(url), catalogue)
        world = build_world(rt)
        _add_zandhoven_partner(rt, world)
        with TestClient(create_app(rt)) as client:
            signals = {
                "gemeente": _register(client, world["gemeente_partner"], "gemeente", LINDEVEEN_ADDRESS),
                "woco": _register(client, world["woco"], "woco", LINDEVEEN_ADDRESS),
                "netbeheer": _register(client, world["netbeheer"], "netbeheer", LINDEVEEN_ADDRESS),
                "politie": _register(client, world["politie"], "politie", LINDEVEEN_ADDRESS),
                "zandhoven": _register(client, world["buur_coordinator"], "zandhoven", ZANDHOVEN_PLACE),
                "zandhoven_woco": _register(client, world.actors["zandhoven_woco"], "zandhoven_woco",
                                            ZANDHOVEN_PLACE),
            }
            # The intake team shares the police signal with each partner and, across the border,
            # with the neighbouring municipality.
            for org_key in ("gemeente", "woco", "netbeheer", "buurgemeente"):
                r = client.post(f"/api/v1/signalen/{signals['politie']}/delingen",
                                headers=world["coordinator"].headers,
                                json={"organisatie": world.orgs[org_key].id,
                                      "reden": "Convenant hennep, art. 3: gezamenlijke aanpak"})
                assert r.status_code == 201, r.text
            yield Scene(client, world, signals)
        rt.db.engine.dispose()


# ---------------------------------------------------------------------------------------------
# The cells.
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cell", CELLS, ids=_ids("detail"))
def test_detail_is_readable_only_on_need_to_know_otherwise_404(scene: Scene, cell: Cell) -> None:
    r = scene.client.get(f"/api/v1/signalen/{scene.signal_for(cell)}?doel=matrixcontrole",
                         headers=scene.actor(cell.actor).headers)
    assert r.status_code == cell.detail


@pytest.mark.parametrize("cell", CELLS, ids=_ids("list"))
def test_list_contains_signal_only_on_need_to_know(scene: Scene, cell: Cell) -> None:
    r = scene.client.get("/api/v1/signalen?paginaGrootte=100", headers=scene.actor(cell.actor).headers)
    listed = r.status_code == 200 and scene.signal_for(cell) in {i["id"] for i in r.json()["items"]}
    assert listed is cell.listed


@pytest.mark.parametrize("cell", CELLS, ids=_ids("zoek_bsn"))
def test_zoek_on_bsn_finds_signal_only_on_need_to_know(scene: Scene, cell: Cell) -> None:
    key = RELATION_SIGNAL[cell.actor][cell.relation]
    r = scene.client.post("/api/v1/signalen/_zoek", headers=scene.actor(cell.actor).headers,
                          json={"bsn": BSNS[key], "doel": "matrixcontrole"})
    found = r.status_code == 200 and scene.signal_for(cell) in {i["id"] for i in r.json()["items"]}
    assert found is cell.found


READS = ("lezen", "raadplegen_lijst", "zoeken")


def _reads_mentioning(scene: Scene, user_id: str, signal_id: str) -> set[str]:
    """The read actions of this user whose log entry names the signal (setup's creates and
    shares are not part of the cell)."""
    with scene.world.runtime.db.session() as s:
        rows = s.scalars(sa.select(AccessLogEntry).where(AccessLogEntry.user_id == user_id,
                                                         AccessLogEntry.action.in_(READS))).all()
    return {e.action for e in rows
            if e.object_id == signal_id or signal_id in (e.details or {}).get("ids", [])}


@pytest.mark.parametrize("cell", CELLS, ids=_ids("logged"))
def test_access_is_logged_exactly_when_it_happens(scene: Scene, cell: Cell) -> None:
    actor, sid = scene.actor(cell.actor), scene.signal_for(cell)
    key = RELATION_SIGNAL[cell.actor][cell.relation]
    scene.client.get(f"/api/v1/signalen/{sid}", headers=actor.headers)
    scene.client.get("/api/v1/signalen?paginaGrootte=100", headers=actor.headers)
    scene.client.post("/api/v1/signalen/_zoek", headers=actor.headers, json={"bsn": BSNS[key]})
    expected = set(READS) if cell.logged else set()
    assert _reads_mentioning(scene, actor.user.id, sid) == expected


# ---------------------------------------------------------------------------------------------
# The shielded reporter: identity (melder, contactpersoon, and `door` of the reporter's own
# history entries) only for the intake team of the signal's municipality.
# ---------------------------------------------------------------------------------------------
SHIELD = "afgeschermd"
REPORTER = {"naam": "Woco Tester", "email": "woco@woco.example"}
CONTACT = {"naam": "Contact Woonstichting Thuisvast", "email": "contact@woco.example", "telefoon": None}

# actor -> (melder, contactpersoon, door of the reporter's "nieuw" entry)
SHIELDED_VIEW = {
    "coordinator": (REPORTER, CONTACT, "Woco Tester"),
    "analist": (SHIELD, SHIELD, SHIELD),
    "woco": (SHIELD, SHIELD, SHIELD),  # the reporter too: the view does not depend on who looks
    "woco2": (SHIELD, SHIELD, SHIELD),
    "politie": (SHIELD, SHIELD, SHIELD),  # shared with its organisation
    "buur_coordinator": (SHIELD, SHIELD, SHIELD),  # a coordinator, but not of this municipality
}


@pytest.fixture
def shielded_signal(app_client: TestClient, world: World) -> str:
    r = app_client.post("/api/v1/signalen", headers=world["woco"].headers,
                        json=signal_body(melderAfgeschermd=True))
    assert r.status_code == 201, r.text
    sid = str(r.json()["id"])
    for org_key in ("politie", "buurgemeente"):
        shared = app_client.post(f"/api/v1/signalen/{sid}/delingen", headers=world["coordinator"].headers,
                                 json={"organisatie": world.orgs[org_key].id, "reden": "Convenant, art. 4"})
        assert shared.status_code == 201, shared.text
    return sid


@pytest.mark.parametrize("actor", list(SHIELDED_VIEW), ids=[f"{a}-sees" for a in SHIELDED_VIEW])
def test_shielded_reporter_identity_only_for_own_municipality_coordinator(
    app_client: TestClient, world: World, shielded_signal: str, actor: str
) -> None:
    body = app_client.get(f"/api/v1/signalen/{shielded_signal}", headers=world[actor].headers).json()
    first_door = body["statusgeschiedenis"][0]["door"]
    assert (body["melder"], body["contactpersoon"], first_door) == SHIELDED_VIEW[actor]


def test_shielded_reporter_is_masked_in_the_create_response_too(app_client: TestClient, world: World) -> None:
    r = app_client.post("/api/v1/signalen", headers=world["analist"].headers,
                        json=signal_body(melderAfgeschermd=True))
    assert (r.json()["melder"], r.json()["contactpersoon"]) == (SHIELD, SHIELD)


def test_unshielded_reporter_is_visible_to_the_analyst(app_client: TestClient, world: World) -> None:
    r = app_client.post("/api/v1/signalen", headers=world["woco"].headers, json=signal_body())
    body = app_client.get(f"/api/v1/signalen/{r.json()['id']}", headers=world["analist"].headers).json()
    assert (body["melder"], body["statusgeschiedenis"][0]["door"]) == (REPORTER, "Woco Tester")


def test_history_entries_by_others_stay_visible_when_the_reporter_is_shielded(
    app_client: TestClient, world: World, shielded_signal: str
) -> None:
    rt = world.runtime
    with rt.db.transaction() as s:
        from weerbaar.intake.models import Signal

        service.append_status(s, s.get(Signal, shielded_signal), "in_behandeling",
                              world["coordinator"].principal, "Intake gestart")
    body = app_client.get(f"/api/v1/signalen/{shielded_signal}", headers=world["analist"].headers).json()
    assert [h["door"] for h in body["statusgeschiedenis"]] == [SHIELD, "Coordinator Tester"]


def test_summaries_in_list_and_search_never_carry_the_reporter(
    app_client: TestClient, world: World, shielded_signal: str
) -> None:
    listed = app_client.get("/api/v1/signalen", headers=world["analist"].headers).json()["items"]
    found = app_client.post("/api/v1/signalen/_zoek", headers=world["analist"].headers,
                            json={"bsn": "111222333"}).json()["items"]
    text = repr(listed) + repr(found)
    assert "Woco Tester" not in text and "woco@woco.example" not in text


# ---------------------------------------------------------------------------------------------
# Sharing: only the coordinator shares; a signal you cannot see is a 404.
# ---------------------------------------------------------------------------------------------
# actor -> whose signal they try to share -> expected status
SHARE_MATRIX = [
    ("coordinator", "woco", 201),
    ("coordinator", "zandhoven", 404),  # another municipality's signal
    ("buur_coordinator", "woco", 404),  # ours, not shared with them
    ("analist", "woco", 403),  # visible, but no right to share
    ("gemeente_partner", "gemeente", 403),  # own organisation's signal, no right to share
    ("woco", "woco", 403),
    ("woco", "netbeheer", 404),  # cannot see it
    ("netbeheer", "woco", 404),
    ("privacy", "woco", 404),
    ("beheerder", "woco", 404),
]


@pytest.fixture
def own_signals(app_client: TestClient, world: World) -> dict[str, str]:
    out = {}
    for key, actor, location in (("woco", "woco", LINDEVEEN_ADDRESS), ("netbeheer", "netbeheer", LINDEVEEN_ADDRESS),
                                 ("gemeente", "gemeente_partner", LINDEVEEN_ADDRESS),
                                 ("zandhoven", "buur_coordinator", ZANDHOVEN_PLACE)):
        out[key] = _register(app_client, world[actor], key, location)
    return out


@pytest.mark.parametrize(("actor", "owner", "status"), SHARE_MATRIX,
                         ids=[f"{a}-shares-{o}-signal-{s}" for a, o, s in SHARE_MATRIX])
def test_share_only_by_coordinator_and_404_when_invisible(
    app_client: TestClient, world: World, own_signals: dict[str, str], actor: str, owner: str, status: int
) -> None:
    r = app_client.post(f"/api/v1/signalen/{own_signals[owner]}/delingen", headers=world[actor].headers,
                        json={"organisatie": world.orgs["politie"].id, "reden": "Convenant, art. 4"})
    assert r.status_code == status


def test_shared_signal_becomes_visible_to_the_recipient_only(
    app_client: TestClient, world: World, own_signals: dict[str, str]
) -> None:
    sid = own_signals["woco"]
    before = app_client.get(f"/api/v1/signalen/{sid}", headers=world["politie"].headers).status_code
    app_client.post(f"/api/v1/signalen/{sid}/delingen", headers=world["coordinator"].headers,
                    json={"organisatie": world.orgs["politie"].id, "reden": "Convenant, art. 4"})
    after = {k: app_client.get(f"/api/v1/signalen/{sid}", headers=world[k].headers).status_code
             for k in ("politie", "netbeheer")}
    assert (before, after) == (404, {"politie": 200, "netbeheer": 404})


def test_share_of_unknown_or_malformed_id_is_404(app_client: TestClient, world: World) -> None:
    body = {"organisatie": world.orgs["politie"].id, "reden": "Convenant, art. 4"}
    statuses = [app_client.post(f"/api/v1/signalen/{sid}/delingen", headers=world["coordinator"].headers,
                                json=body).status_code
                for sid in (str(uuid.uuid4()), "niet-een-id", "12345")]
    assert statuses == [404, 404, 404]


def test_share_with_missing_reason_and_unknown_organisation_names_both(
    app_client: TestClient, world: World, own_signals: dict[str, str]
) -> None:
    r = app_client.post(f"/api/v1/signalen/{own_signals['woco']}/delingen", headers=world["coordinator"].headers,
                        json={"organisatie": str(uuid.uuid4()), "reden": " "})
    assert (r.status_code, sorted(p["name"] for p in r.json()["invalidParams"])) == (422, ["organisatie", "reden"])


# ---------------------------------------------------------------------------------------------
# The logboek: only the privacy officer.
# ---------------------------------------------------------------------------------------------
LOG_READ = {"privacy": 200, "coordinator": 403, "analist": 403, "beheerder": 403, "gemeente_partner": 403,
            "woco": 403, "woco2": 403, "netbeheer": 403, "politie": 403, "buur_coordinator": 403}


@pytest.mark.parametrize(("actor", "status"), LOG_READ.items(), ids=[f"{a}-{s}" for a, s in LOG_READ.items()])
def test_log_read_only_by_privacy_officer(app_client: TestClient, world: World, actor: str, status: int) -> None:
    assert app_client.get("/api/v1/logboek", headers=world[actor].headers).status_code == status


@pytest.mark.parametrize("actor", [a for a, s in LOG_READ.items() if s == 403])
def test_log_integrity_check_only_by_privacy_officer(app_client: TestClient, world: World, actor: str) -> None:
    assert app_client.get("/api/v1/logboek/integriteit", headers=world[actor].headers).status_code == 403


def test_roles_without_register_right_cannot_create(app_client: TestClient, world: World) -> None:
    statuses = {k: app_client.post("/api/v1/signalen", headers=world[k].headers, json=signal_body()).status_code
                for k in ("privacy", "beheerder")}
    assert statuses == {"privacy": 403, "beheerder": 403}

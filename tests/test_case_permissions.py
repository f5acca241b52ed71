"""Need-to-know for the case table as a permission matrix: one explicit expectation per cell.

Written out by hand from the rules in issue 5 and `catalogus/rollen.yaml`, never computed by the
code under test:

- the intake team (coordinator) of the owning municipality sees and changes everything;
- the municipality's analysts read every case but change nothing;
- an invited partner organisation reads the case, sees only what was shared with it, and
  updates only its own organisation's actions (every user of that organisation);
- everyone else — an organisation not invited, a municipal professional outside the intake
  team, the neighbouring municipality, the privacy officer, the administrator — gets 404:
  the case does not exist for them.

The case: owned by Gemeente Lindeveen; participants Woonstichting (woco, one signal shared
with its description) and Politie (nothing shared); one overdue action for each of them.
Columns:
  read      GET /casussen/{id}
  list      the case is in GET /casussen
  text      the shared signal's description is in what the actor reads of the case
  overdue   woco's overdue action is in GET /acties?status=verlopen
  update    POST /acties/{woco's action}/voortgang
  invite    POST /casussen/{id}/deelnemers (Stroomnet, on the WGS)
  share     POST /casussen/{id}/delingen (a signal to Politie)
  action    POST /casussen/{id}/acties (for Politie)
  close     POST /casussen/{id}/statussen afsluiten

Each matrix builds its world once per backend (module-scoped fixtures, as test_permissions does
for signals). The reads of every row share one case that no row changes; a row's writes (update
… close, in that order) go to a case of its own, set up the same way in the same world.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from weerbaar.access.models import AccessLogEntry
from weerbaar.app import create_app
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.config import Settings
from weerbaar.core.db import Database
from weerbaar.core.runtime import Runtime

from .test_permissions import module_database
from .world import World, build_world, signal_body

API = "/api/v1"

MATRIX = """
actor             read  list  text  overdue  update  invite  share  action  close
coordinator       200   yes   yes   yes      201     201     201    201     201
analist           200   yes   yes   yes      403     403     403    403     403
gemeente_partner  404   no    no    no       404     404     404    404     404
woco              200   yes   yes   yes      201     403     403    403     403
woco2             200   yes   yes   yes      201     403     403    403     403
politie           200   yes   no    yes      403     403     403    403     403
netbeheer         404   no    no    no       404     404     404    404     404
buur_coordinator  404   no    no    no       404     404     404    404     404
privacy           404   no    no    no       404     404     404    404     404
beheerder         404   no    no    no       404     404     404    404     404
"""

HEADER, *ROWS = [line.split() for line in MATRIX.strip().splitlines()]
SHARED_TEXT = "Achterdeur van de schuur steeds op slot; geur van hennep in de tuin."


def expected(actor: str) -> dict[str, str]:
    row = next(r for r in ROWS if r[0] == actor)
    return dict(zip(HEADER, row, strict=True))


def test_the_matrix_covers_every_actor_of_the_world() -> None:
    from .world import ACTORS

    assert {r[0] for r in ROWS} == {a[0] for a in ACTORS}


@contextmanager
def module_world(request: pytest.FixtureRequest, catalogue: Catalogue,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, World]]:
    """A world and an API client on a database of its own, for a whole matrix on one backend
    (`request.param` is "sqlite" or "postgresql"; see test_permissions' `scene`)."""
    tmp = tmp_path_factory.mktemp("case_matrix")
    with module_database(request, tmp) as url:
        rt = Runtime(Settings.from_env(database_url=url, data_dir=tmp), Database(url), catalogue)
        world = build_world(rt)
        with TestClient(create_app(rt)) as client:
            yield client, world
        rt.db.engine.dispose()


@dataclass(frozen=True)
class MatrixCase:
    id: str
    shared_signal: str  # s1, woco's, shared with woco (description)
    other_signal: str  # s2, gemeente_partner's, shared with nobody
    actions: dict[str, str]  # organisation key -> its overdue action


def open_matrix_case(client: TestClient, world: World) -> MatrixCase:
    """The case of the matrix (see the module docstring), through the API as the coordinator."""
    coord = world["coordinator"].headers
    s1 = client.post(f"{API}/signalen", headers=world["woco"].headers,
                     json=signal_body(omschrijving=SHARED_TEXT)).json()["id"]
    s2 = client.post(f"{API}/signalen", headers=world["gemeente_partner"].headers,
                     json=signal_body(omschrijving="Tweede melding over hetzelfde adres.")).json()["id"]
    cid = client.post(f"{API}/casussen", headers=coord,
                      json={"titel": "Matrixcasus", "signalen": [s1, s2]}).json()["id"]
    for org, basis in (("woco", "woningwet_hennepconvenant"), ("politie", "riec_convenant")):
        assert client.post(f"{API}/casussen/{cid}/deelnemers", headers=coord, json={
            "organisatie": world.orgs[org].id, "grondslag": basis}).status_code == 201
    assert client.post(f"{API}/casussen/{cid}/delingen", headers=coord, json={
        "organisatie": world.orgs["woco"].id, "signalen": [s1], "velden": ["omschrijving"],
        "reden": "De corporatie is verhuurder van dit adres."}).status_code == 201
    past = (date.today() - timedelta(days=2)).isoformat()
    actions = {}
    for org in ("woco", "politie"):
        r = client.post(f"{API}/casussen/{cid}/acties", headers=coord, json={
            "omschrijving": f"Actie van {org}", "organisatie": world.orgs[org].id,
            "verantwoordelijke": f"Contact {org}", "deadline": past})
        assert r.status_code == 201, r.text
        actions[org] = r.json()["id"]
    return MatrixCase(cid, s1, s2, actions)


@dataclass
class CaseScene:
    client: TestClient
    world: World
    case: MatrixCase  # read by every row, changed by none


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def case_scene(request: pytest.FixtureRequest, catalogue: Catalogue,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[CaseScene]:
    """One world and one matrix case per backend, for all rows of the case matrix."""
    with module_world(request, catalogue, tmp_path_factory) as (client, world):
        yield CaseScene(client, world, open_matrix_case(client, world))


@pytest.mark.parametrize("actor", [r[0] for r in ROWS])
def test_case_permission_matrix(case_scene: CaseScene, actor: str) -> None:
    want = expected(actor)
    client, world = case_scene.client, case_scene.world
    h = world[actor].headers
    got: dict[str, str] = {"actor": actor}

    # The reads, on the module's case: nothing has changed it (the writes below never touch it).
    case = case_scene.case
    read = client.get(f"{API}/casussen/{case.id}", headers=h)
    got["read"] = str(read.status_code)
    got["list"] = "yes" if case.id in [c["id"] for c in client.get(f"{API}/casussen", headers=h).json()["items"]] \
        else "no"
    got["text"] = "yes" if SHARED_TEXT in read.text else "no"
    overdue = client.get(f"{API}/acties?status=verlopen", headers=h).json()["items"]
    got["overdue"] = "yes" if case.actions["woco"] in [a["id"] for a in overdue] else "no"

    # The writes change the case, so they go, in the same order as ever, to a case of this row's
    # own, set up exactly like the module's: every row meets the case as it was set up, and what
    # one row changes no other row sees.
    own = open_matrix_case(client, world)
    got["update"] = str(client.post(f"{API}/acties/{own.actions['woco']}/voortgang", headers=h,
                                    json={"status": "in_uitvoering"}).status_code)
    got["invite"] = str(client.post(f"{API}/casussen/{own.id}/deelnemers", headers=h, json={
        "organisatie": world.orgs["netbeheer"].id, "grondslag": "wgs"}).status_code)
    got["share"] = str(client.post(f"{API}/casussen/{own.id}/delingen", headers=h, json={
        "organisatie": world.orgs["politie"].id, "signalen": [own.other_signal], "velden": ["locatie"],
        "reden": "De politie kent het adres al."}).status_code)
    got["action"] = str(client.post(f"{API}/casussen/{own.id}/acties", headers=h, json={
        "omschrijving": "Nog een actie", "organisatie": world.orgs["politie"].id,
        "verantwoordelijke": "Iemand", "deadline": "2031-01-01"}).status_code)
    got["close"] = str(client.post(f"{API}/casussen/{own.id}/statussen", headers=h, json={
        "overgang": "afsluiten", "reden": "Afgerond met resultaat.", "resultaat": "geen_grond",
        "nazorgdatum": (date.today() + timedelta(days=90)).isoformat()}).status_code)
    assert got == want

    # A read the actor was allowed is in the logboek under its name; a refused one leaves nothing
    # about the case under its name (the two cases together are what one case was before).
    with world.runtime.db.session() as s:
        logged = s.scalar(sa.select(sa.func.count()).select_from(AccessLogEntry).where(
            AccessLogEntry.user_id == world[actor].user.id, AccessLogEntry.object_id.in_([case.id, own.id]),
            AccessLogEntry.action == "lezen"))
    assert (logged > 0) == (want["read"] == "200")


# ---------------------------------------------------------------------------------------------
# The register of threats against officials: restricted to the intake team of the municipality;
# whoever reported a threat keeps seeing their own report (not their colleagues'); everyone whose
# role may report can report. A threat woco's first user reported:
#   register  it is in GET /dreigingen
#   read      GET /dreigingen/{id}
#   report    POST /dreigingen (a new report of the actor's own)
# ---------------------------------------------------------------------------------------------
THREATS = """
actor             register  read  report
coordinator       yes       200   201
analist           no        404   201
gemeente_partner  no        404   201
woco              yes       200   201
woco2             no        404   201
politie           no        404   201
netbeheer         no        404   201
buur_coordinator  no        404   201
privacy           no        404   403
beheerder         no        404   403
"""
THREAT_HEADER, *THREAT_ROWS = [line.split() for line in THREATS.strip().splitlines()]


def threat_body() -> dict[str, object]:
    return {"datum": (date.today() - timedelta(days=1)).isoformat(), "doelwit": "handhaver", "soort": "intimidatie",
            "omschrijving": "Handhaver opgewacht bij de auto na de controle van het pand.", "aangifteGedaan": True}


@dataclass
class ThreatScene:
    client: TestClient
    world: World
    threat: str  # the threat woco's first user reported


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def threat_scene(request: pytest.FixtureRequest, catalogue: Catalogue,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreatScene]:
    """One world and woco's threat per backend, for all rows of the threat matrix. The rows'
    own reports are threats of their own: they change neither woco's threat nor who sees it."""
    with module_world(request, catalogue, tmp_path_factory) as (client, world):
        r = client.post(f"{API}/dreigingen", headers=world["woco"].headers, json=threat_body())
        assert r.status_code == 201, r.text
        yield ThreatScene(client, world, r.json()["id"])


@pytest.mark.parametrize("actor", [r[0] for r in THREAT_ROWS])
def test_threat_register_permission_matrix(threat_scene: ThreatScene, actor: str) -> None:
    want = dict(zip(THREAT_HEADER, next(r for r in THREAT_ROWS if r[0] == actor), strict=True))
    client, tid = threat_scene.client, threat_scene.threat
    h = threat_scene.world[actor].headers
    listed = client.get(f"{API}/dreigingen", headers=h)
    items = listed.json()["items"] if listed.status_code == 200 else []
    got = {"actor": actor, "register": "yes" if tid in [t["id"] for t in items] else "no",
           "read": str(client.get(f"{API}/dreigingen/{tid}", headers=h).status_code),
           "report": str(client.post(f"{API}/dreigingen", headers=h, json=threat_body()).status_code)}
    assert got == want


# ---------------------------------------------------------------------------------------------
# Hit/no-hit (bekendheidscheck): asking needs bekendheid.bevragen (the intake team, analysts, and
# the neighbouring municipality's intake team for its own purposes); every organisation that was
# asked — all of the asker's municipality, and others only where they know the person — sees
# that it was asked, whoever of its users looks. The coordinator asks about Jan de Vries, known
# in Lindeveen's and Zandhoven's extracts (tests/er_rows.py):
#   ask      POST /bekendheid/_zoek by the actor
#   asked    the coordinator's question is in the actor's GET /bekendheid/bevragingen
# ---------------------------------------------------------------------------------------------
KNOWNNESS = """
actor             ask  asked
coordinator       200  yes
analist           200  yes
gemeente_partner  403  yes
woco              403  yes
woco2             403  yes
politie           403  yes
netbeheer         403  yes
buur_coordinator  200  yes
privacy           403  yes
beheerder         403  yes
"""
KNOWN_HEADER, *KNOWN_ROWS = [line.split() for line in KNOWNNESS.strip().splitlines()]
QUESTION = {"doel": "Voorbereiding van het casusoverleg over de Havenstraat.", "grondslag": "riec_convenant",
            "persoon": {"naam": "Jan de Vries", "geboortedatum": "1985-06-07"}}


@dataclass
class KnownnessScene:
    client: TestClient
    world: World
    first: str  # the id of the coordinator's question


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def knownness_scene(request: pytest.FixtureRequest, catalogue: Catalogue,
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnownnessScene]:
    """One linked world and the coordinator's question per backend, for all rows of the
    hit/no-hit matrix."""
    from weerbaar.cases.knownness import refresh_keys

    from .er_rows import build_linked

    with module_world(request, catalogue, tmp_path_factory) as (client, world):
        build_linked(world)
        with world.runtime.db.transaction() as s:
            refresh_keys(s, "GM9990")
            refresh_keys(s, "GM9991")
        first = client.post(f"{API}/bekendheid/_zoek", headers=world["coordinator"].headers, json=QUESTION)
        assert first.status_code == 200, first.text
        yield KnownnessScene(client, world, first.json()["id"])


@pytest.mark.parametrize("actor", [r[0] for r in KNOWN_ROWS])
def test_knownness_permission_matrix(knownness_scene: KnownnessScene, actor: str) -> None:
    want = dict(zip(KNOWN_HEADER, next(r for r in KNOWN_ROWS if r[0] == actor), strict=True))
    client = knownness_scene.client
    h = knownness_scene.world[actor].headers
    asked = client.post(f"{API}/bekendheid/_zoek", headers=h, json=QUESTION)
    got = {"actor": actor, "ask": str(asked.status_code)}
    seen = client.get(f"{API}/bekendheid/bevragingen", headers=h)
    assert seen.status_code == 200, seen.text
    # The questions this row would have met in a world of its own: the coordinator's and the
    # actor's own — not those other rows asked in the shared world.
    this_row = {knownness_scene.first} | ({asked.json()["id"]} if asked.status_code == 200 else set())
    got["asked"] = "yes" if any(q["id"] in this_row and q["doel"] == QUESTION["doel"]
                                and q["gevraagdDoor"]["organisatie"]["naam"] == "Gemeente Lindeveen"
                                for q in seen.json()["items"]) else "no"
    assert got == want
    assert "Jan" not in seen.text and "1985" not in seen.text  # who was asked about is never shown

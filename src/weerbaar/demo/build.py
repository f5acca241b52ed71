"""Build the demo municipality Lindeveen (GM9990) into an empty database, from a seed.

Everything is fictional and deterministic: the same seed on the same day gives the same
municipality. Signals are dated relative to today, so the demo always looks current.
The base (map, organisations, users, signals) is one transaction; then the partners'
extracts are written to WEERBAAR_DATA/demo-bronnen and imported file by file, exactly as a
coordinator would with `weerbaar importeer`, and linked as `weerbaar analyseer` does.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from time import perf_counter
from typing import Any

from weerbaar.access.principal import Principal
from weerbaar.core import clock
from weerbaar.core.models import Address, Area, Setting, User
from weerbaar.core.runtime import Runtime
from weerbaar.demo.cases import after_linking
from weerbaar.demo.cast import DEMO_PASSWORD, ORGANISATIONS, USERS, build_cast
from weerbaar.demo.extracts import write_extracts
from weerbaar.demo.geography import BUURTEN, GEMEENTE_CODE, GEMEENTE_NAME, WIJKEN, Grid
from weerbaar.demo.people import make_companies, make_people, make_plates
from weerbaar.demo.plants import Plants
from weerbaar.demo.prevention import build_prevention
from weerbaar.demo.register import build_addresses
from weerbaar.demo.signals import Parties, plan_signals, register_all
from weerbaar.detect.pipeline import run_analysis
from weerbaar.detect.service import STEPS as DETECT_STEPS
from weerbaar.ingest.records import import_source
from weerbaar.ingest.signals import import_signals

# Called as progress(step, done, total) while building; steps are Dutch labels.
ProgressFn = Callable[[str, int, int], None]

STEP_MAP = "Kaart en adressen"
STEP_CAST = "Organisaties en gebruikers"
STEP_SIGNALS = "Signalen"
STEP_EXTRACTS = "Bronbestanden importeren"
STEP_LINK = "Koppelen"
STEP_DETECT = "Indicatoren en scores"
EXTRACTS_DIR = "demo-bronnen"


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    organisation: str
    role: str
    password: str


@dataclass
class DemoSummary:
    seed: int
    areas: int = 0
    addresses: int = 0
    organisations: int = 0
    users: list[DemoUser] = field(default_factory=list)
    signals: int = 0
    shares: int = 0
    cases: int = 0
    privacy_checks: int = 0  # privacy checks 1 recorded once subjects were linked
    persons: int = 0
    bsns: list[str] = field(default_factory=list)
    seconds: float = 0.0
    imports: dict[str, dict[str, int]] = field(default_factory=dict)
    extracts_dir: str = ""
    subjects: dict[str, int] = field(default_factory=dict)
    # Answer key of the extracts: bron -> {sleutel -> true person}, for checking the linking.
    truth: dict[str, dict[str, str]] = field(default_factory=dict)
    # Planted cases and decoys per phenomenon (demo.plants), for evaluating the indicators.
    plants: Plants = field(default_factory=Plants)
    # Figures of the first analysis: indicator hits, scores, automatic signals.
    detection: dict[str, Any] = field(default_factory=dict)


def build_demo(
    runtime: Runtime, seed: int = 2026, progress: ProgressFn | None = None, partner_extracts: bool = True
) -> DemoSummary:
    def report(step: str, done: int, total: int) -> None:
        if progress is not None:
            progress(step, done, total)

    started = perf_counter()
    summary = DemoSummary(seed)
    today = clock.today()
    # One random stream per part, so that changing one part leaves the others as they were.
    rng_map = random.Random(f"{seed}-kaart")
    rng_people = random.Random(f"{seed}-mensen")
    rng_signals = random.Random(f"{seed}-signalen")

    with runtime.db.transaction() as session:
        report(STEP_MAP, 0, 2)
        grid = Grid(rng_map)
        session.add(Setting(key="gemeentecode", value=GEMEENTE_CODE))
        areas = [Area(code=GEMEENTE_CODE, kind="gemeente", name=GEMEENTE_NAME, geometry=grid.gemeente_polygon())]
        areas += [Area(code=w.code, kind="wijk", name=w.name, parent_code=GEMEENTE_CODE,
                       geometry=grid.wijk_polygon(w)) for w in WIJKEN]
        areas += [Area(code=b.code, kind="buurt", name=b.name, parent_code=b.wijk,
                       geometry=grid.polygon(b.cells)) for b in BUURTEN]
        session.add_all(areas)
        addresses = build_addresses(rng_map, grid)
        session.add_all(addresses)
        session.flush()
        summary.areas, summary.addresses = len(areas), len(addresses)
        report(STEP_MAP, 2, 2)

        report(STEP_CAST, 0, len(USERS))
        cast = build_cast(session, runtime.catalogue, GEMEENTE_CODE,
                          progress=lambda done, total: report(STEP_CAST, done, total))
        summary.organisations = len(cast.orgs)
        org_names = {o.key: o.name for o in ORGANISATIONS}
        summary.users = [DemoUser(u.email, u.name, org_names[u.org], u.role, DEMO_PASSWORD) for u in USERS]

        parties = Parties(rng_people, make_people(rng_people, 180, today), make_companies(rng_people),
                           make_plates(rng_people, 60))
        plans = plan_signals(rng_signals, addresses, grid, today)
        stats = register_all(
            session, runtime.catalogue, rng_signals, plans, cast.users, cast.orgs, parties,
            progress=lambda done, total: report(STEP_SIGNALS, done, total),
        )
        summary.signals, summary.shares = stats.signals, stats.shares
        summary.cases = stats.cases
        build_prevention(session, runtime.catalogue, cast, today)
        summary.persons, summary.bsns = stats.persons, stats.bsns
    if partner_extracts:  # tests of the base municipality leave them out, for speed
        _import_and_link(runtime, seed, today, addresses, parties, cast.users["coordinator"], summary, report)
    summary.seconds = perf_counter() - started
    return summary


def _import_and_link(
    runtime: Runtime, seed: int, today: date, addresses: list[Address], parties: Parties, coordinator: User,
    summary: DemoSummary, report: ProgressFn,
) -> None:
    """The partners' extracts, written in the standard layout with the noise real ones carry,
    imported as a coordinator would (file by file, each atomic), then linked."""
    directory = runtime.settings.data_dir / EXTRACTS_DIR
    extracts = write_extracts(directory, seed, today, addresses, people=parties.people,
                              companies=parties.companies, catalogue=runtime.catalogue)
    principal = Principal.of(coordinator, runtime.catalogue, channel="cli")
    total = len(extracts.files)
    report(STEP_EXTRACTS, 0, total)
    for done, (source, path) in enumerate(extracts.files.items(), 1):
        if source == "signalen":
            result = import_signals(runtime, path, principal)
        else:
            result = import_source(runtime, source, path, principal, organisation=extracts.organisations[source])
        summary.imports[source] = result.counts()
        report(STEP_EXTRACTS, done, total)
    summary.extracts_dir = str(directory)
    summary.truth = extracts.truth
    summary.plants = extracts.plants
    with runtime.db.transaction() as session:
        figures, detection = run_analysis(
            session, principal, runtime.catalogue,
            progress=lambda step, done, total: report(STEP_DETECT if step in DETECT_STEPS else STEP_LINK, done, total))
    with runtime.db.transaction() as session:
        summary.privacy_checks = after_linking(session, runtime.catalogue, principal)
    summary.subjects = {kind: counts["subjecten"] for kind, counts in figures.counts.items() if "subjecten" in counts}
    summary.detection = detection.as_dict()

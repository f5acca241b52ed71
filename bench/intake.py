"""Benchmark: signal intake and need-to-know reads at municipal scale.

Registers N synthetic signals through the one write path (validation, address lookup,
parties, status, logboek) and compares with a baseline measured in the same run: plain
SQL inserts of the same rows. Then times the list, the BSN search, the name search and
the full-text search through the permission layer (with logging) against the same query
without permission filter or logging.

    .venv/bin/python bench/intake.py [--aantal 20000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.world import build_world  # noqa: E402

from weerbaar.core.catalogue import load_catalogue  # noqa: E402
from weerbaar.core.config import Settings  # noqa: E402
from weerbaar.core.db import Database  # noqa: E402
from weerbaar.core.runtime import Runtime  # noqa: E402
from weerbaar.intake import queries, service  # noqa: E402
from weerbaar.intake.models import Signal  # noqa: E402
from weerbaar.intake.schemas import parse_signal  # noqa: E402

SURNAMES = ["Jansen", "de Vries", "van den Berg", "Bakker", "El Amrani", "Yilmaz", "Kowalski", "Visser"]
FIRST = ["Jan", "Fatima", "Mehmet", "Anna", "Piotr", "Sanne", "Mohamed", "Eva"]


def bsn_for(n: int) -> str:
    """A synthetic BSN passing the eleven-test, derived from n."""
    while True:
        digits = [int(c) for c in f"{n % 10**8:08d}"]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10:
            return "".join(map(str, digits)) + str(last)
        n += 1


def body(i: int, rnd: random.Random, cat) -> dict:  # type: ignore[no-untyped-def]
    phen = rnd.choice(list(cat.phenomena.values()))
    surname = rnd.choice(SURNAMES)
    prefix, _, core = surname.rpartition(" ")
    return {
        "fenomeen": phen.code,
        "indicatoren": [ind.code for ind in rnd.sample(phen.signaalkaart, 2)],
        "omschrijving": f"Signaal {i}: " + " ".join(ind.tekst for ind in phen.signaalkaart[:2]),
        "waargenomenOp": (date(2026, 11, 1) - timedelta(days=rnd.randrange(540))).isoformat(),
        "locatie": {"postcode": "9991AA", "huisnummer": 1},
        "betrokkenen": [{"soort": "persoon", "voornamen": rnd.choice(FIRST), "tussenvoegsel": prefix or None,
                         "geslachtsnaam": core, "geboortedatum": "1980-01-02", "bsn": bsn_for(10_000_000 + i)}],
    }


def timed(fn, repeat: int = 15) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--aantal", type=int, default=20000)
    ap.add_argument("--database-url")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wb-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    settings = Settings.from_env(database_url=url, data_dir=tmp)
    rt = Runtime(settings, Database(url), load_catalogue(settings.catalogue_dir))
    rt.db.ensure_schema()
    world = build_world(rt)
    partner = world["woco"].principal
    coordinator = world["coordinator"].principal
    rnd = random.Random(7)
    bodies = [body(i, rnd, rt.catalogue) for i in range(args.aantal)]

    t0 = time.perf_counter()
    for chunk in range(0, len(bodies), 500):
        with rt.db.transaction() as s:
            for b in bodies[chunk:chunk + 500]:
                service.register_signal(s, partner, parse_signal(b, rt.catalogue), rt.catalogue,
                                        service.Provenance("api"))
    ours = time.perf_counter() - t0

    # Baseline: the same number of bare rows straight into a copy of the table, no validation.
    rows = [{"id": f"b{i}", "phenomenon": b["fenomeen"], "description": b["omschrijving"],
             "observed_on": date.fromisoformat(b["waargenomenOp"]), "source_reliability": "F",
             "information_credibility": "6", "confidentiality": "zaakvertrouwelijk",
             "organisation_id": world.orgs["woco"].id, "channel": "api", "search_text": ""}
            for i, b in enumerate(bodies)]
    with rt.db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE bench_signals AS SELECT * FROM signals WHERE 1=0"))
    from sqlalchemy import Table

    from weerbaar.core.models import Base

    bare = Table("bench_signals", Base.metadata, *[c._copy() for c in Signal.__table__.columns])
    t0 = time.perf_counter()
    with rt.db.engine.begin() as conn:
        for chunk in range(0, len(rows), 500):
            conn.execute(insert(bare), [{**r, "registered_at": None, "reporter_shielded": False}
                                        for r in rows[chunk:chunk + 500]])
    baseline = time.perf_counter() - t0

    print(f"# Intake: {args.aantal} signalen op {rt.db.engine.dialect.name}")
    print(f"registreren via schrijfpad : {ours:7.2f} s  ({args.aantal / ours:8.0f} signalen/s)")
    print(f"baseline kale INSERT       : {baseline:7.2f} s  ({args.aantal / baseline:8.0f} rijen/s)")
    print(f"verhouding                 : {ours / baseline:7.1f}x  (validatie, adres, betrokkenen, status, logboek)")

    needle = bodies[len(bodies) // 2]["betrokkenen"][0]
    cases = {
        "lijst pagina 1 (coördinator)": lambda s: queries.list_signals(s, coordinator, rt.catalogue, queries.Filters()),
        "lijst gefilterd op fenomeen": lambda s: queries.list_signals(
            s, coordinator, rt.catalogue, queries.Filters(fenomeen="hennepteelt")),
        "zoeken op BSN": lambda s: queries.search_signals(s, coordinator, rt.catalogue,
                                                          queries.Criteria(bsn=needle["bsn"])),
        "zoeken op naam": lambda s: queries.search_signals(
            s, coordinator, rt.catalogue, queries.Criteria(naam=f"{needle['voornamen']} {needle['geslachtsnaam']}")),
        "vrije tekst": lambda s: queries.search_signals(s, coordinator, rt.catalogue,
                                                        queries.Criteria(tekst="afgeplakt")),
    }

    def run(case):  # type: ignore[no-untyped-def]
        def go() -> None:
            with rt.db.transaction() as s:
                case(s)
        return go

    def raw() -> None:
        with rt.db.engine.connect() as conn:
            conn.execute(select(func.count()).select_from(bare)).scalar()
            conn.execute(select(bare).order_by(bare.c.observed_on.desc()).limit(20)).all()

    base_ms = timed(raw)
    print(f"\n# Lezen (mediaan van 15), baseline kale lijstquery zonder rechtenfilter of logboek: {base_ms:.1f} ms")
    for name, case in cases.items():
        ms = timed(run(case))
        print(f"{name:32s}: {ms:7.1f} ms  ({ms / base_ms:5.1f}x baseline)")


if __name__ == "__main__":
    main()

"""Benchmark: matching a new signal's persons, company and address against a million subjects.

Builds a SQLite database with N person subjects (default 1,000,000 from
demo.population.Population, one source record and one link each, blocking keys written
as a run writes them) plus companies and addresses, and the person model trained on a
sample (resolve.engine.DuckDBResolver). Then registers signals through the one write path
and matches each with resolve.incremental.link_signal, exactly as the API and the form do.

Each signal names one person (a noisy rendering of an existing subject: initials, typos,
particles, swapped day and month, from demo.noise), one company by name and KvK number,
and an address. Reported: median and 95th percentile of link_signal per signal, the share
of persons found, and as baseline in the same run the registration of the same signal
(validation, address lookup, status, logboek). Target: under 200 ms per signal.

    .venv/bin/python bench/er_intake.py [--aantal 1000000] [--signalen 200]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import statistics
import sys
import tempfile
import time
import warnings
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.world import build_world  # noqa: E402

from weerbaar.core.catalogue import load_catalogue  # noqa: E402
from weerbaar.core.config import Settings  # noqa: E402
from weerbaar.core.db import Database  # noqa: E402
from weerbaar.core.runtime import Runtime  # noqa: E402
from weerbaar.demo.noise import NameNoise  # noqa: E402
from weerbaar.demo.population import Population, duplicated_records  # noqa: E402
from weerbaar.ingest.models import ImportRun, SourceRecord  # noqa: E402
from weerbaar.intake.schemas import parse_signal  # noqa: E402
from weerbaar.intake.service import Provenance, register_signal  # noqa: E402
from weerbaar.resolve import incremental  # noqa: E402
from weerbaar.resolve.engine import DuckDBResolver  # noqa: E402
from weerbaar.resolve.models import MatchModel, Subject, SubjectKey, SubjectLink  # noqa: E402
from weerbaar.resolve.normalise import person_features_sql  # noqa: E402
from weerbaar.resolve.realtime import blocking_keys_sql  # noqa: E402
from weerbaar.resolve.service import person_input  # noqa: E402

CHUNK = 50_000
KVK = "12345678"
ADDRESS = "9990200000000001"


def fill(rt: Runtime, org_id: str, user_id: str, count: int) -> list[dict]:
    """N person subjects with records, links and keys; returns a sample of the persons."""
    people = Population(11).people(count)
    sample: list[dict] = []
    with rt.db.transaction() as s:
        run = ImportRun(source="personen", file_name="bench.csv", file_hash="0" * 64, organisation_id=org_id,
                        extract_date=date(2026, 11, 1), by_user_id=user_id, counts={})
        s.add(run)
        s.flush()
        s.execute(insert(Subject), [
            {"id": "B-000001", "kind": "bedrijf", "municipality_code": "GM9990", "label": "Groeimaat B.V."},
            {"id": "A-000001", "kind": "adres", "municipality_code": "GM9990", "label": "9991AA 1"},
        ])
        s.execute(insert(SubjectKey), [{"subject_id": "B-000001", "key": f"kvk:{KVK}"},
                                       {"subject_id": "A-000001", "key": f"adres_id:{ADDRESS}"}])
        done = 0
        rng = random.Random(5)
        while done < count:
            rows, records, links, subjects = [], [], [], []
            for person in (next(people) for _ in range(min(CHUNK, count - done))):
                done += 1
                data = {"persoon_id": str(done), "voornamen": person.voornamen, "tussenvoegsel": person.tussenvoegsel,
                        "geslachtsnaam": person.geslachtsnaam, "geboortedatum": person.geboortedatum.isoformat(),
                        "bsn": None}
                sid = f"P-{done:07d}"
                subjects.append({"id": sid, "kind": "persoon", "municipality_code": "GM9990",
                                 "label": f"{person.voornamen} {person.geslachtsnaam}"})
                records.append({"id": done, "source": "personen", "organisation_id": org_id,
                                "municipality_code": "GM9990", "record_key": str(done), "version": 1,
                                "content_hash": hashlib.sha1(str(done).encode()).hexdigest(), "data": data,
                                "extras": {}, "run_id": run.id, "file_name": "bench.csv", "line": done + 1,
                                "extract_date": date(2026, 11, 1)})
                links.append({"subject_id": sid, "record_id": done, "role": "persoon", "probability": None,
                              "explanation": {}})
                rows.append(person_input(sid, "personen", data))
                if rng.random() < 200 / count * 4 and len(sample) < 1000:
                    sample.append({**data, "subject": sid})
            s.execute(insert(Subject), subjects)
            s.execute(insert(SourceRecord), records)
            s.execute(insert(SubjectLink), links)
            s.execute(insert(SubjectKey), keys_for(rows))
            print(f"  {done:>9,} subjecten geschreven", flush=True)
    return sample


def keys_for(rows: list[dict]) -> list[dict]:
    con = duckdb.connect()
    con.register("invoer", pa.Table.from_pylist(rows))
    features = "(" + person_features_sql("invoer") + ")"
    out = [{"subject_id": uid, "key": key[:200]} for uid, key in con.execute(blocking_keys_sql(features)).fetchall()]
    con.close()
    return out


def train(rt: Runtime, count: int) -> None:
    """The model as a run trains it: on records with noisy duplicates (a sample suffices)."""
    rows = [person_input(r["unique_id"], r["source_dataset"], r)
            for r in duplicated_records(min(count, 50_000), seed=11)]
    result = DuckDBResolver().link_persons(rows, threshold=0.9)
    with rt.db.transaction() as s:
        s.add(MatchModel(kind="persoon", municipality_code="GM9990", run_id="bench", model=result.model))


def signal_body(person: dict, noise: NameNoise) -> dict:
    born = date.fromisoformat(person["geboortedatum"])
    variant = noise.person(person["voornamen"], person["tussenvoegsel"] or "", person["geslachtsnaam"], born)
    party = {"soort": "persoon", "voornamen": variant["voornamen"] or None,
             "tussenvoegsel": variant["tussenvoegsel"] or None, "geslachtsnaam": variant["geslachtsnaam"]}
    if variant["geboortedatum"]:
        raw = variant["geboortedatum"]
        party["geboortedatum"] = raw if raw[4] == "-" else f"{raw[6:]}-{raw[3:5]}-{raw[:2]}"
    return {
        "fenomeen": "hennepteelt", "indicatoren": ["HT-01"], "omschrijving": "Zoemend geluid en afgeplakte ramen.",
        "waargenomenOp": "2026-11-01", "locatie": {"adresId": ADDRESS},
        "betrokkenen": [party, {"soort": "bedrijf", "naam": "Groeimaat B.V.", "kvkNummer": KVK}],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--aantal", type=int, default=1_000_000)
    ap.add_argument("--signalen", type=int, default=200)
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    logging.getLogger("splink").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        catalogue = load_catalogue(Settings.from_env(database_url=url).catalogue_dir)
        rt = Runtime(Settings.from_env(database_url=url, data_dir=Path(tmp)), Database(url), catalogue)
        world = build_world(rt)
        coordinator = world["coordinator"]
        t = time.perf_counter()
        sample = fill(rt, world.orgs["gemeente"].id, coordinator.user.id, args.aantal)
        print(f"Opbouw {args.aantal:,} subjecten: {time.perf_counter() - t:.0f} s")
        t = time.perf_counter()
        train(rt, args.aantal)
        print(f"Model getraind: {time.perf_counter() - t:.0f} s")
        noise = NameNoise(random.Random(3), rate=0.6)
        register_ms, link_ms, found = [], [], 0
        for person in sample[: args.signalen]:
            data = parse_signal(signal_body(person, noise), catalogue)
            with rt.db.transaction() as s:
                t = time.perf_counter()
                signal = register_signal(s, coordinator.principal, data, catalogue, Provenance("api"))
                t_reg = time.perf_counter()
                incremental.link_signal(s, signal)
                t_link = time.perf_counter()
                linked = {link.subject_id for link in s.query(incremental.SignalSubject)
                          .filter_by(signal_id=signal.id)}
            register_ms.append((t_reg - t) * 1000)
            link_ms.append((t_link - t_reg) * 1000)
            found += person["subject"] in linked
        n = len(link_ms)
        p95 = sorted(link_ms)[int(0.95 * (n - 1))]
        reg = statistics.median(register_ms)
        print(json.dumps({"subjecten": args.aantal, "signalen": n}))
        print(f"{'stap':<34}{'mediaan ms':>12}{'p95 ms':>10}")
        print(f"{'registreren (basislijn)':<34}{reg:>12.1f}{sorted(register_ms)[int(0.95 * (n - 1))]:>10.1f}")
        print(f"{'koppelen aan subjecten':<34}{statistics.median(link_ms):>12.1f}{p95:>10.1f}")
        print(f"verhouding koppelen/registreren: {statistics.median(link_ms) / reg:.2f}x; "
              f"persoon gevonden in {found}/{n} signalen ({found / n:.0%}); doel < 200 ms per signaal")


if __name__ == "__main__":
    main()

"""Benchmark: the whole pipeline on a large municipality - import every extract, then `weerbaar analyseer`.

Generates Zandhoven (`bench/municipality.py`: 100,000 addresses, about 220,000 residents,
1.2 million monthly energy rows, ...; generation is not timed), then in a fresh SQLite
database imports each extract through `ingest.records.import_source` (as `weerbaar
importeer` does: validation, versioning, quarantine, logboek, one transaction per file)
and runs `weerbaar analyseer` itself (the command, in this process, so whatever the
command runs - linking, indicators, scoring - is timed). Baseline in the same run: DuckDB
only reading the same files (`read_csv`, counting rows). Prints seconds, rows/s and peak
memory (RSS) per step, the total and the ratio total/baseline.

    .venv/bin/python bench/pipeline.py [--adressen 100000] [--seed 4] [--profiel STAP=BESTAND]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from municipality import MUNICIPALITY, ORDER, TOWN, generate  # noqa: E402

TARGET_SECONDS = 120.0


def peak_mb() -> float:
    """Peak RSS since the last `reset_peak` (Linux), else since the process started."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> None:
    with contextlib.suppress(OSError):  # not Linux: the peak stays the process's
        Path("/proc/self/clear_refs").write_text("5")


class Steps:
    def __init__(self, profile: dict[str, Path]) -> None:
        self.rows: list[tuple[str, float, int, float]] = []
        self.cpu: dict[str, float] = {}  # CPU seconds of this process and its threads (DuckDB's too)
        self.profile = profile

    def time(self, name: str, rows: int, work: Callable[[], Any]) -> Any:
        reset_peak()
        profiler = cProfile.Profile() if name in self.profile else None
        t, cpu = time.perf_counter(), time.process_time()
        if profiler is not None:
            result = profiler.runcall(work)
            profiler.dump_stats(str(self.profile[name]))
        else:
            result = work()
        seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
        self.rows.append((name, seconds, rows, peak_mb()))
        self.cpu[name] = cpu
        print(f"  {name:<24}{seconds:>9.1f} s{rows / seconds if rows else 0:>12,.0f} rijen/s{peak_mb():>9,.0f} MB"
              f"{cpu:>9.1f} s cpu", flush=True)
        return result


def baseline(files: dict[str, tuple[Path, int]]) -> tuple[float, int]:
    """DuckDB reading every file once (all columns as text), counting its rows."""
    import duckdb

    con = duckdb.connect()
    rows = 0
    t = time.perf_counter()
    for path, _ in files.values():
        delimiter = ";" if path.read_text(encoding="utf-8-sig")[:300].splitlines()[0].count(";") else ","
        found = con.execute("SELECT count(*) FROM read_csv(?, delim = ?, header = true, all_varchar = true)",
                            [str(path), delimiter]).fetchone()
        rows += int(found[0]) if found else 0
    seconds = time.perf_counter() - t
    con.close()
    return seconds, rows


def set_up(tmp: Path) -> tuple[Any, Any, str]:
    """A fresh database with the test cast; the coordinator of Zandhoven (GM9991) imports."""
    os.environ["WEERBAAR_DATABASE_URL"] = f"sqlite:///{tmp}/pipeline.db"
    os.environ["WEERBAAR_DATA"] = str(tmp)
    from tests.world import build_world

    from weerbaar.core.models import Area
    from weerbaar.core.runtime import Runtime

    runtime = Runtime.start()
    actor = build_world(runtime)["buur_coordinator"]
    assert actor.principal.municipality_code == MUNICIPALITY
    with runtime.db.transaction() as session:
        session.add(Area(code=MUNICIPALITY, kind="gemeente", name=TOWN))
        for w in range(1, 11):
            session.add(Area(code=f"WK9991{w:02d}", kind="wijk", name=f"Wijk {w}", parent_code=MUNICIPALITY))
            for b in range(1, 7):
                session.add(Area(code=f"BU9991{w:02d}{b:02d}", kind="buurt", name=f"Buurt {w}.{b}",
                                 parent_code=f"WK9991{w:02d}"))
    return runtime, actor.principal, actor.user.email


def analyse(email: str) -> None:
    """`weerbaar analyseer --gebruiker EMAIL`, run by the command line app itself."""
    import typer

    from weerbaar.cli.main import app

    command = typer.main.get_command(app)
    code = command.main(["analyseer", "--gebruiker", email], prog_name="weerbaar", standalone_mode=False)
    if code not in (None, 0):
        raise SystemExit(f"weerbaar analyseer stopte met code {code}")


def print_stages(runtime: Any) -> None:
    """Where `weerbaar analyseer` spent its time: the stages its runs recorded."""
    from sqlalchemy import select

    from weerbaar.detect.models import DetectionRun
    from weerbaar.resolve.models import MatchRun

    with runtime.db.session() as session:
        for model, name in ((MatchRun, "koppelen"), (DetectionRun, "detectie")):
            run = session.scalars(select(model).order_by(model.started_at.desc()).limit(1)).first()
            seconds = (run.figures or {}).get("seconden", {}) if run is not None else {}
            print(f"    {name}: " + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items()), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--adressen", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--profiel", action="append", default=[], metavar="STAP=BESTAND",
                    help="cProfile-uitvoer van een stap (bijv. energie=/tmp/e.prof of analyseer=/tmp/a.prof)")
    args = ap.parse_args()
    profile = {k: Path(v) for k, v in (p.split("=", 1) for p in args.profiel)}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        t = time.perf_counter()
        files = generate(tmp / "bestanden", args.adressen, args.seed)
        total_rows = sum(rows for _, rows in files.values())
        print(f"Gemeente {TOWN}: {args.adressen:,} adressen, {total_rows:,} rijen in {len(files)} bestanden "
              f"(gemaakt in {time.perf_counter() - t:.1f} s, niet meegeteld)", flush=True)
        base_s, base_rows = baseline(files)
        assert base_rows == total_rows, (base_rows, total_rows)
        print(f"  {'basislijn: DuckDB leest':<24}{base_s:>9.1f} s{base_rows / base_s:>12,.0f} rijen/s", flush=True)

        from weerbaar.ingest.records import import_source

        runtime, principal, email = set_up(tmp)
        steps = Steps(profile)
        for source in ORDER:
            path, rows = files[source]
            summary = steps.time(source, rows, functools.partial(import_source, runtime, source, path, principal))
            assert summary.gelezen == rows, (source, summary.counts())
        runtime.db.engine.dispose()
        steps.time("analyseer", total_rows, lambda: analyse(email))
        print_stages(runtime)

        imported = sum(s for n, s, _, _ in steps.rows if n != "analyseer")
        total = sum(s for _, s, _, _ in steps.rows)
        print(f"  {'importeren samen':<24}{imported:>9.1f} s{total_rows / imported:>12,.0f} rijen/s")
        print(f"  {'totaal':<24}{total:>9.1f} s{total_rows / total:>12,.0f} rijen/s"
              f"{max(p for *_, p in steps.rows):>9,.0f} MB (piek){sum(steps.cpu.values()):>7.1f} s cpu; "
              f"belasting (load average, 1 min) {os.getloadavg()[0]:.1f} op {os.cpu_count()} kernen")
        print(f"verhouding totaal/basislijn: {total / base_s:,.0f}x; doel onder {TARGET_SECONDS:.0f} s: "
              f"{'gehaald' if total < TARGET_SECONDS else 'niet gehaald'}")


if __name__ == "__main__":
    main()

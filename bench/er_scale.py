"""Benchmark: de-duplicating a million generated Dutch person records - wall time and peak memory.

The records (demo.population.duplicated_records: about 30% noisy extra copies of a person,
the noise of demo.noise, 70% with an address) are generated once into a Parquet file. Each
contender then runs in a fresh process, so its peak memory (ru_maxrss of that process, which
includes DuckDB's memory) is its own:

- weerbaar: resolve.engine.DuckDBResolver (threads=2, memory_limit 3 GB), training included,
            up to the list of scored pairs with their explanations;
- generic:  the generic Splink set-up of bench/er_dutch.py on the raw columns (skip with --zonder-generiek).

Targets on this 2-core machine: under 2 minutes and under 4 GB for a million records.
Also measured: real-time scoring of one new person against 25 candidates with the trained
model (resolve.realtime.RealtimeScorer; target under 200 ms per signal).

    .venv/bin/python bench/er_scale.py [--aantal 1000000] [--zonder-generiek]
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

COLUMNS = ("unique_id", "source_dataset", "voornamen", "tussenvoegsel", "geslachtsnaam", "geboortedatum", "bsn",
           "straat", "huisnummer", "postcode", "woonplaats", "cluster")


def generate(path: Path, count: int) -> float:
    from weerbaar.demo.population import duplicated_records

    t = time.perf_counter()
    writer = None
    batch: dict[str, list] = {c: [] for c in COLUMNS}
    for i, record in enumerate(duplicated_records(count, seed=7), 1):
        for c in COLUMNS:
            batch[c].append(record.get(c))
        if i % 100_000 == 0 or i == count:
            table = pa.table({c: pa.array(v, pa.string()) for c, v in batch.items()})
            writer = writer or pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
            batch = {c: [] for c in COLUMNS}
    if writer:
        writer.close()
    return time.perf_counter() - t


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def quality(pairs: list[tuple[str, str, float]], cluster: dict[str, str]) -> dict[str, float]:
    sizes = Counter(cluster.values())
    n_true = sum(n * (n - 1) // 2 for n in sizes.values())
    hits = [(a, b) for a, b, p in pairs if p >= 0.5]
    tp = sum(cluster[a] == cluster[b] for a, b in hits)
    precision = tp / len(hits) if hits else 0.0
    recall = tp / n_true if n_true else 0.0
    return {"pairs": len(hits), "precision": precision, "recall": recall,
            "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0}


# The generic set-up blocks on single columns and grows past 20 GB at a million records on
# this machine; capped, it fails instead of taking the machine down with it.
GENERIC_MEMORY_CAP = 8 * 1024**3


def child(contender: str, path: Path) -> None:
    """Run one contender on the Parquet file; print its figures as JSON on the last line."""
    if contender == "generic":
        resource.setrlimit(resource.RLIMIT_AS, (GENERIC_MEMORY_CAP, GENERIC_MEMORY_CAP))
    warnings.filterwarnings("ignore")
    logging.getLogger("splink").setLevel(logging.ERROR)
    import splink  # noqa: F401  (import outside the timing)

    from weerbaar.resolve.engine import DuckDBResolver

    table = pq.read_table(path)
    rss_start = peak_rss_mb()
    t = time.perf_counter()
    realtime: dict[str, float] = {}
    if contender == "weerbaar":
        result = DuckDBResolver(threads=2, memory_limit="3GB").link_persons(table.drop(["cluster"]), threshold=0.5)
        pairs = [(p.uid_l, p.uid_r, p.probability) for p in result.pairs]
        seconds = time.perf_counter() - t
        stages = result.figures["seconds"]
        realtime = measure_realtime(result.model, table)
    else:
        from er_dutch import run_generic

        pairs = run_generic(table.drop(["cluster"]))
        seconds = time.perf_counter() - t
        stages = {}
    cluster = dict(zip(table.column("unique_id").to_pylist(), table.column("cluster").to_pylist(), strict=True))
    print(json.dumps({"contender": contender, "seconds": seconds, "peak_rss_mb": peak_rss_mb(),
                      "rss_before_mb": rss_start, "stages": stages, "realtime": realtime,
                      **quality(pairs, cluster)}))


def measure_realtime(model: dict, table: pa.Table) -> dict[str, float]:
    """Median and worst time to score a record against 25 candidates (after one warm-up)."""
    from weerbaar.resolve.realtime import RealtimeScorer, blocking_keys

    scorer = RealtimeScorer(model)
    rows = table.slice(0, 2600).to_pylist()
    times, key_times = [], []
    for i in range(0, 2600, 26):
        record, candidates = rows[i], rows[i + 1:i + 26]
        t = time.perf_counter()
        blocking_keys(record)
        key_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        scorer.score(record, candidates)
        times.append(time.perf_counter() - t)
    times, key_times = sorted(times[1:]), sorted(key_times[1:])
    return {"score_median_ms": 1000 * times[len(times) // 2], "score_max_ms": 1000 * times[-1],
            "keys_median_ms": 1000 * key_times[len(key_times) // 2]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--aantal", type=int, default=1_000_000)
    parser.add_argument("--zonder-generiek", action="store_true")
    parser.add_argument("--kind", nargs=2, metavar=("CONTENDER", "PARQUET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.kind:
        child(args.kind[0], Path(args.kind[1]))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "personen.parquet"
        gen_seconds = generate(path, args.aantal)
        print(f"{args.aantal} records generated in {gen_seconds:.1f} s ({path.stat().st_size / 1e6:.0f} MB parquet)",
              flush=True)
        contenders = ["weerbaar"] + ([] if args.zonder_generiek else ["generic"])
        results = []
        for contender in contenders:
            proc = subprocess.run([sys.executable, __file__, "--kind", contender, str(path)],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                cap = f" (geheugengrens {GENERIC_MEMORY_CAP // 1024**3} GB)" if contender == "generic" else ""
                print(f"{contender}: mislukt{cap}\n{proc.stderr[-2000:]}")
                continue
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            r = results[-1]
            print(f"{contender}: {r['seconds']:.1f} s, peak RSS {r['peak_rss_mb']:.0f} MB, F1 {r['f1']:.4f}",
                  flush=True)
    print(f"\n{'contender':12}{'wall s':>8}{'peak RSS MB':>13}{'pairs>=0.5':>12}{'precision':>11}{'recall':>8}"
          f"{'F1':>8}")
    for r in results:
        print(f"{r['contender']:12}{r['seconds']:>8.1f}{r['peak_rss_mb']:>13.0f}{r['pairs']:>12}"
              f"{r['precision']:>11.4f}{r['recall']:>8.4f}{r['f1']:>8.4f}")
    ours = next((r for r in results if r["contender"] == "weerbaar"), None)
    if ours:
        print("weerbaar stages (s): " + ", ".join(f"{k} {v}" for k, v in ours["stages"].items()))
        rt = ours["realtime"]
        print(f"real-time: score 1 record vs 25 candidates median {rt['score_median_ms']:.0f} ms, "
              f"max {rt['score_max_ms']:.0f} ms; blocking keys median {rt['keys_median_ms']:.0f} ms")
        generic = next((r for r in results if r["contender"] == "generic"), None)
        if generic:
            ratio_t, ratio_m = ours["seconds"] / generic["seconds"], ours["peak_rss_mb"] / generic["peak_rss_mb"]
            print(f"weerbaar vs generic: time {ratio_t:.2f}x, memory {ratio_m:.2f}x, "
                  f"F1 {ours['f1'] - generic['f1']:+.4f}")
        ok = ours["seconds"] < 120 and ours["peak_rss_mb"] < 4096
        print(f"target (< 120 s and < 4 GB for {args.aantal} records): {'gehaald' if ok else 'NIET gehaald'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

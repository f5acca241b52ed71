"""Benchmark: importing a partner extract (energie, the largest source) - speed and memory.

Writes energie files of N rows (a third keyed by EAN, a third by adres_id, a third by
postcode + huisnummer with letter and toevoeging; Dutch decimals; `;`), then in a fresh
process per run imports each through `ingest.records.import_source` (validation, batched
versioning, quarantine, logboek) and re-imports it (every row "ongewijzigd"). Baseline in
the same run: only reading the file with Python's csv module. Memory is the process's peak
RSS minus its peak before the import (libraries and set-up loaded), so that growth with
file size shows, and the peak itself.

    .venv/bin/python bench/import_bronnen.py [--aantal 50000]
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = ["ean", "adres_id", "postcode", "huisnummer", "toevoeging", "periode", "elektriciteit_kwh", "gas_m3"]


def write(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(HEADER)
        for n in range(rows):
            kind = n % 3
            ean = f"8716874{n:011d}" if kind == 0 else ""
            adres = f"9990{n:012d}" if kind == 1 else ""
            pc, nr = ("9991AB", f"{n % 9000 + 1}a-{n % 7 + 1}") if kind == 2 else ("", "")
            w.writerow([ean, adres, pc, nr, "", f"2026-{n % 12 + 1:02d}", f"{n % 5000},5", str(n % 300)])


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(path: Path, mode: str) -> None:
    if mode == "lezen":
        before = rss_mb()
        t = time.perf_counter()
        with path.open(encoding="utf-8", newline="") as fh:
            rows = sum(1 for _ in csv.reader(fh, delimiter=";")) - 1
        print(json.dumps({"rows": rows, "seconds": time.perf_counter() - t, "growth_mb": rss_mb() - before,
                          "peak_mb": rss_mb()}))
        return
    from tests.world import build_world

    from weerbaar.core.catalogue import load_catalogue
    from weerbaar.core.config import Settings
    from weerbaar.core.db import Database
    from weerbaar.core.runtime import Runtime
    from weerbaar.ingest.records import import_source

    tmp = Path(tempfile.mkdtemp())
    url = f"sqlite:///{tmp}/b.db"
    settings = Settings.from_env(database_url=url, data_dir=tmp)
    rt = Runtime(settings, Database(url), load_catalogue(settings.catalogue_dir))
    principal = build_world(rt)["coordinator"].principal
    before = rss_mb()
    t = time.perf_counter()
    first = import_source(rt, "energie", path, principal)
    first_s = time.perf_counter() - t
    t = time.perf_counter()
    again = import_source(rt, "energie", path, principal)
    again_s = time.perf_counter() - t
    print(json.dumps({"rows": first.gelezen, "seconds": first_s, "again_seconds": again_s,
                      "nieuw": first.nieuw, "ongewijzigd": again.ongewijzigd, "growth_mb": rss_mb() - before,
                      "peak_mb": rss_mb()}))


def run(path: Path, mode: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--kind", mode, str(path)], check=True, capture_output=True,
                         text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--aantal", type=int, default=50_000)
    ap.add_argument("--kind", choices=["lezen", "importeren"])
    ap.add_argument("bestand", nargs="?")
    args = ap.parse_args()
    if args.kind:
        child(Path(args.bestand), args.kind)
        return
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'run':<34}{'rijen/s':>12}{'opnieuw rijen/s':>17}{'geheugengroei MB':>18}{'piek MB':>10}")
        for rows in (args.aantal // 5, args.aantal):
            path = Path(tmp) / f"energie_{rows}.csv"
            write(path, rows)
            base = run(path, "lezen")
            imp = run(path, "importeren")
            assert imp["nieuw"] == rows and imp["ongewijzigd"] == rows, imp
            print(f"{'alleen lezen (basislijn), ' + format(rows, ','):<34}{rows / base['seconds']:>12,.0f}"
                  f"{'':>17}{base['growth_mb']:>18.1f}{base['peak_mb']:>10.0f}")
            print(f"{'importeren, ' + format(rows, ',') + ' rijen':<34}{rows / imp['seconds']:>12,.0f}"
                  f"{rows / imp['again_seconds']:>17,.0f}{imp['growth_mb']:>18.1f}{imp['peak_mb']:>10.0f}")
            print(f"  verhouding importeren/lezen: {base['seconds'] / imp['seconds'] * 100:.2f}% van de leessnelheid")


if __name__ == "__main__":
    main()

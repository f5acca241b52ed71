"""Benchmark: bulk import of signals from CSV — speed, and memory that does not grow with the file.

Writes a synthetic `signalen` file of N rows (about 2% bad rows, Windows-1252, `;`), then
measures, each in a fresh process so that peak memory is that phase's alone:

- baseline: just reading the same file with Python's csv module (rows/s, peak RSS);
- import:   `import_signals` of the file into a fresh SQLite database (rows/s, peak RSS,
            and how much RSS grew during the import);
- the import again for a file a tenth the size: if memory does not grow with the file,
  the growth is about the same for both.

    .venv/bin/python bench/import_signalen.py [--aantal 100000] [--database-url URL]

With --database-url (an empty PostgreSQL database, say) the import runs there instead.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["signaal_id", "datum", "organisatie", "fenomeen", "indicatoren", "omschrijving", "postcode",
          "huisnummer", "betrokkenen", "dossiernummer"]
FIRST = ["Jan", "Fatima", "Mehmet", "Anna", "Piotr", "Sanne", "Mohamed", "Renée", "Zoë"]
SURNAMES = ["Jansen", "de Vries", "van den Berg", "Bakker", "El Amrani", "Yilmaz", "Kowalski", "Visser"]
COMPANIES = ["Groeimaat B.V.", "Jansen & Zn", "Holding Noord", "Kapsalon Salma", "De Gouden Leeuw VOF"]
TEXT = ("Ramen afgeplakt met folie, dag en nacht zoemend geluid; veel bezoek van korte duur en "
        "een sterke geur in het trappenhuis. Buren melden 's nachts laden en lossen.")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise KeyError(field)


def reset_peak_rss() -> bool:
    """Start the peak (VmHWM) afresh, so set-up (argon2 hashing of the test users takes
    64 MB) does not hide what the import itself uses. Linux only; False where unsupported."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def make_file(path: Path, rows: int) -> None:
    rnd = random.Random(41)
    with path.open("w", encoding="cp1252", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        for i in range(rows):
            people = [f"{rnd.choice(FIRST)} {rnd.choice(SURNAMES)}" for _ in range(rnd.randint(0, 2))]
            bad = i % 50 == 7
            writer.writerow([
                f"B-{i:07d}",
                "31-02-2026" if bad else f"{rnd.randint(1, 28)}-{rnd.randint(1, 10)}-2026",
                rnd.choice(["Woonstichting Thuisvast", "Stroomnet Netbeheer", "politie basisteam lindeveen"]),
                "hennepteelt",
                "|".join(rnd.sample(["HT-01", "HT-02", "HT-03", "HT-05"], 2)),
                f"Melding {i}: {TEXT}" if i % 10 else f"Melding {i}:\n{TEXT}\n(meerdere regels)",
                rnd.choice(["9991AA", "9991 AB", "9991AC"]),
                rnd.choice(["1", "12", "12a", "7-2"]),
                " | ".join([*people, *([rnd.choice(COMPANIES)] if i % 3 == 0 else [])]),
                f"{i:08d}",
            ])


def phase_baseline(path: Path) -> dict:
    t0 = time.perf_counter()
    with path.open(encoding="cp1252", newline="") as fh:
        rows = sum(1 for _ in csv.reader(fh, delimiter=";")) - 1
    return {"rows": rows, "seconds": time.perf_counter() - t0, "peak_mb": peak_rss_mb()}


def phase_import(path: Path, url: str | None) -> dict:
    sys.path.insert(0, str(ROOT))
    tmp = Path(tempfile.mkdtemp(prefix="wb-bench-import-"))
    try:
        return _measure_import(path, url or f"sqlite:///{tmp / 'bench.db'}", tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _measure_import(path: Path, url: str, tmp: Path) -> dict:
    from tests.world import build_world

    from weerbaar.core.catalogue import load_catalogue
    from weerbaar.core.config import Settings
    from weerbaar.core.db import Database
    from weerbaar.core.runtime import Runtime
    from weerbaar.ingest.signals import import_signals

    settings = Settings.from_env(database_url=url, data_dir=tmp)
    runtime = Runtime(settings, Database(url), load_catalogue(settings.catalogue_dir))
    runtime.db.ensure_schema()
    world = build_world(runtime)
    gc.collect()
    exact = reset_peak_rss()
    before = _status_mb("VmRSS")
    t0 = time.perf_counter()
    summary = import_signals(runtime, path, world["coordinator"].principal)
    seconds = time.perf_counter() - t0
    peak = _status_mb("VmHWM") if exact else peak_rss_mb()
    result = {"rows": summary.gelezen, "seconds": seconds, "peak_mb": peak_rss_mb(), "growth_mb": peak - before,
              "counts": summary.counts(), "db": runtime.db.engine.dialect.name}
    runtime.db.engine.dispose()
    return result


def in_fresh_process(phase: str, path: Path, url: str | None) -> dict:
    cmd = [sys.executable, __file__, "--fase", phase, "--bestand", str(path)]
    if url:
        cmd += ["--database-url", url]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--aantal", type=int, default=20_000)
    ap.add_argument("--database-url")
    ap.add_argument("--fase", choices=["basis", "import"], help=argparse.SUPPRESS)
    ap.add_argument("--bestand", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.fase:
        result = phase_baseline(args.bestand) if args.fase == "basis" else phase_import(args.bestand, args.database_url)
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory(prefix="wb-bench-csv-") as folder:
        big, small = Path(folder) / "signalen_groot.csv", Path(folder) / "signalen_klein.csv"
        make_file(big, args.aantal)
        make_file(small, args.aantal // 10)
        mb = big.stat().st_size / 2**20
        base = in_fresh_process("basis", big, None)
        ours = in_fresh_process("import", big, args.database_url)
        # The comparison needs a second empty database; with --database-url there is only one.
        tenth = None if args.database_url else in_fresh_process("import", small, None)

    print(f"# Import signalen: {args.aantal} regels ({mb:.1f} MB, Windows-1252, ';') op {ours['db']}")
    print(f"baseline csv-lezen : {base['seconds']:7.2f} s  ({base['rows'] / base['seconds']:9.0f} regels/s)"
          f"  piek-RSS {base['peak_mb']:6.1f} MB")
    print(f"import             : {ours['seconds']:7.2f} s  ({ours['rows'] / ours['seconds']:9.0f} regels/s)"
          f"  piek-RSS {ours['peak_mb']:6.1f} MB, groei tijdens import {ours['growth_mb']:5.1f} MB")
    if tenth:
        print(f"import 1/10 bestand: {tenth['seconds']:7.2f} s  ({tenth['rows'] / tenth['seconds']:9.0f} regels/s)"
              f"  piek-RSS {tenth['peak_mb']:6.1f} MB, groei tijdens import {tenth['growth_mb']:5.1f} MB")
    print(f"verhouding tijd    : {ours['seconds'] / base['seconds']:7.0f}x baseline "
          "(validatie, adres, betrokkenen, status, logboek per signaal)")
    print(f"tellingen          : {ours['counts']}")


if __name__ == "__main__":
    main()

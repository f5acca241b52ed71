"""Benchmark: the picture at municipal scale - map, buurt page, dashboard and a subject's network.

Builds Zandhoven (`bench/municipality.py`, 100,000 addresses by default) through the real
pipeline (every extract imported, `weerbaar analyseer` run), gives its 60 buurten and 10 wijken
a generated boundary, registers signals through the one write path spread over the buurten and
the last twelve months, and adds one company with 500 officers (a subject with 500 neighbours).
Building is not timed. Then, logged in as the coordinator (and the analyst for the exact map),
times each page through the whole web stack (FastAPI's TestClient: routing, permission layer,
queries, logboek entry, template): the median of repeated requests.

Baseline in the same run: the start page (`/`), the lightest page behind a login. The targets:
the map, the dashboard and a buurt page within 300 ms, the network of a subject with 500
neighbours within 500 ms.

    .venv/bin/python bench/beeld.py [--adressen 100000] [--signalen 6000] [--herhaal 7]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from municipality import MUNICIPALITY, ORDER, generate  # noqa: E402
from pipeline import analyse, set_up  # noqa: E402

HUB_KVK = "99999901"
HUB_OFFICERS = 500
TARGETS_MS = {"kaart": 300.0, "buurt": 300.0, "dashboard": 300.0, "netwerk": 500.0}


def add_hub(files: dict[str, tuple[Path, int]], count: int) -> None:
    """One company whose officers are `count` residents of the personen extract (a network hub)."""
    people_path = files["personen"][0]
    officers_path = files["functionarissen"][0]
    with people_path.open(encoding="utf-8") as f:
        reader = csv.DictReader(f, delimiter=_delimiter(people_path))
        people = [row for _, row in zip(range(count * 3), reader, strict=False)][::3][:count]
    with officers_path.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f, delimiter=";"))
    with officers_path.open("a", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        for n, person in enumerate(people):
            row = {"kvk_nummer": HUB_KVK, "voornamen": person.get("voornamen", ""),
                   "tussenvoegsel": person.get("tussenvoegsel", ""), "geslachtsnaam": person.get("geslachtsnaam", ""),
                   "geboortedatum": person.get("geboortedatum", ""), "functie": "gevolmachtigde",
                   "datum_aanvang": "2024-01-01", "datum_einde": ""}
            row.setdefault("functionaris_id", f"HUB{n:04d}")
            writer.writerow([row.get(column, "") for column in header])


def _delimiter(path: Path) -> str:
    first = path.open(encoding="utf-8").readline()
    return ";" if first.count(";") > first.count(",") else ","


def add_geometry(runtime: Any) -> None:
    """A grid of rectangles: 10 wijken of 6 buurten, south-east of Utrecht (fictional)."""
    from sqlalchemy import select

    from weerbaar.core.models import Area

    def box(x0: float, y0: float, dx: float, dy: float) -> dict[str, Any]:
        ring = [[x0, y0], [x0 + dx, y0], [x0 + dx, y0 + dy], [x0, y0 + dy], [x0, y0]]
        return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}

    with runtime.db.transaction() as s:
        for area in s.scalars(select(Area).where(Area.code.like("%9991%"))):
            if area.kind == "wijk":
                w = int(area.code[-2:]) - 1
                area.geometry = box(5.30 + (w % 5) * 0.06, 52.00 + (w // 5) * 0.04, 0.06, 0.04)
            elif area.kind == "buurt":
                w, b = int(area.code[-4:-2]) - 1, int(area.code[-2:]) - 1
                area.geometry = box(5.30 + (w % 5) * 0.06 + (b % 3) * 0.02, 52.00 + (w // 5) * 0.04 + (b // 3) * 0.02,
                                    0.02, 0.02)


def add_signals(runtime: Any, principal: Any, count: int, seed: int = 11) -> None:
    """`count` signals through the one write path, on random Zandhoven addresses of the last year."""
    from sqlalchemy import select

    from weerbaar.core.clock import today
    from weerbaar.core.models import Address
    from weerbaar.intake import service
    from weerbaar.intake.schemas import parse_signal

    rng = random.Random(seed)
    cat = runtime.catalogue
    phenomena = list(cat.phenomena.values())
    with runtime.db.session() as s:
        addresses = s.execute(select(Address.postcode, Address.house_number)
                              .where(Address.municipality_code == MUNICIPALITY)).all()
    for start in range(0, count, 500):
        with runtime.db.transaction() as s:
            for _ in range(start, min(count, start + 500)):
                phen = rng.choice(phenomena)
                postcode, number = rng.choice(addresses)
                body = {"fenomeen": phen.code, "indicatoren": [i.code for i in phen.signaalkaart[:2]],
                        "omschrijving": "Synthetisch signaal voor de benchmark van het beeld.",
                        "waargenomenOp": (today() - timedelta(days=rng.randrange(365))).isoformat(),
                        "locatie": {"postcode": postcode, "huisnummer": number},
                        "bron": {"betrouwbaarheid": "B", "informatie": "2"},
                        "vertrouwelijkheid": rng.choice(["zaakvertrouwelijk", "vertrouwelijk"])}
                service.register_signal(s, principal, parse_signal(body, cat), cat, service.Provenance("api"))


def timed(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up: template compilation, first-use caches
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--adressen", type=int, default=100_000)
    ap.add_argument("--signalen", type=int, default=6000)
    ap.add_argument("--herhaal", type=int, default=7)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wb-beeld-"))
    t0 = time.perf_counter()
    files = generate(tmp / "bestanden", args.adressen, seed=4)
    add_hub(files, HUB_OFFICERS)
    runtime, principal, email = set_up(tmp)

    from fastapi.testclient import TestClient
    from sqlalchemy import func, select

    from weerbaar.app import create_app
    from weerbaar.ingest.records import import_source
    from weerbaar.resolve.models import Subject, SubjectLink

    for source in ORDER:
        path, _ = files[source]
        import_source(runtime, source, path, principal)
    runtime.db.engine.dispose()
    analyse(email)
    add_geometry(runtime)
    add_signals(runtime, principal, args.signalen)
    with runtime.db.session() as s:
        hub, officers = s.execute(select(SubjectLink.subject_id, func.count())
                                  .join(Subject, Subject.id == SubjectLink.subject_id)
                                  .where(Subject.kind == "bedrijf", SubjectLink.role == "onderneming")
                                  .group_by(SubjectLink.subject_id).order_by(func.count().desc()).limit(1)).one()
    print(f"opgebouwd in {time.perf_counter() - t0:.0f} s: {args.adressen:,} adressen, {args.signalen:,} signalen, "
          f"knooppunt {hub} met {officers} functionarisregistraties", flush=True)

    app = create_app(runtime)
    with TestClient(app) as client:
        _login(client, email)
        base = timed(lambda: _ok(client.get("/")), args.herhaal)
        measured = {
            "kaart": timed(lambda: _ok(client.get("/kaart")), args.herhaal),
            "kaart (API, GeoJSON)": timed(lambda: _ok(client.get("/api/v1/gebieden?niveau=buurt",
                                                                 headers=_bearer(runtime, email))), args.herhaal),
            "buurt": timed(lambda: _ok(client.get(f"/buurten/{MUNICIPALITY.replace('GM', 'BU')}0101")), args.herhaal),
            "dashboard": timed(lambda: _ok(client.get("/dashboard")), args.herhaal),
            "netwerk": timed(lambda: _ok(client.get(f"/api/v1/subjecten/{hub}/netwerk?diepte=1&max=1000",
                                                    headers=_bearer(runtime, email))), args.herhaal),
            "netwerk (pagina)": timed(lambda: _ok(client.get(f"/subjecten/{hub}/netwerk")), args.herhaal),
        }
        size = client.get(f"/api/v1/subjecten/{hub}/netwerk?diepte=1&max=1000", headers=_bearer(runtime, email)).json()
    nodes, cut = len(size["knopen"]), size["afgekapt"]
    print(f"\nbasislijn: startpagina {base:.1f} ms (mediaan van {args.herhaal})")
    print(f"{'pagina':<24}{'mediaan':>10}{'doel':>10}{'× basis':>10}")
    for name, ms in measured.items():
        target = TARGETS_MS.get(name.split(" ")[0]) if "(" not in name else None
        print(f"{name:<24}{ms:>8.1f} ms{(f'{target:.0f} ms' if target else '–'):>10}{ms / base:>9.1f}×"
              + ("  TE TRAAG" if target and ms > target else ""))
    print(f"netwerk van {hub}: {nodes} knopen, {len(size['relaties'])} relaties{' (afgekapt)' if cut else ''}")
    print(f"belasting (load average, 1 min): {os.getloadavg()[0]:.1f} op {os.cpu_count()} kernen")


def _ok(response: Any) -> Any:
    if response.status_code != 200:
        raise SystemExit(f"{response.request.url}: {response.status_code} {response.text[:300]}")
    return response


_TOKENS: dict[str, dict[str, str]] = {}


def _bearer(runtime: Any, email: str) -> dict[str, str]:
    if email not in _TOKENS:
        from sqlalchemy import select

        from weerbaar.access import auth
        from weerbaar.core.models import User

        with runtime.db.transaction() as s:
            user = s.scalar(select(User).where(User.email == email))
            _TOKENS[email] = {"Authorization": f"Bearer {auth.issue_token(s, user, 'bench')}"}
    return _TOKENS[email]


def _login(client: Any, email: str) -> None:
    from tests.test_web import login

    r = login(client, email)
    if r.status_code != 303:
        raise SystemExit(f"inloggen mislukt: {r.status_code}")


if __name__ == "__main__":
    main()

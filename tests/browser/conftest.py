"""A live Weerbaar (uvicorn in a thread, SQLite in tmp_path) and Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn

from weerbaar.app import create_app
from weerbaar.core import clock
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.config import Settings
from weerbaar.core.db import Database
from weerbaar.core.runtime import Runtime
from weerbaar.intake import service
from weerbaar.intake.schemas import parse_signal

from ..world import World, build_world, signal_body

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    path = os.environ.get("WEERBAAR_CHROMIUM") or "/usr/bin/chromium"
    if not Path(path).is_file():
        pytest.skip(f"Geen Chromium op {path}: installeer het Debian-pakket 'chromium' "
                    "(scripts/ensure-chromium.sh) of zet WEERBAAR_CHROMIUM.")
    return path


@dataclass
class Live:
    url: str
    world: World


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# A handful of synthetic signals, so that the list looks like a working day.
SEED = [
    ("woco", "hennepteelt", ["HT-02", "HT-04"], "9991AA", 1,
     "Dag en nacht zoemend geluid uit de bovenwoning; ramen zijn afgeplakt met folie.", 3),
    ("netbeheer", "energiefraude", ["EF-01"], "9991AB", 12,
     "Verbruik op deze aansluiting is in drie maanden vervijfvoudigd; verzegeling van de meter is verbroken.", 6),
    ("woco", "woonfraude", ["WF-01", "WF-02"], "9991AB", 12,
     "Zes verschillende namen op de brievenbus van een tweekamerwoning; huurder is onbereikbaar.", 9),
    ("gemeente_partner", "witwassen_vastgoed", ["WV-01"], None, None,
     "Pand aan de rand van het bedrijventerrein contant gekocht door een net opgerichte BV.", 14),
    ("politie", "mensenhandel", ["MH-01", "MH-02"], "9991AA", 1,
     "Busjes halen elke ochtend om vijf uur een groep mensen op; zelfde chauffeur, steeds andere gezichten.", 20),
    ("gemeente_partner", "woonfraude", ["WF-03"], None, None,
     "Melding van een buurtbewoner over kamerverhuur aan wisselende arbeidsmigranten.", 27),
]


def seed_signals(world: World) -> None:
    rt = world.runtime
    with rt.db.transaction() as s:
        for actor, phenomenon, indicators, postcode, number, text, days in SEED:
            location = ({"postcode": postcode, "huisnummer": number} if postcode
                        else {"omschrijving": "Bedrijventerrein De Hoge Dijk"})
            body = signal_body(fenomeen=phenomenon, indicatoren=indicators, omschrijving=text,
                               waargenomenOp=(clock.today() - timedelta(days=days)).isoformat(),
                               locatie=location, betrokkenen=[], vertrouwelijkheid="zaakvertrouwelijk")
            data = parse_signal(body, rt.catalogue)
            service.register_signal(s, world[actor].principal, data, rt.catalogue,
                                    service.Provenance("formulier"))


@pytest.fixture
def live(tmp_path: Path, catalogue: Catalogue) -> Iterator[Live]:
    url = f"sqlite:///{tmp_path / 'weerbaar.db'}"
    runtime = Runtime(Settings.from_env(database_url=url, data_dir=tmp_path), Database(url), catalogue)
    runtime.db.ensure_schema()
    world = build_world(runtime)
    seed_signals(world)
    with serving(runtime) as base:
        yield Live(base, world)
    runtime.db.engine.dispose()


@contextmanager
def serving(runtime: Runtime) -> Iterator[str]:
    """The app behind a real uvicorn on a free port, for the browser; its base URL."""
    server = uvicorn.Server(uvicorn.Config(create_app(runtime), host="127.0.0.1", port=_free_port(),
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("De testserver (uvicorn) is niet opgestart.")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[object]:
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS

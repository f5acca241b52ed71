"""Shared fixtures: a fresh, migrated database per test on SQLite and on PostgreSQL.

PostgreSQL is the local server (127.0.0.1:5432, trust auth). When it cannot be reached the
PostgreSQL variants are skipped with the reason — except under CI (CI=true) or when
WEERBAAR_TEST_POSTGRES_URL is set explicitly, where an unreachable server is a failure.
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

# argon2's cheapest profile for the test worlds' passwords (see weerbaar.access.auth); set before
# weerbaar is imported. tests/test_auth.py checks the real profile separately.
os.environ["WEERBAAR_WACHTWOORDHASH"] = "test"

from weerbaar.app import create_app
from weerbaar.core.catalogue import Catalogue, load_catalogue
from weerbaar.core.config import PACKAGE_DIR, Settings
from weerbaar.core.db import Database, migrate
from weerbaar.core.runtime import Runtime

from .world import World, build_world

SHARED = Path(__file__).resolve().parents[2] / "shared"
PG_URL = os.environ.get("WEERBAAR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_REQUIRED = bool(os.environ.get("WEERBAAR_TEST_POSTGRES_URL")) or os.environ.get("CI") == "true"
_counter = itertools.count()


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue(Settings.from_env(database_url="sqlite://").catalogue_dir)


@pytest.fixture
def copy_of_catalogue(tmp_path: Path) -> Path:
    """A copy of the shipped catalogue to break on purpose."""
    target = tmp_path / "catalogus"
    shutil.copytree(PACKAGE_DIR / "catalogus", target)
    return target


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    engine = Database(f"sqlite:///{path}").engine
    migrate(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def _admin_engine() -> sa.Engine:
    return sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


def _with_db(url: str, name: str) -> str:
    return sa.make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    try:
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as exc:  # pragma: no cover - depends on the machine
        if PG_REQUIRED:
            pytest.fail(f"PostgreSQL op {PG_URL} is niet bereikbaar maar wel vereist: {exc}")
        pytest.skip(f"PostgreSQL niet bereikbaar op {PG_URL}: {exc}")
    name = f"wb_tpl_{_worker()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = sa.create_engine(_with_db(PG_URL, name))
    migrate(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated, empty database for this test, on each backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "weerbaar.db"
        shutil.copy(template, target)
        yield f"sqlite:///{target}"
        return
    template_name: str = request.getfixturevalue("pg_template")
    name = f"wb_t_{_worker()}_{next(_counter)}_{uuid.uuid4().hex[:6]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    yield _with_db(PG_URL, name)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def runtime(database_url: str, catalogue: Catalogue, tmp_path: Path) -> Iterator[Runtime]:
    settings = Settings.from_env(database_url=database_url, data_dir=tmp_path)
    rt = Runtime(settings, Database(database_url), catalogue)
    yield rt
    rt.db.engine.dispose()


@pytest.fixture
def app_client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as client:
        yield client


@pytest.fixture
def world(runtime: Runtime) -> World:
    """Two municipalities and their partners, a user per role, and API tokens for each."""
    return build_world(runtime)


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared ontbreekt ({SHARED}); deze test heeft de gedeelde open data nodig")
    return SHARED

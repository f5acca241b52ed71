"""Engine, sessions and migrations. Migrations run automatically on first use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Select, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

# SQLite's page cache per connection (default 2 MB). A million-row import or analysis touches
# indexes far larger than that; with a small cache every insert into a big B-tree re-reads its
# pages. Pages are allocated only when used, so an idle connection costs nothing.
SQLITE_CACHE_KIB = 256 * 1024

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
            cursor.execute("PRAGMA temp_store=MEMORY")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision (idempotent, quick when up to date)."""
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


class Database:
    """One engine and its session factory; the schema is migrated on first use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._migrated = False

    def ensure_schema(self) -> None:
        if not self._migrated:
            migrate(self.engine)
            self._migrated = True

    def session(self) -> Session:
        self.ensure_schema()
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed as a whole, or not at all."""
        with self.session() as session, session.begin():
            yield session

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"


def refresh_statistics(session: Session) -> None:
    """Planner statistics after a bulk change (an analysis run): without them SQLite guesses its
    join order and may walk a million partner records where an index lookup would do (the
    network of a subject at 100,000 addresses: 1.4 s instead of 1 ms for one of its queries).
    SQLite samples (`analysis_limit`), so this takes milliseconds at any size; PostgreSQL's
    ANALYZE samples too, and autovacuum keeps doing it later."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA analysis_limit=1000"))
    session.execute(text("ANALYZE"))


def stream_rows(session: Session, query: Select[*tuple[Any, ...]], batch: int = 50_000
                ) -> Iterator[list[Any]]:
    """The rows of a Core SELECT in batches of plain tuples, for reads of millions of rows.

    On SQLite the compiled statement runs on the driver's own cursor: no result processing, no
    Row objects, and parameters go to the driver as they are (use strings and numbers). Cast
    JSON columns to Text: the rows then carry the same JSON text on every database. Elsewhere
    the rows come through a server-side cursor.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        result = connection.execute(query.execution_options(yield_per=batch))
        for part in result.partitions(batch):
            yield [tuple(row) for row in part]
        return
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params = tuple(compiled.params[name] for name in compiled.positiontup or ())
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(compiled.string, params)
        while part := cursor.fetchmany(batch):
            yield list(part)
    finally:
        cursor.close()

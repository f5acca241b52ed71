"""The access log and the status history are append-only at the database level, on both
backends: whatever the code does, UPDATE and DELETE are refused by triggers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from weerbaar.access.models import AccessLogEntry
from weerbaar.core.runtime import Runtime
from weerbaar.intake.models import Signal, SignalStatus

from .world import World, signal_body

STATEMENTS = {
    "access_log": [
        "UPDATE access_log SET purpose = 'gewist'",
        "UPDATE access_log SET user_id = NULL WHERE id = (SELECT MIN(id) FROM access_log)",
        "DELETE FROM access_log",
        "DELETE FROM access_log WHERE id = (SELECT MAX(id) FROM access_log)",
    ],
    "signal_status_history": [
        "UPDATE signal_status_history SET status = 'afgesloten'",
        "UPDATE signal_status_history SET by_user_name = 'iemand anders'",
        "DELETE FROM signal_status_history",
    ],
}
CASES = [(table, sql) for table, sqls in STATEMENTS.items() for sql in sqls]


@pytest.fixture
def filled(app_client: TestClient, world: World) -> Runtime:
    r = app_client.post("/api/v1/signalen", headers=world["woco"].headers, json=signal_body())
    assert r.status_code == 201, r.text
    app_client.get(f"/api/v1/signalen/{r.json()['id']}", headers=world["coordinator"].headers)
    return world.runtime


def snapshot(rt: Runtime, table: str) -> list[tuple[object, ...]]:
    with rt.db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY id")).all()]


@pytest.mark.parametrize(("table", "sql"), CASES, ids=[s for _, s in CASES])
def test_raw_sql_update_and_delete_are_refused(filled: Runtime, table: str, sql: str) -> None:
    before = snapshot(filled, table)
    assert before, "the fixture must have put rows in the table"
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), filled.db.engine.begin() as conn:
        conn.execute(sa.text(sql))
    assert snapshot(filled, table) == before


def test_orm_edit_of_a_log_entry_is_refused(filled: Runtime) -> None:
    before = snapshot(filled, "access_log")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), filled.db.transaction() as s:
        entry = s.scalars(sa.select(AccessLogEntry)).first()
        assert entry is not None
        entry.purpose = "achteraf aangepast"
    assert snapshot(filled, "access_log") == before


def test_orm_delete_of_a_log_entry_is_refused(filled: Runtime) -> None:
    before = snapshot(filled, "access_log")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), filled.db.transaction() as s:
        s.delete(s.scalars(sa.select(AccessLogEntry)).first())
    assert snapshot(filled, "access_log") == before


def test_orm_edit_of_a_status_is_refused(filled: Runtime) -> None:
    before = snapshot(filled, "signal_status_history")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), filled.db.transaction() as s:
        status = s.scalars(sa.select(SignalStatus)).first()
        assert status is not None
        status.status = "afgesloten"
    assert snapshot(filled, "signal_status_history") == before


def test_deleting_a_signal_cannot_take_its_history_with_it(filled: Runtime) -> None:
    with pytest.raises(sa.exc.DBAPIError), filled.db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM signals"))
    with filled.db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Signal)) == 1


def test_appending_still_works(filled: Runtime, world: World) -> None:
    from weerbaar.intake import service

    before = len(snapshot(filled, "signal_status_history"))
    with filled.db.transaction() as s:
        signal = s.scalars(sa.select(Signal)).one()
        service.append_status(s, signal, "in_behandeling", world["coordinator"].principal, "Intake")
    assert len(snapshot(filled, "signal_status_history")) == before + 1


@pytest.mark.parametrize("table", ["access_log", "signal_status_history"])
def test_truncate_is_refused_on_postgresql(filled: Runtime, table: str) -> None:
    if not filled.db.is_postgres:
        pytest.skip("SQLite kent geen TRUNCATE")
    before = snapshot(filled, table)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), filled.db.engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {table} CASCADE"))
    assert snapshot(filled, table) == before

"""`weerbaar importeer ftm`: FollowTheMoney entity files as source "ftm", on the real donations data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from followthemoney import model
from sqlalchemy import func, select
from typer.testing import CliRunner

from weerbaar.cli import main as weerbaar_cli
from weerbaar.ingest.csvfile import FileRefused
from weerbaar.ingest.models import QuarantinedRow, SourceRecord
from weerbaar.ingest.records import import_source


def donations(shared_dir: Path) -> Path:
    return shared_dir / "data" / "ftm" / "donations.ijson"


def records(runtime) -> dict[str, SourceRecord]:  # type: ignore[no-untyped-def]
    with runtime.db.session() as s:
        return {r.record_key: r for r in s.scalars(select(SourceRecord).where(SourceRecord.source == "ftm"))}


def quarantined(runtime) -> list[tuple[int, str | None, str]]:  # type: ignore[no-untyped-def]
    with runtime.db.session() as s:
        rows = s.scalars(select(QuarantinedRow).order_by(QuarantinedRow.line, QuarantinedRow.id))
        return [(q.line, q.column, q.reason) for q in rows]


def test_donations_import_in_full_and_reimport_is_a_no_op(runtime, world, shared_dir):
    path = donations(shared_dir)
    lines = path.read_text(encoding="utf-8").splitlines()
    summary = import_source(runtime, "ftm", path, world["coordinator"].principal)
    assert (summary.gelezen, summary.nieuw, summary.in_quarantaine) == (474, 474, 0)
    stored = records(runtime)
    assert len(stored) == 474
    first = json.loads(lines[0])
    record = stored[first["id"]]
    assert record.data == {"id": first["id"], "schema": "Organization", "properties": {"name": ["MLPD"]}}
    assert record.line == 1 and record.file_name == "donations.ijson"
    schemas = {r.data["schema"] for r in stored.values()}
    assert {"Person", "Organization", "Address", "Payment"} <= schemas
    # What is stored reads back as a valid FtM entity.
    for r in stored.values():
        assert model.get_proxy(r.data).id == r.record_key
    again = import_source(runtime, "ftm", path, world["coordinator"].principal)
    assert again.seen_before and (again.ongewijzigd, again.nieuw, again.gewijzigd) == (474, 0, 0)
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(SourceRecord)) == 474


def test_broken_lines_are_quarantined_with_line_and_reason(runtime, world, shared_dir, tmp_path):
    good = donations(shared_dir).read_text(encoding="utf-8").splitlines()[:3]
    broken = [
        good[0],
        '{"id": "x1", "schema": "Persoon", "properties": {}}',               # 2 unknown schema
        '{"id": "x2", "schema": "Person", "properties": {"name": ["A"]',     # 3 invalid JSON
        "",                                                                   # blank: skipped
        good[1],                                                              # 5
        '{"id": "x3", "schema": "Person", "properties": {"birthDate": ["gisteren"], "kleur": ["rood"]}}',  # 6
        '["niet", "een", "object"]',                                          # 7
        '{"schema": "Thing", "properties": {}}',                              # 8 no id, abstract
        '{"id": "x4", "schema": "Person", "properties": {"name": ["Anna"]}, "datasets": ["test"]}',  # 9
    ]
    path = tmp_path / "gemengd.ijson"
    path.write_text("\n".join(broken) + "\n", encoding="utf-8")
    summary = import_source(runtime, "ftm", path, world["coordinator"].principal)
    assert (summary.gelezen, summary.nieuw, summary.in_quarantaine) == (8, 3, 5)
    got = quarantined(runtime)
    assert [(line, column) for line, column, _ in got] == [
        (2, "schema"), (3, None), (6, "properties"), (6, "properties"), (7, None), (8, "id"), (8, "schema")]
    reasons = [reason for _, _, reason in got]
    assert reasons[0] == "Onbekend FtM-schema 'Persoon'."
    assert reasons[1].startswith("Geen geldige JSON")
    assert "Ongeldige waarde 'gisteren' voor eigenschap 'birthDate'" in reasons[2]
    assert "kent de eigenschap 'kleur' niet" in reasons[3]
    assert "abstract" in reasons[6]
    anna = records(runtime)["x4"]
    assert anna.extras == {"datasets": ["test"]} and anna.line == 9
    with runtime.db.session() as s:
        raw = s.scalars(select(QuarantinedRow.raw).where(QuarantinedRow.line == 2)).one()
    assert raw == {"tekst": broken[1]}


def test_a_changed_entity_becomes_a_new_version(runtime, world, tmp_path):
    first = tmp_path / "a.ijson"
    first.write_text('{"id": "p1", "schema": "Person", "properties": {"name": ["Jan de Vries"]}}\n', encoding="utf-8")
    second = tmp_path / "b.ijson"
    second.write_text('{"id": "p1", "schema": "Person", "properties": {"name": ["Jan de Vries"], '
                      '"birthDate": ["1970-01-01"]}}\n', encoding="utf-8")
    import_source(runtime, "ftm", first, world["coordinator"].principal)
    summary = import_source(runtime, "ftm", second, world["coordinator"].principal)
    assert summary.gewijzigd == 1
    with runtime.db.session() as s:
        versions = list(s.scalars(select(SourceRecord).order_by(SourceRecord.version)))
    assert [(v.version, v.superseded_by) for v in versions] == [(1, versions[1].id), (2, None)]
    assert versions[1].data["properties"]["birthDate"] == ["1970-01-01"]


def test_cli_imports_ftm_and_refuses_a_missing_file(runtime, world, shared_dir, tmp_path):
    env = {"WEERBAAR_DATABASE_URL": runtime.db.url, "WEERBAAR_DATA": str(tmp_path),
           "WEERBAAR_GEBRUIKER": world["coordinator"].user.email, "COLUMNS": "200"}
    result = CliRunner().invoke(weerbaar_cli.app, ["importeer", "ftm", str(donations(shared_dir))], env=env)
    assert result.exit_code == 0, result.output
    assert re.search(r"Nieuw\s*│\s*474\s", result.stdout)
    missing = CliRunner().invoke(weerbaar_cli.app, ["importeer", "ftm", str(tmp_path / "weg.ijson")], env=env)
    assert missing.exit_code == 2 and "bestaat niet" in " ".join(missing.stderr.split())
    with pytest.raises(FileRefused):
        import_source(runtime, "ftm", tmp_path / "weg.ijson", world["coordinator"].principal)

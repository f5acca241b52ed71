"""A large extract is read and validated by a helper process (ingest.parallel) while the
importing process stores it. The outcome must be the very one of reading it in-process: the
same candidates, the same records, the same quarantine, the same refusals. Runs on SQLite
and PostgreSQL; the helper is forced with `parallel_from_bytes=0`.
"""

from __future__ import annotations

import csv
import gc
import importlib
from pathlib import Path

import pytest
from sqlalchemy import select

from weerbaar.core.bulk import bulk_work
from weerbaar.ingest import sources
from weerbaar.ingest.csvfile import FileRefused, open_csv
from weerbaar.ingest.mapping import load_mapping
from weerbaar.ingest.models import QuarantinedRow, SourceRecord
from weerbaar.ingest.parallel import BATCH
from weerbaar.ingest.records import CsvSource, import_source
from weerbaar.ingest.runs import Candidate

from .test_sources import ENERGY_HEADER, energy_rows, stored_state, summary_counts, write

EXAMPLE_MAPPING = Path(__file__).resolve().parents[1] / "docs" / "voorbeelden" / "mapping-personen.yaml"
OWN_LAYOUT = Path(__file__).parent / "data" / "bronnen" / "personen_eigen_indeling.csv"


def _faulty_energy(tmp_path: Path, name: str = "energie.csv") -> Path:
    """More rows than one batch of the helper, with every kind of fault spread over them."""
    rows = energy_rows(BATCH * 2 + 300)
    rows[5][6] = "veel"  # not a number
    rows[BATCH + 1][5] = "2026-13"  # no such month
    rows[BATCH + 2] = list(rows[BATCH + 3])  # the same key twice, the same content: accepted once
    rows[BATCH + 4] = [*rows[BATCH + 5][:6], "999", ""]  # the same key twice, other content
    rows[-1] = [*rows[-1], "over"]  # a cell more than the header
    rows[-2][0] = "8716874000000000001"  # an EAN that fails its check digit
    return write(tmp_path / name, ENERGY_HEADER, rows, delimiter=";")


def _seen(candidates: list[Candidate]) -> list[tuple[object, ...]]:
    """What the import reads of a candidate (the raw cells only of a row it refuses)."""
    return [(c.line, c.key, c.data, c.extras, c.problems, c.raw if c.problems or c.key is None else None)
            for c in candidates]


def _candidates(path: Path, in_helper: bool) -> list[tuple[object, ...]]:
    with open_csv(path) as csv_file:
        return _seen(list(CsvSource(csv_file, sources.spec_for("energie"), in_helper=in_helper)))


def test_the_helper_reads_exactly_what_this_process_reads(tmp_path):
    path = _faulty_energy(tmp_path)
    here, there = _candidates(path, False), _candidates(path, True)
    assert len(here) == BATCH * 2 + 300
    assert there == here
    assert sum(bool(c[4]) for c in there) >= 4, "the faults are candidates with problems"
    assert all(c[5] for c in there if c[4]), "a refused row keeps its cells for the quarantine"


def test_a_mapping_travels_to_the_helper():
    mapping = load_mapping(EXAMPLE_MAPPING, "personen")
    with open_csv(OWN_LAYOUT) as csv_file:
        here = _seen(list(CsvSource(csv_file, sources.spec_for("personen"), mapping)))
    with open_csv(OWN_LAYOUT) as csv_file:
        there = _seen(list(CsvSource(csv_file, sources.spec_for("personen"), mapping, in_helper=True)))
    assert len(here) == 3 and there == here
    assert [bool(c[4]) for c in there] == [False, False, True]


def test_an_import_through_the_helper_stores_what_an_import_here_stores(runtime, world, tmp_path):
    coordinator = world["coordinator"].principal
    path = _faulty_energy(tmp_path)
    through_helper = import_source(runtime, "energie", path, coordinator, parallel_from_bytes=0)
    with runtime.db.session() as s:
        stored = {r.record_key: (r.line, r.content_hash, r.data)
                  for r in s.scalars(select(SourceRecord).where(SourceRecord.source == "energie"))}
    quarantine = _quarantine_of(runtime, through_helper.run_id)
    # The same rows again, as another file read in this process: every row is known, unchanged.
    copy = tmp_path / "kopie"
    copy.mkdir()
    same = _faulty_energy(copy, "energie_kopie.csv")
    same.write_bytes(path.read_bytes() + b"\r\n")  # another file (other hash), the same rows
    here = import_source(runtime, "energie", same, coordinator, parallel_from_bytes=10**12)
    assert through_helper.counts()["in_quarantaine"] == here.counts()["in_quarantaine"] >= 5
    assert here.counts() == summary_counts(
        gelezen=through_helper.gelezen, geaccepteerd=through_helper.geaccepteerd,
        in_quarantaine=through_helper.in_quarantaine, ongewijzigd=through_helper.geaccepteerd)
    assert _quarantine_of(runtime, here.run_id) == _quarantine_of(runtime, through_helper.run_id) == quarantine
    with runtime.db.session() as s:
        assert {r.record_key: (r.line, r.content_hash, r.data)
                for r in s.scalars(select(SourceRecord).where(SourceRecord.source == "energie"))} == stored


def _quarantine_of(runtime, run_id: str) -> list[tuple[int, str | None, str]]:  # type: ignore[no-untyped-def]
    with runtime.db.session() as s:
        rows = s.scalars(select(QuarantinedRow).where(QuarantinedRow.run_id == run_id)
                         .order_by(QuarantinedRow.line, QuarantinedRow.column))
        return [(q.line, q.column, q.reason) for q in rows]


def test_a_file_the_helper_cannot_finish_is_refused_and_nothing_is_stored(runtime, world, tmp_path):
    # The csv module's field limit is global: followthemoney raises it in this process (as in the
    # app), while the fresh helper has the default. Past either limit the reason is the same.
    importlib.import_module("followthemoney")
    assert csv.field_size_limit() > 131_072
    # A quote opened after the helper's first batches and never closed: the rest of the file
    # would become one cell, longer than any cell may be.
    good = write(tmp_path / "goed.csv", ENERGY_HEADER, energy_rows(BATCH * 2)).read_bytes()
    rest = write(tmp_path / "rest.csv", ENERGY_HEADER, energy_rows(4000, start=BATCH * 2)).read_bytes()
    path = tmp_path / "energie.csv"
    path.write_bytes(good + b'871687400000009999,,,,,"2026-01,100,\r\n' + rest.split(b"\r\n", 1)[1])
    with pytest.raises(FileRefused) as here:
        import_source(runtime, "energie", path, world["coordinator"].principal, parallel_from_bytes=10**12)
    before = stored_state(runtime)
    with pytest.raises(FileRefused) as there:
        import_source(runtime, "energie", path, world["coordinator"].principal, parallel_from_bytes=0)
    assert there.value.problems == here.value.problems
    assert "een veld is langer dan 131072 tekens" in there.value.problems[0]
    assert "aanhalingsteken" in there.value.problems[0]
    assert stored_state(runtime) == before


def test_bulk_work_sets_the_collector_back_when_the_outermost_block_ends():
    thresholds = gc.get_threshold()
    with bulk_work():
        assert gc.get_threshold()[0] >= 50_000 and gc.get_freeze_count() > 0
        with bulk_work():
            pass
        assert gc.get_threshold()[0] >= 50_000, "an inner block leaves the outer one's settings"
    assert gc.get_threshold() == thresholds and gc.get_freeze_count() == 0
    with pytest.raises(ZeroDivisionError), bulk_work():
        _ = 1 / 0
    assert gc.get_threshold() == thresholds and gc.get_freeze_count() == 0

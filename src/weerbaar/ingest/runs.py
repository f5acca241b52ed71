"""What every import shares: finding an earlier run of the same file, and writing quarantine.

A file is recognised by its SHA-256. Imported again by someone of the same organisation,
its earlier run is reused, so its quarantine is not written twice and its rows are
recognised as already known.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from weerbaar.access.principal import Principal
from weerbaar.core.models import User
from weerbaar.ingest.models import ImportRun, QuarantinedRow

Problem = tuple[str | None, str]  # (column, Dutch reason)


@dataclass
class Candidate:
    """One row (or entity) of a partner file, read and validated, ready to be stored or refused."""

    line: int  # 1-based line in the file; for CSV the header is line 1
    raw: dict[str, Any]  # what the file held, for the quarantine
    key: str | None = None
    data: dict[str, Any] | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def find_run(
    session: Session, source: str, file_hash: str, principal: Principal, organisation_id: str | None = None
) -> ImportRun | None:
    """An earlier import of the same file for the same source by the principal's organisation.

    Another organisation's import of it is theirs. For partner extracts the owner must match
    too: the same file delivered for another partner is another extract.
    """
    query = (
        select(ImportRun)
        .join(User, User.id == ImportRun.by_user_id)
        .where(ImportRun.source == source, ImportRun.file_hash == file_hash,
               User.organisation_id == principal.organisation_id)
        .order_by(ImportRun.started_at)
        .limit(1)
    )
    if organisation_id is not None:
        query = query.where(ImportRun.organisation_id == organisation_id)
    return session.scalars(query).first()


class KnownQuarantine:
    """Quarantine rows an earlier import of the same file wrote, looked up a window of lines
    at a time (lines only increase), so a re-import neither duplicates them nor holds them all."""

    WINDOW = 5000

    def __init__(self, session: Session, run_id: str | None = None) -> None:
        self.session = session
        self.run_id = run_id
        self._start = self._end = 0
        self._keys: set[tuple[int, str | None, str]] = set()

    def has(self, line: int, column: str | None, reason: str) -> bool:
        if self.run_id is None:
            return False
        if not self._start <= line < self._end:
            self._start, self._end = line, line + self.WINDOW
            found = self.session.execute(
                select(QuarantinedRow.line, QuarantinedRow.column, QuarantinedRow.reason).where(
                    QuarantinedRow.run_id == self.run_id,
                    QuarantinedRow.line >= self._start,
                    QuarantinedRow.line < self._end,
                )
            )
            self._keys = {(r.line, r.column, r.reason) for r in found}
        return (line, column, reason) in self._keys


class QuarantineWriter:
    """Writes each problem of a refused row as its own quarantine row, in the order of the
    file's columns, skipping what an earlier import of the same file already wrote.

    Rows are buffered and inserted in bulk (no ORM objects held), so a file with many bad
    rows costs no more memory than one with few; call `flush` before the transaction ends.
    """

    BATCH = 1000

    def __init__(
        self, session: Session, run_id: str, source: str, file_name: str, columns: Iterable[str],
        earlier_run_id: str | None = None,
    ) -> None:
        self.session = session
        self.run_id = run_id
        self.source = source
        self.file_name = file_name
        self.position = {name: i for i, name in enumerate(columns)}
        self.known = KnownQuarantine(session, earlier_run_id)
        self._buffer: list[dict[str, Any]] = []

    def add(self, line: int, raw: dict[str, Any], problems: list[Problem]) -> None:
        ordered = sorted(dict.fromkeys(problems), key=lambda p: self.position.get(p[0] or "", -1))
        for column, reason in ordered:
            column = column[:100] if column else None
            if self.known.has(line, column, reason):
                continue
            self._buffer.append({
                "run_id": self.run_id, "source": self.source, "file_name": self.file_name, "line": line,
                "column": column, "reason": reason, "raw": raw,
            })
        if len(self._buffer) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if self._buffer:
            self.session.execute(insert(QuarantinedRow), self._buffer)
            self._buffer = []

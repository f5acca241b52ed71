"""Reading the quarantine: rows that failed validation, with file, line, column and reason.

Quarantined rows hold the raw row, personal data included, so only those who may import
may read them — signalen for SIGNAL_IMPORT, partner extracts for SOURCES_IMPORT — only for
their own organisation's imports, and every reading is logged.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TextIO

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from weerbaar.access import logbook, rights
from weerbaar.access.principal import Principal
from weerbaar.core.errors import Forbidden
from weerbaar.core.models import User
from weerbaar.ingest.models import ImportRun, QuarantinedRow

# The source types of the standard delivery format (shared/spec/source-formats.md).
SOURCES = (
    "adressen", "personen", "bedrijven", "functionarissen", "energie", "transacties",
    "huurcontracten", "signalen", "ftm",
)
SIGNALS = "signalen"
CSV_COLUMNS = ("bron", "bestand", "regel", "kolom", "reden")


def readable_sources(principal: Principal) -> tuple[str, ...]:
    """The sources whose quarantine the principal may read: those they may import."""
    return tuple(
        s for s in SOURCES
        if principal.can(rights.SIGNAL_IMPORT if s == SIGNALS else rights.SOURCES_IMPORT)
    )


def check_may_read(principal: Principal) -> None:
    if not readable_sources(principal):
        raise Forbidden("Uw rol mag de quarantaine niet inzien; dat mag wie mag importeren.")


def quarantine_query(principal: Principal, source: str | None = None) -> Select[QuarantinedRow]:
    """The quarantine of imports done by the principal's organisation, file by file, line by line."""
    check_may_read(principal)
    query = (
        select(QuarantinedRow)
        .join(ImportRun, ImportRun.id == QuarantinedRow.run_id)
        .join(User, User.id == ImportRun.by_user_id)
        .where(User.organisation_id == principal.organisation_id,
               QuarantinedRow.source.in_(readable_sources(principal)))
        .order_by(ImportRun.started_at, QuarantinedRow.file_name, QuarantinedRow.line, QuarantinedRow.id)
    )
    if source:
        query = query.where(QuarantinedRow.source == source)
    return query


def quarantined_rows(session: Session, principal: Principal, source: str | None = None) -> Iterator[QuarantinedRow]:
    yield from session.scalars(quarantine_query(principal, source).execution_options(yield_per=1000))


def as_csv_row(row: QuarantinedRow) -> tuple[str, str, int, str, str]:
    return (row.source, row.file_name, row.line, row.column or "", row.reason)


def write_csv(rows: Iterator[QuarantinedRow], out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(as_csv_row(row))
        count += 1
    return count


def log_reading(
    session: Session, principal: Principal, count: int, source: str | None, exported_to: str | None
) -> None:
    """A list on screen is a LIST; written to a file it leaves the system: an EXPORT."""
    details: dict[str, object] = {"bron": source or "alle", "regels": count}
    if exported_to:
        details["bestand"] = exported_to
    logbook.record(
        session, principal, logbook.EXPORT if exported_to else logbook.LIST,
        object_type="quarantaine", purpose="controle van importbestanden", details=details,
    )

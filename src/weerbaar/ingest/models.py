"""Tables of the ingest capability: import runs, quarantined rows and immutable source records."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from weerbaar.core.clock import now
from weerbaar.core.models import Base, new_id


class ImportRun(Base):
    __tablename__ = "import_runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    source: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(300))
    file_hash: Mapped[str] = mapped_column(String(64), index=True)
    started_at: Mapped[datetime] = mapped_column(default=now)
    by_user_id: Mapped[str | None] = mapped_column(String(36))
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    # For partner extracts: whose extract it is and its peildatum (the date it describes).
    organisation_id: Mapped[str | None] = mapped_column(String(36))
    extract_date: Mapped[date | None] = mapped_column(Date)


class QuarantinedRow(Base):
    """A row that failed validation: never dropped silently, never half-imported."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("import_runs.id"), index=True)
    source: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(300))
    line: Mapped[int] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[dict] = mapped_column(JSON, default=dict)


class ImportedAttributes(Base):
    """Columns of an imported row that the standard layout does not know, kept as they came.

    The spec says unknown columns are kept, not dropped; one row per imported record that
    had any, pointing at the object the record became (e.g. a signal).
    """

    __tablename__ = "import_attributes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("import_runs.id"), index=True)
    object_type: Mapped[str] = mapped_column(String(40))  # e.g. "signaal"
    object_id: Mapped[str] = mapped_column(String(36), index=True)
    line: Mapped[int] = mapped_column(Integer)
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)


class SourceRecord(Base):
    """One row of a partner extract, exactly as validated: immutable, with its provenance.

    A record is identified within its source by (source, organisation, record_key); a newer
    extract with different content for the same key adds a new version and marks the old
    one superseded, so the history keeps what was known when. Content is never edited:
    `superseded_at`/`superseded_by` are the only columns written after insertion.
    Everything that links records together (subjects, relations) lives above them, in
    `resolve`.
    """

    __tablename__ = "source_records"
    __table_args__ = (
        UniqueConstraint("source", "organisation_id", "record_key", "version", name="uq_source_records_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(40))  # bron: adressen, personen, ..., ftm
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The municipality whose coordinators and analysts may see this record.
    municipality_code: Mapped[str | None] = mapped_column(String(6), index=True)
    record_key: Mapped[str] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    # Standard fields of the source layout, validated and normalised (dates ISO, identifiers
    # in their normal form); `extras` holds unknown columns verbatim.
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    extras: Mapped[dict] = mapped_column(JSON, default=dict)
    run_id: Mapped[str] = mapped_column(ForeignKey("import_runs.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(300))
    line: Mapped[int] = mapped_column(Integer)  # 1-based line in the file; the header is line 1
    extract_date: Mapped[date] = mapped_column(Date)  # peildatum of the extract
    imported_at: Mapped[datetime] = mapped_column(default=now)
    superseded_at: Mapped[datetime | None] = mapped_column()
    superseded_by: Mapped[int | None] = mapped_column(Integer)

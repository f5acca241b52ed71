"""Tables of the ingest capability: import runs and quarantined rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
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

"""Tables of prevention: a municipality's local versions of the catalogue's barrier models."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from weerbaar.core.clock import now
from weerbaar.core.models import Base


class BarrierModelVersion(Base):
    """Append-only: each save of a municipality's local version of a barrier model is a new row;
    the latest per (municipality, model) counts. `content` is the edited model as validated YAML
    text; None means "back to the catalogue version" (the catalogue model counts again)."""

    __tablename__ = "barrier_model_versions"
    __table_args__ = (
        UniqueConstraint("municipality_code", "model_code", "version", name="uq_barrier_model_versions"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    municipality_code: Mapped[str] = mapped_column(String(6), index=True)
    model_code: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per municipality and model
    content: Mapped[str | None] = mapped_column(Text)
    catalogue_version: Mapped[int] = mapped_column(Integer)  # the catalogue model's `versie` it was based on
    reason: Mapped[str] = mapped_column(Text)
    by_user_id: Mapped[str | None] = mapped_column(String(36))
    by_user_name: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=now)

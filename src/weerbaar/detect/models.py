"""Tables of the detect capability.

Hits and scores are derived: every `weerbaar analyseer` run replaces those of its municipality,
so that they always follow the current records, links and catalogue. What people decide about
them (`RiskExplanation`, "verklaard") is appended, never edited, and survives every run.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from weerbaar.core.clock import now
from weerbaar.core.models import Base, new_id


class DetectionRun(Base):
    """One run of the indicators and the scoring, with its figures."""

    __tablename__ = "detection_runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    municipality_code: Mapped[str | None] = mapped_column(String(6), index=True)
    started_at: Mapped[datetime] = mapped_column(default=now)
    finished_at: Mapped[datetime | None] = mapped_column()
    by_user_id: Mapped[str | None] = mapped_column(String(36))
    catalogue_version: Mapped[str] = mapped_column(String(64), default="")
    figures: Mapped[dict] = mapped_column(JSON, default=dict)


class IndicatorHit(Base):
    """One indicator that fired for one address, person or company, with the data behind it."""

    __tablename__ = "indicator_hits"
    __table_args__ = (Index("ix_indicator_hits_target", "target_kind", "target_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(36), index=True)
    municipality_code: Mapped[str | None] = mapped_column(String(6), index=True)
    code: Mapped[str] = mapped_column(String(20), index=True)
    phenomenon: Mapped[str] = mapped_column(String(60))
    target_kind: Mapped[str] = mapped_column(String(10))  # adres | persoon | bedrijf
    target_id: Mapped[str] = mapped_column(String(16))  # BAG adres_id, or a subject id (P-/B-)
    neighbourhood_code: Mapped[str | None] = mapped_column(String(10))
    reference_date: Mapped[date | None] = mapped_column(Date)  # when the evidence is from
    weight: Mapped[float] = mapped_column(Float)
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    explanation: Mapped[str] = mapped_column(Text, default="")


class RiskScore(Base):
    """The score of one address, person or company for one phenomenon, and what it is made of."""

    __tablename__ = "risk_scores"
    __table_args__ = (
        Index("ix_risk_scores_rank", "municipality_code", "target_kind", "phenomenon", "score"),
        Index("ix_risk_scores_target", "target_kind", "target_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(36), index=True)
    municipality_code: Mapped[str | None] = mapped_column(String(6))
    target_kind: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(300), default="")
    phenomenon: Mapped[str] = mapped_column(String(60))
    score: Mapped[float] = mapped_column(Float)
    neighbourhood_code: Mapped[str | None] = mapped_column(String(10))
    first_date: Mapped[date | None] = mapped_column(Date)
    last_date: Mapped[date | None] = mapped_column(Date)
    # [{soort: indicator|signaal, code, naam, gewicht, verval, bijdrage, uitleg, datum, bewijs}]
    components: Mapped[list] = mapped_column(JSON, default=list)
    explained: Mapped[bool] = mapped_column(Boolean, default=False)


class RiskExplanation(Base):
    """A coordinator's "verklaard" (or its withdrawal) for one entry; the latest row counts."""

    __tablename__ = "risk_explanations"
    __table_args__ = (Index("ix_risk_explanations_target", "target_kind", "target_id", "phenomenon"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    municipality_code: Mapped[str | None] = mapped_column(String(6))
    target_kind: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[str] = mapped_column(String(16))
    phenomenon: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20))  # verklaard | ingetrokken
    reason: Mapped[str] = mapped_column(Text)
    codes: Mapped[list] = mapped_column(JSON, default=list)  # the indicator codes and signal ids it covered
    by_user_id: Mapped[str | None] = mapped_column(String(36))
    by_user_name: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=now)

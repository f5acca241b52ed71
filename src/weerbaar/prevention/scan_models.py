"""Tables of prevention: the resilience scan (weerbaarheidsscan): rounds, respondents and their answers.

A round belongs to one municipality and is answered by its own staff. Answers are append-only
(`scan_answers`: the latest row per respondent and statement counts), so a revision never edits
what was given; which improvement actions the manager adopted from a round's action plan are
append-only too (`scan_adoptions`). Individual answers are stored only to count a respondent once
and to let them revise; nothing but aggregates leaves `prevention.scan`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from weerbaar.core.models import Base, new_id


class ScanRound(Base):
    """One round of the scan: opened by the prevention manager, answered, then closed."""

    __tablename__ = "scan_rounds"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(String(6), index=True)
    title: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    questionnaire_version: Mapped[int] = mapped_column(Integer)  # weerbaarheidsscan.yaml `versie`
    opened_at: Mapped[datetime] = mapped_column()
    opened_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    # Set once, when the manager closes the round; a closed round is never reopened.
    closed_at: Mapped[datetime | None] = mapped_column()
    closed_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))


class ScanAnswer(Base):
    """One answer to one statement (append-only). `level` 1-5, or None for "weet ik niet"."""

    __tablename__ = "scan_answers"
    __table_args__ = (Index("ix_scan_answers_round_user", "round_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("scan_rounds.id"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    theme: Mapped[str] = mapped_column(String(60))
    statement: Mapped[str] = mapped_column(String(60))
    level: Mapped[int | None] = mapped_column(SmallInteger)
    answered_at: Mapped[datetime] = mapped_column()


class ScanAdoption(Base):
    """An improvement action of a round's plan adopted as a tracked action (append-only)."""

    __tablename__ = "scan_adoptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("scan_rounds.id"), index=True)
    improvement: Mapped[str] = mapped_column(String(60))  # catalogue code
    action_id: Mapped[str] = mapped_column(ForeignKey("case_actions.id"))
    adopted_at: Mapped[datetime] = mapped_column()
    adopted_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))

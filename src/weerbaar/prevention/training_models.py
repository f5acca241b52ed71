"""Tables of prevention: training (Bekwamen): exercise rounds, participants and their answers.

A round holds its generated questions (catalogue texts only, never case details) so that every
participant sees the same exercise even when the catalogue changes later. Answers are appended,
never edited: the database refuses UPDATE and DELETE on `training_answers`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from weerbaar.core.clock import now
from weerbaar.core.models import Base, new_id


class TrainingRound(Base):
    """One exercise round: individual practice ("oefenen") or a session on a projector ("sessie")."""

    __tablename__ = "training_rounds"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(String(6), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    title: Mapped[str] = mapped_column(String(300))
    mode: Mapped[str] = mapped_column(String(10))  # oefenen | sessie
    # The code participants type to join a session (None for individual practice).
    join_code: Mapped[str | None] = mapped_column(String(8), unique=True)
    seed: Mapped[int] = mapped_column(Integer)
    phenomena: Mapped[list] = mapped_column(JSON, default=list)  # empty: every phenomenon
    questions: Mapped[list] = mapped_column(JSON, default=list)
    catalogue_version: Mapped[str] = mapped_column(String(20))
    # The five-B session (beraad) this round belongs to, if any.
    beraad_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # Session mode: the question on the projector and whether its answers are shown.
    current: Mapped[int] = mapped_column(Integer, default=0)
    showing_results: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_at: Mapped[datetime | None] = mapped_column()
    created_by_id: Mapped[str] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)


class TrainingParticipant(Base):
    """Someone taking part in a round (the starter of a practice round, or who joined with the code)."""

    __tablename__ = "training_participants"
    __table_args__ = (UniqueConstraint("round_id", "user_id", name="uq_training_participants"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    round_id: Mapped[str] = mapped_column(ForeignKey("training_rounds.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(36), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    joined_at: Mapped[datetime] = mapped_column(default=now)


class TrainingAnswer(Base):
    """One answer to one question of a round; appended once, never edited."""

    __tablename__ = "training_answers"
    __table_args__ = (UniqueConstraint("participant_id", "question", name="uq_training_answers"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("training_rounds.id"), index=True)
    participant_id: Mapped[str] = mapped_column(ForeignKey("training_participants.id"))
    question: Mapped[int] = mapped_column(Integer)  # position in the round, from 0
    municipality_code: Mapped[str] = mapped_column(String(6), index=True)
    phenomenon: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    chosen: Mapped[list] = mapped_column(JSON, default=list)
    correct: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(default=now)

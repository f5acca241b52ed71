"""Tables of prevention: the five-B partner session (beraad): phases, participants, priorities and commitments.

A session belongs to one municipality. Its phases' states are rows in `session_phase_history`
(appended, never edited; the latest row per phase counts), as are the participants' votes
(`session_votes`, the latest ballot per participant counts) and the chosen priorities
(`session_priorities`). Commitments are not stored here: they are actions
(`cases.models.CaseAction`, origin "beraad", origin_id the session's id).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from weerbaar.core.clock import now
from weerbaar.core.models import Base, new_id


class PartnerSession(Base):
    """A five-B session (beraad) of a municipality with its partners."""

    __tablename__ = "partner_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(String(6), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))  # the facilitating organisation
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date] = mapped_column(Date)
    # The municipality's session before this one (its commitments open this session).
    previous_id: Mapped[str | None] = mapped_column(String(36))
    # Boeien: the aggregates shown at the table (suppressed, exact=False), as the document cites them.
    picture: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    picture_at: Mapped[datetime | None] = mapped_column()
    # Bekwamen: the training round played in the session (prevention.training), if any.
    training_round_id: Mapped[str | None] = mapped_column(String(36))
    signed_off_at: Mapped[datetime | None] = mapped_column()
    signed_off_by_id: Mapped[str | None] = mapped_column(String(36))
    signed_off_by_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[str | None] = mapped_column(String(36))


class SessionPhaseState(Base):
    """One state of one phase (open, bezig, afgerond) with the phase's note; append-only."""

    __tablename__ = "session_phase_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("partner_sessions.id"), index=True)
    phase: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    by_user_id: Mapped[str | None] = mapped_column(String(36))
    by_user_name: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=now)


class SessionParticipant(Base):
    """Binden: a person at the table, for a registered organisation, with a role and contact details."""

    __tablename__ = "session_participants"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    session_id: Mapped[str] = mapped_column(ForeignKey("partner_sessions.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    added_at: Mapped[datetime] = mapped_column(default=now)
    added_by_id: Mapped[str | None] = mapped_column(String(36))


class SessionBasis(Base):
    """Binden: the legal basis (catalogus/grondslagen.yaml) an organisation shares under in this session."""

    __tablename__ = "session_bases"
    __table_args__ = (UniqueConstraint("session_id", "organisation_id", name="uq_session_bases"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("partner_sessions.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    legal_basis: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=now)


class SessionVote(Base):
    """Bepalen: one participant's ballot entry — a phenomenon at a rank, or a strategy (an
    instrument) chosen; append-only, the participant's latest ballot (`ballot`) counts."""

    __tablename__ = "session_votes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("partner_sessions.id"), index=True)
    participant_id: Mapped[str] = mapped_column(ForeignKey("session_participants.id"), index=True)
    ballot: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(20))  # fenomeen | strategie
    code: Mapped[str] = mapped_column(String(60))
    rank: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(default=now)


class SessionPriority(Base):
    """Bepalen: a priority (phenomenon) or strategy the table chose, with its reason; append-only."""

    __tablename__ = "session_priorities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("partner_sessions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # fenomeen | strategie
    code: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text)
    by_user_id: Mapped[str | None] = mapped_column(String(36))
    by_user_name: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=now)

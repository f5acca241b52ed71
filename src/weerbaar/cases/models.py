"""Tables of the cases capability: from weighed signals to joint action and follow-up.

The workflow of the Leidraad GOC with the Model Privacy Protocol's checks as gates:

- a *vooronderzoek* (pre-case) bundles the signals about one subject;
- *privacytoets 1* (legal basis, purpose, necessity, proportionality, subsidiarity) must be
  recorded before anyone looks at a subject's details beyond hit/no-hit;
- a *bekendheidscheck* asks, per organisation, only whether a subject is known there, on keyed
  hashes of normalised identifiers (`knownness_keys`), and every question is kept;
- a *casus* has participants invited on a legal basis, and per participant a share (privacytoets
  2A) of exactly which signals, subjects and fields it may see;
- the integral weighing records per instrument whether it was chosen and why (privacytoets 2B:
  the extra sharing a chosen intervention needs);
- actions (afspraken) per partner with a deadline, their progress appended;
- meetings (overleggen) with an agenda of cases and minutes;
- closure with a result and a follow-up date; reopening is a transition;
- a restricted register of threats against officials and board members.

Everything that records a step (statuses, decisions, shares, action updates, privacy checks) is
appended, never edited; the database refuses edits of the status and update tables.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from weerbaar.core.clock import now
from weerbaar.core.models import Base, new_id


class PreCase(Base):
    """A vooronderzoek: signals about the same subject, bundled before a case is opened."""

    __tablename__ = "pre_cases"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(String(6), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    # The subject the bundled signals share (None: bundled by hand, without a linked subject).
    subject_id: Mapped[str | None] = mapped_column(String(12), index=True)
    title: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[str | None] = mapped_column(String(36))
    # Set when a case was opened from it.
    case_id: Mapped[str | None] = mapped_column(String(36))


class PreCaseSignal(Base):
    __tablename__ = "pre_case_signals"

    pre_case_id: Mapped[str] = mapped_column(ForeignKey("pre_cases.id"), primary_key=True)
    signal_id: Mapped[str] = mapped_column(ForeignKey("signals.id"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(default=now)


class PrivacyCheck(Base):
    """A recorded privacy check of the Model Privacy Protocol. Stage "1": before source research
    (for a pre-case or case, covering the subjects in `privacy_check_subjects`); stage "2B": the
    extra sharing a chosen intervention needs (for a case decision). Stage 2A is the share itself
    (`CaseShare`). Appended, never edited."""

    __tablename__ = "privacy_checks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    stage: Mapped[str] = mapped_column(String(4))  # 1 | 2B
    municipality_code: Mapped[str | None] = mapped_column(String(6), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    pre_case_id: Mapped[str | None] = mapped_column(ForeignKey("pre_cases.id"), index=True)
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    decision_id: Mapped[str | None] = mapped_column(String(36))
    legal_basis: Mapped[str] = mapped_column(String(40))  # catalogus/grondslagen.yaml code
    purpose: Mapped[str] = mapped_column(Text)
    necessity: Mapped[str] = mapped_column(Text)
    proportionality: Mapped[str] = mapped_column(Text)
    subsidiarity: Mapped[str] = mapped_column(Text)
    # 2B: what extra sharing the intervention needs (free text and the organisations involved).
    extra_sharing: Mapped[dict | None] = mapped_column(JSON)
    by_user_id: Mapped[str | None] = mapped_column(String(36))
    by_user_name: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=now)


class PrivacyCheckSubject(Base):
    """The subjects a privacy check 1 covers: their details open to the checking organisation."""

    __tablename__ = "privacy_check_subjects"

    check_id: Mapped[str] = mapped_column(ForeignKey("privacy_checks.id"), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(12), primary_key=True, index=True)


class Case(Base):
    """A casus at the partner table, owned by the municipality that opened it."""

    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # e.g. CAS-2026-0007
    title: Mapped[str] = mapped_column(String(300))
    phenomenon: Mapped[str | None] = mapped_column(String(60))
    municipality_code: Mapped[str] = mapped_column(String(6), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    pre_case_id: Mapped[str | None] = mapped_column(String(36))
    confidentiality: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[str | None] = mapped_column(String(36))


class CaseStatus(Base):
    """Append-only status history of a case; the latest row is the current status. Closing
    records the result and the follow-up date in `details`."""

    __tablename__ = "case_status_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    status: Mapped[str] = mapped_column(String(40))
    transition: Mapped[str | None] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(default=now)
    by_user_id: Mapped[str | None] = mapped_column(String(36))
    by_user_name: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict | None] = mapped_column(JSON)


class CaseSignal(Base):
    __tablename__ = "case_signals"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    signal_id: Mapped[str] = mapped_column(ForeignKey("signals.id"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(default=now)


class CaseSubject(Base):
    """A subject (person, company, address) the case is about."""

    __tablename__ = "case_subjects"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(12), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(default=now)


class CaseParticipant(Base):
    """An organisation invited to the case table, on a legal basis."""

    __tablename__ = "case_participants"
    __table_args__ = (UniqueConstraint("case_id", "organisation_id", name="uq_case_participants"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    legal_basis: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    invited_by_id: Mapped[str | None] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(default=now)


class CaseShare(Base):
    """Privacy check 2A: one decision to share signals, subjects and fields of a case with one
    participant. Shares add up; what a participant sees is the union of its shares."""

    __tablename__ = "case_shares"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    fields: Mapped[list] = mapped_column(JSON, default=list)  # catalogue share fields
    reason: Mapped[str | None] = mapped_column(Text)
    by_user_id: Mapped[str | None] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(default=now)


class CaseShareItem(Base):
    """One signal or subject in a share: what the permission layer filters on."""

    __tablename__ = "case_share_items"
    __table_args__ = (Index("ix_case_share_items_lookup", "case_id", "organisation_id", "object_type"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    share_id: Mapped[str] = mapped_column(ForeignKey("case_shares.id"), index=True)
    case_id: Mapped[str] = mapped_column(String(36))
    organisation_id: Mapped[str] = mapped_column(String(36))
    object_type: Mapped[str] = mapped_column(String(10))  # signaal | subject
    object_id: Mapped[str] = mapped_column(String(36))


class CaseDecision(Base):
    """The integral weighing: per instrument, chosen or not, with the reasons. A later decision
    on the same instrument of the same case supersedes the earlier one (both are kept)."""

    __tablename__ = "case_decisions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    meeting_id: Mapped[str | None] = mapped_column(String(36), index=True)
    instrument: Mapped[str] = mapped_column(String(60))  # catalogus/instrumenten.yaml code
    chosen: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[str] = mapped_column(Text)
    organisation_id: Mapped[str | None] = mapped_column(String(36))  # who carries it out
    by_user_id: Mapped[str | None] = mapped_column(String(36))
    by_user_name: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=now)


class CaseAction(Base):
    """A commitment (afspraak) of one partner: what, who, by when. Progress is appended in
    `action_updates`; the row itself is written once."""

    __tablename__ = "case_actions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), index=True)
    # Actions can also come from elsewhere (a five-B session's commitments, a scan's plan).
    origin: Mapped[str] = mapped_column(String(20), default="casus")
    origin_id: Mapped[str | None] = mapped_column(String(36))
    municipality_code: Mapped[str] = mapped_column(String(6), index=True)
    description: Mapped[str] = mapped_column(Text)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    responsible: Mapped[str] = mapped_column(String(200))
    deadline: Mapped[date] = mapped_column(Date, index=True)
    decision_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[str | None] = mapped_column(String(36))


class ActionUpdate(Base):
    """Append-only progress of an action: the latest row is its status."""

    __tablename__ = "action_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action_id: Mapped[str] = mapped_column(ForeignKey("case_actions.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # open | in_uitvoering | gereed | vervallen
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=now)
    by_user_id: Mapped[str | None] = mapped_column(String(36))
    by_user_name: Mapped[str | None] = mapped_column(String(200))


class Meeting(Base):
    """A meeting of the partner table (casusoverleg), with an agenda of cases."""

    __tablename__ = "meetings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(String(6), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[str | None] = mapped_column(String(36))


class MeetingItem(Base):
    """One case on a meeting's agenda, with the minutes of its discussion."""

    __tablename__ = "meeting_items"
    __table_args__ = (UniqueConstraint("meeting_id", "case_id", name="uq_meeting_items"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[str | None] = mapped_column(Text)


class Threat(Base):
    """A threat or act of intimidation against an official or board member (restricted)."""

    __tablename__ = "threats"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(String(6), index=True)
    occurred_on: Mapped[date] = mapped_column(Date)
    target_role: Mapped[str] = mapped_column(String(40))  # catalogue: ambtenaar, handhaver, bestuurder, ...
    target_name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))  # catalogue: bedreiging, intimidatie, ...
    description: Mapped[str] = mapped_column(Text)
    reported_to_police: Mapped[bool] = mapped_column(Boolean, default=False)
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    decision_id: Mapped[str | None] = mapped_column(String(36))
    registered_at: Mapped[datetime] = mapped_column(default=now)
    registered_by_id: Mapped[str | None] = mapped_column(String(36))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))


class KnownnessKey(Base):
    """A keyed hash of a normalised identifier that an organisation knows (from its own signals
    or its delivered extracts). The hit/no-hit check compares hashes, never the data."""

    __tablename__ = "knownness_keys"
    __table_args__ = (
        UniqueConstraint("organisation_id", "kind", "key_hash", name="uq_knownness_keys"),
        Index("ix_knownness_keys_lookup", "kind", "key_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(20))  # bsn | naam_geboortedatum | kvk | adres
    key_hash: Mapped[str] = mapped_column(String(64))
    refreshed_at: Mapped[datetime] = mapped_column(default=now)


class KnownnessQuery(Base):
    """One hit/no-hit question: who asked, why, on which basis, and which organisations were
    asked (each sees that it was asked). The identifier is kept only as its keyed hash."""

    __tablename__ = "knownness_queries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(default=now)
    by_user_id: Mapped[str] = mapped_column(String(36))
    by_user_name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    key_hash: Mapped[str] = mapped_column(String(64))


class KnownnessAnswer(Base):
    """Per organisation asked: whether the subject was known there."""

    __tablename__ = "knownness_answers"

    query_id: Mapped[str] = mapped_column(ForeignKey("knownness_queries.id"), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), primary_key=True, index=True)
    known: Mapped[bool] = mapped_column(Boolean)


# Tables the database keeps append-only (triggers in migration 0006).
APPEND_ONLY = ("case_status_history", "action_updates", "privacy_checks", "case_decisions",
               "knownness_queries", "knownness_answers")

"""Tables of the resolve capability: subjects, the links from source records to them,
human judgements on pairs, the review queue and the trained match models.

A *mention* is one entity named in one source record, identified by (record_id, role):
a `transacties` row mentions a buyer (role `koper`) and an object (role `adres`); a
`functionarissen` row mentions a person (`functionaris`) and a company (`onderneming`).
Entity resolution groups mentions into subjects. Subject ids are stable: a later run
reuses the id of the subject most of a cluster's mentions belonged to, and a subject
absorbed into another keeps a pointer (`merged_into`) so old references still resolve.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from weerbaar.core.clock import now
from weerbaar.core.models import Base, new_id

PERSON = "persoon"
COMPANY = "bedrijf"
ADDRESS = "adres"
KINDS = (PERSON, COMPANY, ADDRESS)

# Stable, readable id prefixes per kind: P-000123, B-000045, A-000789.
ID_PREFIX = {PERSON: "P", COMPANY: "B", ADDRESS: "A"}


class MatchRun(Base):
    """One run of entity resolution (`weerbaar analyseer`), with its figures."""

    __tablename__ = "match_runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    municipality_code: Mapped[str | None] = mapped_column(String(6))
    started_at: Mapped[datetime] = mapped_column(default=now)
    finished_at: Mapped[datetime | None] = mapped_column()
    by_user_id: Mapped[str | None] = mapped_column(String(36))
    figures: Mapped[dict] = mapped_column(JSON, default=dict)


class Subject(Base):
    """A person, company or address as Weerbaar knows it: the cluster of its mentions."""

    __tablename__ = "subjects"

    id: Mapped[str] = mapped_column(String(12), primary_key=True)  # e.g. P-000123
    kind: Mapped[str] = mapped_column(String(10), index=True)  # persoon | bedrijf | adres
    municipality_code: Mapped[str | None] = mapped_column(String(6), index=True)
    # Display label from the best mention (personal data: shown only behind the permission layer).
    label: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_run_id: Mapped[str | None] = mapped_column(String(36))
    # Set when every mention moved to another subject: where they went, and when.
    merged_into: Mapped[str | None] = mapped_column(String(12))
    retired_at: Mapped[datetime | None] = mapped_column()


class SubjectLink(Base):
    """Mention -> subject, with the evidence: the best-scoring pair that put it there."""

    __tablename__ = "subject_links"
    __table_args__ = (
        UniqueConstraint("record_id", "role", name="uq_subject_links_mention"),
        Index("ix_subject_links_subject", "subject_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"))
    record_id: Mapped[int] = mapped_column(ForeignKey("source_records.id"))
    role: Mapped[str] = mapped_column(String(20))
    run_id: Mapped[str | None] = mapped_column(String(36))
    # Match probability of the strongest pair linking this mention into the subject
    # (1.0 for a deterministic key or a confirmed judgement; None for a lone mention).
    probability: Mapped[float | None] = mapped_column(Float)
    # {"via": {"record": id, "rol": role}, "bron": "model|oordeel", "bijdragen": [...]} or, for a key,
    # {"via": ..., "bron": "sleutel", "sleutel": kind} (its reason: mentions.KEY_REASONS)
    explanation: Mapped[dict] = mapped_column(JSON, default=dict)
    linked_at: Mapped[datetime] = mapped_column(default=now)


class MatchJudgement(Base):
    """A coordinator's verdict on a pair of mentions: the same, or not. Append-only; the
    latest verdict on a pair counts, and overrides the model in every later run."""

    __tablename__ = "match_judgements"
    __table_args__ = (Index("ix_match_judgements_pair", "record_a", "role_a", "record_b", "role_b"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    record_a: Mapped[int] = mapped_column(ForeignKey("source_records.id"))
    role_a: Mapped[str] = mapped_column(String(20))
    record_b: Mapped[int] = mapped_column(ForeignKey("source_records.id"))
    role_b: Mapped[str] = mapped_column(String(20))
    verdict: Mapped[str] = mapped_column(String(20))  # zelfde | verschillend
    reason: Mapped[str | None] = mapped_column(Text)
    by_user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    at: Mapped[datetime] = mapped_column(default=now)


class ReviewPair(Base):
    """A pair the model is unsure about, waiting for a human. Refilled by every run; a pair
    with a judgement is never put back."""

    __tablename__ = "review_pairs"
    __table_args__ = (Index("ix_review_pairs_pair", "record_a", "role_a", "record_b", "role_b"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    municipality_code: Mapped[str | None] = mapped_column(String(6), index=True)
    record_a: Mapped[int] = mapped_column(ForeignKey("source_records.id"))
    role_a: Mapped[str] = mapped_column(String(20))
    record_b: Mapped[int] = mapped_column(ForeignKey("source_records.id"))
    role_b: Mapped[str] = mapped_column(String(20))
    probability: Mapped[float] = mapped_column(Float)
    explanation: Mapped[dict] = mapped_column(JSON, default=dict)
    run_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=now)


class MatchModel(Base):
    """The trained model of a kind (Splink settings JSON with m and u values), kept so that
    intake can score a new signal's parties with the same model without retraining."""

    __tablename__ = "match_models"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    municipality_code: Mapped[str | None] = mapped_column(String(6))
    run_id: Mapped[str] = mapped_column(String(36))
    trained_at: Mapped[datetime] = mapped_column(default=now)
    model: Mapped[dict] = mapped_column(JSON)


class SubjectKey(Base):
    """Blocking keys of subjects (normalised name + birth year, birth date, identifiers), so
    a new signal's parties find their candidate subjects with an index lookup."""

    __tablename__ = "subject_keys"
    __table_args__ = (Index("ix_subject_keys_key", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"), index=True)
    key: Mapped[str] = mapped_column(String(200))


class SignalSubject(Base):
    """A signal about a subject: a party named in it, or the address it is about, matched
    at intake (incremental matching) or by a later run."""

    __tablename__ = "signal_subjects"
    __table_args__ = (
        UniqueConstraint("signal_id", "party_id", "subject_id", name="uq_signal_subjects_link"),
        Index("ix_signal_subjects_subject", "subject_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    signal_id: Mapped[str] = mapped_column(ForeignKey("signals.id"), index=True)
    party_id: Mapped[int | None] = mapped_column(Integer)  # signal_parties.id; None = the signal's address
    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"))
    probability: Mapped[float] = mapped_column(Float)
    explanation: Mapped[dict] = mapped_column(JSON, default=dict)
    linked_at: Mapped[datetime] = mapped_column(default=now)

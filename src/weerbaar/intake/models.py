"""Tables of the intake capability: signals, the parties in them, their status history and shares."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from weerbaar.core.clock import now
from weerbaar.core.models import Base, Organisation, User, new_id


class Signal(Base):
    __tablename__ = "signals"
    __table_args__ = (
        UniqueConstraint("organisation_id", "source_key", name="uq_signals_source_key"),
        Index("ix_signals_observed", "observed_on"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    phenomenon: Mapped[str | None] = mapped_column(String(60), index=True)
    # Suggested from the text when the signal came without a phenomenon; a person confirms it.
    phenomenon_suggestion: Mapped[str | None] = mapped_column(String(60))
    phenomenon_suggestion_score: Mapped[float | None] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text)
    observed_on: Mapped[date] = mapped_column(Date)
    registered_at: Mapped[datetime] = mapped_column(default=now)

    # Location: a BAG adresId, or postcode + huisnummer (+ letter, toevoeging), or a description.
    address_id: Mapped[str | None] = mapped_column(String(16), index=True)
    postcode: Mapped[str | None] = mapped_column(String(6))
    house_number: Mapped[int | None] = mapped_column(Integer)
    house_letter: Mapped[str | None] = mapped_column(String(1))
    addition: Mapped[str | None] = mapped_column(String(10))
    location_note: Mapped[str | None] = mapped_column(String(500))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    municipality_code: Mapped[str | None] = mapped_column(String(6), index=True)
    district_code: Mapped[str | None] = mapped_column(String(8))
    neighbourhood_code: Mapped[str | None] = mapped_column(String(10), index=True)

    source_reliability: Mapped[str] = mapped_column(String(1))  # A–F
    information_credibility: Mapped[str] = mapped_column(String(1))  # 1–6
    confidentiality: Mapped[str] = mapped_column(String(30))
    reporter_shielded: Mapped[bool] = mapped_column(Boolean, default=False)

    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    reporter_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(20))  # formulier | api | bulk | analyse
    source_key: Mapped[str | None] = mapped_column(String(100))
    source_file: Mapped[str | None] = mapped_column(String(300))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    # Folded text of description, parties and address: the full-text search column.
    search_text: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    reporter: Mapped[User | None] = relationship(lazy="joined")
    parties: Mapped[list[SignalParty]] = relationship(
        back_populates="signal", cascade="all, delete-orphan", order_by="SignalParty.position"
    )
    indicators: Mapped[list[SignalIndicator]] = relationship(
        cascade="all, delete-orphan", order_by="SignalIndicator.code"
    )
    history: Mapped[list[SignalStatus]] = relationship(order_by="SignalStatus.id")


class SignalParty(Base):
    """A person, company or vehicle involved in a signal (betrokkene)."""

    __tablename__ = "signal_parties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    signal_id: Mapped[str] = mapped_column(ForeignKey("signals.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))  # persoon | bedrijf | voertuig
    role: Mapped[str | None] = mapped_column(String(100))
    given_names: Mapped[str | None] = mapped_column(String(200))
    surname_prefix: Mapped[str | None] = mapped_column(String(40))
    surname: Mapped[str | None] = mapped_column(String(200))
    birth_date: Mapped[date | None] = mapped_column(Date)
    bsn: Mapped[str | None] = mapped_column(String(9), index=True)
    company_name: Mapped[str | None] = mapped_column(String(300))
    kvk_number: Mapped[str | None] = mapped_column(String(8), index=True)
    plate: Mapped[str | None] = mapped_column(String(8), index=True)
    note: Mapped[str | None] = mapped_column(String(500))
    # " jan van der berg berg ": folded name words plus the particle-free surname, padded
    # with spaces so that word matches are a LIKE '% word %'. The key for name search.
    name_key: Mapped[str | None] = mapped_column(String(500))

    signal: Mapped[Signal] = relationship(back_populates="parties")


class SignalIndicator(Base):
    __tablename__ = "signal_indicators"

    signal_id: Mapped[str] = mapped_column(
        ForeignKey("signals.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)


class SignalStatus(Base):
    """Append-only status history: the current status is the latest row."""

    __tablename__ = "signal_status_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    signal_id: Mapped[str] = mapped_column(ForeignKey("signals.id"), index=True)
    status: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(default=now)
    by_user_id: Mapped[str | None] = mapped_column(String(36))
    by_user_name: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    # The transition of catalogus/signaalverloop.yaml that set this status (None: registration,
    # the analysis, or a note that keeps the status), and what was filled in for it.
    transition: Mapped[str | None] = mapped_column(String(40))
    details: Mapped[dict | None] = mapped_column(JSON)


class SignalShare(Base):
    """A signal explicitly shared with another organisation, with the reason and by whom."""

    __tablename__ = "signal_shares"
    __table_args__ = (UniqueConstraint("signal_id", "organisation_id", name="uq_signal_shares"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    signal_id: Mapped[str] = mapped_column(ForeignKey("signals.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    shared_by_id: Mapped[str | None] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=now)

    organisation: Mapped[Organisation] = relationship(lazy="joined")

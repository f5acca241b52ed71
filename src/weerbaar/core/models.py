"""Core tables every capability leans on: who (organisations, users) and where (areas, addresses).

Capabilities define their own tables on the same `Base` in their own `models.py`; the
dependency arrows point here, never away from here.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from weerbaar.core.clock import now

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar = {datetime: DateTime(timezone=True)}


class Organisation(Base):
    """A partner organisation (gemeente, politie, woningcorporatie, ...)."""

    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(40))  # catalogue: organisatietypen
    # The municipality whose territory this organisation serves (required for gemeenten).
    municipality_code: Mapped[str | None] = mapped_column(String(6))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=now)

    users: Mapped[list[User]] = relationship(back_populates="organisation")


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    role: Mapped[str] = mapped_column(String(40))  # catalogue: rollen
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # Highest confidentiality level (ZGW ladder) this user may read.
    max_confidentiality: Mapped[str] = mapped_column(String(30), default="zeer_geheim")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=now)

    organisation: Mapped[Organisation] = relationship(back_populates="users", lazy="joined")


class Area(Base):
    """A CBS area: gemeente, wijk or buurt, with its boundary as GeoJSON (WGS84) when known."""

    __tablename__ = "areas"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)  # GM…, WK…, BU…
    kind: Mapped[str] = mapped_column(String(10))  # gemeente | wijk | buurt
    name: Mapped[str] = mapped_column(String(200))
    parent_code: Mapped[str | None] = mapped_column(String(10), index=True)
    geometry: Mapped[dict | None] = mapped_column(JSON)


class Address(Base):
    """The address register (BAG nummeraanduiding), keyed by its 16-digit id."""

    __tablename__ = "addresses"
    __table_args__ = (Index("ix_addresses_postcode_number", "postcode", "house_number"),)

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    street: Mapped[str | None] = mapped_column(String(200))
    house_number: Mapped[int] = mapped_column(Integer)
    house_letter: Mapped[str | None] = mapped_column(String(1))
    addition: Mapped[str | None] = mapped_column(String(10))
    postcode: Mapped[str] = mapped_column(String(6))
    city: Mapped[str | None] = mapped_column(String(100))
    municipality_code: Mapped[str | None] = mapped_column(String(6))
    district_code: Mapped[str | None] = mapped_column(String(8))
    neighbourhood_code: Mapped[str | None] = mapped_column(String(10), index=True)
    use: Mapped[str | None] = mapped_column(String(200))
    floor_area: Mapped[int | None] = mapped_column(Integer)
    year_built: Mapped[int | None] = mapped_column(Integer)
    holiday_park: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)

    def label(self) -> str:
        number = f"{self.house_number}{self.house_letter or ''}"
        if self.addition:
            number += f"-{self.addition}"
        pc = f"{self.postcode[:4]} {self.postcode[4:]}"
        return f"{self.street or ''} {number}, {pc} {self.city or ''}".strip()


class Setting(Base):
    """Installation settings that belong with the data (e.g. the home municipality)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)

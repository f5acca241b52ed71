"""Reference data the pages show beside signals: area names, organisations, addresses.

None of this is personal data, so it is read directly; signals themselves are only ever
read through `intake.queries` (which applies the permission layer and logs).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from weerbaar.core.models import Address, Area, Organisation


def area_names(session: Session, kind: str | None = None) -> dict[str, str]:
    query = select(Area.code, Area.name).order_by(Area.name)
    if kind:
        query = query.where(Area.kind == kind)
    return {code: name for code, name in session.execute(query).all()}


def organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def address(session: Session, address_id: str | None) -> Address | None:
    return session.get(Address, address_id) if address_id else None

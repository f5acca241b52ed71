"""The logboek: an append-only, hash-chained record of every access to personal data.

Who (user, organisation, role), what (action, object), why (purpose), how (channel), when.
Identifiers searched for are stored as keyed hashes, never in clear.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from weerbaar.access.models import AccessLogEntry, LogChainHead
from weerbaar.access.principal import Principal
from weerbaar.core.clock import AMSTERDAM, as_utc, now

GENESIS = "0" * 64

# Actions (Dutch, as shown to the privacy officer).
CREATE = "aanmaken"
READ = "lezen"
SEARCH = "zoeken"
LIST = "raadplegen_lijst"
EXPORT = "exporteren"
SHARE = "delen"
IMPORT = "importeren"
LOGIN = "inloggen"
LOGIN_FAILED = "inloggen_mislukt"
READ_LOG = "logboek_lezen"
ANALYSE = "analyseren"
JUDGE = "beoordelen"
UPDATE = "wijzigen"


def _digest(previous: str, entry: dict[str, Any]) -> str:
    body = json.dumps(entry, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((previous + body).encode()).hexdigest()


def _canonical(e: AccessLogEntry) -> dict[str, Any]:
    return {
        "at": as_utc(e.at).astimezone(UTC).isoformat(),
        "user_id": e.user_id,
        "user_email": e.user_email,
        "organisation_id": e.organisation_id,
        "organisation_name": e.organisation_name,
        "role": e.role,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "purpose": e.purpose,
        "channel": e.channel,
        "details": e.details,
    }




def record(
    session: Session,
    principal: Principal | None,
    action: str,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    purpose: str | None = None,
    details: dict[str, Any] | None = None,
    channel: str | None = None,
    at: datetime | None = None,
) -> AccessLogEntry:
    """Append one entry in the caller's transaction (logged if and only if the access happens).

    The chain head is locked once per transaction (SELECT … FOR UPDATE on PostgreSQL) and
    kept in `session.info`, so a bulk transaction does not re-read it for every entry.
    """
    head = session.info.get("log_head")
    if head is None or head not in session:
        head = session.execute(
            select(LogChainHead).where(LogChainHead.id == 1).with_for_update()
        ).scalar_one_or_none()
        if head is None:
            head = LogChainHead(id=1, last_hash=GENESIS)
            session.add(head)
        session.info["log_head"] = head
    entry = AccessLogEntry(
        # In UTC: SQLite drops the offset of an aware time, so another zone would not verify.
        at=as_utc(at).astimezone(UTC) if at else now(),
        user_id=principal.user_id if principal else None,
        user_email=principal.email if principal else None,
        organisation_id=principal.organisation_id if principal else None,
        organisation_name=principal.organisation_name if principal else None,
        role=principal.role if principal else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        purpose=purpose,
        channel=channel or (principal.channel if principal else "cli"),
        details=details or {},
        previous_hash=head.last_hash,
    )
    entry.hash = _digest(head.last_hash, _canonical(entry))
    head.last_hash = entry.hash
    session.add(entry)
    return entry


def verify_chain(session: Session) -> tuple[bool, int | None]:
    """Recompute the chain; returns (intact, id of the first broken entry).

    The chain must also end where the head says it ends: otherwise deleting (or re-hashing)
    the newest entries would go unnoticed. Then the id is None: the missing entry has none.
    """
    previous = GENESIS
    for entry in session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id)).yield_per(1000):
        if entry.previous_hash != previous or entry.hash != _digest(previous, _canonical(entry)):
            return False, entry.id
        previous = entry.hash
    head = session.get(LogChainHead, 1)
    if (head.last_hash if head else GENESIS) != previous:
        return False, None
    return True, None


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AccessLogEntry)) or 0


def filter_clauses(vanaf: date | None, tot: date | None, gebruiker: str | None, organisatie: str | None,
              actie: str | None, object_id: str | None) -> list[Any]:
    """Filters for reading the log (shared by the API and the logboek page)."""
    clauses: list[Any] = []
    if vanaf:
        clauses.append(AccessLogEntry.at >= datetime.combine(vanaf, time.min, AMSTERDAM))
    if tot:
        clauses.append(AccessLogEntry.at < datetime.combine(tot + timedelta(days=1), time.min, AMSTERDAM))
    if gebruiker:
        clauses.append(AccessLogEntry.user_id == gebruiker)
    if organisatie:
        clauses.append(AccessLogEntry.organisation_id == organisatie)
    if actie:
        clauses.append(AccessLogEntry.action == actie)
    if object_id:
        clauses.append(AccessLogEntry.object_id == object_id)
    return clauses

"""/api/v1/logboek — the access log, for the privacy officer only."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from weerbaar.access import logbook, rights
from weerbaar.access.models import AccessLogEntry
from weerbaar.api.deps import PrincipalDep, SessionDep
from weerbaar.core.clock import AMSTERDAM, as_utc
from weerbaar.core.errors import Forbidden

router = APIRouter(prefix="/logboek", tags=["Logboek"])


def entry_json(e: AccessLogEntry) -> dict[str, Any]:
    return {
        "id": e.id,
        "tijdstip": as_utc(e.at).isoformat(),
        "gebruiker": {"id": e.user_id, "email": e.user_email},
        "organisatie": {"id": e.organisation_id, "naam": e.organisation_name},
        "rol": e.role,
        "actie": e.action,
        "objecttype": e.object_type,
        "objectId": e.object_id,
        "doel": e.purpose,
        "kanaal": e.channel,
        "details": e.details,
        "hash": e.hash,
    }


def log_query(vanaf: date | None, tot: date | None, gebruiker: str | None, organisatie: str | None,
              actie: str | None, object_id: str | None) -> list[Any]:
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


@router.get("", summary="Logboek van alle toegang tot gegevens (alleen voor de privacyfunctionaris)")
def read_log(
    session: SessionDep,
    principal: PrincipalDep,
    vanaf: date | None = None,
    tot: date | None = None,
    gebruiker: str | None = None,
    organisatie: str | None = None,
    actie: str | None = None,
    objectId: str | None = None,
    pagina: Annotated[int, Query(ge=1)] = 1,
    paginaGrootte: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    if not principal.can(rights.LOG_READ):
        raise Forbidden("Alleen de privacyfunctionaris mag het logboek lezen.")
    clauses = log_query(vanaf, tot, gebruiker, organisatie, actie, objectId)
    total = session.scalar(select(func.count()).select_from(AccessLogEntry).where(*clauses)) or 0
    rows = session.scalars(
        select(AccessLogEntry).where(*clauses).order_by(AccessLogEntry.id.desc())
        .offset((pagina - 1) * paginaGrootte).limit(paginaGrootte)
    ).all()
    items = [entry_json(e) for e in rows]
    logbook.record(session, principal, logbook.READ_LOG, object_type="logboek", purpose="toezicht",
                   details={"pagina": pagina, "aantal": len(items)})
    return {"items": items, "totaal": total, "pagina": pagina, "paginaGrootte": paginaGrootte}


@router.get("/integriteit", summary="Controleer de hash-keten van het logboek")
def integrity(session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    if not principal.can(rights.LOG_READ):
        raise Forbidden("Alleen de privacyfunctionaris mag het logboek controleren.")
    intact, broken = logbook.verify_chain(session)
    return {"intact": intact, "eersteAfwijking": broken, "aantal": logbook.count(session)}

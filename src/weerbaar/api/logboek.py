"""/api/v1/logboek — the access log, for the privacy officer only."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from weerbaar.access import logbook, rights
from weerbaar.access.models import AccessLogEntry
from weerbaar.api.deps import PrincipalDep, SessionDep
from weerbaar.core.clock import as_utc
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
    clauses = logbook.filter_clauses(vanaf, tot, gebruiker, organisatie, actie, objectId)
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

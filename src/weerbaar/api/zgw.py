"""/api/v1/casussen/{id}/zgw-zaak — a case as a ZAAK of the VNG Zaken API (ZGW), for the
municipality's own case system."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from weerbaar.api.deps import PrincipalDep, RuntimeDep, SessionDep
from weerbaar.cases import zgw
from weerbaar.core.errors import NotFound

router = APIRouter(prefix="/casussen", tags=["Casussen"])


@router.get("/{id}/zgw-zaak", summary="Exporteer een casus als ZGW-zaak (Zaken API), met statussen, resultaat, "
            "rollen en zaakobjecten (alleen de gemeente die de casus voert)",
            responses={200: {"description": "De zaak en haar deelresources zoals de Zaken API ze teruggeeft"},
                       404: {"description": "Onbekende casus, of een casus die u niet in zijn geheel mag zien"},
                       409: {"description": "Het RSIN van de gemeente (instelling zgw.rsin) is ongeldig"}})
def export(id: str, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    try:
        case_id = str(uuid.UUID(id))
    except ValueError:
        raise NotFound() from None
    return zgw.export_case(session, principal, rt.catalogue, case_id)

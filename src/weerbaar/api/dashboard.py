"""/api/v1/dashboard — what waits for the intake team today (counts and ids, no parties)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from weerbaar.api.deps import PrincipalDep, RuntimeDep, SessionDep
from weerbaar.api.signalen import _check_keys
from weerbaar.core.errors import FieldError, ValidationFailed
from weerbaar.core.params import query_date
from weerbaar.picture.dashboard import dashboard

router = APIRouter(prefix="/dashboard", tags=["Beeld"])


@router.get("", summary="Het dashboard van de coördinator: nieuwe en ongewogen signalen, koppelvoorstellen, "
            "verlopen acties, casussen per status en trends per fenomeen",
            responses={403: {"description": "Alleen voor het intaketeam en de analisten van de gemeente"},
                       422: {"description": "Ongeldige parameters; alle fouten in invalidParams"}})
def read(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    params = dict(request.query_params)
    errors: list[FieldError] = []
    _check_keys(params, {"peildatum"}, errors)
    day = query_date(params, "peildatum", errors)
    if errors:
        raise ValidationFailed(errors)
    return dashboard(session, principal, rt.catalogue, day).as_json()

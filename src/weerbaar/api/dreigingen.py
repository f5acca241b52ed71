"""/api/v1/dreigingen — the register of threats and intimidation against officials (restricted)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from weerbaar.api.deps import PrincipalDep, RuntimeDep, SessionDep
from weerbaar.api.signalen import _body_schema, _check_keys, _json
from weerbaar.cases import threats
from weerbaar.cases.models import Threat
from weerbaar.cases.service import flow_of
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.errors import FieldError, NotFound, ValidationFailed
from weerbaar.core.params import query_date
from weerbaar.intake.schemas import InputModel, validate_model

router = APIRouter(prefix="/dreigingen", tags=["Dreigingen"])
LIST_KEYS = {"soort", "doelwit", "vanaf", "tot"}


class DreigingIn(InputModel):
    """Een bedreiging of intimidatie van een ambtenaar, handhaver, bestuurder of partnermedewerker."""

    datum: date | None = Field(default=None, description="Datum van het voorval (JJJJ-MM-DD)")
    doelwit: str | None = Field(default=None, max_length=40,
                                description="Wie werd bedreigd (catalogus casusverloop: doelwitten)")
    naamDoelwit: str | None = Field(default=None, max_length=200, description="Naam van de bedreigde (optioneel)")
    soort: str | None = Field(default=None, max_length=40, description="Soort (catalogus: dreigingssoorten)")
    omschrijving: str | None = Field(default=None, max_length=5000, description="Wat er is gebeurd")
    aangifteGedaan: bool | None = Field(default=None, description="Of er aangifte is gedaan")
    casus: str | None = Field(default=None, max_length=36, description="id van de casus waarover het gaat")
    besluit: str | None = Field(default=None, max_length=36, description="id van het besluit dat de aanleiding was")


def threat_json(t: Threat, catalogue: Catalogue) -> dict[str, Any]:
    flow = flow_of(catalogue)
    return {
        "id": t.id,
        "datum": t.occurred_on.isoformat(),
        "doelwit": t.target_role,
        "doelwitNaam": flow.doelwitten.get(t.target_role, t.target_role),
        "naamDoelwit": t.target_name,
        "soort": t.kind,
        "soortNaam": flow.dreigingssoorten.get(t.kind, t.kind),
        "omschrijving": t.description,
        "aangifteGedaan": t.reported_to_police,
        "casus": t.case_id,
        "besluit": t.decision_id,
        "gemeente": t.municipality_code,
        "organisatie": t.organisation_id,
        "geregistreerdOp": t.registered_at.isoformat(),
        "_links": {"self": {"href": f"/api/v1/dreigingen/{t.id}"}},
    }


@router.post("", status_code=201, summary="Meld een bedreiging of intimidatie", openapi_extra=_body_schema(DreigingIn),
             responses={201: {"description": "De melding is vastgelegd"},
                        403: {"description": "Uw rol mag geen bedreiging melden"},
                        422: {"description": "Ongeldige invoer; alle fouten in invalidParams"}})
async def create(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> JSONResponse:
    b: DreigingIn = validate_model(DreigingIn, await _json(request))
    threat = threats.register_threat(session, principal, rt.catalogue, threats.NewThreat(
        occurred_on=b.datum, target_role=b.doelwit, kind=b.soort, description=b.omschrijving,
        reported_to_police=b.aangifteGedaan, target_name=b.naamDoelwit, case_id=b.casus, decision_id=b.besluit))
    return JSONResponse(threat_json(threat, rt.catalogue), status_code=201,
                        headers={"Location": f"/api/v1/dreigingen/{threat.id}"})


@router.get("", summary="Het register van bedreigingen (beperkte toegang; anders alleen uw eigen meldingen)")
def list_(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    params = dict(request.query_params)
    errors: list[FieldError] = []
    _check_keys(params, LIST_KEYS, errors)
    filters = threats.ThreatFilters(kind=params.get("soort"), target_role=params.get("doelwit"),
                                    since=query_date(params, "vanaf", errors), until=query_date(params, "tot", errors))
    errors += threats.filter_errors(rt.catalogue, filters)
    if errors:
        raise ValidationFailed(errors)
    rows = threats.list_threats(session, principal, rt.catalogue, filters)
    return {"items": [threat_json(t, rt.catalogue) for t in rows], "totaal": len(rows)}


@router.get("/{id}", summary="Eén melding van bedreiging",
            responses={404: {"description": "Onbekend, of niet in wat u mag lezen"}})
def read(id: str, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    try:
        threat_id = str(uuid.UUID(id))
    except ValueError:
        raise NotFound() from None
    return threat_json(threats.get_threat(session, principal, threat_id), rt.catalogue)

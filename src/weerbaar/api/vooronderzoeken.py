"""/api/v1/vooronderzoeken — pre-cases: signals about one subject bundled, suggested bundles, and
privacy check 1 (the key to a subject's details)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from weerbaar.api.deps import PrincipalDep, RuntimeDep, SessionDep
from weerbaar.api.signalen import _body_schema, _check_keys, _json
from weerbaar.cases import precases, privacy
from weerbaar.core.errors import FieldError, ValidationFailed
from weerbaar.intake.schemas import InputModel, validate_model

router = APIRouter(prefix="/vooronderzoeken", tags=["Vooronderzoeken"])


class VooronderzoekIn(InputModel):
    """Een vooronderzoek openen: signalen over hetzelfde subject bundelen."""

    titel: str | None = Field(None, max_length=1000, description="Korte titel, bijvoorbeeld 'Havenstraat 1'")
    signalen: list[str] = Field(default_factory=list, max_length=1000, description="ids van signalen die u mag lezen")
    subject: str | None = Field(None, max_length=40, description="id van het subject (P-…, B-…, A-…); zonder: "
                                "het subject dat alle signalen delen")


class SignalenToevoegenIn(InputModel):
    signalen: list[str] = Field(max_length=1000, description="ids van signalen die u mag lezen")


class PrivacytoetsIn(InputModel):
    """Privacytoets 1 (Model Privacyprotocol): grondslag, doel, noodzaak, proportionaliteit en
    subsidiariteit van het bronnenonderzoek naar de genoemde subjecten."""

    grondslag: str | None = Field(None, max_length=60, description="Code uit GET /api/v1/grondslagen")
    doel: str | None = Field(None, max_length=10000)
    noodzaak: str | None = Field(None, max_length=10000)
    proportionaliteit: str | None = Field(None, max_length=10000)
    subsidiariteit: str | None = Field(None, max_length=10000)
    subjecten: list[str] = Field(default_factory=list, max_length=1000, description="ids van subjecten (P-…, B-…, A-…)")


def _purpose(request: Request) -> str | None:
    params = dict(request.query_params)
    errors: list[FieldError] = []
    _check_keys(params, {"doel"}, errors)
    if errors:
        raise ValidationFailed(errors)
    return params.get("doel")


@router.post("", status_code=201, summary="Open een vooronderzoek: bundel signalen over hetzelfde subject",
             openapi_extra=_body_schema(VooronderzoekIn),
             responses={422: {"description": "Ongeldige invoer; alle fouten in invalidParams"}})
async def create(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> JSONResponse:
    b: VooronderzoekIn = validate_model(VooronderzoekIn, await _json(request))
    pre_case = precases.create_pre_case(session, principal, rt.catalogue, b.signalen, b.titel, b.subject)
    body = precases.pre_case_json(session, principal, rt.catalogue, pre_case)
    return JSONResponse(body, status_code=201, headers={"Location": f"/api/v1/vooronderzoeken/{pre_case.id}"})


@router.get("", summary="De vooronderzoeken van uw gemeente")
def list_(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    items = precases.list_pre_cases(session, principal, rt.catalogue, purpose=_purpose(request))
    return {"items": items, "totaal": len(items)}


@router.get("/_voorstellen", summary="Voorgestelde bundels: open signalen over hetzelfde subject, nog zonder "
            "vooronderzoek")
def suggestions(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    params = dict(request.query_params)
    errors: list[FieldError] = []
    _check_keys(params, {"alleOpen"}, errors)
    flag = params.get("alleOpen")
    if flag not in (None, "true", "false"):
        errors.append(FieldError("alleOpen", "bool_ongeldig", "Gebruik true of false."))
    if errors:
        raise ValidationFailed(errors)
    bundles = precases.suggest_bundles(session, principal, rt.catalogue,
                                       statuses=None if flag == "true" else precases.OPEN_FOR_BUNDLING)
    items = precases.bundles_json(session, principal, rt.catalogue, bundles)
    return {"items": items, "totaal": len(items)}


@router.get("/{id}", summary="Eén vooronderzoek met zijn signalen en privacytoetsen")
def read(id: str, request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    return precases.get_pre_case(session, principal, rt.catalogue, id, purpose=_purpose(request))


@router.post("/{id}/signalen", status_code=201, summary="Voeg signalen toe aan een vooronderzoek",
             openapi_extra=_body_schema(SignalenToevoegenIn))
async def add_signals(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                      principal: PrincipalDep) -> JSONResponse:
    b: SignalenToevoegenIn = validate_model(SignalenToevoegenIn, await _json(request))
    pre_case = precases.add_signals(session, principal, rt.catalogue, id, b.signalen)
    return JSONResponse(precases.pre_case_json(session, principal, rt.catalogue, pre_case), status_code=201)


@router.post("/{id}/privacytoetsen", status_code=201, summary="Leg privacytoets 1 vast voor een vooronderzoek",
             openapi_extra=_body_schema(PrivacytoetsIn),
             responses={201: {"description": "De vastgelegde toets; de genoemde subjecten zijn nu in te zien"},
                        404: {"description": "Onbekend vooronderzoek, of een dat u niet mag zien"},
                        422: {"description": "Ongeldige invoer; alle fouten in invalidParams"}})
async def record_check(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                       principal: PrincipalDep) -> JSONResponse:
    b: PrivacytoetsIn = validate_model(PrivacytoetsIn, await _json(request))
    return check_created(session, principal, rt, b, pre_case_id=id)


def check_created(session: SessionDep, principal: PrincipalDep, rt: RuntimeDep, b: PrivacytoetsIn, *,
                  pre_case_id: str | None = None, case_id: str | None = None) -> JSONResponse:
    """Record privacy check 1 for a pre-case or a case; 201 with the check and its subjects."""
    check = privacy.record_check_1(
        session, principal, rt.catalogue, pre_case_id=pre_case_id, case_id=case_id, legal_basis=b.grondslag,
        purpose=b.doel, necessity=b.noodzaak, proportionality=b.proportionaliteit, subsidiarity=b.subsidiariteit,
        subject_ids=b.subjecten)
    subjects = next(s for c, s in precases.checks_of(session, pre_case_id=pre_case_id, case_id=case_id)
                    if c.id == check.id)
    where = f"/api/v1/vooronderzoeken/{pre_case_id}" if pre_case_id else f"/api/v1/casussen/{case_id}"
    return JSONResponse(precases.check_json(check, subjects, rt.catalogue), status_code=201,
                        headers={"Location": where})

"""/api/v1/casussen and /api/v1/acties — the case table: open, invite, share (privacy check 2A),
weigh and decide (privacy check 2B), agree actions, move, close and reopen; the escalation list."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from weerbaar.api.deps import PrincipalDep, RuntimeDep, SessionDep
from weerbaar.api.signalen import _body_schema, _check_keys, _json
from weerbaar.api.vooronderzoeken import PrivacytoetsIn, check_created
from weerbaar.cases import serialize, service
from weerbaar.core.errors import FieldError, NotFound, ValidationFailed
from weerbaar.core.params import query_date
from weerbaar.intake.schemas import InputModel, validate_model

router = APIRouter(prefix="/casussen", tags=["Casussen"])
actions = APIRouter(prefix="/acties", tags=["Acties"])

MAX_ITEMS = 500
ERRORS_422: dict[int | str, dict[str, Any]] = {422: {"description": "Ongeldige invoer; alle fouten in invalidParams"}}
ERRORS_CASE: dict[int | str, dict[str, Any]] = {
    404: {"description": "Onbekende casus, of een casus waaraan uw organisatie niet deelneemt"},
    409: {"description": "De casus is afgesloten (alleen-lezen) of de overgang kan niet vanuit de huidige status"},
    **ERRORS_422}


def _valid_id(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise NotFound() from None


def _detail(session: Any, principal: Any, rt: Any, case_id: str, purpose: str) -> dict[str, Any]:
    view = service.case_view(session, principal, rt.catalogue, case_id, purpose=purpose)
    moves = [t.code for t in service.possible_transitions(rt.catalogue, principal, view.status)] \
        if view.whole else []
    return serialize.case_detail(view, rt.catalogue, moves)


class CasusIn(InputModel):
    """Een casus openen vanuit signalen en/of een vooronderzoek."""

    titel: str | None = Field(default=None, max_length=300)
    signalen: list[str] = Field(default_factory=list, max_length=MAX_ITEMS, description="ids van signalen")
    subjecten: list[str] = Field(default_factory=list, max_length=MAX_ITEMS, description="ids van subjecten")
    vooronderzoek: str | None = Field(default=None, max_length=36)
    fenomeen: str | None = Field(default=None, max_length=60)
    vertrouwelijkheid: str | None = Field(default=None, max_length=30)
    reden: str | None = Field(default=None, max_length=4000)


@router.post("", status_code=201, summary="Open een casus (intaketeam)", openapi_extra=_body_schema(CasusIn),
             responses={201: {"description": "De casus"}, **ERRORS_422})
async def create(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> JSONResponse:
    b: CasusIn = validate_model(CasusIn, await _json(request))
    case = service.open_case(session, principal, rt.catalogue, service.NewCase(
        title=b.titel, signals=b.signalen, subjects=b.subjecten, pre_case=b.vooronderzoek, phenomenon=b.fenomeen,
        confidentiality=b.vertrouwelijkheid, reason=b.reden))
    return JSONResponse(_detail(session, principal, rt, case.id, "casus openen"), status_code=201,
                        headers={"Location": f"/api/v1/casussen/{case.id}"})


@router.get("", summary="Casussen die u mag zien (eigen gemeente, of waaraan uw organisatie deelneemt); "
            "nazorg=bereikt: afgesloten casussen op of na hun nazorgdatum, met het aantal herhaalsignalen")
def list_(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    params = dict(request.query_params)
    errors: list[FieldError] = []
    _check_keys(params, {"status", "nazorg"}, errors)
    if params.get("nazorg") not in (None, "bereikt"):
        errors.append(FieldError("nazorg", "onbekend", "Gebruik nazorg=bereikt: afgesloten casussen waarvan de "
                                                       "nazorgdatum is aangebroken."))
    if errors:
        raise ValidationFailed(errors)
    rows = service.list_cases(session, principal, rt.catalogue, status=params.get("status") or None,
                              follow_up_due=params.get("nazorg") == "bereikt")
    return {"items": [serialize.case_summary(r.case, r.status, rt.catalogue, {
        "aantalDeelnemers": r.participants, "openActies": r.open_actions, "verlopenActies": r.overdue_actions,
        **({"resultaat": r.result, "nazorgdatum": r.follow_up_on.isoformat() if r.follow_up_on else None,
            "nazorgBereikt": r.follow_up_due} if r.status == service.STATUS_CLOSED else {}),
        **({"herhaalsignalen": r.repeats} if r.repeats is not None else {})})
        for r in rows], "totaal": len(rows)}


@router.get("/{id}", summary="Eén casus: wat met uw organisatie is gedeeld (het intaketeam ziet alles)",
            responses={404: ERRORS_CASE[404]})
def read(id: str, request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    params = dict(request.query_params)
    errors: list[FieldError] = []
    _check_keys(params, {"doel"}, errors)
    if errors:
        raise ValidationFailed(errors)
    return _detail(session, principal, rt, _valid_id(id), params.get("doel") or "casus inzien")


@router.post("/{id}/privacytoetsen", status_code=201, summary="Leg privacytoets 1 vast voor een casus (voor "
             "bronnenonderzoek naar haar subjecten)", openapi_extra=_body_schema(PrivacytoetsIn),
             responses={201: {"description": "De vastgelegde toets; de genoemde subjecten zijn nu in te zien"},
                        **ERRORS_CASE})
async def record_check(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                       principal: PrincipalDep) -> JSONResponse:
    b: PrivacytoetsIn = validate_model(PrivacytoetsIn, await _json(request))
    return check_created(session, principal, rt, b, case_id=_valid_id(id))


class DeelnemerIn(InputModel):
    organisatie: str | None = Field(default=None, max_length=36, description="id van de organisatie")
    grondslag: str | None = Field(default=None, max_length=40, description="code uit GET /api/v1/grondslagen")
    reden: str | None = Field(default=None, max_length=4000)


@router.post("/{id}/deelnemers", status_code=201, summary="Nodig een partner uit, op een grondslag",
             openapi_extra=_body_schema(DeelnemerIn), responses=ERRORS_CASE)
async def invite(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                 principal: PrincipalDep) -> JSONResponse:
    b: DeelnemerIn = validate_model(DeelnemerIn, await _json(request))
    row = service.invite(session, principal, rt.catalogue, _valid_id(id), b.organisatie, b.grondslag, b.reden)
    return JSONResponse({"id": row.id, "casus": row.case_id, "organisatie": row.organisation_id,
                         "grondslag": row.legal_basis}, status_code=201)


class CasusDelingIn(InputModel):
    """Privacytoets 2A: wat met één deelnemer wordt gedeeld."""

    organisatie: str | None = Field(default=None, max_length=36)
    signalen: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    subjecten: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    velden: list[str] = Field(default_factory=list, max_length=50,
                              description="deelvelden uit casusverloop.yaml, bijvoorbeeld omschrijving, locatie")
    reden: str | None = Field(default=None, max_length=4000, description="Waarom dit nodig is voor deze deelnemer")


@router.post("/{id}/delingen", status_code=201, summary="Deel signalen, subjecten en velden met een deelnemer "
             "(privacytoets 2A)", openapi_extra=_body_schema(CasusDelingIn), responses=ERRORS_CASE)
async def share(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                principal: PrincipalDep) -> JSONResponse:
    b: CasusDelingIn = validate_model(CasusDelingIn, await _json(request))
    row = service.share(session, principal, rt.catalogue, _valid_id(id), b.organisatie, b.signalen, b.subjecten,
                        b.velden, b.reden)
    return JSONResponse({"id": row.id, "casus": row.case_id, "organisatie": row.organisation_id,
                         "signalen": b.signalen, "subjecten": b.subjecten, "velden": row.fields}, status_code=201)


class KeuzeIn(InputModel):
    instrument: str | None = Field(default=None, max_length=60, description="code uit GET /api/v1/instrumenten")
    gekozen: bool | None = None
    motivering: str | None = Field(default=None, max_length=4000)
    organisatie: str | None = Field(default=None, max_length=36, description="de uitvoerende deelnemer")


class Privacytoets2bIn(InputModel):
    grondslag: str | None = Field(default=None, max_length=40)
    doel: str | None = Field(default=None, max_length=4000)
    noodzaak: str | None = Field(default=None, max_length=4000)
    proportionaliteit: str | None = Field(default=None, max_length=4000)
    subsidiariteit: str | None = Field(default=None, max_length=4000)
    extraDeling: str | None = Field(default=None, max_length=4000)
    organisaties: list[str] = Field(default_factory=list, max_length=50)


class IntegraleWegingIn(InputModel):
    """De integrale weging: per instrument gekozen of niet, met motivering; privacytoets 2B."""

    besluiten: list[KeuzeIn] = Field(default_factory=list, max_length=50)
    privacytoets2b: Privacytoets2bIn | None = None
    overleg: str | None = Field(default=None, max_length=36)


@router.post("/{id}/besluiten", status_code=201, summary="Leg de integrale weging en de strategie vast "
             "(met privacytoets 2B)", openapi_extra=_body_schema(IntegraleWegingIn), responses=ERRORS_CASE)
async def decide(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                 principal: PrincipalDep) -> JSONResponse:
    b: IntegraleWegingIn = validate_model(IntegraleWegingIn, await _json(request))
    p = b.privacytoets2b
    check = service.Check2B(p.grondslag, p.doel, p.noodzaak, p.proportionaliteit, p.subsidiariteit,
                            p.extraDeling, p.organisaties) if p else None
    service.decide(session, principal, rt.catalogue, _valid_id(id),
                   [service.Choice(c.instrument, c.gekozen, c.motivering, c.organisatie) for c in b.besluiten],
                   check, b.overleg)
    return JSONResponse(_detail(session, principal, rt, _valid_id(id), "integrale weging"), status_code=201)


class ActieIn(InputModel):
    omschrijving: str | None = Field(default=None, max_length=4000)
    organisatie: str | None = Field(default=None, max_length=36)
    verantwoordelijke: str | None = Field(default=None, max_length=200)
    deadline: date | None = None
    besluit: str | None = Field(default=None, max_length=36)


@router.post("/{id}/acties", status_code=201, summary="Spreek een actie af met een deelnemer",
             openapi_extra=_body_schema(ActieIn), responses=ERRORS_CASE)
async def add_action(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                     principal: PrincipalDep) -> JSONResponse:
    b: ActieIn = validate_model(ActieIn, await _json(request))
    row = service.add_action(session, principal, rt.catalogue, _valid_id(id), service.NewAction(
        b.omschrijving, b.organisatie, b.verantwoordelijke, b.deadline, b.besluit))
    view = service.get_action(session, principal, rt.catalogue, row.id, log=False)
    return JSONResponse(serialize.action(view, rt.catalogue), status_code=201,
                        headers={"Location": f"/api/v1/acties/{row.id}"})


class CasusStatusIn(InputModel):
    overgang: str = Field(max_length=60, description="naar_weging, naar_uitvoering, afsluiten of heropenen")
    reden: str | None = Field(default=None, max_length=4000)
    resultaat: str | None = Field(default=None, max_length=60)
    nazorgdatum: date | None = None


@router.post("/{id}/statussen", status_code=201, summary="Zet een casus een stap verder, sluit haar af of "
             "heropen haar", openapi_extra=_body_schema(CasusStatusIn), responses=ERRORS_CASE)
async def change_status(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                        principal: PrincipalDep) -> JSONResponse:
    b: CasusStatusIn = validate_model(CasusStatusIn, await _json(request))
    service.change_status(session, principal, rt.catalogue, _valid_id(id),
                          service.CaseChange(b.overgang, b.reden, b.resultaat, b.nazorgdatum))
    return JSONResponse(_detail(session, principal, rt, _valid_id(id), "status wijzigen"), status_code=201)


# ---------------------------------------------------------------------------------------------
# /api/v1/acties
# ---------------------------------------------------------------------------------------------


@actions.get("", summary="Acties die u mag zien; status=verlopen geeft de escalatielijst voor de stuurgroep")
def list_actions(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    params = dict(request.query_params)
    errors: list[FieldError] = []
    _check_keys(params, {"status", "casus", "organisatie", "peildatum"}, errors)
    on = query_date(params, "peildatum", errors)
    if errors:
        raise ValidationFailed(errors)
    rows = service.list_actions(session, principal, rt.catalogue, status=params.get("status") or None,
                                case_id=params.get("casus") or None,
                                organisation_id=params.get("organisatie") or None, on=on)
    return {"items": [serialize.action(a, rt.catalogue) for a in rows], "totaal": len(rows)}


@actions.get("/{id}", summary="Eén actie", responses={404: {"description": "Onbekende actie"}})
def read_action(id: str, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    view = service.get_action(session, principal, rt.catalogue, _valid_id(id))
    return serialize.action(view, rt.catalogue)


class VoortgangIn(InputModel):
    status: str | None = Field(default=None, max_length=20, description="open, in_uitvoering, gereed of vervallen")
    toelichting: str | None = Field(default=None, max_length=4000)


@actions.post("/{id}/voortgang", status_code=201, summary="Werk de voortgang van een actie van uw organisatie bij",
              openapi_extra=_body_schema(VoortgangIn),
              responses={403: {"description": "De actie is van een andere organisatie"},
                         404: {"description": "Onbekende actie"}, 409: ERRORS_CASE[409], **ERRORS_422})
async def update_action(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                        principal: PrincipalDep) -> JSONResponse:
    b: VoortgangIn = validate_model(VoortgangIn, await _json(request))
    service.update_action(session, principal, rt.catalogue, _valid_id(id), b.status, b.toelichting)
    view = service.get_action(session, principal, rt.catalogue, _valid_id(id), log=False)
    return JSONResponse(serialize.action(view, rt.catalogue), status_code=201)

"""/api/v1/beraden — the five-B partner session (beraad): plan it, walk its five phases (Binden,
Boeien, Bekwamen, Bepalen, Beklinken), record commitments as tracked actions and the sign-off, and
download the agreement document (convenant) as PDF."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import Field

from weerbaar.api.deps import PrincipalDep, RuntimeDep, SessionDep
from weerbaar.api.signalen import _body_schema, _check_keys, _json
from weerbaar.cases import serialize
from weerbaar.cases import service as cases
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.errors import FieldError, ValidationFailed
from weerbaar.intake.schemas import InputModel, validate_model
from weerbaar.prevention import agreement, sessions
from weerbaar.prevention.sessions_models import PartnerSession

router = APIRouter(prefix="/beraden", tags=["Beraden"])

ERRORS: dict[int | str, dict[str, Any]] = {403: {"description": "Alleen wie de preventie van de gemeente regelt"},
          404: {"description": "Onbekend beraad, of een beraad dat u niet mag zien"},
          409: {"description": "Het beraad is al ondertekend"},
          422: {"description": "Ongeldige invoer; alle fouten in invalidParams"}}


class BeraadIn(InputModel):
    """Een vijf-B-beraad van de eigen gemeente."""

    titel: str | None = Field(default=None, max_length=300, description="Bijvoorbeeld 'Beraad hennep Noord'")
    datum: date | None = Field(default=None, description="Datum van het beraad (JJJJ-MM-DD)")


class FaseIn(InputModel):
    status: str | None = Field(default=None, max_length=20, description="open, bezig of afgerond")
    toelichting: str | None = Field(default=None, max_length=8000,
                                    description="Binden: de werkafspraken; Bekwamen: de uitkomst van de oefening")


class BeraadDeelnemerIn(InputModel):
    naam: str | None = Field(default=None, max_length=200)
    organisatie: str | None = Field(default=None, max_length=36, description="id van een geregistreerde organisatie")
    rol: str | None = Field(default=None, max_length=30,
                            description="code van een rol uit beraad.yaml, bijvoorbeeld voorzitter of deelnemer")
    email: str | None = Field(default=None, max_length=200)
    telefoon: str | None = Field(default=None, max_length=40)


class GrondslagIn(InputModel):
    organisatie: str | None = Field(default=None, max_length=36)
    grondslag: str | None = Field(default=None, max_length=40, description="code uit grondslagen.yaml")
    toelichting: str | None = Field(default=None, max_length=8000)


class TrainingIn(InputModel):
    titel: str | None = Field(default=None, max_length=200)


class StemIn(InputModel):
    deelnemer: str | None = Field(default=None, max_length=36)
    fenomenen: list[str] = Field(default_factory=list, max_length=10, description="hoogste prioriteit eerst")
    strategieen: list[str] = Field(default_factory=list, max_length=10, description="codes uit instrumenten.yaml")


class PrioriteitIn(InputModel):
    soort: str | None = Field(default=None, max_length=20, description="fenomeen of strategie")
    code: str | None = Field(default=None, max_length=60)
    toelichting: str | None = Field(default=None, max_length=8000, description="waarom de tafel dit kiest")


class AfspraakIn(InputModel):
    omschrijving: str | None = Field(default=None, max_length=4000)
    organisatie: str | None = Field(default=None, max_length=36, description="id van een organisatie aan tafel")
    verantwoordelijke: str | None = Field(default=None, max_length=200)
    deadline: date | None = None


BODY_MODELS = (BeraadIn, FaseIn, BeraadDeelnemerIn, GrondslagIn, TrainingIn, StemIn, PrioriteitIn, AfspraakIn)


def _links(ps: PartnerSession) -> dict[str, Any]:
    return {"self": {"href": f"/api/v1/beraden/{ps.id}"},
            "overeenkomst": {"href": f"/api/v1/beraden/{ps.id}/overeenkomst"}}


def _phase(p: sessions.PhaseView) -> dict[str, Any]:
    return {"code": p.code, "naam": p.name, "doel": p.purpose, "status": p.state, "toelichting": p.note,
            "bijgewerktOp": p.at.isoformat() if p.at else None, "bijgewerktDoor": p.by}


def _ref(ps: PartnerSession) -> dict[str, Any]:
    return {"id": ps.id, "titel": ps.title, "datum": ps.held_on.isoformat(), "gemeente": ps.municipality_code,
            "ondertekendOp": ps.signed_off_at.isoformat() if ps.signed_off_at else None}


def session_json(view: sessions.SessionView, catalogue: Catalogue) -> dict[str, Any]:
    ps = view.session
    names = {**{c: p.naam for c, p in catalogue.phenomena.items()}, **sessions.strategies(catalogue)}
    return {
        **_ref(ps),
        "organisatie": {"id": view.organisation.id, "naam": view.organisation.name},
        "ondertekendDoor": ps.signed_off_by_name,
        "huidigeFase": view.current_phase,
        "fasen": [_phase(p) for p in view.phases],
        "deelnemers": [{"id": p.id, "naam": p.name, "organisatie": {"id": o.id, "naam": o.name, "type": o.type},
                        "rol": p.role, "email": p.email, "telefoon": p.phone} for p, o in view.participants],
        "grondslagen": [{"organisatie": {"id": o.id, "naam": o.name}, "grondslag": b.legal_basis,
                         "naam": catalogue.legal_bases[b.legal_basis].naam if b.legal_basis in catalogue.legal_bases
                         else b.legal_basis, "toelichting": b.note} for b, o in view.bases],
        "beeld": ps.picture,
        "trainingsronde": ({"id": ps.training_round_id, "titel": view.training.title,
                            "deelnemers": view.training.players, "antwoorden": view.training.answers,
                            "goed": view.training.right,
                            "perFenomeen": [{"naam": n, "antwoorden": a, "goed": r}
                                            for n, a, r in view.training.per_phenomenon],
                            "_links": {"self": {"href": f"/api/v1/trainingen/{ps.training_round_id}"}}}
                           if view.training else None),
        "telling": {
            "stemmen": view.tally.ballots,
            "fenomenen": [{"code": r.code, "naam": r.name, "punten": r.points, "eerstePlaatsen": r.firsts,
                           "plaats": r.place} for r in view.tally.phenomena],
            "strategieen": [{"code": r.code, "naam": r.name, "stemmen": r.points, "plaats": r.place}
                            for r in view.tally.strategies],
            "gelijkeStanden": view.tally.ties,
        },
        "prioriteiten": [{"soort": p.kind, "code": p.code, "naam": names.get(p.code, p.code), "toelichting": p.reason,
                          "vastgelegdOp": p.at.isoformat()} for p in view.priorities],
        "afspraken": [serialize.action(a, catalogue) for a in view.commitments],
        "vorigBeraad": ({**_ref(view.previous), "afspraken": [serialize.action(a, catalogue)
                                                               for a in view.previous_commitments]}
                        if view.previous else None),
        "_links": _links(ps),
    }


def _read(session: SessionDep, principal: PrincipalDep, rt: RuntimeDep, session_id: str, purpose: str,
          status: int = 200) -> JSONResponse:
    view = sessions.session_view(session, principal, rt.catalogue, session_id, purpose=purpose, log=False)
    return JSONResponse(session_json(view, rt.catalogue), status_code=status)


@router.post("", status_code=201, summary="Plan een vijf-B-beraad van de eigen gemeente",
             openapi_extra=_body_schema(BeraadIn),
             responses={201: {"description": "Het beraad met zijn vijf fasen (open) en de afspraken van het vorige"},
                        **ERRORS})
async def create(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> JSONResponse:
    b: BeraadIn = validate_model(BeraadIn, await _json(request))
    ps = sessions.create_session(session, principal, b.titel, b.datum)
    view = sessions.session_view(session, principal, rt.catalogue, ps.id, log=False)
    return JSONResponse(session_json(view, rt.catalogue), status_code=201,
                        headers={"Location": f"/api/v1/beraden/{ps.id}"})


@router.get("", summary="Beraden die u mag zien (de gemeente: alle; een partner: waar zij aan tafel zit)")
def list_(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    errors: list[FieldError] = []
    _check_keys(dict(request.query_params), set(), errors)
    if errors:
        raise ValidationFailed(errors)
    rows = sessions.list_sessions(session, principal, rt.catalogue)
    return {"items": [{**_ref(r.session), "aantalDeelnemers": r.participants, "fasenAfgerond": r.done,
                       "fasen": {p.code: p.state for p in r.phases}, "_links": _links(r.session)} for r in rows],
            "totaal": len(rows)}


@router.get("/{id}", summary="Eén beraad: de vijf fasen met hun status en inhoud, de afspraken en die van het "
            "vorige beraad", responses={404: ERRORS[404]})
def read(id: str, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    return session_json(sessions.session_view(session, principal, rt.catalogue, id), rt.catalogue)


@router.put("/{id}/fasen/{fase}", summary="Status en toelichting van één fase", openapi_extra=_body_schema(FaseIn),
            responses=ERRORS)
async def phase(id: str, fase: str, request: Request, rt: RuntimeDep, session: SessionDep,
                principal: PrincipalDep) -> JSONResponse:
    b: FaseIn = validate_model(FaseIn, await _json(request))
    sessions.set_phase(session, principal, id, fase, b.status, b.toelichting)
    return _read(session, principal, rt, id, "fase bijwerken")


@router.post("/{id}/deelnemers", status_code=201, summary="Binden: een deelnemer aan tafel",
             openapi_extra=_body_schema(BeraadDeelnemerIn), responses=ERRORS)
async def participant(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                      principal: PrincipalDep) -> JSONResponse:
    b: BeraadDeelnemerIn = validate_model(BeraadDeelnemerIn, await _json(request))
    sessions.add_participant(session, principal, rt.catalogue, id,
                             sessions.NewParticipant(b.naam, b.organisatie, b.rol, b.email, b.telefoon))
    return _read(session, principal, rt, id, "deelnemer toevoegen", status=201)


@router.put("/{id}/grondslagen", summary="Binden: de grondslag waarop een organisatie aan tafel deelt",
            openapi_extra=_body_schema(GrondslagIn), responses=ERRORS)
async def basis(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                principal: PrincipalDep) -> JSONResponse:
    b: GrondslagIn = validate_model(GrondslagIn, await _json(request))
    sessions.set_basis(session, principal, rt.catalogue, id, b.organisatie, b.grondslag, b.toelichting)
    return _read(session, principal, rt, id, "grondslag vastleggen")


@router.post("/{id}/beeld", status_code=201, summary="Boeien: leg het gedeelde, geaggregeerde beeld van het gebied "
             "vast (afgeschermd zoals voor partners)", responses=ERRORS)
def picture(id: str, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> JSONResponse:
    sessions.capture_picture(session, principal, rt.catalogue, id)
    return _read(session, principal, rt, id, "beeld vastleggen", status=201)


@router.post("/{id}/training", status_code=201, summary="Bekwamen: start een trainingsronde voor dit beraad",
             openapi_extra=_body_schema(TrainingIn), responses=ERRORS)
async def training(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                   principal: PrincipalDep) -> JSONResponse:
    b: TrainingIn = validate_model(TrainingIn, await _json(request))
    sessions.start_training(session, principal, rt.catalogue, id, b.titel)
    return _read(session, principal, rt, id, "trainingsronde koppelen", status=201)


@router.post("/{id}/stemmen", status_code=201, summary="Bepalen: de stem van één deelnemer (fenomenen gerangschikt, "
             "strategieën gekozen); vervangt een eerdere stem", openapi_extra=_body_schema(StemIn), responses=ERRORS)
async def ballot(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                 principal: PrincipalDep) -> JSONResponse:
    b: StemIn = validate_model(StemIn, await _json(request))
    sessions.vote(session, principal, rt.catalogue, id, b.deelnemer, b.fenomenen, b.strategieen)
    return _read(session, principal, rt, id, "stemmen", status=201)


@router.post("/{id}/prioriteiten", status_code=201, summary="Bepalen: een gekozen prioriteit of strategie met reden",
             openapi_extra=_body_schema(PrioriteitIn), responses=ERRORS)
async def priority(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                   principal: PrincipalDep) -> JSONResponse:
    b: PrioriteitIn = validate_model(PrioriteitIn, await _json(request))
    sessions.choose_priority(session, principal, rt.catalogue, id, b.soort, b.code, b.toelichting)
    return _read(session, principal, rt, id, "prioriteit kiezen", status=201)


@router.post("/{id}/afspraken", status_code=201, summary="Beklinken: een afspraak van een partner aan tafel, "
             "als actie te volgen in /acties", openapi_extra=_body_schema(AfspraakIn), responses=ERRORS)
async def commitment(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                     principal: PrincipalDep) -> JSONResponse:
    b: AfspraakIn = validate_model(AfspraakIn, await _json(request))
    row = sessions.add_session_commitment(session, principal, id, cases.NewAction(
        b.omschrijving, b.organisatie, b.verantwoordelijke, b.deadline))
    view = cases.get_action(session, principal, rt.catalogue, row.id, log=False)
    return JSONResponse(serialize.action(view, rt.catalogue), status_code=201,
                        headers={"Location": f"/api/v1/acties/{row.id}"})


@router.post("/{id}/ondertekening", status_code=201, summary="Beklinken: onderteken het beraad (wie en wanneer); "
             "daarna verandert het niet meer", responses=ERRORS)
def sign(id: str, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> JSONResponse:
    sessions.sign_off(session, principal, id)
    return _read(session, principal, rt, id, "beraad ondertekenen", status=201)


@router.get("/{id}/overeenkomst", summary="Het convenant van het beraad als PDF",
            responses={200: {"description": "Het convenant", "content": {"application/pdf": {}}}, 404: ERRORS[404]})
def document(id: str, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> Response:
    body, name = agreement.agreement_pdf(session, principal, rt.catalogue, id)
    return Response(body, media_type="application/pdf", headers={
        "Cache-Control": "no-store", "Content-Disposition": f'attachment; filename="{name}.pdf"'})

"""/api/v1/overleggen — meetings of the partner table: plan, agenda, minutes, and the report
(verslag) per participant as HTML or PDF."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import Field

from weerbaar.api.deps import PrincipalDep, RuntimeDep, SessionDep
from weerbaar.api.signalen import _body_schema, _check_keys, _json
from weerbaar.cases import meetings, report
from weerbaar.cases.models import Meeting, MeetingItem
from weerbaar.cases.serialize import case_detail, case_summary
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.errors import FieldError, NotFound, ValidationFailed
from weerbaar.core.models import Organisation
from weerbaar.intake.schemas import InputModel, validate_model

router = APIRouter(prefix="/overleggen", tags=["Overleggen"])


class OverlegIn(InputModel):
    """Een overleg van de partnertafel van de eigen gemeente."""

    titel: str | None = Field(default=None, max_length=300, description="Bijvoorbeeld 'Casusoverleg maart'")
    datum: date | None = Field(default=None, description="Datum van het overleg (JJJJ-MM-DD)")


class AgendapuntIn(InputModel):
    casus: str | None = Field(default=None, max_length=36, description="id van de casus die op de agenda komt")


class NotulenIn(InputModel):
    notulen: str | None = Field(default=None, max_length=20000,
                                description="Wat over de casus is besproken; alle deelnemers aan de casus lezen dit")


def _id(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise NotFound() from None


def _links(meeting_id: str) -> dict[str, Any]:
    return {"self": {"href": f"/api/v1/overleggen/{meeting_id}"},
            "verslag": {"href": f"/api/v1/overleggen/{meeting_id}/verslag"}}


def _meeting_ref(m: Meeting) -> dict[str, Any]:
    return {"id": m.id, "titel": m.title, "datum": m.held_on.isoformat(), "gemeente": m.municipality_code,
            "organisatie": m.organisation_id}


def agenda_item_json(item: meetings.AgendaItem, catalogue: Catalogue) -> dict[str, Any]:
    """One agenda item: the case as this principal sees it (number, title, status), the minutes,
    the decision log (the latest decision per instrument, marked when taken in this meeting) and
    the actions."""
    detail = case_detail(item.view, catalogue, [])
    return {
        "positie": item.item.position,
        "casus": case_summary(item.view.case, item.view.status, catalogue),
        "notulen": item.item.minutes,
        "besluiten": [{**d, "inDitOverleg": d["overleg"] == item.item.meeting_id} for d in detail["besluiten"]],
        "acties": detail["acties"],
    }


def meeting_json(view: meetings.MeetingView, catalogue: Catalogue) -> dict[str, Any]:
    return {**_meeting_ref(view.meeting), "agenda": [agenda_item_json(i, catalogue) for i in view.items],
            "_links": _links(view.meeting.id)}


@router.post("", status_code=201, summary="Plan een overleg van de eigen gemeente (intaketeam)",
             openapi_extra=_body_schema(OverlegIn),
             responses={201: {"description": "Het overleg, met een lege agenda"},
                        403: {"description": "Alleen het intaketeam plant overleggen"},
                        422: {"description": "Ongeldige invoer; alle fouten in invalidParams"}})
async def create(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> JSONResponse:
    b: OverlegIn = validate_model(OverlegIn, await _json(request))
    meeting = meetings.create_meeting(session, principal, b.titel, b.datum)
    view = meetings.meeting_view(session, principal, rt.catalogue, meeting.id, purpose="overleg plannen")
    return JSONResponse(meeting_json(view, rt.catalogue), status_code=201,
                        headers={"Location": f"/api/v1/overleggen/{meeting.id}"})


@router.get("", summary="Overleggen die u mag zien (de gemeente: alle; een partner: waar een van haar casussen "
            "op de agenda staat)")
def list_(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    errors: list[FieldError] = []
    _check_keys(dict(request.query_params), set(), errors)
    if errors:
        raise ValidationFailed(errors)
    rows = meetings.list_meetings(session, principal, rt.catalogue)
    return {"items": [{**_meeting_ref(r.meeting), "aantalAgendapunten": r.items, "_links": _links(r.meeting.id)}
                      for r in rows], "totaal": len(rows)}


@router.get("/{id}", summary="Eén overleg: de agenda met per casus de status, de notulen, de besluiten en de "
            "afspraken, voor zover u die casus mag zien",
            responses={404: {"description": "Onbekend overleg, of een overleg dat u niet mag zien"}})
def read(id: str, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    return meeting_json(meetings.meeting_view(session, principal, rt.catalogue, _id(id)), rt.catalogue)


@router.post("/{id}/agendapunten", status_code=201, summary="Zet een casus op de agenda (intaketeam)",
             openapi_extra=_body_schema(AgendapuntIn),
             responses={201: {"description": "Het overleg met de bijgewerkte agenda"},
                        404: {"description": "Onbekend overleg"}, 409: {"description": "Staat al op de agenda"},
                        422: {"description": "Onbekende casus"}})
async def add_item(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                   principal: PrincipalDep) -> JSONResponse:
    b: AgendapuntIn = validate_model(AgendapuntIn, await _json(request))
    meeting_id = _id(id)
    meetings.add_to_agenda(session, principal, rt.catalogue, meeting_id, b.casus)
    view = meetings.meeting_view(session, principal, rt.catalogue, meeting_id, purpose="casus agenderen")
    return JSONResponse(meeting_json(view, rt.catalogue), status_code=201)


@router.put("/{id}/agendapunten/{casus}", summary="Leg de notulen van een agendapunt vast (intaketeam); "
            "vervangt eerdere notulen van dat punt", openapi_extra=_body_schema(NotulenIn),
            responses={404: {"description": "Onbekend overleg, of de casus staat niet op de agenda"}})
async def minutes(id: str, casus: str, request: Request, rt: RuntimeDep, session: SessionDep,
                  principal: PrincipalDep) -> dict[str, Any]:
    b: NotulenIn = validate_model(NotulenIn, await _json(request))
    item: MeetingItem = meetings.record_minutes(session, principal, rt.catalogue, _id(id), _id(casus), b.notulen)
    view = meetings.meeting_view(session, principal, rt.catalogue, item.meeting_id, purpose="notuleren", log=False)
    return next(agenda_item_json(i, rt.catalogue) for i in view.items if i.item.id == item.id)


@router.get("/{id}/verslag", summary="Het verslag voor één deelnemer, als HTML of PDF: alleen wat met die "
            "organisatie is gedeeld (het intaketeam kan het voor elke deelnemer maken, een partner voor zichzelf)",
            responses={200: {"description": "Het verslag",
                             "content": {"text/html": {}, "application/pdf": {}}},
                       403: {"description": "Een partner vraagt het verslag van een andere organisatie"},
                       404: {"description": "Onbekend overleg, of een overleg dat u niet mag zien"},
                       422: {"description": "Onbekende organisatie of formaat"}})
def export(id: str, request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> Response:
    params = dict(request.query_params)
    errors: list[FieldError] = []
    _check_keys(params, {"organisatie", "formaat"}, errors)
    fmt = params.get("formaat") or ("pdf" if "application/pdf" in request.headers.get("accept", "") else "html")
    if fmt not in report.FORMATS:
        errors.append(FieldError("formaat", "onbekend", "Kies html of pdf."))
    if errors:
        raise ValidationFailed(errors)
    view = meetings.report_view(session, principal, rt.catalogue, _id(id), params.get("organisatie"), fmt)
    owner = session.get_one(Organisation, view.meeting.organisation_id)
    doc = report.build_report(view, rt.catalogue, owner.name)
    body, media_type, headers = report.rendered(doc, fmt)
    return Response(body, media_type=media_type, headers=headers)

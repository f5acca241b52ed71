"""/api/v1/trainingen — signal-recognition training (Bekwamen): start a round, read its questions
(the right answers only after answering), answer, join a session with its code, lead a session,
and the results per phenomenon of the own municipality."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from weerbaar.api.deps import PrincipalDep, RuntimeDep, SessionDep
from weerbaar.api.signalen import _body_schema, _check_keys, _json
from weerbaar.core.errors import FieldError, NotFound, ValidationFailed
from weerbaar.intake.schemas import InputModel, validate_model
from weerbaar.prevention import training

router = APIRouter(prefix="/trainingen", tags=["Trainingen"])


class TrainingIn(InputModel):
    """Een trainingsronde signaalherkenning: zelf oefenen of een sessie met een code voor de deelnemers."""

    titel: str | None = Field(default=None, max_length=300, description="Bijvoorbeeld 'Oefenen hennepteelt'")
    fenomenen: list[str] | None = Field(default=None, max_length=20,
                                        description="Codes van fenomenen (catalogus); leeg: alle fenomenen")
    aantal: int | None = Field(default=training.DEFAULT_SIZE, description="Aantal vragen (1 tot 30)")
    modus: str | None = Field(default="oefenen", description="oefenen (zelf) of sessie (met scherm en code)")
    zaad: int | None = Field(default=None, ge=0, le=2**31 - 1,
                             description="Startgetal van de generator: hetzelfde getal geeft dezelfde vragen")
    beraad: str | None = Field(default=None, max_length=36, description="id van het vijf-B-beraad (optioneel)")


class AntwoordIn(InputModel):
    vraag: int | None = Field(default=None, description="Nummer van de vraag in de ronde, vanaf 0")
    antwoord: list[str] | None = Field(default=None, max_length=20, description="Codes van de gekozen opties")


class DeelnameIn(InputModel):
    code: str | None = Field(default=None, max_length=20, description="De code die de leider van de sessie toont")


class StapIn(InputModel):
    stap: str | None = Field(default=None, max_length=20, description="uitslag, volgende of afsluiten")


BODY_MODELS = (TrainingIn, AntwoordIn, DeelnameIn, StapIn)


def _id(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise NotFound() from None


def question_json(view: training.RoundView, index: int) -> dict[str, Any]:
    q = view.round.questions[index]
    out: dict[str, Any] = {"nummer": index, "soort": q["soort"], "fenomeen": q["fenomeen"], "vraag": q["vraag"],
                           "scenario": q["scenario"], "opties": q["opties"], "meerdereAntwoorden": q["meerdere"],
                           "uitGeanonimiseerdeCasus": q["casus"]}
    mine = view.answers.get(index)
    if mine is not None:
        out["mijnAntwoord"] = {"gekozen": mine.chosen, "goed": mine.correct}
    if view.revealed(index):
        out.update(juist=q["juist"], uitleg=q["uitleg"], bron=q["bron"])
    return out


def round_json(view: training.RoundView) -> dict[str, Any]:
    r = view.round
    body: dict[str, Any] = {
        "id": r.id, "titel": r.title, "modus": r.mode, "gemeente": r.municipality_code, "fenomenen": r.phenomena,
        "zaad": r.seed, "beraad": r.beraad_id, "afgelopen": r.closed_at is not None,
        "aantalVragen": len(r.questions), "aantalDeelnemers": view.participants,
        "deelnemer": view.participant is not None,
        "score": {"goed": view.score.right, "beantwoord": view.score.answered, "totaal": view.score.total},
        "vragen": [question_json(view, i) for i in range(len(r.questions))],
        "_links": {"self": {"href": f"/api/v1/trainingen/{r.id}"}, "pagina": {"href": f"/training/{r.id}"}},
    }
    if r.mode == "sessie":
        body["huidigeVraag"] = r.current
        body["uitslagGetoond"] = r.showing_results
        if view.facilitator:
            body["code"] = r.join_code
            body["_links"]["scherm"] = {"href": f"/training/{r.id}/scherm"}
    return body


@router.post("", status_code=201, summary="Start een trainingsronde: zelf oefenen (preventie.deelnemen) of een "
             "sessie met een code voor de deelnemers (preventie.beheren)", openapi_extra=_body_schema(TrainingIn),
             responses={201: {"description": "De ronde met haar vragen, zonder de goede antwoorden"},
                        403: {"description": "Uw rol mag dit niet"},
                        422: {"description": "Ongeldige invoer; alle fouten in invalidParams"}})
async def start(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> JSONResponse:
    b: TrainingIn = validate_model(TrainingIn, await _json(request))
    rnd = training.start_round(session, principal, rt.catalogue, title=b.titel, phenomena=b.fenomenen,
                               size=b.aantal, seed=b.zaad, mode=b.modus, beraad=b.beraad)
    view = training.round_view(session, principal, rnd.id, log=False)
    return JSONResponse(round_json(view), status_code=201, headers={"Location": f"/api/v1/trainingen/{rnd.id}"})


@router.get("/resultaten", summary="Resultaten per fenomeen van de eigen gemeente, over alle rondes: waar het "
            "bewustzijn het zwakst is eerst; onder de 5 antwoorden 'te weinig'")
def results(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    errors: list[FieldError] = []
    _check_keys(dict(request.query_params), set(), errors)
    if errors:
        raise ValidationFailed(errors)
    rows = training.results(session, principal, rt.catalogue)
    return {"minimumAantalAntwoorden": training.MIN_ANSWERS, "items": [
        {"fenomeen": r.code, "naam": r.name, "aantalAntwoorden": r.answers,
         "aantalGoed": r.right if r.enough else None,
         "aandeelGoed": round(r.share, 3) if r.share is not None else None,
         "oordeel": None if r.enough else "te weinig"} for r in rows]}


@router.post("/_deelnemen", summary="Doe mee aan een lopende sessie met de code van het scherm",
             openapi_extra=_body_schema(DeelnameIn),
             responses={200: {"description": "De ronde"}, 422: {"description": "Onbekende code"}})
async def join(request: Request, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    b: DeelnameIn = validate_model(DeelnameIn, await _json(request))
    rnd = training.join(session, principal, b.code)
    return round_json(training.round_view(session, principal, rnd.id, log=False))


@router.get("/{id}", summary="Eén ronde: de vragen, met de goede antwoorden en uitleg alleen bij wat u al heeft "
            "beantwoord (of wat het scherm al toonde)",
            responses={404: {"description": "Onbekende ronde, of een ronde die u niet mag zien"}})
def read(id: str, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    view = training.round_view(session, principal, _id(id))
    body = round_json(view)
    if view.facilitator:
        body["deelnemers"] = [{"naam": p.name, "organisatie": p.organisation, "goed": p.right,
                               "beantwoord": p.answered}
                              for p in training.participant_scores(session, principal, view.round)]
    return body


@router.post("/{id}/antwoorden", status_code=201, summary="Beantwoord één vraag (eenmalig; een antwoord wordt "
             "niet gewijzigd)", openapi_extra=_body_schema(AntwoordIn),
             responses={201: {"description": "Goed of fout, het goede antwoord en de uitleg"},
                        403: {"description": "U doet niet mee aan deze ronde"},
                        404: {"description": "Onbekende ronde"}, 409: {"description": "Al beantwoord"},
                        422: {"description": "Ongeldig antwoord, of de vraag staat niet open"}})
async def answer(id: str, request: Request, session: SessionDep, principal: PrincipalDep) -> JSONResponse:
    b: AntwoordIn = validate_model(AntwoordIn, await _json(request))
    row = training.answer(session, principal, _id(id), b.vraag, b.antwoord)
    view = training.round_view(session, principal, row.round_id, log=False)
    return JSONResponse({"vraag": question_json(view, row.question), "goed": row.correct,
                         "score": {"goed": view.score.right, "beantwoord": view.score.answered,
                                   "totaal": view.score.total}}, status_code=201)


@router.post("/{id}/_stap", summary="Zet het scherm van een sessie verder (leider): uitslag, volgende of afsluiten",
             openapi_extra=_body_schema(StapIn),
             responses={403: {"description": "Alleen de leider van de sessie"}, 404: {"description": "Onbekend"},
                        409: {"description": "De ronde is al afgelopen"}})
async def step(id: str, request: Request, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    b: StapIn = validate_model(StapIn, await _json(request))
    rnd = training.advance(session, principal, _id(id), b.stap)
    return round_json(training.round_view(session, principal, rnd.id, log=False))

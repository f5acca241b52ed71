"""/api/v1/weerbaarheidsscans — rounds of the resilience scan of the municipality's own organisation:
open a round, answer it (own answers only), close it, read the aggregated result and adopt
improvement actions from its action plan. Only the municipality's own staff see any of it."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from weerbaar.api.deps import PrincipalDep, RuntimeDep, SessionDep
from weerbaar.api.signalen import _body_schema, _check_keys, _json
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.errors import FieldError, NotFound, ValidationFailed
from weerbaar.intake.schemas import InputModel, validate_model
from weerbaar.prevention import scan

router = APIRouter(prefix="/weerbaarheidsscans", tags=["Weerbaarheidsscan"])
BASE = "/api/v1/weerbaarheidsscans"


class RondeIn(InputModel):
    """Een nieuwe ronde van de weerbaarheidsscan voor de eigen gemeente."""

    titel: str | None = Field(default=None, max_length=200, description="Titel van de ronde")
    periodeVan: date | None = Field(default=None, description="Eerste dag van de periode (JJJJ-MM-DD)")
    periodeTot: date | None = Field(default=None, description="Laatste dag van de periode (JJJJ-MM-DD)")


class AntwoordenIn(InputModel):
    """Uw eigen antwoorden: per stellingcode een niveau 1 t/m 5, of "weet_niet"."""

    antwoorden: dict[str, Any] = Field(description="Stellingcode → 1, 2, 3, 4, 5 of \"weet_niet\"")


class OvernameIn(InputModel):
    """Eén verbeteractie uit het voorgestelde actieplan; lege velden nemen het voorstel over."""

    verbeteractie: str | None = Field(default=None, max_length=60, description="Code van de verbeteractie")
    omschrijving: str | None = Field(default=None, max_length=4000, description="Andere omschrijving (optioneel)")
    organisatie: str | None = Field(default=None, max_length=36,
                                    description="id van de uitvoerende organisatie (standaard: uw eigen gemeente)")
    verantwoordelijke: str | None = Field(default=None, max_length=200,
                                          description="Wie verantwoordelijk is (standaard: de voorgestelde eigenaar)")
    deadline: date | None = Field(default=None, description="Deadline (standaard: de voorgestelde termijn)")


class ActiesIn(InputModel):
    """Verbeteracties om over te nemen als gevolgde acties."""

    acties: list[OvernameIn] = Field(default_factory=list)


BODY_MODELS = (RondeIn, AntwoordenIn, OvernameIn, ActiesIn)


def _id(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise NotFound() from None


def round_json(s: scan.RoundSummary) -> dict[str, Any]:
    r = s.round
    return {
        "id": r.id,
        "titel": r.title,
        "periode": {"van": r.period_start.isoformat(), "tot": r.period_end.isoformat()},
        "gemeente": r.municipality_code,
        "status": "gesloten" if s.closed else "open",
        "geopendOp": r.opened_at.isoformat(),
        "geslotenOp": r.closed_at.isoformat() if r.closed_at else None,
        "vragenlijstVersie": r.questionnaire_version,
        "aantalRespondenten": s.respondents,
        "doorMijIngevuld": s.answered_by_me,
        "_links": {"self": {"href": f"{BASE}/{r.id}"}, "antwoorden": {"href": f"{BASE}/{r.id}/antwoorden"}},
    }


def _theme_json(t: scan.ThemeResult, minimum: int) -> dict[str, Any]:
    out: dict[str, Any] = {"code": t.code, "naam": t.name, "getoond": t.shown}
    if not t.shown:
        out["toelichting"] = (f"Niet getoond: minder dan {minimum} respondenten gaven hier een antwoord "
                              "(anders zijn antwoorden tot personen te herleiden).")
        return out
    out.update({
        "gemiddelde": t.mean,
        "aantalRespondenten": t.respondents,
        "verdeling": {**{str(level): t.distribution.get(level, 0) for level in scan.LEVELS},
                      "weetNiet": t.dont_know},
        "vorigGemiddelde": t.previous_mean,
        "verschil": t.difference,
        "stellingen": [{"code": s.code, "tekst": s.text, "gemiddelde": s.mean, "aantalAntwoorden": s.answered}
                       for s in t.statements],
    })
    return out


def result_json(res: scan.RoundResult) -> dict[str, Any]:
    out = round_json(res.summary)
    out["uitslag"] = {
        "beschikbaar": res.available,
        "toelichting": None if res.available else "De uitslag verschijnt als de ronde is gesloten.",
        "minimumRespondenten": res.minimum,
        "drempel": res.threshold,
        "themas": [_theme_json(t, res.minimum) for t in res.themes],
        "vergelijkMet": ({"id": res.compared.id, "titel": res.compared.title} if res.compared else None),
    }
    out["actieplan"] = [{"verbeteractie": p.code, "thema": p.theme, "themaNaam": p.theme_name,
                         "omschrijving": p.text, "voorgesteldeEigenaar": p.owner, "termijnWeken": p.weeks,
                         "voorgesteldeDeadline": p.deadline.isoformat(), "actie": p.action_id,
                         "overgenomen": p.action_id is not None} for p in res.plan]
    if res.respondent_names is not None:
        out["respondenten"] = res.respondent_names
    return out


@router.get("", summary="De rondes van de weerbaarheidsscan van uw gemeente",
            responses={403: {"description": "Alleen medewerkers van de gemeente zelf"}})
def list_(request: Request, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    errors: list[FieldError] = []
    _check_keys(dict(request.query_params), set(), errors)
    if errors:
        raise ValidationFailed(errors)
    rows = scan.list_rounds(session, principal)
    return {"items": [round_json(r) for r in rows], "totaal": len(rows)}


@router.post("", status_code=201, summary="Open een ronde van de weerbaarheidsscan",
             openapi_extra=_body_schema(RondeIn),
             responses={201: {"description": "De ronde is geopend"},
                        403: {"description": "Uw rol mag geen ronde openen"},
                        409: {"description": "Er loopt al een ronde"},
                        422: {"description": "Ongeldige invoer; alle fouten in invalidParams"}})
async def create(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> JSONResponse:
    b: RondeIn = validate_model(RondeIn, await _json(request))
    row = scan.open_round(session, principal, rt.catalogue, scan.NewRound(b.titel, b.periodeVan, b.periodeTot))
    body = round_json(scan.RoundSummary(row, 0, False))
    return JSONResponse(body, status_code=201, headers={"Location": f"{BASE}/{row.id}"})


@router.get("/vragenlijst", summary="De vragenlijst: thema's, stellingen en de schaal (catalogus)")
def questionnaire(rt: RuntimeDep, principal: PrincipalDep) -> dict[str, Any]:
    scan.require_staff(principal)
    return catalogue_json(rt.catalogue)


@router.get("/{id}", summary="Eén ronde met haar geaggregeerde uitslag en het voorgestelde actieplan",
            responses={404: {"description": "Onbekend, of niet van uw gemeente"},
                       422: {"description": "Ongeldige vergelijkMet"}})
def read(id: str, request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    params = dict(request.query_params)
    errors: list[FieldError] = []
    _check_keys(params, {"vergelijkMet"}, errors)
    if errors:
        raise ValidationFailed(errors)
    compare = params.get("vergelijkMet") or None
    if compare is not None:
        try:
            compare = str(uuid.UUID(compare))
        except ValueError:
            raise ValidationFailed([FieldError("vergelijkMet", "onbekend",
                                               "Kies een andere, gesloten ronde van uw gemeente.")]) from None
    return result_json(scan.result(session, principal, rt.catalogue, _id(id), compare_with=compare))


@router.put("/{id}/antwoorden", summary="Uw eigen antwoorden geven of herzien (tot de ronde sluit)",
            openapi_extra=_body_schema(AntwoordenIn),
            responses={403: {"description": "Alleen medewerkers van de gemeente zelf"},
                       404: {"description": "Onbekend, of niet van uw gemeente"},
                       409: {"description": "De ronde is gesloten"},
                       422: {"description": "Ongeldige invoer; alle fouten in invalidParams"}})
async def answer(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                 principal: PrincipalDep) -> dict[str, Any]:
    b: AntwoordenIn = validate_model(AntwoordenIn, await _json(request))
    changed = scan.submit_answers(session, principal, rt.catalogue, _id(id), b.antwoorden)
    return {"ronde": id, "aantalStellingen": len(scan.questionnaire(rt.catalogue).statements),
            "gewijzigd": changed}


@router.post("/{id}/sluiten", summary="Sluit de ronde (daarna volgt de uitslag)",
             responses={403: {"description": "Uw rol mag geen ronde sluiten"},
                        404: {"description": "Onbekend, of niet van uw gemeente"},
                        409: {"description": "De ronde is al gesloten"}})
def close(id: str, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    scan.close_round(session, principal, _id(id))
    return round_json(scan.get_round(session, principal, _id(id)))


@router.post("/{id}/acties", status_code=201, summary="Neem verbeteracties uit het actieplan over als acties",
             openapi_extra=_body_schema(ActiesIn),
             responses={201: {"description": "De acties zijn vastgelegd (zie /api/v1/acties)"},
                        403: {"description": "Uw rol mag geen acties overnemen"},
                        404: {"description": "Onbekend, of niet van uw gemeente"},
                        409: {"description": "De ronde is nog open"},
                        422: {"description": "Ongeldige invoer; alle fouten in invalidParams"}})
async def adopt(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                principal: PrincipalDep) -> JSONResponse:
    b: ActiesIn = validate_model(ActiesIn, await _json(request))
    actions = scan.adopt(session, principal, rt.catalogue, _id(id), [
        scan.Adoption(a.verbeteractie, a.organisatie, a.verantwoordelijke, a.deadline, a.omschrijving)
        for a in b.acties])
    return JSONResponse({"items": [{"id": a.id, "omschrijving": a.description, "organisatie": a.organisation_id,
                                    "verantwoordelijke": a.responsible, "deadline": a.deadline.isoformat(),
                                    "_links": {"self": {"href": f"/api/v1/acties/{a.id}"}}} for a in actions]},
                        status_code=201)


def catalogue_json(catalogue: Catalogue) -> dict[str, Any]:
    """The questionnaire itself (for a client that builds its own form)."""
    q = scan.questionnaire(catalogue)
    return {"versie": q.versie, "schaal": {str(k): {"naam": v.naam, "betekenis": v.betekenis}
                                           for k, v in q.schaal.items()},
            "weetNiet": q.weet_niet,
            "themas": [{"code": t.code, "naam": t.naam, "toelichting": t.toelichting,
                        "stellingen": [{"code": s.code, "tekst": s.tekst} for s in t.stellingen]}
                       for t in q.themas]}

"""/api/v1/subjecten — subject cards, subject search, and splitting a mention off a subject."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from weerbaar.access import rights
from weerbaar.api.deps import PrincipalDep, RuntimeDep, SessionDep
from weerbaar.api.signalen import _body_schema, _check_keys, _json
from weerbaar.core import identifiers
from weerbaar.core.errors import FieldError, Forbidden, ValidationFailed
from weerbaar.core.names import tokens
from weerbaar.intake.schemas import InputModel, validate_model
from weerbaar.resolve import cards, review

router = APIRouter(prefix="/subjecten", tags=["Subjecten"])
NO_READ = "Uw rol mag geen subjecten (personen, bedrijven, adressen uit bronregistraties) inzien."


class SubjectZoekIn(InputModel):
    """Zoekvraag naar subjecten (personen, bedrijven, adressen). Alle opgegeven criteria moeten kloppen."""

    soort: Literal["persoon", "bedrijf", "adres"] | None = None
    naam: str | None = Field(None, max_length=200, description="(Deel van) de naam van een persoon of bedrijf")
    geboortedatum: date | None = None
    kvkNummer: str | None = None
    postcode: str | None = None
    huisnummer: int | None = Field(None, ge=1, le=99999)
    doel: str | None = Field(None, max_length=300, description="Doel van de zoekvraag (voor het logboek)")
    pagina: int = Field(1, ge=1, le=100000)
    paginaGrootte: int = Field(20, ge=1, le=100)


class OntkoppelIn(InputModel):
    """Een vermelding van een subject afsplitsen: een oordeel 'verschillend' tussen deze
    vermelding en de vermelding waarlangs ze gekoppeld werd."""

    bronregistratie: int = Field(description="id van de bronregistratie (zie bronregistraties[].id op de kaart)")
    rol: str = Field(min_length=1, max_length=20, description="rol van de vermelding, bijvoorbeeld persoon of koper")
    toelichting: str | None = Field(None, max_length=review.MAX_REASON)


def _query(z: SubjectZoekIn) -> cards.SubjectQuery:
    errors: list[FieldError] = []

    def check(name: str, fn: Any, value: str | None) -> str | None:
        if not value:
            return None
        try:
            return str(fn(value))
        except identifiers.InvalidIdentifier as exc:
            errors.append(FieldError(name, exc.code, exc.reason))
            return None

    if z.naam and not tokens(z.naam):
        errors.append(FieldError("naam", "naam_ongeldig", "Een naam bevat minstens één letter of cijfer."))
    q = cards.SubjectQuery(
        soort=z.soort, naam=z.naam, geboortedatum=z.geboortedatum,
        kvk_nummer=check("kvkNummer", identifiers.kvk_nummer, z.kvkNummer),
        postcode=check("postcode", identifiers.postcode, z.postcode), huisnummer=z.huisnummer,
    )
    if z.huisnummer is not None and not z.postcode:
        errors.append(FieldError("postcode", "postcode_ontbreekt", "Zoek op huisnummer alleen samen met een postcode."))
    if not errors and q.is_empty():
        errors.append(FieldError("(body)", "geen_zoekcriteria",
                                 "Geef minstens één zoekcriterium: naam, geboortedatum, kvkNummer of postcode."))
    if errors:
        raise ValidationFailed(errors)
    return q


@router.post("/_zoek", summary="Zoek subjecten op naam, geboortedatum, KvK-nummer of adres",
             openapi_extra=_body_schema(SubjectZoekIn))
async def search(request: Request, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    if not principal.can(rights.SOURCES_READ) or not principal.municipality_code:
        raise Forbidden(NO_READ)
    z: SubjectZoekIn = validate_model(SubjectZoekIn, await _json(request))
    items, total = cards.search_subjects(session, principal, _query(z), z.pagina, z.paginaGrootte, purpose=z.doel)
    return {"items": items, "totaal": total, "pagina": z.pagina, "paginaGrootte": z.paginaGrootte,
            "aantalPaginas": max(1, -(-total // z.paginaGrootte))}


@router.get("/{id}", summary="De kaart van een subject: bronregistraties met herkomst, relaties en signalen")
def read(id: str, request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    params = dict(request.query_params)
    errors: list[FieldError] = []
    _check_keys(params, {"doel"}, errors)
    if errors:
        raise ValidationFailed(errors)
    return cards.subject_card(session, principal, rt.catalogue, id, purpose=params.get("doel"))


@router.post("/{id}/_ontkoppel", status_code=201, summary="Splits een vermelding af van een subject (coördinator)",
             openapi_extra=_body_schema(OntkoppelIn))
async def split(id: str, request: Request, session: SessionDep, principal: PrincipalDep) -> JSONResponse:
    review.check_may_judge(principal)
    o: OntkoppelIn = validate_model(OntkoppelIn, await _json(request))
    judgement, subject_id = review.split_off(session, principal, id, o.bronregistratie, o.rol, o.toelichting)
    return JSONResponse(review.judgement_created(judgement, principal, subject_id), status_code=201)

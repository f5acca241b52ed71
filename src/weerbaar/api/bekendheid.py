"""/api/v1/bekendheid — the hit/no-hit check: is a person, company or address known at the
partners? Per organisation known or not, with a contact; never content. The identifier goes in
the body of a POST …/_zoek, never in a URL."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field

from weerbaar.api.deps import PrincipalDep, RuntimeDep, SessionDep
from weerbaar.api.signalen import _body_schema, _check_keys, _json
from weerbaar.cases import knownness
from weerbaar.core.clock import as_utc
from weerbaar.core.errors import FieldError, ValidationFailed
from weerbaar.intake.schemas import InputModel, validate_model

router = APIRouter(prefix="/bekendheid", tags=["Bekendheid (hit/no-hit)"])


class PersoonVraagIn(InputModel):
    naam: str | None = Field(None, max_length=200, description="Volledige naam, bijvoorbeeld 'J. de Vries'")
    geboortedatum: date | None = None
    bsn: str | None = Field(None, max_length=20)


class BekendheidZoekIn(InputModel):
    """Eén persoon (naam en geboortedatum, of bsn), bedrijf (kvkNummer) of adres (adresId, of
    postcode en huisnummer), met het doel en de grondslag van de vraag."""

    persoon: PersoonVraagIn | None = None
    kvkNummer: str | None = Field(None, max_length=20)
    adresId: str | None = Field(None, max_length=20)
    postcode: str | None = Field(None, max_length=10)
    huisnummer: int | None = Field(None, ge=1, le=99999)
    huisletter: str | None = Field(None, max_length=1)
    toevoeging: str | None = Field(None, max_length=4)
    doel: str | None = Field(None, max_length=300, description="Waarvoor u het wilt weten (verplicht)")
    grondslag: str | None = Field(None, max_length=60, description="Code uit GET /api/v1/grondslagen (verplicht)")


@router.post("/_zoek", summary="Vraag of een persoon, bedrijf of adres bij de partners bekend is (hit/no-hit)",
             openapi_extra=_body_schema(BekendheidZoekIn),
             responses={200: {"description": "Per bevraagde organisatie: bekend of niet, en bij wie contact op te "
                                             "nemen; nooit inhoud"},
                        422: {"description": "Ongeldige vraag; alle fouten in invalidParams"}})
async def ask(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    b: BekendheidZoekIn = validate_model(BekendheidZoekIn, await _json(request))
    p = b.persoon
    question = knownness.Question(
        naam=p.naam if p else None, geboortedatum=p.geboortedatum if p else None, bsn=p.bsn if p else None,
        persoon_given=p is not None, kvk_nummer=b.kvkNummer, adres_id=b.adresId, postcode=b.postcode,
        huisnummer=b.huisnummer, huisletter=b.huisletter, toevoeging=b.toevoeging, doel=b.doel,
        grondslag=b.grondslag)
    query, answers = knownness.ask(session, principal, rt.catalogue, question)
    return {"id": query.id, "op": as_utc(query.at).isoformat(), "soort": query.kind,
            "bekend": any(a["bekend"] for a in answers), "antwoorden": answers}


@router.get("/bevragingen", summary="Vragen die aan uw organisatie zijn gesteld: wie, wanneer, waarom, op welke "
            "grondslag en of het bekend was (niet over wie)")
def questions(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    errors: list[FieldError] = []
    _check_keys(dict(request.query_params), set(), errors)
    if errors:
        raise ValidationFailed(errors)
    items = knownness.questions_about(session, principal, rt.catalogue)
    return {"items": items, "totaal": len(items)}

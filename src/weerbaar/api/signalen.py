"""/api/v1/signalen — register, list, open, search and share signals."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ConfigDict, Field

from weerbaar.access import rights
from weerbaar.access.policy import reporter_shown
from weerbaar.api.deps import PrincipalDep, RuntimeDep, SessionDep
from weerbaar.cases import knownness
from weerbaar.core import identifiers
from weerbaar.core.errors import FieldError, NotFound, ValidationFailed
from weerbaar.core.names import tokens
from weerbaar.core.params import query_date, query_int
from weerbaar.intake import lifecycle, queries, serialize, service
from weerbaar.intake.schemas import InputModel, SignaalIn, parse_signal, validate_model
from weerbaar.resolve import incremental

router = APIRouter(prefix="/signalen", tags=["Signalen"])

# Keys that would put personal data in a URL: refused, pointing to POST …/_zoek.
PERSONAL_QUERY_KEYS = {"bsn", "naam", "voornamen", "geslachtsnaam", "geboortedatum", "kvkNummer",
                       "kenteken", "adresId", "postcode", "huisnummer", "tekst", "q"}
MAX_PURPOSE = 300  # access_log.purpose
LIST_KEYS = {"fenomeen", "status", "vanaf", "tot", "buurt", "wijk", "organisatie", "kanaal",
             "pagina", "paginaGrootte", "doel"}


def _body_schema(model: type[Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}}


async def _json(request: Request) -> Any:
    raw = await request.body()
    try:
        data = json.loads(raw or b"null")
    # ValueError: also integers beyond Python's digit limit; RecursionError: absurd nesting.
    except (ValueError, RecursionError):
        raise ValidationFailed([FieldError("(body)", "json_invalid", "Het verzoek bevat geen geldige JSON.")]) from None
    bad = _unstorable_text(data)
    if bad:
        raise ValidationFailed([FieldError(name or "(body)", "teken_ongeldig",
                                           "Bevat een ongeldig teken (NUL of een losse UTF-16-surrogaat).")
                                for name in bad])
    return data


# NUL characters and lone surrogates (which JSON escapes like \\ud800 let through): no database
# stores them and no response can encode them.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable_text(data: Any) -> list[str]:
    """API paths of the strings (keys too) holding unstorable characters. Iterative: the
    JSON reader allows nesting deeper than Python's recursion limit leaves us."""
    out: list[str] = []
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if _UNSTORABLE.search(value):
                out.append(path)
        elif isinstance(value, list):
            stack += [(f"{path}[{i}]", v) for i, v in enumerate(value)]
        elif isinstance(value, dict):
            for key, v in value.items():
                if _UNSTORABLE.search(key):
                    out.append(f"{path}.(sleutel)" if path else "(sleutel)")
                else:
                    stack.append((f"{path}.{key}" if path else key, v))
    return sorted(out)


def _page_json(page: queries.Page, rt: RuntimeDep, base: str, keep: dict[str, str] | None = None) -> dict[str, Any]:
    """A page with HAL links; `keep` are the query parameters (filters) the links must carry."""
    pages = max(1, -(-page.total // page.size))
    kept = {k: v for k, v in (keep or {}).items() if k != "pagina"}

    def href(n: int) -> str:
        return f"{base}?{urlencode({**kept, 'pagina': n})}"

    links: dict[str, Any] = {"self": {"href": href(page.page)}}
    if page.page < pages:
        links["next"] = {"href": href(page.page + 1)}
    if page.page > 1:
        links["prev"] = {"href": href(page.page - 1)}
    return {
        "items": [serialize.summary(r, rt.catalogue) for r in page.items],
        "totaal": page.total,
        "pagina": page.page,
        "paginaGrootte": page.size,
        "aantalPaginas": pages,
        "_links": links,
    }


def _check_keys(params: dict[str, str], allowed: set[str], errors: list[FieldError]) -> None:
    """Refuse personal data and unknown parameters in a URL, and an over-long purpose."""
    for key in params:
        if key in PERSONAL_QUERY_KEYS:
            errors.append(FieldError(key, "persoonsgegevens_in_url",
                                     "Persoonsgegevens horen niet in een URL; zoek met POST /api/v1/signalen/_zoek."))
        elif key not in allowed:
            errors.append(FieldError(key, "onbekende_parameter", "Onbekende queryparameter."))
    if len(params.get("doel") or "") > MAX_PURPOSE:
        errors.append(FieldError("doel", "string_too_long", f"Te lang: maximaal {MAX_PURPOSE} tekens."))


def _parse_filters(params: dict[str, str], rt: RuntimeDep) -> tuple[queries.Filters, int, int]:
    errors: list[FieldError] = []
    _check_keys(params, LIST_KEYS, errors)

    fenomeen = params.get("fenomeen")
    if fenomeen and fenomeen not in rt.catalogue.phenomena:
        errors.append(FieldError("fenomeen", "fenomeen_onbekend", f"Onbekend fenomeen '{fenomeen}'."))
    filters = queries.Filters(
        fenomeen=fenomeen, status=params.get("status"), vanaf=query_date(params, "vanaf", errors),
        tot=query_date(params, "tot", errors),
        buurt=params.get("buurt"), wijk=params.get("wijk"), organisatie=params.get("organisatie"),
        kanaal=params.get("kanaal"),
    )
    if filters.vanaf and filters.tot and filters.vanaf > filters.tot:
        errors.append(FieldError("tot", "periode_ongeldig", "De datum 'tot' ligt voor de datum 'vanaf'."))
    page = query_int(params, "pagina", 1, 1, 100000, errors)
    size = query_int(params, "paginaGrootte", 20, 1, 100, errors)
    if errors:
        raise ValidationFailed(errors)
    return filters, page, size


@router.post("", status_code=201, summary="Registreer een signaal", openapi_extra=_body_schema(SignaalIn),
             responses={201: {"description": "Het signaal is geregistreerd"},
                        422: {"description": "Ongeldige invoer; alle fouten in invalidParams"}})
async def create(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> JSONResponse:
    data = parse_signal(await _json(request), rt.catalogue)
    signal = service.register_signal(session, principal, data, rt.catalogue, service.Provenance("api"))
    incremental.link_signal(session, signal)  # matched against known subjects at intake
    knownness.add_signal_keys(session, signal)  # known to its organisation for hit/no-hit
    session.refresh(signal)
    row = queries.SignalRow(signal, service.STATUS_NEW, reporter_shown(principal, signal))
    body = serialize.detail(row, rt.catalogue)
    return JSONResponse(body, status_code=201, headers={"Location": f"/api/v1/signalen/{signal.id}"})


@router.get("", summary="Lijst van signalen die u mag zien, met filters (geen persoonsgegevens in de URL)")
def list_(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    params = dict(request.query_params)
    filters, page, size = _parse_filters(params, rt)
    result = queries.list_signals(session, principal, rt.catalogue, filters, page, size,
                                  purpose=params.get("doel"))
    return _page_json(result, rt, "/api/v1/signalen", keep=params)


class ZoekIn(InputModel):
    """Zoekvraag naar signalen. Alle opgegeven criteria moeten tegelijk kloppen."""

    naam: str | None = Field(None, max_length=200, description="(Deel van) de naam van een betrokken persoon")
    geboortedatum: date | None = None
    bsn: str | None = None
    kvkNummer: str | None = None
    bedrijfsnaam: str | None = Field(None, max_length=200)
    kenteken: str | None = None
    adresId: str | None = None
    postcode: str | None = None
    huisnummer: int | None = Field(None, ge=1, le=99999)
    huisletter: str | None = Field(None, max_length=1)
    toevoeging: str | None = Field(None, max_length=4)
    tekst: str | None = Field(None, max_length=200, description="Vrije tekst in omschrijving, namen en adres")
    fenomeen: str | None = None
    doel: str | None = Field(None, max_length=300, description="Doel van de zoekvraag (voor het logboek)")
    pagina: int = Field(1, ge=1)
    paginaGrootte: int = Field(20, ge=1, le=100)


def _criteria(z: ZoekIn, rt: RuntimeDep) -> queries.Criteria:
    errors: list[FieldError] = []
    if z.fenomeen and z.fenomeen not in rt.catalogue.phenomena:
        errors.append(FieldError("fenomeen", "fenomeen_onbekend", f"Onbekend fenomeen '{z.fenomeen}'."))
    if z.naam and not tokens(z.naam):
        # Otherwise "..." would search on nothing and return every signal.
        errors.append(FieldError("naam", "naam_ongeldig", "Een naam bevat minstens één letter of cijfer."))

    def check(name: str, fn, value):  # type: ignore[no-untyped-def]
        if not value:
            return None
        try:
            return fn(value)
        except identifiers.InvalidIdentifier as exc:
            errors.append(FieldError(name, exc.code, exc.reason))
            return None

    c = queries.Criteria(
        naam=z.naam, geboortedatum=z.geboortedatum, bsn=check("bsn", identifiers.bsn, z.bsn),
        kvk_nummer=check("kvkNummer", identifiers.kvk_nummer, z.kvkNummer), bedrijfsnaam=z.bedrijfsnaam,
        kenteken=check("kenteken", identifiers.kenteken, z.kenteken),
        adres_id=check("adresId", identifiers.bag_id, z.adresId),
        postcode=check("postcode", identifiers.postcode, z.postcode), huisnummer=z.huisnummer,
        huisletter=z.huisletter, toevoeging=z.toevoeging, tekst=z.tekst,
        filters=queries.Filters(fenomeen=z.fenomeen),
    )
    if (z.huisnummer is not None or z.huisletter or z.toevoeging) and not z.postcode:
        errors.append(FieldError("postcode", "postcode_ontbreekt",
                                 "Zoek op huisnummer, huisletter of toevoeging alleen samen met een postcode."))
    if not errors and c.is_empty():
        errors.append(FieldError("(body)", "geen_zoekcriteria",
                                 "Geef minstens één zoekcriterium: naam, geboortedatum, bsn, kvkNummer, "
                                 "bedrijfsnaam, kenteken, adresId, postcode of tekst."))
    if errors:
        raise ValidationFailed(errors)
    return c


@router.post("/_zoek", summary="Zoek signalen op persoon, bedrijf, voertuig, adres of tekst",
             openapi_extra=_body_schema(ZoekIn))
async def search(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    z: ZoekIn = validate_model(ZoekIn, await _json(request))
    result = queries.search_signals(session, principal, rt.catalogue, _criteria(z, rt), z.pagina, z.paginaGrootte,
                                    purpose=z.doel)
    out = _page_json(result, rt, "/api/v1/signalen/_zoek")
    out["_links"] = {}
    return out


def _valid_id(signal_id: str) -> str:
    try:
        return str(uuid.UUID(signal_id))
    except ValueError:
        raise NotFound() from None


@router.get("/{id}", summary="Eén signaal, met betrokkenen en statusgeschiedenis")
def read(id: str, request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    params = dict(request.query_params)
    errors: list[FieldError] = []
    _check_keys(params, {"doel"}, errors)
    if errors:
        raise ValidationFailed(errors)
    row = queries.get_signal(session, principal, rt.catalogue, _valid_id(id), purpose=params.get("doel"))
    shares = queries.shares_of(session, row.signal.id) if _may_see_shares(principal, row) else None
    return serialize.detail(row, rt.catalogue, shares)


def _may_see_shares(principal: Any, row: queries.SignalRow) -> bool:
    return principal.can(rights.SIGNAL_SHARE) or row.signal.organisation_id == principal.organisation_id


class DelingIn(InputModel):
    organisatie: str = Field(description="id van de organisatie waarmee wordt gedeeld")
    # No min_length: a blank reason is reported by the service together with an unknown organisation.
    reden: str = Field(max_length=2000, description="Grondslag en doel van het delen")


@router.post("/{id}/delingen", status_code=201, summary="Deel een signaal met een andere organisatie",
             openapi_extra=_body_schema(DelingIn))
async def share(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                principal: PrincipalDep) -> JSONResponse:
    d: DelingIn = validate_model(DelingIn, await _json(request))
    sh = service.share_signal(session, principal, rt.catalogue, _valid_id(id), d.organisatie, d.reden)
    return JSONResponse({"id": sh.id, "signaal": id, "organisatie": sh.organisation_id, "reden": sh.reason},
                        status_code=201)


class FenomeenBevestigingIn(InputModel):
    """Het fenomeen van een signaal vaststellen: het voorgestelde bevestigen of een ander kiezen."""

    fenomeen: str = Field(max_length=60, description="Fenomeencode uit de catalogus, bijvoorbeeld hennepteelt")


@router.post("/{id}/_bevestig-fenomeen", summary="Bevestig het (voorgestelde) fenomeen van een signaal (intaketeam)",
             openapi_extra=_body_schema(FenomeenBevestigingIn),
             responses={200: {"description": "Het signaal, met het bevestigde fenomeen"},
                        404: {"description": "Onbekend signaal, of een signaal dat u niet mag zien"},
                        422: {"description": "Onbekend fenomeen; de fout staat in invalidParams"}})
async def confirm_phenomenon(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                             principal: PrincipalDep) -> dict[str, Any]:
    b: FenomeenBevestigingIn = validate_model(FenomeenBevestigingIn, await _json(request))
    signal = service.confirm_phenomenon(session, principal, rt.catalogue, _valid_id(id), b.fenomeen)
    row = queries.get_signal(session, principal, rt.catalogue, signal.id, purpose="fenomeen bevestigen")
    return serialize.detail(row, rt.catalogue)


class IntaketoetsIn(InputModel):
    ondermijning: bool | None = Field(default=None, description="Gaat het om ondermijning?")
    gemeentelijkeTaak: bool | None = Field(default=None, description="Een taak of bevoegdheid van gemeente of partner?")
    grondgebied: bool | None = Field(default=None, description="Speelt het op ons grondgebied?")


class WegingIn(InputModel):
    """Per schaal van de weging (catalogus signaalverloop.yaml) een niveau, en de uitkomst."""

    model_config = ConfigDict(extra="allow", populate_by_name=False, str_strip_whitespace=True)
    uitkomst: str | None = Field(default=None, max_length=60,
                                 description="geen_actie, intern_beleggen, doorzetten_riec of verder_onderzoeken")


class StatuswijzigingIn(InputModel):
    """Eén overgang uit het signaalverloop (GET /api/v1/signaalverloop), met wat die vereist."""

    overgang: str = Field(max_length=60, description="Code van de overgang, bijvoorbeeld intake_positief of wegen")
    reden: str | None = Field(default=None, max_length=4000, description="Waarom, in eigen woorden")
    intaketoets: IntaketoetsIn | None = None
    weging: WegingIn | None = None


@router.post("/{id}/statussen", status_code=201, summary="Zet een signaal een stap verder (intaketoets, weging, "
             "afsluiten, heropenen)", openapi_extra=_body_schema(StatuswijzigingIn),
             responses={201: {"description": "Het signaal met zijn nieuwe status en de statusgeschiedenis"},
                        404: {"description": "Onbekend signaal, of een signaal dat u niet mag zien"},
                        409: {"description": "De overgang kan niet vanuit de huidige status"},
                        422: {"description": "Onbekende overgang of wat ze vereist ontbreekt; alles in invalidParams"}})
async def change_status(id: str, request: Request, rt: RuntimeDep, session: SessionDep,
                        principal: PrincipalDep) -> JSONResponse:
    b: StatuswijzigingIn = validate_model(StatuswijzigingIn, await _json(request))
    scores = dict(b.weging.model_extra or {}) if b.weging else {}
    change = lifecycle.StatusChange(
        transition=b.overgang, reason=b.reden,
        intake=b.intaketoets.model_dump() if b.intaketoets else None,
        scores=scores, outcome=b.weging.uitkomst if b.weging else None)
    lifecycle.change_status(session, principal, rt.catalogue, _valid_id(id), change)
    row = queries.get_signal(session, principal, rt.catalogue, _valid_id(id), purpose="status wijzigen")
    out = serialize.detail(row, rt.catalogue)
    out["mogelijkeOvergangen"] = [
        t.code for t in lifecycle.possible_transitions(rt.catalogue, principal, row.status)]
    return JSONResponse(out, status_code=201)

"""/api/v1/risico-adressen, /api/v1/risico-subjecten and /api/v1/indicatoren: ranked, self-explaining
risk lists, "verklaard" with a reason, and the published indicator catalogue."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from weerbaar.api.deps import PrincipalDep, RuntimeDep, SessionDep
from weerbaar.api.signalen import _body_schema, _check_keys, _json
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.errors import FieldError, NotFound, ValidationFailed
from weerbaar.core.params import query_date, query_int
from weerbaar.detect import queries
from weerbaar.detect.models import RiskExplanation, RiskScore
from weerbaar.intake.schemas import InputModel, validate_model

addresses = APIRouter(prefix="/risico-adressen", tags=["Risicolijsten"])
subjects = APIRouter(prefix="/risico-subjecten", tags=["Risicolijsten"])
indicators = APIRouter(prefix="/indicatoren", tags=["Catalogus"])
LIST_KEYS = {"fenomeen", "buurt", "van", "tot", "verklaard", "soort", "pagina", "paginaGrootte"}


class VerklaringIn(InputModel):
    """Een vermelding op de risicolijst verklaren (of die verklaring intrekken), met de reden."""

    fenomeen: str = Field(min_length=1, max_length=60, description="Fenomeencode van de vermelding")
    reden: str = Field(min_length=1, max_length=queries.MAX_REASON, description="Waarom is dit verklaard?")


def _filters(params: dict[str, str], catalogue: Catalogue, kinds: tuple[str, ...]) -> tuple[
        queries.RiskFilters, int, int]:
    errors: list[FieldError] = []
    _check_keys(params, LIST_KEYS, errors)

    phenomenon = params.get("fenomeen") or None
    if phenomenon and phenomenon not in catalogue.phenomena:
        errors.append(FieldError("fenomeen", "fenomeen_onbekend", f"Onbekend fenomeen '{phenomenon}'."))
    soort = params.get("soort")
    if soort is not None:
        if "adres" in kinds:
            errors.append(FieldError("soort", "onbekende_parameter", "Onbekende queryparameter."))
        elif soort not in ("persoon", "bedrijf"):
            errors.append(FieldError("soort", "literal_error", "Ongeldige waarde; kies uit: persoon, bedrijf."))
        else:
            kinds = (soort,)
    explained = params.get("verklaard", "ja")
    if explained not in ("ja", "nee"):
        errors.append(FieldError("verklaard", "literal_error", "Ongeldige waarde; kies uit: ja, nee."))
    since, until = query_date(params, "van", errors), query_date(params, "tot", errors)
    if since and until and since > until:
        errors.append(FieldError("tot", "periode_ongeldig", "De datum 'tot' ligt voor de datum 'van'."))
    page = query_int(params, "pagina", 1, 1, 100000, errors)
    size = query_int(params, "paginaGrootte", 20, 1, 100, errors)
    if errors:
        raise ValidationFailed(errors)
    return queries.RiskFilters(kinds, phenomenon, params.get("buurt") or None, since, until,
                               explained == "ja"), page, size


def component(c: dict[str, Any], phenomenon: str) -> dict[str, Any]:
    return {"soort": c["soort"], "code": c["code"], "naam": c["naam"], "fenomeen": phenomenon,
            "gewicht": c["gewicht"], "sterkte": c["sterkte"], "verval": c["verval"], "bijdrage": c["bijdrage"],
            "datum": c["datum"], "uitleg": c["uitleg"], "gegevens": c.get("bewijs") or {}}


def _part(p: RiskScore) -> dict[str, Any]:
    return {"fenomeen": p.phenomenon, "score": round(p.score, 2), "verklaard": p.explained,
            "eersteDatum": p.first_date.isoformat() if p.first_date else None,
            "laatsteDatum": p.last_date.isoformat() if p.last_date else None,
            "onderdelen": [component(c, p.phenomenon) for c in p.components]}


def entry_json(e: queries.RiskEntry, detail: bool = False) -> dict[str, Any]:
    key = "adresId" if e.target_kind == "adres" else "subjectId"
    body: dict[str, Any] = {
        key: e.target_id, "soort": e.target_kind, "omschrijving": e.label, "score": e.score,
        "fenomeen": e.phenomenon, "buurt": e.neighbourhood, "verklaard": e.explained,
        "indicatoren": e.indicator_codes(), "fenomenen": [_part(p) for p in e.parts],
    }
    if not detail:
        body["uitleg"] = [c["uitleg"] for _, c in e.components()][:5]
    return body


def _explanation_json(x: RiskExplanation) -> dict[str, Any]:
    return {"fenomeen": x.phenomenon, "status": x.status, "reden": x.reason,
            "indicatoren": [c for c in x.codes if c.startswith("I-")],
            "signalen": [c for c in x.codes if not c.startswith("I-")],
            "door": x.by_user_name, "op": x.at.isoformat()}


def _page(entries: list[queries.RiskEntry], total: int, page: int, size: int) -> dict[str, Any]:
    return {"items": [entry_json(e) for e in entries], "totaal": total, "pagina": page, "paginaGrootte": size,
            "aantalPaginas": max(1, -(-total // size))}


@addresses.get("", summary="Adressen op volgorde van risicoscore, met de uitleg per indicator")
def list_addresses(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    filters, page, size = _filters(dict(request.query_params), rt.catalogue, ("adres",))
    entries, total = queries.ranked(session, principal, filters, page=page, size=size)
    return _page(entries, total, page, size)


@subjects.get("", summary="Personen en bedrijven op volgorde van risicoscore, met de uitleg per indicator")
def list_subjects(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    filters, page, size = _filters(dict(request.query_params), rt.catalogue, ("persoon", "bedrijf"))
    entries, total = queries.ranked(session, principal, filters, page=page, size=size)
    return _page(entries, total, page, size)


def _detail(session: SessionDep, principal: PrincipalDep, kind: str, target: str) -> dict[str, Any]:
    e = queries.entry(session, principal, kind, target)
    body = entry_json(e, detail=True)
    body["verklaringen"] = [_explanation_json(x) for x in queries.explanations(session, principal, kind, target)]
    return body


@addresses.get("/{adresId}", summary="De risicoscore van één adres, per fenomeen ontleed")
def read_address(adresId: str, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    return _detail(session, principal, "adres", adresId)


@subjects.get("/{subjectId}", summary="De risicoscore van één persoon of bedrijf, per fenomeen ontleed")
def read_subject(subjectId: str, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    kind = {"P": "persoon", "B": "bedrijf"}.get(subjectId[:1], "onbekend")
    return _detail(session, principal, kind, subjectId)


async def _explain(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep, kind: str,
                   target: str, withdraw: bool) -> JSONResponse:
    data = await _json(request)
    errors: list[FieldError] = []
    try:
        v: VerklaringIn = validate_model(VerklaringIn, data)
    except ValidationFailed as exc:
        errors = list(exc.errors)
    code = data.get("fenomeen") if isinstance(data, dict) else None
    if isinstance(code, str) and code and code not in rt.catalogue.phenomena:  # all problems at once
        errors = [e for e in errors if e.name != "fenomeen"]
        errors.append(FieldError("fenomeen", "fenomeen_onbekend", f"Onbekend fenomeen '{code}'."))
    if errors:
        raise ValidationFailed(errors)
    row = queries.explain(session, principal, rt.catalogue, kind, target, v.fenomeen, v.reden, withdraw=withdraw)
    return JSONResponse(_explanation_json(row), status_code=201)


@addresses.post("/{adresId}/_verklaar", status_code=201, summary="Markeer een adres als verklaard (coördinator)",
                openapi_extra=_body_schema(VerklaringIn))
async def explain_address(adresId: str, request: Request, rt: RuntimeDep, session: SessionDep,
                          principal: PrincipalDep) -> JSONResponse:
    return await _explain(request, rt, session, principal, "adres", adresId, False)


@addresses.post("/{adresId}/_trek-verklaring-in", status_code=201, summary="Trek een verklaring in (coördinator)",
                openapi_extra=_body_schema(VerklaringIn))
async def withdraw_address(adresId: str, request: Request, rt: RuntimeDep, session: SessionDep,
                           principal: PrincipalDep) -> JSONResponse:
    return await _explain(request, rt, session, principal, "adres", adresId, True)


@subjects.post("/{subjectId}/_verklaar", status_code=201,
               summary="Markeer een persoon of bedrijf als verklaard (coördinator)",
               openapi_extra=_body_schema(VerklaringIn))
async def explain_subject(subjectId: str, request: Request, rt: RuntimeDep, session: SessionDep,
                          principal: PrincipalDep) -> JSONResponse:
    kind = {"P": "persoon", "B": "bedrijf"}.get(subjectId[:1], "onbekend")
    return await _explain(request, rt, session, principal, kind, subjectId, False)


@subjects.post("/{subjectId}/_trek-verklaring-in", status_code=201, summary="Trek een verklaring in (coördinator)",
               openapi_extra=_body_schema(VerklaringIn))
async def withdraw_subject(subjectId: str, request: Request, rt: RuntimeDep, session: SessionDep,
                           principal: PrincipalDep) -> JSONResponse:
    kind = {"P": "persoon", "B": "bedrijf"}.get(subjectId[:1], "onbekend")
    return await _explain(request, rt, session, principal, kind, subjectId, True)


def rule_json(catalogue: Catalogue, code: str) -> dict[str, Any]:
    r = catalogue.rules[code]
    return {
        "code": r.code, "naam": r.naam, "versie": r.versie, "fenomeen": r.fenomeen,
        "fenomeenNaam": catalogue.phenomena[r.fenomeen].naam, "onderwerp": r.onderwerp,
        "toelichting": r.toelichting, "bronnen": r.bronnen, "gewicht": r.gewicht,
        "parameters": [{"naam": n, "waarde": p.waarde, "eenheid": p.eenheid, "reden": p.reden}
                       for n, p in r.parameters.items()],
        "definitie": r.definitie, "uitleg": r.uitleg,
    }


@indicators.get("", summary="De gepubliceerde indicatoren van de analyse, met definitie en drempels")
def list_rules(rt: RuntimeDep, principal: PrincipalDep) -> dict[str, Any]:
    return {"items": [rule_json(rt.catalogue, code) for code in rt.catalogue.rules]}


@indicators.get("/{code}", summary="Eén indicator van de analyse")
def read_rule(code: str, rt: RuntimeDep, principal: PrincipalDep) -> dict[str, Any]:
    if code not in rt.catalogue.rules:
        raise NotFound()
    return rule_json(rt.catalogue, code)

"""/api/v1/koppelvoorstellen and /api/v1/koppeloordelen — the review queue and its judgements."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from weerbaar.api.deps import PrincipalDep, SessionDep
from weerbaar.api.signalen import _body_schema, _check_keys, _json
from weerbaar.core.errors import FieldError, ValidationFailed
from weerbaar.core.params import query_int
from weerbaar.intake.schemas import InputModel, validate_model
from weerbaar.resolve import review

router = APIRouter(tags=["Koppelingen"])
KINDS = ("persoon", "bedrijf", "adres")


class OordeelIn(InputModel):
    """Het oordeel van de coördinator over een koppelvoorstel."""

    oordeel: Literal["zelfde", "verschillend"] = Field(description="zelfde of verschillend")
    toelichting: str | None = Field(None, max_length=review.MAX_REASON)


def _paging(request: Request, extra: set[str]) -> tuple[int, int, dict[str, str]]:
    params = dict(request.query_params)
    errors: list[FieldError] = []
    _check_keys(params, {"pagina", "paginaGrootte", *extra}, errors)

    page = query_int(params, "pagina", 1, 1, 100000, errors)
    size = query_int(params, "paginaGrootte", 20, 1, 100, errors)
    if "soort" in params and params["soort"] not in KINDS:
        errors.append(FieldError("soort", "soort_onbekend", "Kies persoon, bedrijf of adres."))
    if errors:
        raise ValidationFailed(errors)
    return page, size, params


def _page(items: list[dict[str, Any]], total: int, page: int, size: int) -> dict[str, Any]:
    return {"items": items, "totaal": total, "pagina": page, "paginaGrootte": size,
            "aantalPaginas": max(1, -(-total // size))}


@router.get("/koppelvoorstellen", summary="Open koppelvoorstellen van uw gemeente, meest twijfelachtige eerst")
def list_pairs(request: Request, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    review.check_may_read(principal)
    page, size, params = _paging(request, {"soort"})
    items, total = review.open_pairs(session, principal, page, size, kind=params.get("soort"))
    return _page(items, total, page, size)


@router.get("/koppelvoorstellen/{id}", summary="Eén koppelvoorstel: beide vermeldingen naast elkaar, met uitleg")
def read_pair(id: str, request: Request, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    review.check_may_read(principal)
    _paging(request, set())
    return review.get_pair(session, principal, id)


@router.post("/koppelvoorstellen/{id}/oordeel", status_code=201,
             summary="Beoordeel een koppelvoorstel: zelfde of verschillend (coördinator)",
             openapi_extra=_body_schema(OordeelIn))
async def judge(id: str, request: Request, session: SessionDep, principal: PrincipalDep) -> JSONResponse:
    review.check_may_judge(principal)
    o: OordeelIn = validate_model(OordeelIn, await _json(request))
    judgement = review.judge(session, principal, id, o.oordeel, o.toelichting)
    return JSONResponse(review.judgement_created(judgement, principal, id), status_code=201,
                        headers={"Location": "/api/v1/koppeloordelen"})


@router.get("/koppeloordelen", summary="Oordelen over koppelingen in uw gemeente, met wie en wanneer")
def list_judgements(request: Request, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    review.check_may_read(principal)
    page, size, _ = _paging(request, set())
    items, total = review.list_judgements(session, principal, page, size)
    return _page(items, total, page, size)

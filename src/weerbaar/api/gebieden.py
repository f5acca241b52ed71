"""/api/v1/gebieden: figures per wijk and buurt as GeoJSON (the map), and one area's figures,
monthly trend, top indicators and phenomena overview. Aggregates only, small counts suppressed
for everyone without `beeld.exact`; every read is logged (picture.stats)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from weerbaar.api.deps import PrincipalDep, RuntimeDep, SessionDep
from weerbaar.api.signalen import _check_keys
from weerbaar.core.errors import FieldError, ValidationFailed
from weerbaar.core.params import query_int
from weerbaar.picture import area_json, stats

router = APIRouter(prefix="/gebieden", tags=["Beeld"])
LIST_KEYS = set(area_json.FILTER_KEYS)
DETAIL_KEYS = {"fenomeen", "vanaf", "tot", "maanden"}
GEOJSON = "application/geo+json"


@router.get("", summary="Signalen en indicatortreffers per buurt of wijk, als GeoJSON",
            response_class=JSONResponse, responses={200: {"content": {GEOJSON: {}}}})
def list_areas(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> JSONResponse:
    """Per buurt (of wijk met `niveau=wijk`): aantal adressen, signalen, treffers, per 1.000
    adressen en de verhouding tot het gemeentelijk gemiddelde. Aantallen van 1 tot en met 4
    staan als "<5" (en wat ze zou verraden als "x"), tenzij uw rol exacte aantallen mag zien."""
    params = dict(request.query_params)
    errors: list[FieldError] = []
    _check_keys(params, LIST_KEYS, errors)
    level, flt = area_json.read_filter(params, rt.catalogue, errors)
    if errors:
        raise ValidationFailed(errors)
    figures = stats.area_figures(session, principal, rt.catalogue, level, flt)
    shapes = stats.geometries(session, [r.code for r in figures.areas])
    return JSONResponse(area_json.feature_collection(figures, shapes), media_type=GEOJSON)


@router.get("/{code}", summary="Eén wijk of buurt: cijfers, trend per maand, indicatoren en fenomenen")
def get_area(code: str, request: Request, rt: RuntimeDep, session: SessionDep,
             principal: PrincipalDep) -> dict[str, Any]:
    params = dict(request.query_params)
    errors: list[FieldError] = []
    _check_keys(params, DETAIL_KEYS, errors)
    _, flt = area_json.read_filter({k: v for k, v in params.items() if k != "niveau"}, rt.catalogue, errors)
    months = query_int(params, "maanden", 12, 1, 36, errors)
    if errors:
        raise ValidationFailed(errors)
    return area_json.area_json(stats.area_detail(session, principal, rt.catalogue, code, flt, months))

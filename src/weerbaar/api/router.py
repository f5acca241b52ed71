"""The /api/v1 router and its OpenAPI document (public, Dutch, per the NL API Design Rules)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.openapi.utils import get_openapi

from weerbaar import API_VERSION
from weerbaar.api import (
    barrieremodellen,
    bekendheid,
    beraden,
    casussen,
    catalogus,
    dashboard,
    deps,
    dreigingen,
    gebieden,
    koppelingen,
    logboek,
    netwerk,
    overleggen,
    risico,
    signalen,
    subjecten,
    trainingen,
    vooronderzoeken,
    weerbaarheidsscans,
    zgw,
)

PREFIX = "/api/v1"
BODY_MODELS = (casussen.CasusIn, casussen.DeelnemerIn, casussen.CasusDelingIn, casussen.IntegraleWegingIn,
               casussen.ActieIn, casussen.CasusStatusIn, casussen.VoortgangIn,
               signalen.SignaalIn, signalen.ZoekIn, signalen.DelingIn, subjecten.SubjectZoekIn,
               subjecten.OntkoppelIn, koppelingen.OordeelIn, risico.VerklaringIn,
               vooronderzoeken.VooronderzoekIn, vooronderzoeken.SignalenToevoegenIn, vooronderzoeken.PrivacytoetsIn,
               bekendheid.BekendheidZoekIn,
               dreigingen.DreigingIn, overleggen.OverlegIn, overleggen.AgendapuntIn, overleggen.NotulenIn,
               *trainingen.BODY_MODELS, *beraden.BODY_MODELS, *weerbaarheidsscans.BODY_MODELS)


def router() -> APIRouter:
    r = APIRouter(prefix=PREFIX, dependencies=[Depends(deps.clean_query)])
    r.include_router(signalen.router)
    r.include_router(casussen.router)
    r.include_router(casussen.actions)
    r.include_router(catalogus.router)
    r.include_router(logboek.router)
    r.include_router(subjecten.router)
    r.include_router(netwerk.router)
    r.include_router(koppelingen.router)
    r.include_router(risico.addresses)
    r.include_router(risico.subjects)
    r.include_router(risico.indicators)
    r.include_router(vooronderzoeken.router)
    r.include_router(bekendheid.router)
    r.include_router(dreigingen.router)
    r.include_router(overleggen.router)
    r.include_router(zgw.router)
    r.include_router(dashboard.router)
    r.include_router(gebieden.router)
    r.include_router(weerbaarheidsscans.router)
    r.include_router(beraden.router)
    r.include_router(trainingen.router)
    r.include_router(barrieremodellen.router)
    return r


def openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title="Weerbaar API",
        version=API_VERSION,
        summary="Signalen van ondermijning registreren, delen en opvolgen",
        description=(
            "REST-API van Weerbaar volgens de NL API Design Rules. Authenticatie met een "
            "bearer-token (`weerbaar token maak EMAIL`). Persoonsgegevens staan nooit in een URL: "
            "zoeken gaat met `POST …/_zoek`. Fouten volgen `application/problem+json` en noemen "
            "alle ongeldige velden tegelijk in `invalidParams`. Elke toegang tot gegevens wordt "
            "gelogd in het logboek."
        ),
        routes=app.routes,
        contact={"name": "Weerbaar", "url": "https://github.com/weerbaar/weerbaar"},
        servers=[{"url": "/", "description": "Deze installatie"}],
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for model in BODY_MODELS:
        body = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in body.pop("$defs", {}).items():
            schemas[name] = definition
        schemas[model.__name__] = body
    components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    schema["security"] = [{"bearer": []}]
    schema["paths"] = {p: v for p, v in schema["paths"].items() if p.startswith(PREFIX)}
    app.openapi_schema = schema
    return schema

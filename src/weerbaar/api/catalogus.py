"""/api/v1/fenomenen, /organisaties and the other catalogue lists (no personal data)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select

from weerbaar.api.deps import PrincipalDep, RuntimeDep, SessionDep
from weerbaar.core.errors import NotFound
from weerbaar.core.models import Organisation

router = APIRouter(tags=["Catalogus"])


def _phenomenon(p: Any, full: bool) -> dict[str, Any]:
    out = {
        "code": p.code,
        "naam": p.naam,
        "versie": p.versie,
        "indicatoren": [{"code": i.code, "naam": i.tekst, "waarnemers": i.waarnemers} for i in p.signaalkaart],
        "partnertypen": p.partnertypen,
    }
    if full:
        out.update(toelichting=p.toelichting, bronnen=p.bronnen)
    return out


@router.get("/fenomenen", summary="Fenomenen met hun signaalkaart")
def phenomena(rt: RuntimeDep, _: PrincipalDep) -> dict[str, Any]:
    return {"items": [_phenomenon(p, full=True) for p in rt.catalogue.phenomena.values()]}


@router.get("/fenomenen/{code}", summary="Eén fenomeen met zijn signaalkaart")
def phenomenon(code: str, rt: RuntimeDep, _: PrincipalDep) -> dict[str, Any]:
    p = rt.catalogue.phenomena.get(code)
    if p is None:
        raise NotFound()
    return _phenomenon(p, full=True)


@router.get("/organisaties", summary="Organisaties (ketenpartners)")
def organisations(session: SessionDep, _: PrincipalDep) -> dict[str, Any]:
    orgs = session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return {"items": [{"id": o.id, "naam": o.name, "type": o.type, "gemeentecode": o.municipality_code}
                      for o in orgs]}


@router.get("/organisatietypen", summary="Soorten organisaties")
def organisation_types(rt: RuntimeDep, _: PrincipalDep) -> dict[str, Any]:
    return {"items": [{"code": t.code, "naam": t.naam, "toelichting": t.toelichting}
                      for t in rt.catalogue.organisation_types.values()]}


@router.get("/vertrouwelijkheidsniveaus", summary="De vertrouwelijkheidsladder (ZGW), van laag naar hoog")
def confidentiality(rt: RuntimeDep, _: PrincipalDep) -> dict[str, Any]:
    return {"items": [{"code": c.code, "naam": c.naam, "toelichting": c.toelichting}
                      for c in rt.catalogue.confidentiality.values()]}


@router.get("/brongradering", summary="Gradering van bron en informatie, apart beoordeeld")
def grading(rt: RuntimeDep, _: PrincipalDep) -> dict[str, Any]:
    def levels(d: dict[str, Any]) -> list[dict[str, str]]:
        return [{"code": c.code, "naam": c.naam, "toelichting": c.toelichting} for c in d.values()]

    return {"betrouwbaarheid": levels(rt.catalogue.reliability), "informatie": levels(rt.catalogue.credibility)}

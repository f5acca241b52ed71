"""/api/v1/fenomenen, /organisaties and the other catalogue lists (no personal data)."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import APIRouter
from sqlalchemy import select

from weerbaar.api.deps import PrincipalDep, RuntimeDep, SessionDep
from weerbaar.core.catalogue import INSTRUMENT_KINDS
from weerbaar.core.errors import FieldError, NotFound, ValidationFailed
from weerbaar.core.models import Organisation

router = APIRouter(tags=["Catalogus"])
T = TypeVar("T")


def _known(entries: dict[str, T], code: str) -> T:
    """The catalogue entry with this code, or 404."""
    if code not in entries:
        raise NotFound()
    return entries[code]


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
    return _phenomenon(_known(rt.catalogue.phenomena, code), full=True)


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


def _legal_basis(b: Any) -> dict[str, Any]:
    return {"code": b.code, "naam": b.naam, "soort": b.soort, "vindplaats": b.vindplaats, "bron": b.bron,
            "toelichting": b.toelichting, "doelen": b.doelen, "partnertypen": b.partnertypen,
            "bijzondereGegevens": b.bijzondere_gegevens}


@router.get("/grondslagen", summary="Grondslagen voor verwerken en delen (wet, convenant, protocol)")
def legal_bases(rt: RuntimeDep, _: PrincipalDep) -> dict[str, Any]:
    return {"items": [_legal_basis(b) for b in rt.catalogue.legal_bases.values()]}


@router.get("/grondslagen/{code}", summary="Eén grondslag")
def legal_basis(code: str, rt: RuntimeDep, _: PrincipalDep) -> dict[str, Any]:
    return _legal_basis(_known(rt.catalogue.legal_bases, code))


def _instrument(i: Any) -> dict[str, Any]:
    return {"code": i.code, "naam": i.naam, "soort": i.soort, "grondslag": i.grondslag, "eigenaars": i.eigenaars,
            "fenomenen": i.fenomenen, "toelichting": i.toelichting,
            "stappen": [{"code": s.code, "naam": s.naam, "termijnDagen": s.termijn_dagen} for s in i.stappen]}


@router.get("/instrumenten", summary="Instrumenten voor de integrale afweging, met hun stappen")
def instruments(rt: RuntimeDep, _: PrincipalDep, fenomeen: str | None = None,
                soort: str | None = None) -> dict[str, Any]:
    """`fenomeen` keeps the instruments that fit it (those for every phenomenon included);
    `soort` keeps one kind (bestuurlijk, strafrechtelijk, fiscaal, privaatrechtelijk, preventief)."""
    errors: list[FieldError] = []
    if fenomeen is not None and fenomeen not in rt.catalogue.phenomena:
        errors.append(FieldError("fenomeen", "fenomeen_onbekend",
                                 f"Onbekend fenomeen; kies uit {', '.join(rt.catalogue.phenomena)}."))
    if soort is not None and soort not in INSTRUMENT_KINDS:
        errors.append(FieldError("soort", "soort_onbekend",
                                 f"Onbekende soort; kies uit {', '.join(INSTRUMENT_KINDS)}."))
    if errors:
        raise ValidationFailed(errors)
    found = [i for i in rt.catalogue.instruments.values()
             if (fenomeen is None or not i.fenomenen or fenomeen in i.fenomenen)
             and (soort is None or i.soort == soort)]
    return {"items": [_instrument(i) for i in found]}


@router.get("/instrumenten/{code}", summary="Eén instrument")
def instrument(code: str, rt: RuntimeDep, _: PrincipalDep) -> dict[str, Any]:
    return _instrument(_known(rt.catalogue.instruments, code))


@router.get("/signaalverloop", summary="Statussen van een signaal, de overgangen ertussen en de weging")
def signal_flow(rt: RuntimeDep, _: PrincipalDep) -> dict[str, Any]:
    flow = rt.catalogue.signal_flow
    assert flow is not None
    return {
        "statussen": [{"code": s.code, "naam": s.naam, "toelichting": s.toelichting, "eind": s.eind}
                      for s in flow.statussen],
        "overgangen": [{"code": t.code, "naam": t.naam, "van": t.van, "naar": t.naar,
                        "naarPerUitkomst": t.naar_per_uitkomst or None, "recht": t.recht, "vereist": t.vereist,
                        "intaketoetsUitslag": t.intaketoets_uitslag} for t in flow.overgangen],
        "weging": {"schalen": {k: {"naam": v.naam, "niveaus": {str(n): t for n, t in v.niveaus.items()}}
                               for k, v in flow.weging.schalen.items()},
                   "uitkomsten": flow.weging.uitkomsten},
    }

"""/api/v1/barrieremodellen — the barrier models as they count for the own municipality (catalogue
overlaid by a local version) and their gap analysis against the partners at the table."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from weerbaar.api.deps import PrincipalDep, RuntimeDep, SessionDep
from weerbaar.api.signalen import _check_keys
from weerbaar.core.catalogue import BarrierModel
from weerbaar.core.errors import FieldError, ValidationFailed
from weerbaar.prevention import barriers

router = APIRouter(prefix="/barrieremodellen", tags=["Barrièremodellen"])
BASE = "/api/v1/barrieremodellen"


def _links(code: str) -> dict[str, Any]:
    return {"self": {"href": f"{BASE}/{code}"}, "analyse": {"href": f"{BASE}/{code}/analyse"},
            "pagina": {"href": f"/barrieremodellen/{code}"}}


def _counts(model: BarrierModel) -> dict[str, int]:
    return {"aantalStappen": len(model.stappen), "aantalBarrieres": sum(len(s.barrieres) for s in model.stappen)}


def _summary(eff: barriers.EffectiveModel) -> dict[str, Any]:
    m = eff.model
    return {"code": m.code, "naam": m.naam, "fenomenen": m.fenomenen, **_counts(m),
            "lokaalAangepast": eff.locally_modified, "versie": eff.version,
            "catalogusversie": eff.catalogue_model.versie,
            "lokaleVersie": eff.local.version if eff.local else None, "_links": _links(m.code)}


def model_json(eff: barriers.EffectiveModel) -> dict[str, Any]:
    m = eff.model
    return {
        **_summary(eff),
        "bron": m.bron,
        "waarschuwing": eff.warning,
        "lokaalGewijzigdOp": eff.local.at.isoformat() if eff.local else None,
        "lokaalGewijzigdDoor": eff.local.by_user_name if eff.local else None,
        "lokaleReden": eff.local.reason if eff.local else None,
        "stappen": [{
            "code": s.code, "naam": s.naam, "omschrijving": s.omschrijving, "gelegenheden": s.gelegenheden,
            "facilitatoren": s.facilitatoren, "signalen": s.signalen, "partners": s.partners,
            "barrieres": [{"code": b.code, "omschrijving": b.omschrijving, "eigenaar": b.eigenaar,
                           "instrumenten": b.instrumenten} for b in s.barrieres],
        } for s in m.stappen],
    }


def analysis_json(a: barriers.GapAnalysis) -> dict[str, Any]:
    return {
        "code": a.model.code, "naam": a.model.naam, "lokaalAangepast": a.locally_modified,
        "partners": a.partners, "partnersStandaard": a.partners_default,
        "recentVanaf": a.recent_from.isoformat(), "bewaaktVanaf": a.watch_from.isoformat(),
        "exacteAantallen": a.exact, "recenteSignalen": a.recent_total,
        "stappen": [{"code": s.code, "naam": s.naam, "sterkte": s.strength, "recenteSignalen": s.recent_signals,
                     "onbewaakteSignalen": s.unwatched,
                     "barrieres": [{"code": b.code, "omschrijving": b.omschrijving, "eigenaar": b.eigenaar,
                                    "eigenaarAanTafel": b.owner_at_table, "instrumenten": b.instruments,
                                    "bruikbareInstrumenten": b.usable_instruments} for b in s.barriers]}
                    for s in a.steps],
        "bevindingen": [{"soort": f.kind, "stap": f.step, "barriere": f.barrier, "signaal": f.signal,
                         "tekst": f.text, "getal": f.figure, "getalBetekenis": f.figure_label}
                        for f in a.findings],
        "_links": {"self": {"href": f"{BASE}/{a.model.code}/analyse"}, "model": {"href": f"{BASE}/{a.model.code}"},
                   "pagina": {"href": f"/barrieremodellen/{a.model.code}/analyse"}},
    }


@router.get("", summary="De barrièremodellen zoals ze voor uw gemeente gelden")
def list_(request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    errors: list[FieldError] = []
    _check_keys(dict(request.query_params), set(), errors)
    if errors:
        raise ValidationFailed(errors)
    models = barriers.list_models(session, principal, rt.catalogue)
    return {"_embedded": {"barrieremodellen": [_summary(e) for e in models]}, "aantal": len(models),
            "_links": {"self": {"href": BASE}}}


@router.get("/{code}", summary="Eén barrièremodel: de catalogusversie of de lokale versie van uw gemeente",
            responses={404: {"description": "Onbekend barrièremodel"}})
def get(code: str, request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    errors: list[FieldError] = []
    _check_keys(dict(request.query_params), set(), errors)
    if errors:
        raise ValidationFailed(errors)
    return model_json(barriers.effective_model(session, principal, rt.catalogue, code))


@router.get("/{code}/analyse", summary="Gatenanalyse: waar het model gaten heeft met de partners aan tafel",
            description="Zonder `partners` gelden de organisatietypen die voor uw gemeente zijn geregistreerd; "
                        "met `partners=gemeente,politie` rekent de analyse met die organisatietypen.",
            responses={404: {"description": "Onbekend barrièremodel"}})
def analyse(code: str, request: Request, rt: RuntimeDep, session: SessionDep,
            principal: PrincipalDep) -> dict[str, Any]:
    params = dict(request.query_params)
    errors: list[FieldError] = []
    _check_keys(params, {"partners"}, errors)
    if errors:
        raise ValidationFailed(errors)
    partners = None
    if "partners" in params:
        partners = [p.strip() for p in params["partners"].split(",") if p.strip()]
    return analysis_json(barriers.gap_analysis(session, principal, rt.catalogue, code, partners))

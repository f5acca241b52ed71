"""Barrier-model pages: the models as they count for the municipality, one model step by step with
its local history, the edit form for a local version (YAML, validated with the catalogue's own
checks, every problem beside the field, nothing stored half), back to the catalogue version, and
the gap analysis with the process as a row of steps coloured by the strength of their barriers.

Everything goes through `prevention.barriers`; reading needs preventie.deelnemen, editing
preventie.beheren.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from weerbaar.access import rights
from weerbaar.core.errors import FieldError, ValidationFailed
from weerbaar.prevention import barriers
from weerbaar.web.case_pages import _placed, _values
from weerbaar.web.deps import FormDep, Page, PageDep, refused_as_pages

router = APIRouter()

NO_READ = "Uw rol mag de barrièremodellen niet inzien."
NO_MANAGE = "Alleen de coördinator past de barrièremodellen van de gemeente aan."
NOTICES = {"opgeslagen": "De lokale versie is opgeslagen en geldt nu voor uw gemeente.",
           "teruggezet": ("De catalogusversie geldt weer voor uw gemeente; de lokale versies blijven in "
                          "de geschiedenis.")}
STRENGTHS = {"geen": "Geen barrière met een eigenaar aan tafel", "zwak": "Eén barrière met een eigenaar aan tafel",
             "sterk": "Twee of meer barrières met een eigenaar aan tafel"}
KINDS = {"stap_zonder_eigenaar": "Stappen zonder eigenaar aan tafel",
         "signaal_onbewaakt": "Signalen die geen partner ziet",
         "instrument_onbruikbaar": "Barrières waarvan niemand aan tafel het instrument kan inzetten",
         "signalen_bij_zwakke_stap": "Recente signalen bij een stap met zwakke barrières"}


@router.get("/barrieremodellen")
def model_list(page: PageDep) -> Response:
    page.require(rights.PREVENTION_TAKE_PART, reason=NO_READ)
    with refused_as_pages(page):
        models = barriers.list_models(page.db, page.principal, page.rt.catalogue)
    return page.render("barrieremodellen.html", title="Barrièremodellen", models=models,
                       may_manage=page.can(rights.PREVENTION_MANAGE))


@router.get("/barrieremodellen/{code}")
def model_detail(code: str, page: PageDep) -> Response:
    page.require(rights.PREVENTION_TAKE_PART, reason=NO_READ)
    with refused_as_pages(page):
        eff = barriers.effective_model(page.db, page.principal, page.rt.catalogue, code)
        history = barriers.history(page.db, page.principal, page.rt.catalogue, code)
    return page.render("barrieremodel.html", title=f"Barrièremodel {eff.model.naam}", eff=eff, m=eff.model,
                       history=history, may_manage=page.can(rights.PREVENTION_MANAGE),
                       notice=NOTICES.get(page.request.query_params.get("melding", "")))


def _form(page: Page, code: str, text: str, reason: str, errors: list[FieldError] | None = None,
          status: int = 200) -> Response:
    with refused_as_pages(page):
        eff = barriers.effective_model(page.db, page.principal, page.rt.catalogue, code)
    return page.render("barrieremodel_bewerken.html", status, title=f"{eff.model.naam} aanpassen", eff=eff,
                       m=eff.model, text=text, reason=reason, errors=_placed(errors or []))


@router.get("/barrieremodellen/{code}/bewerken")
def edit_form(code: str, page: PageDep) -> Response:
    page.require(rights.PREVENTION_MANAGE, reason=NO_MANAGE)
    with refused_as_pages(page):
        eff = barriers.effective_model(page.db, page.principal, page.rt.catalogue, code)
    text = eff.local.content if eff.local and eff.local.content else barriers.model_yaml(eff.model)
    return _form(page, code, text, "")


@router.post("/barrieremodellen/{code}/bewerken")
def save(code: str, page: PageDep, posted: FormDep) -> Response:
    page.require(rights.PREVENTION_MANAGE, reason=NO_MANAGE)
    values, _ = _values(posted)
    try:
        with refused_as_pages(page):
            barriers.save_local_version(page.db, page.principal, page.rt.catalogue, code, values.get("inhoud"),
                                        values.get("reden"))
    except ValidationFailed as exc:
        return _form(page, code, values.get("inhoud", ""), values.get("reden", ""), exc.errors, 422)
    return RedirectResponse(f"/barrieremodellen/{code}?melding=opgeslagen", 303)


@router.post("/barrieremodellen/{code}/terugzetten")
def revert(code: str, page: PageDep, posted: FormDep) -> Response:
    page.require(rights.PREVENTION_MANAGE, reason=NO_MANAGE)
    values, _ = _values(posted)
    with refused_as_pages(page):
        barriers.revert_to_catalogue(page.db, page.principal, page.rt.catalogue, code, values.get("reden"))
    return RedirectResponse(f"/barrieremodellen/{code}?melding=teruggezet", 303)


@router.get("/barrieremodellen/{code}/analyse")
def analysis(code: str, page: PageDep) -> Response:
    page.require(rights.PREVENTION_TAKE_PART, reason=NO_READ)
    params = page.request.query_params
    chosen = [p for p in params.getlist("partners") if p] if params.get("kies") else None
    errors: dict[str, list[str]] = {}
    with refused_as_pages(page):
        try:
            result = barriers.gap_analysis(page.db, page.principal, page.rt.catalogue, code, chosen)
        except ValidationFailed as exc:
            errors = _placed(exc.errors)
            result = barriers.gap_analysis(page.db, page.principal, page.rt.catalogue, code)
    types = sorted(page.rt.catalogue.organisation_types.values(), key=lambda t: t.naam)
    return page.render("barrieremodel_analyse.html", 422 if errors else 200,
                       title=f"Gatenanalyse {result.model.naam}", a=result, types=types, errors=errors,
                       strengths=STRENGTHS, kinds=KINDS)

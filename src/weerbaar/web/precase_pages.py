"""Pre-case pages (vooronderzoeken) with the privacy check 1 form, and the hit/no-hit check
(bekendheid). Plain forms, the same services and validation as the API."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response

from weerbaar.access import rights
from weerbaar.cases import knownness, precases, privacy
from weerbaar.core.errors import FieldError, NotFound, ValidationFailed
from weerbaar.web.deps import FormDep, Page, PageDep, errors_by_field, refused_as_pages

router = APIRouter()
CHECK_FIELDS = ("grondslag", "doel", "noodzaak", "proportionaliteit", "subsidiariteit", "subjecten")
ASK_FIELDS = ("naam", "geboortedatum", "bsn", "kvkNummer", "adresId", "postcode", "huisnummer", "huisletter",
              "toevoeging", "doel", "grondslag")
NOTICES = {"toets": "Privacytoets 1 is vastgelegd. Uw organisatie ziet nu de gegevens van de genoemde subjecten."}


def _text(posted: Any, key: str) -> str:
    value = posted.get(key)
    return value.strip() if isinstance(value, str) else ""


def _bases(page: Page) -> list[tuple[str, str]]:
    return [(b.code, b.naam) for b in page.rt.catalogue.legal_bases.values()
            if not b.partnertypen or page.principal.organisation_type in b.partnertypen]


def _list_page(page: Page, values: dict[str, str] | None = None, errors: dict[str, list[str]] | None = None,
               status: int = 200) -> Response:
    items = precases.list_pre_cases(page.db, page.principal, page.rt.catalogue)
    suggestions: list[dict[str, Any]] = []
    if page.can(rights.CASES_MANAGE):
        bundles = precases.suggest_bundles(page.db, page.principal, page.rt.catalogue)
        suggestions = precases.bundles_json(page.db, page.principal, page.rt.catalogue, bundles)
    return page.render("vooronderzoeken.html", status, title="Vooronderzoeken", items=items, suggestions=suggestions,
                       values=values or {}, errors=errors or {}, may_manage=page.can(rights.CASES_MANAGE))


@router.get("/vooronderzoeken")
def list_page(page: PageDep) -> Response:
    with refused_as_pages(page):
        return _list_page(page, {"subject": page.request.query_params.get("subject", "")})


@router.post("/vooronderzoeken")
def create(page: PageDep, posted: FormDep) -> Response:
    values = {"titel": _text(posted, "titel"), "subject": _text(posted, "subject")}
    signals = [v for v in posted.getlist("signalen") if isinstance(v, str) and v]
    try:
        with refused_as_pages(page):
            pre_case = precases.create_pre_case(page.db, page.principal, page.rt.catalogue, signals,
                                                values["titel"], values["subject"] or None)
    except ValidationFailed as exc:
        return _list_page(page, values, errors_by_field(exc.errors), status=422)
    return RedirectResponse(f"/vooronderzoeken/{pre_case.id}", 303)


def _detail_page(page: Page, pre_case_id: str, values: dict[str, str] | None = None,
                 errors: dict[str, list[str]] | None = None, status: int = 200) -> Response:
    try:
        with refused_as_pages(page):
            pre_case = precases.get_pre_case(page.db, page.principal, page.rt.catalogue, pre_case_id)
    except NotFound:
        raise HTTPException(404) from None
    if values is None:
        values = {"subjecten": (pre_case["subject"] or {}).get("id", "")}
    notice = NOTICES.get(page.request.query_params.get("melding", ""))
    return page.render("vooronderzoek.html", status, title=pre_case["titel"], pre_case=pre_case, values=values,
                       errors=errors or {}, bases=_bases(page), notice=notice,
                       may_check=page.can(rights.PRIVACY_CHECK))


@router.get("/vooronderzoeken/{pre_case_id}")
def detail_page(pre_case_id: str, page: PageDep) -> Response:
    return _detail_page(page, pre_case_id)


@router.post("/vooronderzoeken/{pre_case_id}/privacytoets")
def record_check(pre_case_id: str, page: PageDep, posted: FormDep) -> Response:
    values = {k: _text(posted, k) for k in CHECK_FIELDS}
    subjects = [s for s in values["subjecten"].replace(",", " ").split() if s]
    try:
        with refused_as_pages(page):
            privacy.record_check_1(
                page.db, page.principal, page.rt.catalogue, pre_case_id=pre_case_id,
                legal_basis=values["grondslag"] or None, purpose=values["doel"], necessity=values["noodzaak"],
                proportionality=values["proportionaliteit"], subsidiarity=values["subsidiariteit"],
                subject_ids=subjects)
    except NotFound:
        raise HTTPException(404) from None
    except ValidationFailed as exc:
        errors = errors_by_field([FieldError(e.name.split("[")[0], e.code, e.reason) for e in exc.errors])
        return _detail_page(page, pre_case_id, values, errors, status=422)
    return RedirectResponse(f"/vooronderzoeken/{pre_case_id}?melding=toets", 303)


# --- hit/no-hit ----------------------------------------------------------------------------


def _ask_page(page: Page, values: dict[str, str] | None = None, errors: dict[str, list[str]] | None = None,
              result: dict[str, Any] | None = None, status: int = 200) -> Response:
    asked = knownness.questions_about(page.db, page.principal, page.rt.catalogue)
    return page.render("bekendheid.html", status, title="Bekendheidscheck", values=values or {}, errors=errors or {},
                       result=result, asked=asked, bases=_bases(page), may_ask=page.can(rights.KNOWNNESS_ASK))


@router.get("/bekendheid")
def ask_form(page: PageDep) -> Response:
    return _ask_page(page)


def _question(values: dict[str, str], errors: dict[str, list[str]]) -> knownness.Question:
    born = None
    if values["geboortedatum"]:
        try:
            born = date.fromisoformat(values["geboortedatum"])
        except ValueError:
            errors.setdefault("persoon.geboortedatum", []).append("Ongeldige datum; gebruik JJJJ-MM-DD.")
    number = None
    if values["huisnummer"]:
        raw = values["huisnummer"]
        if raw.isascii() and raw.isdigit() and 0 < int(raw) < 100000:
            number = int(raw)
        else:
            errors.setdefault("huisnummer", []).append("Moet een geheel getal van 1 tot en met 99999 zijn.")
    person = bool(values["naam"] or values["geboortedatum"] or values["bsn"])
    return knownness.Question(
        naam=values["naam"] or None, geboortedatum=born, bsn=values["bsn"] or None, persoon_given=person,
        kvk_nummer=values["kvkNummer"] or None, adres_id=values["adresId"] or None,
        postcode=values["postcode"] or None, huisnummer=number, huisletter=values["huisletter"] or None,
        toevoeging=values["toevoeging"] or None, doel=values["doel"], grondslag=values["grondslag"] or None)


@router.post("/bekendheid")
def ask(page: PageDep, posted: FormDep) -> Response:
    values = {k: _text(posted, k) for k in ASK_FIELDS}
    errors: dict[str, list[str]] = {}
    question = _question(values, errors)
    try:
        with refused_as_pages(page):
            if errors:  # the form's own problems, with whatever else the question lacks
                knownness.validate(page.db, page.principal, page.rt.catalogue, question)
                return _ask_page(page, values, errors, status=422)
            _, answers = knownness.ask(page.db, page.principal, page.rt.catalogue, question)
    except ValidationFailed as exc:
        for name, reasons in errors_by_field(exc.errors).items():
            errors.setdefault(name, reasons)
        return _ask_page(page, values, errors, status=422)
    return _ask_page(page, values, result={"bekend": any(a["bekend"] for a in answers), "antwoorden": answers})

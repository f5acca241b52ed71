"""Signal pages: the registration form with its htmx helpers, and the detail page with sharing."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from weerbaar.access import rights
from weerbaar.cases import knownness
from weerbaar.core import clock
from weerbaar.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from weerbaar.intake import lifecycle, queries, serialize, service
from weerbaar.intake.schemas import LocatieIn, parse_signal, validate_model
from weerbaar.resolve import incremental
from weerbaar.web import lookups
from weerbaar.web.deps import READ_RIGHTS, FormDep, Page, PageDep, refused_as_pages
from weerbaar.web.signal_form import (
    LOCATION_FIELDS,
    MAX_PARTY_ROWS,
    PARTY_KINDS,
    SAVE,
    SignalForm,
    by_field,
    label,
    shown_errors,
)

router = APIRouter()

NO_REGISTER = "Uw rol mag geen signalen registreren."
NO_READ = "Uw rol mag geen signalen inzien."


def _form_page(page: Page, form: SignalForm, errors: list[FieldError] | None = None,
               rows: list[int] | None = None, status: int = 200) -> Response:
    shown = shown_errors(errors or [], rows or [])
    cat = page.rt.catalogue
    phenomenon = cat.phenomena.get(form.get("fenomeen"))
    # Only levels the user may read: otherwise they could not open what they just registered.
    levels = cat.confidentiality_levels[: page.principal.max_confidentiality_rank + 1]
    options = {
        "phenomena": [(p.code, p.naam) for p in cat.phenomena.values()],
        "reliability": [(c, f"{c} – {lvl.naam}") for c, lvl in cat.reliability.items()],
        "credibility": [(c, f"{c} – {lvl.naam}") for c, lvl in cat.credibility.items()],
        "levels": [(c, cat.confidentiality[c].naam) for c in levels],
    }
    return page.render(
        "signal_form.html", status, title="Nieuw signaal", form=form, errors=shown,
        field_errors=by_field(shown), phenomenon=phenomenon, kinds=PARTY_KINDS, options=options,
        max_rows=MAX_PARTY_ROWS,
        address_check=_address_check(page, form.values) if form.action != SAVE or shown else None,
    )


@router.get("/signalen/nieuw")
def new_signal(page: PageDep) -> Response:
    page.require(rights.SIGNAL_REGISTER, reason=NO_REGISTER)
    return _form_page(page, SignalForm.blank(clock.today()))


@router.post("/signalen/nieuw")
def submit_signal(page: PageDep, posted: FormDep) -> Response:
    page.require(rights.SIGNAL_REGISTER, reason=NO_REGISTER)
    form = SignalForm.parse(posted)
    if form.action != SAVE:
        return _form_page(page, form)
    body, rows = form.to_api()
    try:
        data = parse_signal(body, page.rt.catalogue)
        signal = service.register_signal(page.db, page.principal, data, page.rt.catalogue,
                                         service.Provenance("formulier"))
        incremental.link_signal(page.db, signal)  # matched against known subjects at intake
        knownness.add_signal_keys(page.db, signal)  # known to its organisation for hit/no-hit
    except ValidationFailed as exc:
        return _form_page(page, form, exc.errors, rows, status=422)
    return RedirectResponse(f"/signalen/{signal.id}?melding=opgeslagen", 303)


@router.get("/web/signaalkaart")
def card_fragment(page: PageDep) -> HTMLResponse:
    code = page.request.query_params.get("fenomeen", "")
    return page.render("_signaalkaart.html", phenomenon=page.rt.catalogue.phenomena.get(code),
                       form=SignalForm(), field_errors={})


@router.get("/web/betrokkene")
def party_fragment(page: PageDep) -> HTMLResponse:
    raw = page.request.query_params.get("index", "")
    index = int(raw) if raw.isdigit() else MAX_PARTY_ROWS
    if index >= MAX_PARTY_ROWS:
        return HTMLResponse("", status_code=204)
    return page.render("_betrokkene_nieuw.html", row=index, form=SignalForm(), field_errors={},
                       kinds=PARTY_KINDS, max_rows=MAX_PARTY_ROWS)


@router.post("/web/adres-controle")
def address_fragment(page: PageDep, posted: FormDep) -> HTMLResponse:
    values = {k: v for k, v in posted.items() if isinstance(v, str)}
    return page.render("_adres_controle.html", check=_address_check(page, values))


def _address_check(page: Page, values: dict[str, str]) -> dict[str, object] | None:
    """What the address register says about the typed location (None: nothing typed yet)."""
    given = {k: values.get(f"locatie.{k}", "") for k in LOCATION_FIELDS}
    if not any(v.strip() for k, v in given.items() if k != "omschrijving"):
        return None
    try:
        loc = validate_model(LocatieIn, given)
    except ValidationFailed as exc:
        # Name the field ("Huisnummer: moet een geheel getal zijn"); whole-location errors stand alone.
        reasons = [f"{label('locatie.' + e.name)}: {e.reason}" if e.name in LOCATION_FIELDS else e.reason
                   for e in exc.errors]
        return {"kind": "error", "reasons": reasons}
    address = service.find_address(page.db, loc)
    if address is None:
        return {"kind": "unknown"}
    names = lookups.area_names(page.db, "buurt")
    return {"kind": "found", "label": address.label(), "buurt": names.get(address.neighbourhood_code or "")}


def _signal_id(raw: str) -> str:
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise HTTPException(404) from None


def _detail_page(page: Page, signal_id: str, share_errors: list[FieldError] | None = None,
                 share_values: dict[str, str] | None = None, status: int = 200,
                 phenomenon_errors: list[FieldError] | None = None,
                 step: tuple[str, dict[str, str], list[FieldError], str | None] | None = None) -> Response:
    """`step`: a lifecycle form sent back (its form, values, field errors and a refusal)."""
    page.require(*READ_RIGHTS, reason=NO_READ)
    try:
        row = queries.get_signal(page.db, page.principal, page.rt.catalogue, signal_id)
    except NotFound:
        raise HTTPException(404) from None
    s = row.signal
    may_share = page.can(rights.SIGNAL_SHARE)
    sees_shares = may_share or s.organisation_id == page.principal.organisation_id
    shares = queries.shares_of(page.db, s.id) if sees_shares else None
    detail = serialize.detail(row, page.rt.catalogue, shares)
    areas = lookups.area_names(page.db)
    targets = [o for o in lookups.organisations(page.db)
               if o.id != s.organisation_id and o.id not in {sh.organisation_id for sh in shares or []}]
    notice = {"opgeslagen": "Het signaal is opgeslagen.",
              "gedeeld": "Het signaal is gedeeld.",
              "fenomeen": "Het fenomeen is vastgesteld.",
              "status": "De stap is vastgelegd."}.get(page.request.query_params.get("melding", ""))
    flow = lifecycle.flow_of(page.rt.catalogue)
    possible = {t.code for t in lifecycle.possible_transitions(page.rt.catalogue, page.principal, row.status)}
    step_form, step_values, step_errors, step_refusal = step or (None, {}, [], None)
    return page.render(
        "signal_detail.html", status, title="Signaal", s=detail, signal=s,
        address=lookups.address(page.db, s.address_id), areas=areas, may_share=may_share,
        share_targets=[(o.id, o.name) for o in targets], notice=notice,
        share_errors=by_field(shown_errors(share_errors or [], [])), share_values=share_values or {},
        may_confirm=page.can(service.CONFIRM_RIGHT),
        phenomena=[(p.code, p.naam) for p in page.rt.catalogue.phenomena.values()],
        phenomenon_errors=by_field(shown_errors(phenomenon_errors or [], [])),
        # The intake transitions (one per result of the check) share one form.
        steps=[t for t in flow.overgangen if t.code in possible
               and ("intaketoets" not in t.vereist or t.intaketoets_uitslag == "ja")],
        intake_questions=lifecycle.INTAKE_QUESTIONS, weighing=flow.weging,
        scale_options={key: [(str(n), f"{n} – {text}") for n, text in scale.niveaus.items()]
                       for key, scale in flow.weging.schalen.items()},
        step_form=step_form, step_values=step_values, step_refusal=step_refusal,
        step_errors=by_field(shown_errors(step_errors, [])),
    )


@router.get("/signalen/{signal_id}")
def signal_detail(signal_id: str, page: PageDep) -> Response:
    return _detail_page(page, _signal_id(signal_id))


@router.post("/signalen/{signal_id}/delen")
def share(signal_id: str, page: PageDep, posted: FormDep) -> Response:
    sid = _signal_id(signal_id)
    page.require(rights.SIGNAL_SHARE, reason="Uw rol mag geen signalen delen.")
    org = posted.get("organisatie")
    reason = posted.get("reden")
    org = org if isinstance(org, str) else ""
    reason = reason if isinstance(reason, str) else ""
    try:
        with refused_as_pages(page):
            service.share_signal(page.db, page.principal, page.rt.catalogue, sid, org, reason)
    except ValidationFailed as exc:
        return _detail_page(page, sid, exc.errors, {"organisatie": org, "reden": reason}, status=422)
    return RedirectResponse(f"/signalen/{sid}?melding=gedeeld", 303)


@router.post("/signalen/{signal_id}/fenomeen")
def confirm_phenomenon(signal_id: str, page: PageDep, posted: FormDep) -> Response:
    """Confirm the suggested phenomenon, or choose another (a plain form: no JavaScript needed)."""
    sid = _signal_id(signal_id)
    page.require(service.CONFIRM_RIGHT, reason="Alleen het intaketeam mag het fenomeen van een signaal bevestigen.")
    code = posted.get("fenomeen")
    code = code if isinstance(code, str) else ""
    try:
        service.confirm_phenomenon(page.db, page.principal, page.rt.catalogue, sid, code)
    except NotFound:
        raise HTTPException(404) from None
    except ValidationFailed as exc:
        return _detail_page(page, sid, status=422, phenomenon_errors=exc.errors)
    return RedirectResponse(f"/signalen/{sid}?melding=fenomeen", 303)


@router.post("/signalen/{signal_id}/status")
def change_status(signal_id: str, page: PageDep, posted: FormDep) -> Response:
    """One step of the lifecycle from a plain form. The intake form is one form for both
    outcomes: three yes answers lead on to the weighing, a no closes the signal."""
    sid = _signal_id(signal_id)
    values = {k: v for k, v in posted.items() if isinstance(v, str)}
    form = values.get("overgang", "")
    answers = {k: {"ja": True, "nee": False}.get(values.get(f"intaketoets.{k}", ""))
               for k in lifecycle.INTAKE_QUESTIONS}
    flow = lifecycle.flow_of(page.rt.catalogue)
    transition = form
    if form == "intaketoets":  # the catalogue's intake transition for this result of the check
        result = "nee" if False in answers.values() else "ja"
        transition = next((t.code for t in flow.overgangen if t.intaketoets_uitslag == result), form)
    scores = {k: int(values[f"weging.{k}"]) for k in flow.weging.schalen
              if values.get(f"weging.{k}", "").isdigit() and len(values[f"weging.{k}"]) < 3}
    change = lifecycle.StatusChange(
        transition, values.get("reden"),
        intake={k: v for k, v in answers.items() if v is not None} if form == "intaketoets" else None,
        scores=scores, outcome=values.get("weging.uitkomst") or None)
    try:
        with refused_as_pages(page):
            lifecycle.change_status(page.db, page.principal, page.rt.catalogue, sid, change)
    except ValidationFailed as exc:
        return _detail_page(page, sid, status=422, step=(form, values, exc.errors, None))
    except Conflict as exc:
        return _detail_page(page, sid, status=409, step=(form, values, [], exc.reason))
    return RedirectResponse(f"/signalen/{sid}?melding=status#geschiedenis", 303)

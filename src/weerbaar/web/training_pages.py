"""Training pages (Bekwamen): practise signal recognition alone, join a session with its code, lead a
session on a projector, and see per phenomenon where awareness is weakest.

Everything goes through `prevention.training` (rights, visibility as SQL, logboek). Pages work
without JavaScript: each answer is a plain form; the projector view and a participant waiting for
the next question refresh themselves with htmx polling, and carry a "Vernieuwen" link otherwise.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response

from weerbaar.access import rights
from weerbaar.core.errors import Conflict, FieldError, ValidationFailed
from weerbaar.prevention import training
from weerbaar.web.case_pages import Sent, _merge, _placed, _uuid, _values
from weerbaar.web.deps import FormDep, Page, PageDep, refused_as_pages

router = APIRouter()

NO_TRAINING = "Uw rol mag niet oefenen met signaalherkenning."
NO_LEAD = "Alleen wie de preventie van de gemeente regelt, start en leidt een sessie."


def _int(raw: str | None, name: str, errors: list[FieldError]) -> int | None:
    try:
        return int((raw or "").strip())
    except ValueError:
        errors.append(FieldError(name, "int_parsing", "Vul een geheel getal in."))
        return None


def _start_page(page: Page, sent: Sent | None = None, status: int = 200) -> Response:
    page.require(rights.PREVENTION_TAKE_PART, reason=NO_TRAINING)
    with refused_as_pages(page):
        mine = training.my_rounds(page.db, page.principal)
    led = training.led_rounds(page.db, page.principal)
    return page.render("training.html", status, title="Training signaalherkenning", sent=sent or Sent(),
                       mine=mine, led=led, may_lead=page.can(rights.PREVENTION_MANAGE),
                       size_options=[(str(n), str(n)) for n in (5, 10, 15, 20, 30)],
                       default_size=training.DEFAULT_SIZE,
                       phenomena=[(p.code, p.naam) for p in page.rt.catalogue.phenomena.values()])


@router.get("/training")
def training_home(page: PageDep) -> Response:
    return _start_page(page)


@router.post("/training")
def training_start(page: PageDep, posted: FormDep) -> Response:
    page.require(rights.PREVENTION_TAKE_PART, reason=NO_TRAINING)
    values, lists = _values(posted)
    mode = values.get("modus", "oefenen")
    if mode == "sessie":
        page.require(rights.PREVENTION_MANAGE, reason=NO_LEAD)
    own: list[FieldError] = []
    size = _int(values.get("aantal"), "aantal", own)
    try:
        with refused_as_pages(page):
            # What could not be read reaches the service as missing; our error stands beside the field.
            rnd = training.start_round(page.db, page.principal, page.rt.catalogue, title=values.get("titel"),
                                       phenomena=lists.get("fenomenen") or None, size=size, mode=mode)
    except ValidationFailed as exc:
        return _start_page(page, Sent(mode, values, lists, _placed(_merge(own, exc.errors))), status=422)
    return RedirectResponse(f"/training/{rnd.id}", 303)


@router.post("/training/deelnemen")
def training_join(page: PageDep, posted: FormDep) -> Response:
    page.require(rights.PREVENTION_TAKE_PART, reason=NO_TRAINING)
    values, lists = _values(posted)
    try:
        with refused_as_pages(page):
            rnd = training.join(page.db, page.principal, values.get("code"))
    except ValidationFailed as exc:
        return _start_page(page, Sent("deelnemen", values, lists, _placed(exc.errors)), status=422)
    return RedirectResponse(f"/training/{rnd.id}", 303)


@router.get("/training/resultaten")
def training_results(page: PageDep) -> Response:
    page.require(rights.PREVENTION_TAKE_PART, reason=NO_TRAINING)
    with refused_as_pages(page):
        rows = training.results(page.db, page.principal, page.rt.catalogue)
    return page.render("training_resultaten.html", title="Trainingsresultaten per fenomeen", rows=rows,
                       minimum=training.MIN_ANSWERS)


def _round_page(page: Page, round_id: str, sent: Sent | None = None, status: int = 200) -> Response:
    page.require(rights.PREVENTION_TAKE_PART, reason=NO_TRAINING)
    polling = bool(page.request.headers.get("HX-Request"))
    with refused_as_pages(page):
        view = training.round_view(page.db, page.principal, round_id, log=not polling)
        scores = (training.participant_scores(page.db, page.principal, view.round)
                  if view.facilitator and not polling else [])
    feedback = None
    raw = page.request.query_params.get("beantwoord", "")
    if raw.isdigit() and int(raw) in view.answers:
        feedback = int(raw)
    return page.render("training_ronde.html", status, title=view.round.title, view=view, rnd=view.round,
                       feedback=feedback, next_open=view.next_open(), scores=scores, sent=sent or Sent(),
                       kinds=training.KINDS)


@router.get("/training/{round_id}")
def training_round(round_id: str, page: PageDep) -> Response:
    return _round_page(page, _uuid(round_id))


@router.post("/training/{round_id}/antwoord")
def training_answer(round_id: str, page: PageDep, posted: FormDep) -> Response:
    rid = _uuid(round_id)
    values, lists = _values(posted)
    own: list[FieldError] = []
    index = _int(values.get("vraag"), "vraag", own)
    try:
        with refused_as_pages(page):
            if own:
                raise ValidationFailed(own)
            row = training.answer(page.db, page.principal, rid, index, lists.get("antwoord") or [])
    except ValidationFailed as exc:
        return _round_page(page, rid, Sent("antwoord", values, lists, _placed(exc.errors)), status=422)
    except Conflict as exc:
        return _round_page(page, rid, Sent("antwoord", values, lists, refusal=exc.reason), status=409)
    return RedirectResponse(f"/training/{rid}?beantwoord={row.question}#feedback", 303)


@router.post("/training/{round_id}/stap")
def training_step(round_id: str, page: PageDep, posted: FormDep) -> Response:
    rid = _uuid(round_id)
    values, _ = _values(posted)
    try:
        with refused_as_pages(page):
            training.advance(page.db, page.principal, rid, values.get("stap"))
    except (ValidationFailed, Conflict):
        pass  # an unknown step or a closed round: the page shows the state as it is
    target = values.get("terug")
    return RedirectResponse(f"/training/{rid}/scherm" if target == "scherm" else f"/training/{rid}", 303)


@router.get("/training/{round_id}/scherm")
def training_screen(round_id: str, page: PageDep) -> Response:
    page.require(rights.PREVENTION_MANAGE, reason=NO_LEAD)
    with refused_as_pages(page):
        view, counts, answered = training.screen(page.db, page.principal, _uuid(round_id))
    rnd = view.round
    if not rnd.questions:
        raise HTTPException(404)
    question = rnd.questions[rnd.current]
    return page.render("training_scherm.html", title=f"Scherm: {rnd.title}", view=view, rnd=rnd,
                       question=question, counts=counts, answered=answered, kinds=training.KINDS)

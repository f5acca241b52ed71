"""Five-B session pages (beraad): the list and planning one, the overview of a session (its phases
and the status of the previous session's commitments), one page per phase — Binden, Boeien,
Bekwamen, Bepalen, Beklinken — with its forms and "Volgende fase", and the agreement PDF.

Everything is read and written through `prevention.sessions` (visibility as a SQL filter, every
write logged); a session the principal may not see is a 404. A refused form comes back with each
error beside its field. Works without JavaScript: every step is a plain form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response

from weerbaar.access import rights
from weerbaar.cases import service as cases
from weerbaar.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from weerbaar.prevention import agreement, sessions
from weerbaar.web import lookups
from weerbaar.web.case_pages import Sent, _date, _merge, _placed, _uuid, _values
from weerbaar.web.deps import FormDep, Page, PageDep, refused_as_pages

router = APIRouter()

READ_RIGHTS = (rights.PREVENTION_MANAGE, rights.PREVENTION_TAKE_PART)
NO_READ = "Uw rol doet niet mee aan de preventie."
NO_MANAGE = "Alleen wie de preventie van de gemeente regelt, plant en leidt een beraad."
NOTICES = {
    "gepland": "Het beraad is gepland. Begin met Binden: wie zit er aan tafel?",
    "deelnemer": "De deelnemer is toegevoegd.",
    "grondslag": "De grondslag is vastgelegd.",
    "fase": "De fase is bijgewerkt.",
    "beeld": "Het beeld is vastgelegd zoals het aan tafel is getoond.",
    "training": "De trainingsronde is gestart. Deelnemers doen mee met de code op het scherm.",
    "stem": "De stem is vastgelegd.",
    "prioriteit": "De keuze is vastgelegd.",
    "afspraak": "De afspraak is vastgelegd en staat nu bij de acties van de partner.",
    "ondertekend": "Het beraad is ondertekend. Download het convenant hieronder.",
}


def _next_phase(code: str) -> str | None:
    i = sessions.PHASE_CODES.index(code)
    return sessions.PHASE_CODES[i + 1] if i + 1 < len(sessions.PHASE_CODES) else None


# --------------------------------------------------------------------------------------------
# The list and planning a session
# --------------------------------------------------------------------------------------------


def _list(page: Page, sent: Sent | None = None, status: int = 200) -> Response:
    page.require(*READ_RIGHTS, reason=NO_READ)
    with refused_as_pages(page):
        rows = sessions.list_sessions(page.db, page.principal, page.rt.catalogue)
    return page.render("beraden.html", status, title="Beraden", rows=rows, sent=sent or Sent(),
                       states=sessions.STATES, phase_names=sessions.method_of(page.rt.catalogue).phase_names,
                       may_plan=page.can(rights.PREVENTION_MANAGE) and page.principal.municipality_code is not None)


@router.get("/beraden")
def session_list(page: PageDep) -> Response:
    return _list(page)


@router.post("/beraden")
def plan_session(page: PageDep, posted: FormDep) -> Response:
    page.require(rights.PREVENTION_MANAGE, reason=NO_MANAGE)
    values, lists = _values(posted)
    own: list[FieldError] = []
    held_on = _date(values.get("datum", ""), "datum", own)
    try:
        with refused_as_pages(page):
            try:
                ps = sessions.create_session(page.db, page.principal, values.get("titel"), held_on)
            except ValidationFailed as exc:
                raise ValidationFailed(_merge(own, exc.errors)) from None
    except ValidationFailed as exc:
        return _list(page, Sent("nieuw", values, lists, _placed(exc.errors)), status=422)
    return RedirectResponse(f"/beraden/{ps.id}/binden?melding=gepland", 303)


# --------------------------------------------------------------------------------------------
# One session: the overview and one page per phase
# --------------------------------------------------------------------------------------------


def _gaps(page: Page, view: sessions.SessionView) -> dict[str, Any]:
    """The barrier gap analysis for the phenomena the table is weighing: the chosen priorities and
    the top of the tally (or, before any vote, every phenomenon with a barrier model)."""
    codes = [p.code for p in view.priorities if p.kind == "fenomeen"]
    codes += [r.code for r in view.tally.phenomena[:3] if r.code not in codes]
    if not codes:
        codes = list(page.rt.catalogue.phenomena)
    try:
        return sessions.gap_analyses(page.db, page.principal, page.rt.catalogue, view.session, codes)
    except ValidationFailed:
        return {}


def _detail(page: Page, session_id: str, phase: str | None, sent: Sent | None = None,
            status: int = 200) -> Response:
    page.require(*READ_RIGHTS, reason=NO_READ)
    cat = page.rt.catalogue
    if phase is not None and phase not in sessions.PHASE_CODES:
        raise HTTPException(404)
    try:
        view = sessions.session_view(page.db, page.principal, cat, session_id)
    except NotFound:
        raise HTTPException(404) from None
    ps = view.session
    context: dict[str, Any] = {"table_options": [(o.id, o.name) for o in view.organisations]}
    if phase == "binden":
        context["org_options"] = [(o.id, o.name) for o in lookups.organisations(page.db)]
        context["basis_options"] = {o.id: [(b.code, b.naam) for b in cat.legal_bases.values()
                                           if not b.partnertypen or o.type in b.partnertypen]
                                    for o in view.organisations}
    if phase == "bepalen":
        context["gaps"] = _gaps(page, view)
        context["phenomenon_options"] = [(c, p.naam) for c, p in cat.phenomena.items()]
        context["strategy_options"] = list(sessions.strategies(cat).items())
        own = [(p.id, f"{p.name} ({o.name})") for p, o in view.participants
               if view.manages or o.id == page.principal.organisation_id]
        context["voter_options"] = own
    if phase == "bekwamen" and ps.training_round_id:
        context["round_code"] = view.training.join_code if view.training else None
    flow = cases.flow_of(cat)
    names = {**{c: p.naam for c, p in cat.phenomena.items()}, **sessions.strategies(cat)}
    notice = NOTICES.get(page.request.query_params.get("melding", ""))
    current = view.phase(phase) if phase else None
    method = sessions.method_of(cat)
    return page.render(
        "beraad.html", status, title=f"{current.name} · {ps.title}" if current else ps.title,
        view=view, ps=ps, phase=phase, current=current, next_phase=_next_phase(phase) if phase else None,
        phase_names=method.phase_names, states=sessions.STATES, roles=method.roles, kinds=sessions.KINDS,
        voting=method.stemmen, points_rule=sessions.points_rule(cat),
        flow=flow, names=names, notice=notice, sent=sent or Sent(), read_only=ps.signed_off_at is not None,
        legal_bases=cat.legal_bases, **context)


@router.get("/beraden/{session_id}")
def session_page(session_id: str, page: PageDep) -> Response:
    return _detail(page, _uuid(session_id), None)


@router.get("/beraden/{session_id}/overeenkomst")
def agreement_document(session_id: str, page: PageDep) -> Response:
    sid = _uuid(session_id)
    page.require(*READ_RIGHTS, reason=NO_READ)
    with refused_as_pages(page):
        body, name = agreement.agreement_pdf(page.db, page.principal, page.rt.catalogue, sid)
    return Response(body, media_type="application/pdf", headers={
        "Cache-Control": "no-store", "Content-Disposition": f'attachment; filename="{name}.pdf"'})


@router.get("/beraden/{session_id}/{phase}")
def phase_page(session_id: str, phase: str, page: PageDep) -> Response:
    return _detail(page, _uuid(session_id), phase)


def _step(page: Page, sid: str, phase: str, form: str, posted: FormDep, call: Callable[[], object], *,
          notice: str, anchor: str, own: list[FieldError] | None = None, target: str | None = None,
          rename: Callable[[str], str] | None = None) -> Response:
    """Run one write; a refusal sends the same phase page back with the form as typed."""
    values, lists = _values(posted)
    try:
        with refused_as_pages(page):
            try:
                call()
            except ValidationFailed as exc:
                raise ValidationFailed(_merge(own or [], exc.errors)) from None
    except ValidationFailed as exc:
        return _detail(page, sid, phase, Sent(form, values, lists, _placed(exc.errors, rename)), status=422)
    except Conflict as exc:
        return _detail(page, sid, phase, Sent(form, values, lists, {}, exc.reason), status=409)
    return RedirectResponse(target or f"/beraden/{sid}/{phase}?melding={notice}#{anchor}", 303)


@router.post("/beraden/{session_id}/deelnemers")
def add_participant(session_id: str, page: PageDep, posted: FormDep) -> Response:
    sid = _uuid(session_id)
    page.require(rights.PREVENTION_MANAGE, reason=NO_MANAGE)
    v, _ = _values(posted)
    new = sessions.NewParticipant(v.get("naam"), v.get("organisatie") or None, v.get("rol") or None,
                                  v.get("email"), v.get("telefoon"))
    return _step(page, sid, "binden", "deelnemer", posted,
                 lambda: sessions.add_participant(page.db, page.principal, page.rt.catalogue, sid, new),
                 notice="deelnemer", anchor="deelnemers")


@router.post("/beraden/{session_id}/grondslagen")
def set_basis(session_id: str, page: PageDep, posted: FormDep) -> Response:
    sid = _uuid(session_id)
    page.require(rights.PREVENTION_MANAGE, reason=NO_MANAGE)
    v, _ = _values(posted)
    return _step(page, sid, "binden", "grondslag", posted, lambda: sessions.set_basis(
        page.db, page.principal, page.rt.catalogue, sid, v.get("organisatie") or None, v.get("grondslag") or None,
        v.get("toelichting")), notice="grondslag", anchor="grondslagen")


@router.post("/beraden/{session_id}/fasen/{phase}")
def update_phase(session_id: str, phase: str, page: PageDep, posted: FormDep) -> Response:
    """Save a phase's note (and state); with `volgende` the phase is done and the next one opens."""
    sid = _uuid(session_id)
    page.require(rights.PREVENTION_MANAGE, reason=NO_MANAGE)
    if phase not in sessions.PHASE_CODES:
        raise HTTPException(404)
    v, _ = _values(posted)
    onward = bool(v.get("volgende"))
    state = sessions.DONE if onward else (v.get("status") or sessions.BUSY)
    note = v.get("toelichting") if "toelichting" in v else None
    following = _next_phase(phase)
    target = f"/beraden/{sid}/{following}" if onward and following else None
    return _step(page, sid, phase, "fase", posted, lambda: sessions.set_phase(
        page.db, page.principal, sid, phase, state, note), notice="fase", anchor="fase", target=target)


@router.post("/beraden/{session_id}/beeld")
def capture_picture(session_id: str, page: PageDep, posted: FormDep) -> Response:
    sid = _uuid(session_id)
    page.require(rights.PREVENTION_MANAGE, reason=NO_MANAGE)
    return _step(page, sid, "boeien", "beeld", posted, lambda: sessions.capture_picture(
        page.db, page.principal, page.rt.catalogue, sid), notice="beeld", anchor="beeld")


@router.post("/beraden/{session_id}/training")
def start_training(session_id: str, page: PageDep, posted: FormDep) -> Response:
    sid = _uuid(session_id)
    page.require(rights.PREVENTION_MANAGE, reason=NO_MANAGE)
    v, lists = _values(posted)
    return _step(page, sid, "bekwamen", "training", posted, lambda: sessions.start_training(
        page.db, page.principal, page.rt.catalogue, sid, v.get("titel") or None, lists.get("fenomenen")),
        notice="training", anchor="training")


@router.post("/beraden/{session_id}/stemmen")
def cast_vote(session_id: str, page: PageDep, posted: FormDep) -> Response:
    sid = _uuid(session_id)
    page.require(*READ_RIGHTS, reason=NO_READ)
    v, lists = _values(posted)
    ranked = [v.get(f"fenomeen{i}", "") for i in range(1, sessions.method_of(page.rt.catalogue).stemmen.fenomenen + 1)]
    return _step(page, sid, "bepalen", "stem", posted, lambda: sessions.vote(
        page.db, page.principal, page.rt.catalogue, sid, v.get("deelnemer") or None, [r for r in ranked if r],
        lists.get("strategieen", [])), notice="stem", anchor="stemmen")


@router.post("/beraden/{session_id}/prioriteiten")
def choose_priority(session_id: str, page: PageDep, posted: FormDep) -> Response:
    sid = _uuid(session_id)
    page.require(rights.PREVENTION_MANAGE, reason=NO_MANAGE)
    v, _ = _values(posted)
    kind, _, code = (v.get("keuze") or "").partition(":")

    def rename(name: str) -> str:
        return "keuze" if name in ("soort", "code") else name

    return _step(page, sid, "bepalen", "prioriteit", posted, lambda: sessions.choose_priority(
        page.db, page.principal, page.rt.catalogue, sid, kind or None, code or None, v.get("toelichting")),
        notice="prioriteit", anchor="prioriteiten", rename=rename)


@router.post("/beraden/{session_id}/afspraken")
def add_commitment(session_id: str, page: PageDep, posted: FormDep) -> Response:
    sid = _uuid(session_id)
    page.require(rights.PREVENTION_MANAGE, reason=NO_MANAGE)
    v, _ = _values(posted)
    own: list[FieldError] = []
    deadline = _date(v.get("deadline", ""), "deadline", own)
    new = cases.NewAction(v.get("omschrijving"), v.get("organisatie") or None, v.get("verantwoordelijke"), deadline)
    return _step(page, sid, "beklinken", "afspraak", posted,
                 lambda: sessions.add_session_commitment(page.db, page.principal, sid, new),
                 notice="afspraak", anchor="afspraken", own=own)


@router.post("/beraden/{session_id}/ondertekening")
def sign_off(session_id: str, page: PageDep, posted: FormDep) -> Response:
    sid = _uuid(session_id)
    page.require(rights.PREVENTION_MANAGE, reason=NO_MANAGE)
    return _step(page, sid, "beklinken", "ondertekening", posted,
                 lambda: sessions.sign_off(page.db, page.principal, sid), notice="ondertekend", anchor="ondertekening")

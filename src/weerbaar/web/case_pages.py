"""Case pages: the case list, opening a case from signals, the case page with every step of the
partner table as plain forms (invite, share as privacy check 2A, integral weighing with privacy
check 2B, actions and their progress, status changes), and the actions list with the overdue
escalation list.

Everything is read and written through `cases.service` (permission layer and logboek); a case
the principal may not see is a 404. A refused form comes back with each error beside its field.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from weerbaar.access import rights
from weerbaar.cases import privacy
from weerbaar.cases import service as cases
from weerbaar.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from weerbaar.intake import queries
from weerbaar.web import lookups
from weerbaar.web.deps import FormDep, Page, PageDep, refused_as_pages, templates

router = APIRouter()

READ_RIGHTS = (rights.CASES_READ_MUNICIPALITY, rights.CASES_PARTICIPATE)
NO_READ = "Uw rol mag geen casussen inzien."
NO_MANAGE = "Alleen het intaketeam van de gemeente opent en voert casussen."
# Signal statuses a case is opened from: passed on by the weighing, or already being looked into.
OPEN_FROM = ("doorgezet", "in_vooronderzoek", "intern_belegd")
CANDIDATES = 50  # signals offered per status on the "Casus openen" form
NOTICES = {
    "geopend": "De casus is geopend.",
    "uitgenodigd": "De organisatie is uitgenodigd.",
    "gedeeld": "De gegevens zijn gedeeld (privacytoets 2A vastgelegd).",
    "gewogen": "De integrale weging is vastgelegd.",
    "actie": "De actie is afgesproken.",
    "bijgewerkt": "De actie is bijgewerkt.",
    "status": "De status van de casus is gewijzigd.",
    "toets": "Privacytoets 1 is vastgelegd; de gegevens van de gekozen subjecten zijn nu in te zien.",
}
BAD_DATE = "Ongeldige datum; gebruik de vorm JJJJ-MM-DD."

# The signal page offers "Casus openen" for these statuses (signal_detail.html).
templates.env.globals.update(case_open_from=OPEN_FROM)


@dataclass
class Sent:
    """A form sent back: which one, what was typed, the errors per field, and a refusal."""

    form: str = ""
    values: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    refusal: str | None = None

    def of(self, form: str) -> Sent:
        return self if form == self.form else Sent()


def _values(posted: FormData) -> tuple[dict[str, str], dict[str, list[str]]]:
    values = {k: v for k, v in posted.items() if isinstance(v, str)}
    lists = {k: [v for v in posted.getlist(k) if isinstance(v, str)] for k in posted}
    return values, lists


def _placed(errors: list[FieldError], rename: Callable[[str], str] | None = None) -> dict[str, list[str]]:
    """Errors per form field; `signalen[2]` stands beside its group of checkboxes (`signalen`)."""
    out: dict[str, list[str]] = {}
    for e in errors:
        name = re.sub(r"\[\d+\]$", "", rename(e.name) if rename else e.name)
        if e.reason not in out.get(name, []):
            out.setdefault(name, []).append(e.reason)
    return out


def _date(raw: str, name: str, errors: list[FieldError]) -> date | None:
    if not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        errors.append(FieldError(name, "ongeldig", BAD_DATE))
        return None


def _merge(own: list[FieldError], theirs: list[FieldError]) -> list[FieldError]:
    """A date we could not read replaces the service's "missing" for the same field."""
    names = {e.name for e in own}
    return own + [e for e in theirs if e.name not in names]


def _uuid(raw: str) -> str:
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise HTTPException(404) from None


# --------------------------------------------------------------------------------------------
# The case list
# --------------------------------------------------------------------------------------------


def _filtered(page: Page, template: str, title: str, lister: Callable[[str | None], list[Any]],
              statuses: list[tuple[str, str]], **context: Any) -> Response:
    """A list filtered by the `status` in the URL; an unknown status is an error beside the filter."""
    page.require(*READ_RIGHTS, reason=NO_READ)
    status = page.request.query_params.get("status", "").strip()
    errors: dict[str, list[str]] = {}
    rows: list[Any] = []
    try:
        rows = lister(status or None)
    except ValidationFailed as exc:
        errors = _placed(exc.errors)
    return page.render(template, 422 if errors else 200, title=title, rows=rows, chosen_status=status,
                       errors=errors, statuses=statuses, flow=cases.flow_of(page.rt.catalogue), **context)


@router.get("/casussen")
def case_list(page: PageDep) -> Response:
    return _filtered(page, "casussen.html", "Casussen", lambda status: cases.list_cases(
        page.db, page.principal, page.rt.catalogue, status=status),
        [(s.code, s.naam) for s in cases.flow_of(page.rt.catalogue).statussen],
        may_open=page.can(rights.CASES_MANAGE))


# --------------------------------------------------------------------------------------------
# Opening a case
# --------------------------------------------------------------------------------------------


def _candidates(page: Page, chosen: list[str]) -> list[queries.SignalRow]:
    """Signals a case can be opened from (each a logged list read), and the chosen ones."""
    rows: dict[str, queries.SignalRow] = {}
    for sid in chosen:
        try:
            row = queries.get_signal(page.db, page.principal, page.rt.catalogue, _uuid(sid), purpose="casus openen")
        except (NotFound, HTTPException):
            continue
        rows[row.signal.id] = row
    for status in OPEN_FROM:
        result = queries.list_signals(page.db, page.principal, page.rt.catalogue, queries.Filters(status=status),
                                      size=CANDIDATES, purpose="casus openen")
        for row in result.items:
            rows.setdefault(row.signal.id, row)
    return list(rows.values())


def _new_page(page: Page, values: dict[str, str], chosen: list[str], errors: list[FieldError] | None = None,
              status: int = 200) -> Response:
    cat = page.rt.catalogue
    levels = cat.confidentiality_levels[: page.principal.max_confidentiality_rank + 1]
    return page.render(
        "casus_nieuw.html", status, title="Casus openen", values=values, chosen=chosen,
        candidates=_candidates(page, chosen), errors=_placed(errors or []),
        phenomena=[(p.code, p.naam) for p in cat.phenomena.values()],
        levels=[(c, cat.confidentiality[c].naam) for c in levels],
    )


@router.get("/casussen/nieuw")
def new_case(page: PageDep) -> Response:
    page.require(rights.CASES_MANAGE, reason=NO_MANAGE)
    chosen = [s for s in page.request.query_params.getlist("signaal") if s]
    return _new_page(page, {}, chosen)


@router.post("/casussen/nieuw")
def open_case(page: PageDep, posted: FormDep) -> Response:
    page.require(rights.CASES_MANAGE, reason=NO_MANAGE)
    values, lists = _values(posted)
    chosen = [s for s in lists.get("signalen", []) if s]
    new = cases.NewCase(title=values.get("titel"), signals=chosen, phenomenon=values.get("fenomeen") or None,
                        confidentiality=values.get("vertrouwelijkheid") or None, reason=values.get("reden"))
    try:
        with refused_as_pages(page):
            case = cases.open_case(page.db, page.principal, page.rt.catalogue, new)
    except ValidationFailed as exc:
        return _new_page(page, values, chosen, exc.errors, status=422)
    return RedirectResponse(f"/casussen/{case.id}?melding=geopend", 303)


# --------------------------------------------------------------------------------------------
# The case page
# --------------------------------------------------------------------------------------------


def _detail(page: Page, case_id: str, sent: Sent | None = None, status: int = 200) -> Response:
    page.require(*READ_RIGHTS, reason=NO_READ)
    cat = page.rt.catalogue
    flow = cases.flow_of(cat)
    try:
        view = cases.case_view(page.db, page.principal, cat, case_id)
    except NotFound:
        raise HTTPException(404) from None
    case = view.case
    manages = (view.whole and page.can(rights.CASES_MANAGE)
               and case.municipality_code == page.principal.municipality_code)
    closed = view.status == cases.STATUS_CLOSED
    editable = manages and not closed
    orgs = {o.id: o for _, o in view.participants}
    invitable = [(o.id, f"{o.name} ({o.type})") for o in lookups.organisations(page.db) if o.id not in orgs]
    instruments = [i for i in cat.instruments.values() if not i.fenomenen or case.phenomenon in i.fenomenen]
    executors = {i.code: [(o.id, o.name) for o in orgs.values() if o.type in i.eigenaars] for i in instruments}
    shares_by_org: dict[str, list[Any]] = {}
    for sh in view.shares:
        shares_by_org.setdefault(sh.organisation_id, []).append(sh)
    addresses = {s.signal.address_id: lookups.address(page.db, s.signal.address_id)
                 for s in view.signals if s.signal.address_id and "locatie" in s.fields}
    transitions = cases.possible_transitions(cat, page.principal, view.status) if manages else []
    notice = NOTICES.get(page.request.query_params.get("melding", ""))
    return page.render(
        "casus.html", status, title=f"Casus {case.number}", view=view, case=case, flow=flow,
        manages=manages, editable=editable, closed=closed, sent=sent or Sent(), notice=notice,
        may_check=page.can(rights.PRIVACY_CHECK),
        unnamed_subjects=[s.id for s in view.subjects if not view.subject_names.get(s.id)],
        phenomenon=cat.phenomena.get(case.phenomenon or ""),
        invitable=invitable, legal_bases=[(b.code, b.naam) for b in cat.legal_bases.values()],
        legal_basis_names={b.code: b.naam for b in cat.legal_bases.values()},
        share_targets=[(p, o) for p, o in view.participants if o.id != case.organisation_id],
        shares_by_org=shares_by_org, org_names={o.id: o.name for o in orgs.values()},
        addresses=addresses,
        subject_options=[(s.id, f"{s.id} · {s.kind}" + (f" · {view.subject_names[s.id]}"
                                                           if view.subject_names.get(s.id) else ""))
                         for s in view.subjects],
        instruments=instruments, instrument_names={i.code: i.naam for i in cat.instruments.values()},
        executors=executors, participant_options=[(o.id, o.name) for o in orgs.values()],
        decision_options=[(d.id, cat.instruments[d.instrument].naam if d.instrument in cat.instruments
                           else d.instrument) for d in view.decisions if d.chosen],
        transitions=transitions, results=list(flow.resultaten.items()),
        action_statuses=list(flow.actiestatussen.items()),
        updates_own=page.can(rights.ACTIONS_UPDATE_OWN),
    )


@router.get("/casussen/{case_id}")
def case_page(case_id: str, page: PageDep) -> Response:
    return _detail(page, _uuid(case_id))


def _step(page: Page, case_id: str, form: str, posted: FormData, call: Callable[[], Any], *,
          own_errors: list[FieldError] | None = None, rename: Callable[[str], str] | None = None,
          notice: str, anchor: str) -> Response:
    """Run one write on the case; a refusal sends the same page back with the form as typed."""
    values, lists = _values(posted)
    try:
        with refused_as_pages(page):
            if own_errors:
                # Ask the service too, so every problem is named at once; should it accept, its
                # write is rolled back with the savepoint.
                try:
                    with page.db.begin_nested():
                        call()
                        raise ValidationFailed(own_errors)
                except ValidationFailed as exc:
                    raise ValidationFailed(_merge(own_errors, exc.errors)) from None
            call()
    except ValidationFailed as exc:
        return _detail(page, case_id, Sent(form, values, lists, _placed(exc.errors, rename)), status=422)
    except Conflict as exc:
        return _detail(page, case_id, Sent(form, values, lists, {}, exc.reason), status=409)
    return RedirectResponse(f"/casussen/{case_id}?melding={notice}#{anchor}", 303)


@router.post("/casussen/{case_id}/privacytoets")
def record_check(case_id: str, page: PageDep, posted: FormDep) -> Response:
    """Privacy check 1 on the case: opens its chosen subjects' details to the own organisation."""
    cid = _uuid(case_id)
    page.require(rights.PRIVACY_CHECK, reason=NO_MANAGE)
    v, lists = _values(posted)
    return _step(page, cid, "privacytoets", posted, lambda: privacy.record_check_1(
        page.db, page.principal, page.rt.catalogue, case_id=cid, legal_basis=v.get("grondslag") or None,
        purpose=v.get("doel"), necessity=v.get("noodzaak"), proportionality=v.get("proportionaliteit"),
        subsidiarity=v.get("subsidiariteit"), subject_ids=lists.get("subjecten", [])),
        notice="toets", anchor="subjecten")


@router.post("/casussen/{case_id}/deelnemers")
def invite(case_id: str, page: PageDep, posted: FormDep) -> Response:
    cid = _uuid(case_id)
    page.require(rights.CASES_MANAGE, reason=NO_MANAGE)
    v, _ = _values(posted)
    return _step(page, cid, "uitnodigen", posted, lambda: cases.invite(
        page.db, page.principal, page.rt.catalogue, cid, v.get("organisatie") or None,
        v.get("grondslag") or None, v.get("reden")), notice="uitgenodigd", anchor="deelnemers")


@router.post("/casussen/{case_id}/delen")
def share(case_id: str, page: PageDep, posted: FormDep) -> Response:
    cid = _uuid(case_id)
    page.require(rights.CASES_MANAGE, reason=NO_MANAGE)
    v, lists = _values(posted)
    org = v.get("organisatie", "")
    return _step(page, cid, f"delen:{org}", posted, lambda: cases.share(
        page.db, page.principal, page.rt.catalogue, cid, org or None, lists.get("signalen", []),
        lists.get("subjecten", []), lists.get("velden", []), v.get("reden")), notice="gedeeld", anchor="deelnemers")


@router.post("/casussen/{case_id}/weging")
def weigh(case_id: str, page: PageDep, posted: FormDep) -> Response:
    """The integral weighing: every instrument row with an answer or reasons becomes a choice."""
    cid = _uuid(case_id)
    page.require(rights.CASES_MANAGE, reason=NO_MANAGE)
    v, lists = _values(posted)
    codes = [c for c in lists.get("instrument", []) if c]
    choices, rows = [], []
    for code in codes:
        answer = v.get(f"besluit.{code}.gekozen", "")
        reasons = v.get(f"besluit.{code}.motivering", "")
        if not answer and not reasons.strip():
            continue  # not weighed this time
        rows.append(code)
        choices.append(cases.Choice(code, {"ja": True, "nee": False}.get(answer), reasons,
                                    v.get(f"besluit.{code}.organisatie") or None))
    check = cases.Check2B(
        legal_basis=v.get("privacytoets2b.grondslag") or None, purpose=v.get("privacytoets2b.doel"),
        necessity=v.get("privacytoets2b.noodzaak"), proportionality=v.get("privacytoets2b.proportionaliteit"),
        subsidiarity=v.get("privacytoets2b.subsidiariteit"), extra_sharing=v.get("privacytoets2b.extraDeling"),
        organisations=[o for o in lists.get("privacytoets2b.organisaties", []) if o])

    def rename(name: str) -> str:
        match = re.fullmatch(r"besluiten\[(\d+)\]\.(\w+)", name)
        if match and int(match.group(1)) < len(rows):
            return f"besluit.{rows[int(match.group(1))]}.{match.group(2)}"
        return name

    return _step(page, cid, "weging", posted, lambda: cases.decide(
        page.db, page.principal, page.rt.catalogue, cid, choices, check), rename=rename,
        notice="gewogen", anchor="weging")


@router.post("/casussen/{case_id}/acties")
def add_action(case_id: str, page: PageDep, posted: FormDep) -> Response:
    cid = _uuid(case_id)
    page.require(rights.CASES_MANAGE, reason=NO_MANAGE)
    v, _ = _values(posted)
    own: list[FieldError] = []
    deadline = _date(v.get("deadline", ""), "deadline", own)
    new = cases.NewAction(description=v.get("omschrijving"), organisation=v.get("organisatie") or None,
                          responsible=v.get("verantwoordelijke"), deadline=deadline,
                          decision=v.get("besluit") or None)
    return _step(page, cid, "actie", posted, lambda: cases.add_action(
        page.db, page.principal, page.rt.catalogue, cid, new), own_errors=own, notice="actie", anchor="acties")


@router.post("/casussen/{case_id}/acties/{action_id}/status")
def update_action(case_id: str, action_id: str, page: PageDep, posted: FormDep) -> Response:
    cid, aid = _uuid(case_id), _uuid(action_id)
    page.require(rights.ACTIONS_UPDATE_OWN, rights.CASES_MANAGE,
                 reason="Uw rol mag de voortgang van acties niet bijwerken.")
    v, _ = _values(posted)
    return _step(page, cid, f"actie:{aid}", posted, lambda: cases.update_action(
        page.db, page.principal, page.rt.catalogue, aid, v.get("status") or None, v.get("toelichting")),
        notice="bijgewerkt", anchor="acties")


@router.post("/casussen/{case_id}/status")
def change_status(case_id: str, page: PageDep, posted: FormDep) -> Response:
    cid = _uuid(case_id)
    page.require(rights.CASES_MANAGE, reason=NO_MANAGE)
    v, _ = _values(posted)
    transition = v.get("overgang", "")
    own: list[FieldError] = []
    follow_up = _date(v.get("nazorgdatum", ""), "nazorgdatum", own)
    change = cases.CaseChange(transition, reason=v.get("reden"), result=v.get("resultaat") or None,
                              follow_up_on=follow_up)
    return _step(page, cid, f"status:{transition}", posted, lambda: cases.change_status(
        page.db, page.principal, page.rt.catalogue, cid, change), own_errors=own, notice="status",
        anchor="status")


# --------------------------------------------------------------------------------------------
# Actions: everything the principal may see, and the steering group's escalation list
# --------------------------------------------------------------------------------------------


def overdue_actions(page: Page) -> list[cases.ActionView] | None:
    """The overdue actions the principal may see (for the start page); None without the right."""
    if not page.can(*READ_RIGHTS):
        return None
    return cases.list_actions(page.db, page.principal, page.rt.catalogue, status=cases.OVERDUE)


@router.get("/acties")
def action_list(page: PageDep) -> Response:
    return _filtered(page, "acties.html", "Acties", lambda status: cases.list_actions(
        page.db, page.principal, page.rt.catalogue, status=status),
        [*cases.flow_of(page.rt.catalogue).actiestatussen.items(),
         (cases.OVERDUE, "Verlopen (deadline voorbij, niet gereed)")])

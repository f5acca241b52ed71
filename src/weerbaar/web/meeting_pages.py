"""Meeting pages: the meetings of the partner table (list, planning one), one meeting with its
agenda of cases, the minutes per case and the decisions taken there, and the report (verslag)
per participating organisation as printable HTML or PDF.

Everything is read and written through `cases.meetings` and `cases.report` (permission layer and
logboek); a meeting the principal may not see is a 404, and a participant sees only the agenda
items of its own cases, each as `case_view` shows it. A refused form comes back with each error
beside its field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from weerbaar.access import rights
from weerbaar.cases import meetings, report
from weerbaar.cases import service as cases
from weerbaar.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from weerbaar.core.models import Organisation
from weerbaar.web import lookups
from weerbaar.web.case_pages import READ_RIGHTS, Sent, _date, _merge, _placed, _uuid, _values
from weerbaar.web.deps import FormDep, Page, PageDep, refused_as_pages

router = APIRouter()
T = TypeVar("T")

NO_READ = "Uw rol mag geen overleggen inzien."
NO_MANAGE = "Alleen het intaketeam van de gemeente plant overleggen, stelt de agenda vast en notuleert."
NOTICES = {
    "gepland": "Het overleg is gepland. Zet nu de casussen op de agenda.",
    "geagendeerd": "De casus staat op de agenda.",
    "genotuleerd": "De notulen zijn vastgelegd.",
}


def written(page: Page, own: list[FieldError], write: Callable[[], T]) -> T:
    """One write of a form whose own reading found `own` errors (a date it could not read): what
    could not be read reaches the service as missing, so the service refuses too, naming every
    other problem at once; our error stands beside the field instead of its "missing". NotFound
    and Forbidden become the 404 and 403 pages."""
    with refused_as_pages(page):
        try:
            return write()
        except ValidationFailed as exc:
            raise ValidationFailed(_merge(own, exc.errors)) from None


# --------------------------------------------------------------------------------------------
# The list and planning a meeting
# --------------------------------------------------------------------------------------------


def _list(page: Page, sent: Sent | None = None, status: int = 200) -> Response:
    page.require(*READ_RIGHTS, reason=NO_READ)
    rows = meetings.list_meetings(page.db, page.principal, page.rt.catalogue)
    return page.render("overleggen.html", status, title="Overleggen", rows=rows, sent=sent or Sent(),
                       may_plan=page.can(rights.CASES_MANAGE) and page.principal.municipality_code is not None)


@router.get("/overleggen")
def meeting_list(page: PageDep) -> Response:
    return _list(page)


@router.post("/overleggen")
def plan_meeting(page: PageDep, posted: FormDep) -> Response:
    page.require(rights.CASES_MANAGE, reason=NO_MANAGE)
    values, lists = _values(posted)
    own: list[FieldError] = []
    held_on = _date(values.get("datum", ""), "datum", own)
    try:
        meeting = written(page, own, lambda: meetings.create_meeting(
            page.db, page.principal, values.get("titel"), held_on))
    except ValidationFailed as exc:
        return _list(page, Sent("nieuw", values, lists, _placed(exc.errors)), status=422)
    return RedirectResponse(f"/overleggen/{meeting.id}?melding=gepland", 303)


# --------------------------------------------------------------------------------------------
# One meeting
# --------------------------------------------------------------------------------------------


def _report_targets(view: meetings.MeetingView, manages: bool) -> list[Organisation]:
    """Whose report this principal may make: the intake team for every organisation taking part
    in a case on the agenda, anyone else for its own organisation."""
    if not manages:
        return [view.organisation]
    orgs = {o.id: o for item in view.items for _, o in item.view.participants}
    return sorted(orgs.values(), key=lambda o: (o.id != view.organisation.id, o.name))


def _agenda_options(page: Page, view: meetings.MeetingView) -> list[tuple[str, str]]:
    """Open cases of the meeting's municipality that are not on its agenda yet."""
    statuses = {s.code: s.naam for s in cases.flow_of(page.rt.catalogue).statussen}
    on_agenda = {item.item.case_id for item in view.items}
    rows = cases.list_cases(page.db, page.principal, page.rt.catalogue)
    return [(r.case.id, f"{r.case.number} · {r.case.title} ({statuses.get(r.status, r.status)})")
            for r in rows if r.status != cases.STATUS_CLOSED and r.case.id not in on_agenda
            and r.case.municipality_code == view.meeting.municipality_code]


def _detail(page: Page, meeting_id: str, sent: Sent | None = None, status: int = 200) -> Response:
    page.require(*READ_RIGHTS, reason=NO_READ)
    cat = page.rt.catalogue
    try:
        view = meetings.meeting_view(page.db, page.principal, cat, meeting_id)
    except NotFound:
        raise HTTPException(404) from None
    manages = (page.can(rights.CASES_MANAGE)
               and view.meeting.municipality_code == page.principal.municipality_code)
    decisions = {item.item.case_id: [d for d in item.view.decisions if d.meeting_id == view.meeting.id]
                 for item in view.items}
    org_names = {o.id: o.name for o in lookups.organisations(page.db)}
    notice = NOTICES.get(page.request.query_params.get("melding", ""))
    return page.render(
        "overleg.html", status, title=view.meeting.title, view=view, meeting=view.meeting, manages=manages,
        flow=cases.flow_of(cat), sent=sent or Sent(), notice=notice, decisions=decisions, org_names=org_names,
        instrument_names={i.code: i.naam for i in cat.instruments.values()},
        agenda_options=_agenda_options(page, view) if manages else [],
        report_targets=_report_targets(view, manages), owner=org_names.get(view.meeting.organisation_id, ""),
    )


@router.get("/overleggen/{meeting_id}")
def meeting_page(meeting_id: str, page: PageDep) -> Response:
    return _detail(page, _uuid(meeting_id))


def _step(page: Page, meeting_id: str, form: str, posted: FormData, call: Callable[[], object], *,
          notice: str, anchor: str) -> Response:
    """Run one write on the meeting; a refusal sends the same page back with the form as typed."""
    values, lists = _values(posted)
    try:
        with refused_as_pages(page):
            call()
    except ValidationFailed as exc:
        return _detail(page, meeting_id, Sent(form, values, lists, _placed(exc.errors)), status=422)
    except Conflict as exc:
        return _detail(page, meeting_id, Sent(form, values, lists, {}, exc.reason), status=409)
    return RedirectResponse(f"/overleggen/{meeting_id}?melding={notice}#{anchor}", 303)


@router.post("/overleggen/{meeting_id}/agendapunten")
def add_item(meeting_id: str, page: PageDep, posted: FormDep) -> Response:
    mid = _uuid(meeting_id)
    page.require(rights.CASES_MANAGE, reason=NO_MANAGE)
    values, _ = _values(posted)
    return _step(page, mid, "agenda", posted, lambda: meetings.add_to_agenda(
        page.db, page.principal, page.rt.catalogue, mid, values.get("casus") or None),
        notice="geagendeerd", anchor="agenda")


@router.post("/overleggen/{meeting_id}/agendapunten/{case_id}/notulen")
def record_minutes(meeting_id: str, case_id: str, page: PageDep, posted: FormDep) -> Response:
    mid, cid = _uuid(meeting_id), _uuid(case_id)
    page.require(rights.CASES_MANAGE, reason=NO_MANAGE)
    values, _ = _values(posted)
    return _step(page, mid, f"notulen:{cid}", posted, lambda: meetings.record_minutes(
        page.db, page.principal, page.rt.catalogue, mid, cid, values.get("notulen")),
        notice="genotuleerd", anchor=f"punt-{cid}")


# --------------------------------------------------------------------------------------------
# The report for one participant
# --------------------------------------------------------------------------------------------


def _bad_request(page: Page, errors: list[FieldError]) -> HTTPException:
    page.request.state.error_message = " ".join(e.reason for e in errors)
    return HTTPException(422)


@router.get("/overleggen/{meeting_id}/verslag")
def meeting_report(meeting_id: str, page: PageDep) -> Response:
    """The printable report for one participating organisation (default: the own one), made with
    the same functions as the API's: only what was shared with that organisation."""
    mid = _uuid(meeting_id)
    page.require(*READ_RIGHTS, reason=NO_READ)
    params = page.request.query_params
    fmt = params.get("formaat") or "html"
    if fmt not in report.FORMATS:
        raise _bad_request(page, [FieldError("formaat", "onbekend", "Kies als formaat html of pdf.")])
    try:
        with refused_as_pages(page):
            view = meetings.report_view(page.db, page.principal, page.rt.catalogue, mid,
                                        params.get("organisatie") or None, fmt)
    except ValidationFailed as exc:
        raise _bad_request(page, exc.errors) from None
    owner = {o.id: o.name for o in lookups.organisations(page.db)}.get(view.meeting.organisation_id, "")
    doc = report.build_report(view, page.rt.catalogue, owner)
    body, media_type, headers = report.rendered(doc, fmt)
    return Response(body, media_type=media_type, headers=headers)

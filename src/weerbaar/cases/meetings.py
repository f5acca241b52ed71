"""Meetings of the partner table (casusoverleggen): an agenda of cases, minutes per case, and the
decisions taken there (recorded through `service.decide(..., meeting_id=...)`).

Who sees a meeting: the municipality's case readers (all of it), and an organisation taking part
in at least one case on its agenda, which sees only those agenda items, and of each case only
what `service.case_view` shows it (the shares of privacy check 2A). The report (verslag) for one
participant is built the same way, with the same filter: `report_principal` stands in for that
organisation, so an exported report never holds more than the participant sees live.

Minutes of an agenda item are read by every participant of that case: they record what was
said at the table, so they hold nothing that was not shared with all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from weerbaar.access import logbook, rights
from weerbaar.access.policy import case_visible, meetings_visible
from weerbaar.access.principal import Principal
from weerbaar.cases.models import Case, CaseParticipant, Meeting, MeetingItem
from weerbaar.cases.service import CaseView, case_view
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.clock import now
from weerbaar.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from weerbaar.core.models import Organisation, User

MAX_TITLE = 300
MAX_MINUTES = 20000


def _visible_meeting(session: Session, principal: Principal, catalogue: Catalogue, meeting_id: str) -> Meeting:
    meeting = session.scalars(select(Meeting).where(Meeting.id == meeting_id,
                                                    meetings_visible(principal, catalogue))).first()
    if meeting is None:
        raise NotFound()
    return meeting


def _managed_meeting(session: Session, principal: Principal, catalogue: Catalogue, meeting_id: str,
                     what: str) -> Meeting:
    meeting = _visible_meeting(session, principal, catalogue, meeting_id)
    if not principal.can(rights.CASES_MANAGE) or meeting.municipality_code != principal.municipality_code:
        raise Forbidden(f"Uw rol mag {what} niet; dat doet het intaketeam van de gemeente.")
    return meeting


def create_meeting(session: Session, principal: Principal, title: str | None, held_on: date | None, *,
                   at: datetime | None = None) -> Meeting:
    """Plan a meeting of the principal's municipality."""
    if not principal.can(rights.CASES_MANAGE) or not principal.municipality_code:
        raise Forbidden("Uw rol mag geen overleg plannen; dat doet het intaketeam van de gemeente.")
    errors: list[FieldError] = []
    text = (title or "").strip()
    if len(text) < 3:
        errors.append(FieldError("titel", "missing" if not text else "te_kort", "Geef het overleg een titel."))
    elif len(text) > MAX_TITLE:
        errors.append(FieldError("titel", "string_too_long", f"Te lang: maximaal {MAX_TITLE} tekens."))
    if held_on is None:
        errors.append(FieldError("datum", "missing", "Geef de datum van het overleg (JJJJ-MM-DD)."))
    if errors:
        raise ValidationFailed(errors)
    assert held_on is not None
    meeting = Meeting(municipality_code=principal.municipality_code, organisation_id=principal.organisation_id,
                      title=text, held_on=held_on, created_by_id=principal.user_id, created_at=at or now())
    session.add(meeting)
    session.flush()
    logbook.record(session, principal, logbook.CREATE, object_type="overleg", object_id=meeting.id,
                   purpose="overleg plannen", details={"datum": held_on.isoformat()})
    return meeting


def add_to_agenda(session: Session, principal: Principal, catalogue: Catalogue, meeting_id: str,
                  case_id: str | None) -> MeetingItem:
    """Put a case of the meeting's municipality on its agenda (at the end)."""
    meeting = _managed_meeting(session, principal, catalogue, meeting_id, "de agenda vaststellen")
    if not case_id:
        raise ValidationFailed([FieldError("casus", "missing", "Kies de casus die op de agenda komt.")])
    case = session.scalars(select(Case).where(Case.id == case_id, case_visible(principal, catalogue),
                                              Case.municipality_code == meeting.municipality_code)).first()
    if case is None:
        raise ValidationFailed([FieldError("casus", "onbekend",
                                           "Onbekende casus, of een casus van een andere gemeente.")])
    if session.scalars(select(MeetingItem.id).where(MeetingItem.meeting_id == meeting.id,
                                                    MeetingItem.case_id == case.id)).first() is not None:
        raise Conflict(f"Casus {case.number} staat al op de agenda van dit overleg.")
    last = session.scalar(select(func.max(MeetingItem.position)).where(MeetingItem.meeting_id == meeting.id))
    item = MeetingItem(meeting_id=meeting.id, case_id=case.id, position=(last or 0) + 1)
    session.add(item)
    session.flush()
    logbook.record(session, principal, logbook.UPDATE, object_type="overleg", object_id=meeting.id,
                   purpose="casus agenderen", details={"casus": case.id})
    return item


def record_minutes(session: Session, principal: Principal, catalogue: Catalogue, meeting_id: str, case_id: str,
                   minutes: str | None) -> MeetingItem:
    """The minutes of one agenda item (replacing earlier minutes of that item; the logboek keeps
    who wrote them when)."""
    meeting = _managed_meeting(session, principal, catalogue, meeting_id, "notuleren")
    item = session.scalars(select(MeetingItem).where(MeetingItem.meeting_id == meeting.id,
                                                     MeetingItem.case_id == case_id)).first()
    if item is None:
        raise NotFound()
    text = (minutes or "").strip()
    if not text:
        raise ValidationFailed([FieldError("notulen", "missing", "Schrijf wat over deze casus is besproken.")])
    if len(text) > MAX_MINUTES:
        raise ValidationFailed([FieldError("notulen", "string_too_long", f"Te lang: maximaal {MAX_MINUTES} tekens.")])
    item.minutes = text
    session.flush()
    logbook.record(session, principal, logbook.UPDATE, object_type="overleg", object_id=meeting.id,
                   purpose="notuleren", details={"casus": case_id, "tekens": len(text)})
    return item


def on_agenda(session: Session, meeting_id: str, case_id: str) -> bool:
    """Whether the case is on the meeting's agenda (for decisions recorded in a meeting)."""
    return session.scalars(select(MeetingItem.id).where(MeetingItem.meeting_id == meeting_id,
                                                        MeetingItem.case_id == case_id)).first() is not None


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


@dataclass
class MeetingSummary:
    meeting: Meeting
    items: int  # agenda items this principal may see


def list_meetings(session: Session, principal: Principal, catalogue: Catalogue) -> list[MeetingSummary]:
    meetings = list(session.scalars(select(Meeting).where(meetings_visible(principal, catalogue))
                                    .order_by(Meeting.held_on.desc(), Meeting.created_at.desc())))
    counts = dict(session.execute(
        select(MeetingItem.meeting_id, func.count()).join(Case, Case.id == MeetingItem.case_id)
        .where(MeetingItem.meeting_id.in_([m.id for m in meetings]), case_visible(principal, catalogue))
        .group_by(MeetingItem.meeting_id)).all())
    logbook.record(session, principal, logbook.LIST, object_type="overleggen", purpose="overleggen raadplegen",
                   details={"aantal": len(meetings)})
    return [MeetingSummary(m, counts.get(m.id, 0)) for m in meetings]


@dataclass
class AgendaItem:
    item: MeetingItem
    view: CaseView


@dataclass
class MeetingView:
    meeting: Meeting
    organisation: Organisation  # whose view this is
    items: list[AgendaItem]


def meeting_view(session: Session, principal: Principal, catalogue: Catalogue, meeting_id: str, *,
                 purpose: str = "overleg inzien", log: bool = True) -> MeetingView:
    """The meeting with the agenda items this principal may see, each case as `case_view` shows
    it; every case read is logged (unless `log` is False: the caller logs)."""
    meeting = _visible_meeting(session, principal, catalogue, meeting_id)
    items = list(session.scalars(
        select(MeetingItem).join(Case, Case.id == MeetingItem.case_id)
        .where(MeetingItem.meeting_id == meeting.id, case_visible(principal, catalogue))
        .order_by(MeetingItem.position)))
    agenda = [AgendaItem(i, case_view(session, principal, catalogue, i.case_id, purpose=purpose, log=log))
              for i in items]
    if log:
        logbook.record(session, principal, logbook.READ, object_type="overleg", object_id=meeting.id,
                       purpose=purpose, details={"agendapunten": len(agenda)})
    org = session.get_one(Organisation, principal.organisation_id)
    return MeetingView(meeting, org, agenda)


# --------------------------------------------------------------------------------------------
# The report for one participant
# --------------------------------------------------------------------------------------------


def report_principal(session: Session, catalogue: Catalogue, organisation: Organisation) -> Principal:
    """A stand-in for `organisation` at the partner table: a participant holding only the right
    to read the cases it takes part in (`casussen.deelnemen`), cleared to the lowest level any of
    its active participating users has (the report may reach any of them). An organisation
    without such users is cleared as a new user is by default (the top level)."""
    ranks = [catalogue.confidentiality_rank(u.max_confidentiality) for u in session.scalars(
        select(User).where(User.organisation_id == organisation.id, User.active.is_(True)))
        if u.role in catalogue.roles and rights.CASES_PARTICIPATE in catalogue.roles[u.role].rechten
        and u.max_confidentiality in catalogue.confidentiality]
    return Principal(user_id=f"verslag:{organisation.id}", email="", name=f"Verslag voor {organisation.name}",
                     organisation_id=organisation.id, organisation_name=organisation.name,
                     organisation_type=organisation.type, municipality_code=organisation.municipality_code,
                     role="verslag", rights=frozenset({rights.CASES_PARTICIPATE}),
                     max_confidentiality_rank=min(ranks) if ranks else len(catalogue.confidentiality_levels) - 1)


def report_view(session: Session, principal: Principal, catalogue: Catalogue, meeting_id: str,
                organisation_id: str | None, fmt: str) -> MeetingView:
    """What goes into the report for one participant: the requester's own view, or — for the
    municipality's intake team — the view of another organisation. Logged as an export by the
    requester, per case."""
    meeting = _visible_meeting(session, principal, catalogue, meeting_id)
    target_id = organisation_id or principal.organisation_id
    if target_id == principal.organisation_id:
        viewer = principal
    else:
        if not (principal.can(rights.CASES_MANAGE) and meeting.municipality_code == principal.municipality_code):
            raise Forbidden("Alleen het intaketeam van de gemeente maakt een verslag voor een andere organisatie; "
                            "u kunt het verslag voor uw eigen organisatie maken.")
        org = session.get(Organisation, target_id)
        if org is None:
            raise ValidationFailed([FieldError("organisatie", "onbekend", "Onbekende organisatie.")])
        taking_part = session.scalars(select(MeetingItem.id).where(MeetingItem.meeting_id == meeting.id, exists().where(
            CaseParticipant.case_id == MeetingItem.case_id, CaseParticipant.organisation_id == org.id))).first()
        if taking_part is None:
            raise ValidationFailed([FieldError("organisatie", "geen_deelnemer", (
                f"{org.name} neemt aan geen van de casussen op de agenda deel; er is geen verslag voor haar."))])
        viewer = report_principal(session, catalogue, org)
    view = meeting_view(session, viewer, catalogue, meeting.id, log=False)
    for item in view.items:
        logbook.record(session, principal, logbook.EXPORT, object_type="casus", object_id=item.view.case.id,
                       purpose="verslag van overleg", details={"overleg": meeting.id, "voor": target_id,
                                                               "formaat": fmt})
    logbook.record(session, principal, logbook.EXPORT, object_type="overleg", object_id=meeting.id,
                   purpose="verslag van overleg", details={"voor": target_id, "formaat": fmt,
                                                           "agendapunten": len(view.items)})
    return view


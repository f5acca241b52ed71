"""Need-to-know, compiled to SQL. Every query for signals goes through these filters.

No per-object checks in Python: the database returns only what the principal may see,
which keeps list endpoints fast and makes the rule auditable in one place.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.orm import aliased

from weerbaar.access import rights
from weerbaar.access.principal import Principal
from weerbaar.cases.models import (
    Case,
    CaseAction,
    CaseParticipant,
    CaseShareItem,
    Meeting,
    MeetingItem,
    PreCase,
    PrivacyCheck,
    PrivacyCheckSubject,
    Threat,
)
from weerbaar.core.catalogue import Catalogue
from weerbaar.detect.models import RiskScore
from weerbaar.ingest.models import SourceRecord
from weerbaar.intake.models import Signal, SignalShare
from weerbaar.prevention.sessions_models import PartnerSession, SessionParticipant
from weerbaar.prevention.training_models import TrainingParticipant, TrainingRound
from weerbaar.resolve.models import Subject


def signal_visible(principal: Principal, catalogue: Catalogue) -> ColumnElement[bool]:
    """Which signals this principal may read (and so list, search and open)."""
    grounds: list[ColumnElement[bool]] = []
    if principal.can(rights.SIGNAL_READ_OWN):
        grounds.append(Signal.organisation_id == principal.organisation_id)
    if principal.can(rights.SIGNAL_READ_SHARED):
        grounds.append(
            exists().where(
                SignalShare.signal_id == Signal.id,
                SignalShare.organisation_id == principal.organisation_id,
            )
        )
    if principal.can(rights.SIGNAL_READ_MUNICIPALITY) and principal.municipality_code:
        grounds.append(Signal.municipality_code == principal.municipality_code)
    if not grounds:
        return false()
    allowed_levels = catalogue.confidentiality_levels[: principal.max_confidentiality_rank + 1]
    return and_(or_(*grounds), Signal.confidentiality.in_(allowed_levels))


def reporter_visible(principal: Principal) -> ColumnElement[bool]:
    """Whether the reporter's identity may be shown, per row (selected as a column).

    The shield is lifted only for the intake team of the signal's own municipality: a
    coordinator elsewhere who received the signal through a share sees "afgeschermd" too.
    """
    if principal.can(rights.REPORTER_SEE) and principal.municipality_code:
        return or_(Signal.reporter_shielded.is_(False), Signal.municipality_code == principal.municipality_code)
    return Signal.reporter_shielded.is_(False)


def reporter_shown(principal: Principal, signal: Signal) -> bool:
    """The same rule as `reporter_visible`, for a signal already in hand."""
    if not signal.reporter_shielded:
        return True
    return (principal.can(rights.REPORTER_SEE) and principal.municipality_code is not None
            and signal.municipality_code == principal.municipality_code)


def source_records_visible(principal: Principal, record: Any = SourceRecord) -> ColumnElement[bool]:
    """Partner extracts: only coordinators and analysts of the owning municipality. `record` may
    be an alias of the table (a query that reads two records at once)."""
    if principal.can(rights.SOURCES_READ) and principal.municipality_code:
        return record.municipality_code == principal.municipality_code  # type: ignore[no-any-return]
    return false()


def risk_visible(principal: Principal) -> ColumnElement[bool]:
    """Risk scores and indicator hits: the municipality's own, for holders of risico.lezen."""
    if principal.can(rights.RISK_READ) and principal.municipality_code:
        return RiskScore.municipality_code == principal.municipality_code
    return false()


def subjects_visible(principal: Principal) -> ColumnElement[bool]:
    """Subjects are built from partner extracts: the same rule as the records under them."""
    if principal.can(rights.SOURCES_READ) and principal.municipality_code:
        return Subject.municipality_code == principal.municipality_code
    return false()


def case_visible(principal: Principal, catalogue: Catalogue) -> ColumnElement[bool]:
    """Which cases this principal may open: every case of its own municipality (the intake team
    and analysts), or a case its organisation was invited to (a participant). Anyone else gets
    a 404: an organisation not invited does not learn that the case exists."""
    grounds: list[ColumnElement[bool]] = []
    if principal.can(rights.CASES_READ_MUNICIPALITY) and principal.municipality_code:
        grounds.append(Case.municipality_code == principal.municipality_code)
    if principal.can(rights.CASES_PARTICIPATE):
        # The owning municipality is a participant too, but its people outside the intake team
        # do not see its cases for that: only invited organisations do.
        grounds.append(and_(Case.organisation_id != principal.organisation_id, exists().where(
            CaseParticipant.case_id == Case.id, CaseParticipant.organisation_id == principal.organisation_id)))
    if not grounds:
        return false()
    allowed_levels = catalogue.confidentiality_levels[: principal.max_confidentiality_rank + 1]
    return and_(or_(*grounds), Case.confidentiality.in_(allowed_levels))


def sees_whole_case(principal: Principal, case: Case) -> bool:
    """The municipality's own readers see all of a case; a participant only what was shared."""
    return (principal.can(rights.CASES_READ_MUNICIPALITY) and principal.municipality_code is not None
            and case.municipality_code == principal.municipality_code)


def case_items_shared(principal: Principal, case_id: str, object_type: str, object_id: Any
                      ) -> ColumnElement[bool]:
    """Privacy check 2A as a filter: whether a case's signal or subject was shared with the
    principal's organisation (added to queries of a participant that does not see the whole case)."""
    return exists().where(CaseShareItem.case_id == case_id,
                          CaseShareItem.organisation_id == principal.organisation_id,
                          CaseShareItem.object_type == object_type, CaseShareItem.object_id == object_id)


def actions_visible(principal: Principal, catalogue: Catalogue) -> ColumnElement[bool]:
    """Actions: those of cases the principal may open (a case's actions are as visible as the case),
    the municipality's own for its case readers, and commitments outside a case of the own organisation."""
    # Its own correlation: a query of actions may join Case itself.
    visible_case = exists().where(Case.id == CaseAction.case_id, case_visible(principal, catalogue)).correlate(
        CaseAction)
    grounds: list[ColumnElement[bool]] = [visible_case]
    if principal.can(rights.CASES_PARTICIPATE) or principal.can(rights.ACTIONS_UPDATE_OWN):
        # Commitments outside a case (a partner session's, a scan's plan) are the own organisation's.
        grounds.append(and_(CaseAction.case_id.is_(None), CaseAction.organisation_id == principal.organisation_id))
    if principal.can(rights.CASES_READ_MUNICIPALITY) and principal.municipality_code:
        grounds.append(CaseAction.municipality_code == principal.municipality_code)
    return or_(*grounds)


def threats_visible(principal: Principal) -> ColumnElement[bool]:
    """The threats register: restricted to holders of dreigingen.lezen in the own municipality;
    whoever registered a threat keeps seeing their own report."""
    grounds: list[ColumnElement[bool]] = [Threat.registered_by_id == principal.user_id]
    if principal.can(rights.THREATS_READ) and principal.municipality_code:
        grounds.append(Threat.municipality_code == principal.municipality_code)
    return or_(*grounds)


PRIVACY_CHECK_1 = "1"


def subject_details_visible(principal: Principal) -> ColumnElement[bool]:
    """The privacy gate (Model Privacy Protocol, check 1): a subject's details (name, birth date,
    BSN, source record contents, relations) only for an organisation that recorded a privacy
    check 1 covering it; without one, `subjects_visible` allows hit/no-hit only. A check on a
    subject later absorbed into this one (`merged_into`) covers it too: it is the same entity."""
    absorbed = aliased(Subject)
    covered = or_(
        PrivacyCheckSubject.subject_id == Subject.id,
        # A primary-key lookup of the checked subject, not a search of every subject's merged_into.
        # Correlated explicitly: nested two levels deep, automatic correlation would give this
        # EXISTS its own `subjects` and make one absorbed subject open every subject.
        exists().where(absorbed.id == PrivacyCheckSubject.subject_id, absorbed.merged_into == Subject.id)
        .correlate(Subject, PrivacyCheckSubject),
    )
    checked = exists().where(
        PrivacyCheckSubject.check_id == PrivacyCheck.id,
        PrivacyCheck.stage == PRIVACY_CHECK_1,
        PrivacyCheck.organisation_id == principal.organisation_id,
        covered,
    )
    return and_(subjects_visible(principal), checked)


def pre_case_visible(principal: Principal) -> ColumnElement[bool]:
    """Pre-cases stay inside the municipality that opened them: its readers of cases only."""
    if (principal.can(rights.CASES_READ_MUNICIPALITY) or principal.can(rights.CASES_MANAGE)) \
            and principal.municipality_code:
        return PreCase.municipality_code == principal.municipality_code
    return false()


def scan_rounds_visible(principal: Principal) -> ColumnElement[bool]:
    """Resilience scan rounds (prevention, issue 7): the municipality's own staff only, i.e. users of
    an organisation of type gemeente taking part in prevention; partner organisations see nothing."""
    from weerbaar.prevention.scan_models import ScanRound  # prevention sits above access

    if (principal.can(rights.PREVENTION_TAKE_PART) or principal.can(rights.PREVENTION_MANAGE)) \
            and principal.organisation_type == "gemeente" and principal.municipality_code:
        return ScanRound.municipality_code == principal.municipality_code
    return false()


def meetings_visible(principal: Principal, catalogue: Catalogue) -> ColumnElement[bool]:
    """Meetings this principal may open, composed of the permission layer's case filter: its
    municipality's meetings for its case readers, or a meeting with at least one case on the
    agenda that the principal may open (`policy.case_visible`)."""
    grounds: list[ColumnElement[bool]] = [Meeting.id.in_(
        select(MeetingItem.meeting_id).join(Case, Case.id == MeetingItem.case_id)
        .where(case_visible(principal, catalogue)))]
    if principal.can(rights.CASES_READ_MUNICIPALITY) and principal.municipality_code:
        grounds.append(Meeting.municipality_code == principal.municipality_code)
    return or_(*grounds)


def sessions_visible(principal: Principal) -> ColumnElement[bool]:
    """Sessions this principal may open: its municipality's for `preventie.beheren`, and those
    where its own organisation is at the table for `preventie.deelnemen`."""
    grounds: list[ColumnElement[bool]] = []
    if principal.can(rights.PREVENTION_MANAGE) and principal.municipality_code:
        grounds.append(PartnerSession.municipality_code == principal.municipality_code)
    if principal.can(rights.PREVENTION_TAKE_PART):
        grounds.append(PartnerSession.id.in_(select(SessionParticipant.session_id).where(
            SessionParticipant.organisation_id == principal.organisation_id)))
    return or_(*grounds) if grounds else false()


def training_rounds_visible(principal: Principal) -> ColumnElement[bool]:
    """Rounds this principal may open: its own, those it joined, and its municipality's session
    rounds for a facilitator. Anything else is a 404."""
    grounds: list[ColumnElement[bool]] = [
        TrainingRound.created_by_id == principal.user_id,
        exists().where(TrainingParticipant.round_id == TrainingRound.id,
                       TrainingParticipant.user_id == principal.user_id),
    ]
    if principal.can(rights.PREVENTION_MANAGE) and principal.municipality_code:
        grounds.append(and_(TrainingRound.mode == "sessie",
                            TrainingRound.municipality_code == principal.municipality_code))
    return or_(*grounds)

"""The case aggregate's one write path, and what each principal may read of a case.

A case is opened by the municipality's intake team from signals (or a pre-case). Partners are
invited on a legal basis; per participant a share (privacy check 2A) names exactly which of the
case's signals and subjects, and which fields of them, it may see. The integral weighing records
per instrument whether it was chosen and why, with privacy check 2B for what a chosen
intervention needs shared. Actions are commitments of one partner with a deadline; their
progress is appended. Statuses are appended; a closed case is read-only until reopened.

Every read goes through `access.policy` (an organisation not invited gets NotFound) and the
logboek; every write is one call here, logged in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from weerbaar.access import logbook, rights
from weerbaar.access.policy import (
    actions_visible,
    case_items_shared,
    case_visible,
    sees_whole_case,
    signal_visible,
    subjects_visible,
)
from weerbaar.access.principal import Principal
from weerbaar.cases.models import (
    ActionUpdate,
    Case,
    CaseAction,
    CaseDecision,
    CaseParticipant,
    CaseShare,
    CaseShareItem,
    CaseSignal,
    CaseStatus,
    CaseSubject,
    MeetingItem,
    PreCase,
    PreCaseSignal,
    PrivacyCheck,
)
from weerbaar.core.catalogue import CaseFlow, CaseTransition, Catalogue
from weerbaar.core.clock import now, today
from weerbaar.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from weerbaar.core.models import Organisation
from weerbaar.intake.models import Signal
from weerbaar.resolve.models import Subject

STATUS_OPEN = "informatiepositie"
STATUS_CLOSED = "afgesloten"
ACTION_OPEN = "open"
ACTION_DONE = ("gereed", "vervallen")  # statuses after which an action can no longer be overdue
OVERDUE = "verlopen"
MIN_REASON = 10  # characters: a reason is a sentence, not "ok"


def flow_of(catalogue: Catalogue) -> CaseFlow:
    assert catalogue.case_flow is not None, "the catalogue is validated at start-up"
    return catalogue.case_flow


def _require(principal: Principal, right: str, what: str) -> None:
    if not principal.can(right):
        raise Forbidden(f"Uw rol mag {what} niet; dat doet het intaketeam van de gemeente.")


def _text(errors: list[FieldError], name: str, value: str | None, what: str, minimum: int = MIN_REASON) -> str:
    text = (value or "").strip()
    if not text:
        errors.append(FieldError(name, "missing", f"Vul {what} in."))
    elif len(text) < minimum:
        errors.append(FieldError(name, "te_kort", f"Licht {what} toe in minstens {minimum} tekens."))
    return text


def current_status(session: Session, case_id: str) -> str:
    status = session.scalars(select(CaseStatus.status).where(CaseStatus.case_id == case_id)
                             .order_by(CaseStatus.id.desc())).first()
    return status or STATUS_OPEN


def _visible_case(session: Session, principal: Principal, catalogue: Catalogue, case_id: str) -> Case:
    case = session.scalars(select(Case).where(Case.id == case_id, case_visible(principal, catalogue))).first()
    if case is None:
        raise NotFound()
    return case


def _managed_case(session: Session, principal: Principal, catalogue: Catalogue, case_id: str,
                  what: str) -> Case:
    """A case the principal may change: visible, its own municipality's, not closed."""
    case = _visible_case(session, principal, catalogue, case_id)
    _require(principal, rights.CASES_MANAGE, what)
    if case.municipality_code != principal.municipality_code:
        raise Forbidden("Alleen de gemeente die de casus voert, kan haar wijzigen.")
    if current_status(session, case.id) == STATUS_CLOSED:
        raise Conflict("De casus is afgesloten en alleen-lezen; heropen haar eerst (met reden).")
    return case


def case_subject_ids(case_id: str) -> Any:
    """The subjects a case is about: those named when it was opened, and every subject its signals
    are linked to now (links are derived: a later analysis run may add or merge them)."""
    from sqlalchemy import union

    from weerbaar.resolve.models import SignalSubject

    return union(
        select(CaseSubject.subject_id).where(CaseSubject.case_id == case_id),
        select(SignalSubject.subject_id).where(SignalSubject.signal_id.in_(
            select(CaseSignal.signal_id).where(CaseSignal.case_id == case_id))))


def _next_number(session: Session, year: int) -> str:
    prefix = f"CAS-{year}-"
    last = session.scalar(select(func.max(Case.number)).where(Case.number.like(f"{prefix}%")))
    return f"{prefix}{int(last[len(prefix):]) + 1 if last else 1:04d}"


def _append_status(session: Session, case: Case, status: str, principal: Principal, *, transition: str | None,
                   note: str | None, details: dict[str, Any] | None = None,
                   at: datetime | None = None) -> CaseStatus:
    row = CaseStatus(case_id=case.id, status=status, transition=transition, by_user_id=principal.user_id,
                     by_user_name=principal.name, note=note, details=details, at=at or now())
    session.add(row)
    session.flush()
    return row


# --------------------------------------------------------------------------------------------
# Opening a case
# --------------------------------------------------------------------------------------------


@dataclass
class NewCase:
    title: str | None
    signals: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    pre_case: str | None = None
    phenomenon: str | None = None
    confidentiality: str | None = None
    reason: str | None = None


def open_case(session: Session, principal: Principal, catalogue: Catalogue, new: NewCase, *,
              at: datetime | None = None) -> Case:
    """Open a case of the principal's municipality from signals and/or a pre-case; all problems
    at once; signals and subjects the principal cannot see are refused as unknown."""
    _require(principal, rights.CASES_MANAGE, "een casus openen")
    errors: list[FieldError] = []
    title = _text(errors, "titel", new.title, "de titel", minimum=3)
    if len(title) > 300:
        errors.append(FieldError("titel", "string_too_long", "Te lang: maximaal 300 tekens."))
    signal_ids = list(dict.fromkeys(new.signals))
    pre_case: PreCase | None = None
    if new.pre_case:
        pre_case = session.scalars(select(PreCase).where(
            PreCase.id == new.pre_case, PreCase.municipality_code == principal.municipality_code)).first()
        if pre_case is None:
            errors.append(FieldError("vooronderzoek", "onbekend", "Onbekend vooronderzoek."))
        else:
            signal_ids += [s for s in session.scalars(select(PreCaseSignal.signal_id).where(
                PreCaseSignal.pre_case_id == pre_case.id).order_by(PreCaseSignal.added_at)) if s not in signal_ids]
    if not signal_ids:
        errors.append(FieldError("signalen", "missing",
                                 "Een casus begint bij minstens één signaal (of een vooronderzoek met signalen)."))
    visible = set(session.scalars(select(Signal.id).where(Signal.id.in_(signal_ids),
                                                          signal_visible(principal, catalogue))))
    for i, sid in enumerate(new.signals):
        if sid not in visible:
            errors.append(FieldError(f"signalen[{i}]", "onbekend",
                                     "Onbekend signaal, of een signaal dat u niet mag zien."))
    subject_ids = list(dict.fromkeys(new.subjects))
    known_subjects = set(session.scalars(select(Subject.id).where(Subject.id.in_(subject_ids),
                                                                  subjects_visible(principal))))
    for i, sid in enumerate(new.subjects):
        if sid not in known_subjects:
            errors.append(FieldError(f"subjecten[{i}]", "onbekend", "Onbekend subject."))
    if new.phenomenon and new.phenomenon not in catalogue.phenomena:
        errors.append(FieldError("fenomeen", "fenomeen_onbekend", f"Onbekend fenomeen '{new.phenomenon}'."))
    # By default as confidential as the most confidential of its signals.
    levels = [lvl for lvl in session.scalars(select(Signal.confidentiality).where(Signal.id.in_(visible)))
              if lvl in catalogue.confidentiality]
    level = new.confidentiality or max(levels, key=catalogue.confidentiality_rank, default="intern")
    if level not in catalogue.confidentiality:
        errors.append(FieldError("vertrouwelijkheid", "onbekend",
                                 "Kies uit " + ", ".join(catalogue.confidentiality_levels) + "."))
    elif catalogue.confidentiality_rank(level) > principal.max_confidentiality_rank:
        errors.append(FieldError("vertrouwelijkheid", "te_hoog", "Hoger dan u zelf mag inzien."))
    if errors:
        raise ValidationFailed(errors)
    signals = list(session.scalars(select(Signal).where(Signal.id.in_(signal_ids))))
    phenomenon = new.phenomenon or next((s.phenomenon for s in signals if s.phenomenon), None)
    # Only the subjects named are stored; those the signals are linked to follow the links
    # (`case_subject_ids`), which later analysis runs may change.
    moment = at or now()
    case = Case(number=_next_number(session, moment.year), title=title, phenomenon=phenomenon,
                municipality_code=principal.municipality_code, organisation_id=principal.organisation_id,
                pre_case_id=pre_case.id if pre_case else None, confidentiality=level,
                created_by_id=principal.user_id, created_at=moment)
    session.add(case)
    session.flush()
    session.add_all([CaseSignal(case_id=case.id, signal_id=s, added_at=moment) for s in signal_ids])
    session.add_all([CaseSubject(case_id=case.id, subject_id=s, added_at=moment) for s in subject_ids])
    # The owning municipality takes part in its own case.
    session.add(CaseParticipant(case_id=case.id, organisation_id=principal.organisation_id,
                                legal_basis="gemeentewet_172", reason="Voert de casus.",
                                invited_by_id=principal.user_id, at=moment))
    if pre_case is not None:
        pre_case.case_id = case.id
    _append_status(session, case, STATUS_OPEN, principal, transition=None,
                   note=(new.reason or "").strip() or None, at=moment)
    logbook.record(session, principal, logbook.CREATE, object_type="casus", object_id=case.id,
                   purpose="casus openen", details={"signalen": len(signal_ids), "subjecten_genoemd": len(subject_ids)})
    return case


# --------------------------------------------------------------------------------------------
# Participants and shares (privacy check 2A)
# --------------------------------------------------------------------------------------------


def invite(session: Session, principal: Principal, catalogue: Catalogue, case_id: str,
           organisation_id: str | None, legal_basis: str | None, reason: str | None = None, *,
           at: datetime | None = None) -> CaseParticipant:
    """Invite an organisation to the case table on a legal basis its type may rely on."""
    errors: list[FieldError] = []
    org = session.get(Organisation, organisation_id) if organisation_id else None
    if not organisation_id:
        errors.append(FieldError("organisatie", "missing", "Kies de organisatie die u uitnodigt."))
    elif org is None:
        errors.append(FieldError("organisatie", "onbekend", "Onbekende organisatie."))
    basis = catalogue.legal_bases.get(legal_basis or "")
    if not legal_basis:
        errors.append(FieldError("grondslag", "missing",
                                 "Geef de grondslag waarop de organisatie deelneemt (GET /api/v1/grondslagen)."))
    elif basis is None:
        errors.append(FieldError("grondslag", "onbekend", f"Onbekende grondslag '{legal_basis}'."))
    elif org is not None and basis.partnertypen and org.type not in basis.partnertypen:
        errors.append(FieldError("grondslag", "past_niet_bij_partner", (
            f"Op '{basis.naam}' kan een {org.type} niet deelnemen; die grondslag geldt voor "
            + ", ".join(basis.partnertypen) + ".")))
    if errors:
        raise ValidationFailed(errors)
    case = _managed_case(session, principal, catalogue, case_id, "partners uitnodigen")
    assert org is not None and basis is not None
    existing = session.scalars(select(CaseParticipant).where(
        CaseParticipant.case_id == case.id, CaseParticipant.organisation_id == org.id)).first()
    if existing is not None:
        raise Conflict(f"{org.name} neemt al deel aan deze casus.")
    row = CaseParticipant(case_id=case.id, organisation_id=org.id, legal_basis=basis.code,
                          reason=(reason or "").strip() or None, invited_by_id=principal.user_id, at=at or now())
    session.add(row)
    session.flush()
    logbook.record(session, principal, logbook.SHARE, object_type="casus", object_id=case.id,
                   purpose="deelnemer uitnodigen", details={"organisatie": org.id, "grondslag": basis.code})
    return row


def share(session: Session, principal: Principal, catalogue: Catalogue, case_id: str,
          organisation_id: str | None, signal_ids: list[str], subject_ids: list[str], fields: list[str],
          reason: str | None, *, at: datetime | None = None) -> CaseShare:
    """Privacy check 2A: share some of the case's signals and subjects, with some fields, with
    one participant. Only a participant can receive; only the case's own items can be shared."""
    case = _managed_case(session, principal, catalogue, case_id, "gegevens delen")
    flow = flow_of(catalogue)
    errors: list[FieldError] = []
    participant = session.scalars(select(CaseParticipant).where(
        CaseParticipant.case_id == case.id, CaseParticipant.organisation_id == organisation_id)).first() \
        if organisation_id else None
    if not organisation_id:
        errors.append(FieldError("organisatie", "missing", "Kies de deelnemer waarmee u deelt."))
    elif participant is None:
        errors.append(FieldError("organisatie", "geen_deelnemer",
                                 "Deze organisatie neemt niet deel; nodig haar eerst uit met een grondslag."))
    case_signals = set(session.scalars(select(CaseSignal.signal_id).where(CaseSignal.case_id == case.id)))
    case_subjects = set(session.scalars(case_subject_ids(case.id)))
    for i, sid in enumerate(signal_ids):
        if sid not in case_signals:
            errors.append(FieldError(f"signalen[{i}]", "niet_in_casus", "Dit signaal hoort niet bij de casus."))
    for i, sid in enumerate(subject_ids):
        if sid not in case_subjects:
            errors.append(FieldError(f"subjecten[{i}]", "niet_in_casus", "Dit subject hoort niet bij de casus."))
    for i, f in enumerate(fields):
        if f not in flow.deelvelden:
            errors.append(FieldError(f"velden[{i}]", "onbekend",
                                     f"Onbekend veld '{f}'; kies uit {', '.join(flow.deelvelden)}."))
    if not signal_ids and not subject_ids:
        errors.append(FieldError("signalen", "missing", "Deel minstens één signaal of subject."))
    if signal_ids and not fields:
        errors.append(FieldError("velden", "missing", "Kies welke velden van de signalen u deelt (dataminimalisatie)."))
    _text(errors, "reden", reason, "waarom dit nodig is voor deze deelnemer")
    if errors:
        raise ValidationFailed(errors)
    moment = at or now()
    row = CaseShare(case_id=case.id, organisation_id=organisation_id, fields=sorted(set(fields)),
                    reason=(reason or "").strip(), by_user_id=principal.user_id, at=moment)
    session.add(row)
    session.flush()
    session.add_all(
        [CaseShareItem(share_id=row.id, case_id=case.id, organisation_id=organisation_id, object_type="signaal",
                       object_id=s) for s in dict.fromkeys(signal_ids)]
        + [CaseShareItem(share_id=row.id, case_id=case.id, organisation_id=organisation_id, object_type="subject",
                         object_id=s) for s in dict.fromkeys(subject_ids)])
    logbook.record(session, principal, logbook.SHARE, object_type="casus", object_id=case.id,
                   purpose="privacytoets 2A: delen met deelnemer",
                   details={"organisatie": organisation_id, "signalen": len(set(signal_ids)),
                            "subjecten": len(set(subject_ids)), "velden": sorted(set(fields))})
    return row


# --------------------------------------------------------------------------------------------
# Integral weighing and decisions (privacy check 2B)
# --------------------------------------------------------------------------------------------


@dataclass
class Choice:
    instrument: str | None
    chosen: bool | None
    reasons: str | None
    organisation: str | None = None


@dataclass
class Check2B:
    legal_basis: str | None
    purpose: str | None
    necessity: str | None
    proportionality: str | None
    subsidiarity: str | None
    extra_sharing: str | None
    organisations: list[str] = field(default_factory=list)


def decide(session: Session, principal: Principal, catalogue: Catalogue, case_id: str, choices: list[Choice],
           check: Check2B | None, meeting_id: str | None = None, *, at: datetime | None = None
           ) -> list[CaseDecision]:
    """Record the integral weighing: per instrument chosen or not, with reasons; when anything
    is chosen, privacy check 2B (the extra sharing the intervention needs) is required."""
    case = _managed_case(session, principal, catalogue, case_id, "besluiten vastleggen")
    errors: list[FieldError] = []
    participants = set(session.scalars(select(CaseParticipant.organisation_id).where(
        CaseParticipant.case_id == case.id)))
    if not choices:
        errors.append(FieldError("besluiten", "missing", "Weeg minstens één instrument."))
    if meeting_id and session.scalars(select(MeetingItem.id).where(
            MeetingItem.meeting_id == meeting_id, MeetingItem.case_id == case.id)).first() is None:
        errors.append(FieldError("overleg", "niet_geagendeerd",
                                 "De casus staat niet op de agenda van dit overleg; agendeer haar eerst."))
    seen: set[str] = set()
    for i, c in enumerate(choices):
        where = f"besluiten[{i}]"
        instrument = catalogue.instruments.get(c.instrument or "")
        if not c.instrument:
            errors.append(FieldError(f"{where}.instrument", "missing",
                                     "Kies het instrument (GET /api/v1/instrumenten)."))
        elif instrument is None:
            errors.append(FieldError(f"{where}.instrument", "onbekend", f"Onbekend instrument '{c.instrument}'."))
        elif c.instrument in seen:
            errors.append(FieldError(f"{where}.instrument", "dubbel", "Dit instrument staat al in dit besluit."))
        seen.add(c.instrument or "")
        if c.chosen is None:
            errors.append(FieldError(f"{where}.gekozen", "missing",
                                     "Geef aan of het instrument is gekozen (ja of nee)."))
        _text(errors, f"{where}.motivering", c.reasons,
              "waarom het instrument wel of niet is gekozen")
        if c.organisation and c.organisation not in participants:
            errors.append(FieldError(f"{where}.organisatie", "geen_deelnemer",
                                     "De uitvoerder moet deelnemen aan de casus."))
        if c.chosen and instrument is not None and c.organisation:
            org = session.get(Organisation, c.organisation)
            if org is not None and org.type not in instrument.eigenaars:
                errors.append(FieldError(f"{where}.organisatie", "geen_eigenaar", (
                    f"'{instrument.naam}' wordt ingezet door " + ", ".join(instrument.eigenaars) + ".")))
    if any(c.chosen for c in choices):
        if check is None:
            errors.append(FieldError("privacytoets2b", "missing", (
                "Leg privacytoets 2B vast: welke extra gegevensdeling de gekozen interventie vraagt, op welke "
                "grondslag, met noodzaak, proportionaliteit en subsidiariteit.")))
        else:
            _check_fields(errors, catalogue, "privacytoets2b", check)
            _text(errors, "privacytoets2b.extraDeling", check.extra_sharing,
                  "welke extra deling de interventie vraagt (of 'geen')", minimum=4)
            for i, org_id in enumerate(check.organisations):
                if org_id not in participants:
                    errors.append(FieldError(f"privacytoets2b.organisaties[{i}]", "geen_deelnemer",
                                             "Deze organisatie neemt niet deel aan de casus."))
    if errors:
        raise ValidationFailed(errors)
    moment = at or now()
    rows = [CaseDecision(case_id=case.id, meeting_id=meeting_id, instrument=c.instrument, chosen=bool(c.chosen),
                         reasons=(c.reasons or "").strip(), organisation_id=c.organisation,
                         by_user_id=principal.user_id, by_user_name=principal.name, at=moment) for c in choices]
    session.add_all(rows)
    session.flush()
    if check is not None and any(c.chosen for c in choices):
        session.add(PrivacyCheck(
            stage="2B", municipality_code=case.municipality_code, organisation_id=principal.organisation_id,
            case_id=case.id, decision_id=rows[0].id, legal_basis=check.legal_basis,
            purpose=(check.purpose or "").strip(), necessity=(check.necessity or "").strip(),
            proportionality=(check.proportionality or "").strip(), subsidiarity=(check.subsidiarity or "").strip(),
            extra_sharing={"omschrijving": (check.extra_sharing or "").strip(), "organisaties": check.organisations},
            by_user_id=principal.user_id, by_user_name=principal.name, at=moment))
    logbook.record(session, principal, logbook.JUDGE, object_type="casus", object_id=case.id,
                   purpose="integrale weging",
                   details={"gekozen": [c.instrument for c in choices if c.chosen],
                            "niet_gekozen": [c.instrument for c in choices if not c.chosen]})
    return rows


def _check_fields(errors: list[FieldError], catalogue: Catalogue, prefix: str, check: Check2B) -> None:
    if not check.legal_basis:
        errors.append(FieldError(f"{prefix}.grondslag", "missing", "Geef de grondslag (GET /api/v1/grondslagen)."))
    elif check.legal_basis not in catalogue.legal_bases:
        errors.append(FieldError(f"{prefix}.grondslag", "onbekend", f"Onbekende grondslag '{check.legal_basis}'."))
    _text(errors, f"{prefix}.doel", check.purpose, "het doel")
    _text(errors, f"{prefix}.noodzaak", check.necessity, "waarom het noodzakelijk is")
    _text(errors, f"{prefix}.proportionaliteit", check.proportionality, "waarom het in verhouding staat tot het doel")
    _text(errors, f"{prefix}.subsidiariteit", check.subsidiarity, "waarom het niet met minder kan")


# --------------------------------------------------------------------------------------------
# Actions
# --------------------------------------------------------------------------------------------


@dataclass
class NewAction:
    description: str | None
    organisation: str | None
    responsible: str | None
    deadline: date | None
    decision: str | None = None


def _action_errors(new: NewAction) -> list[FieldError]:
    """What every action needs, inside a case or not: what, who, by when."""
    errors: list[FieldError] = []
    _text(errors, "omschrijving", new.description, "wat er gedaan wordt", minimum=5)
    if not new.organisation:
        errors.append(FieldError("organisatie", "missing", "Kies de organisatie die de actie uitvoert."))
    if not (new.responsible or "").strip():
        errors.append(FieldError("verantwoordelijke", "missing", "Noem wie verantwoordelijk is."))
    elif len(new.responsible or "") > 200:
        errors.append(FieldError("verantwoordelijke", "string_too_long", "Te lang: maximaal 200 tekens."))
    if new.deadline is None:
        errors.append(FieldError("deadline", "missing", "Geef de deadline (JJJJ-MM-DD)."))
    return errors


def _store_action(session: Session, principal: Principal, new: NewAction, *, case_id: str | None, origin: str,
                  origin_id: str | None, municipality_code: str, at: datetime | None,
                  details: dict[str, Any]) -> CaseAction:
    assert new.deadline is not None and new.organisation is not None
    moment = at or now()
    action = CaseAction(case_id=case_id, origin=origin, origin_id=origin_id, municipality_code=municipality_code,
                        description=(new.description or "").strip(), organisation_id=new.organisation,
                        responsible=(new.responsible or "").strip(), deadline=new.deadline, decision_id=new.decision,
                        created_by_id=principal.user_id, created_at=moment)
    session.add(action)
    session.flush()
    session.add(ActionUpdate(action_id=action.id, status=ACTION_OPEN, by_user_id=principal.user_id,
                             by_user_name=principal.name, at=moment))
    logbook.record(session, principal, logbook.CREATE, object_type="actie", object_id=action.id,
                   purpose="actie afspreken", details={**details, "organisatie": new.organisation})
    return action


def add_action(session: Session, principal: Principal, catalogue: Catalogue, case_id: str, new: NewAction, *,
               at: datetime | None = None) -> CaseAction:
    """A commitment of one participant: what, which organisation, who, by when."""
    case = _managed_case(session, principal, catalogue, case_id, "acties afspreken")
    errors = _action_errors(new)
    if new.organisation and session.scalars(select(CaseParticipant.id).where(
            CaseParticipant.case_id == case.id, CaseParticipant.organisation_id == new.organisation)).first() is None:
        errors.append(FieldError("organisatie", "geen_deelnemer",
                                 "Alleen een deelnemer aan de casus kan een actie hebben."))
    if new.decision and session.scalars(select(CaseDecision.id).where(
            CaseDecision.id == new.decision, CaseDecision.case_id == case.id)).first() is None:
        errors.append(FieldError("besluit", "onbekend", "Onbekend besluit van deze casus."))
    if errors:
        raise ValidationFailed(errors)
    return _store_action(session, principal, new, case_id=case.id, origin="casus", origin_id=None,
                         municipality_code=case.municipality_code, at=at, details={"casus": case.id})


COMMITMENT_ORIGINS = {"beraad": "een vijf-B-beraad", "scan": "het actieplan van de weerbaarheidsscan"}


def add_commitment(session: Session, principal: Principal, origin: str, origin_id: str, new: NewAction, *,
                   organisations: Iterable[str] | None = None, at: datetime | None = None) -> CaseAction:
    """A commitment made outside a case — in a five-B session (beraad) or the resilience scan's
    action plan — as a tracked action of the own municipality, visible in `GET /acties` to the
    municipality's case readers and to the organisation that owns it. `organisations`: the ones
    that may own it (a session's participants); None: any known organisation. The caller checks
    that the session or scan is the principal's to manage; this checks the right itself."""
    if origin not in COMMITMENT_ORIGINS:
        raise ValueError(f"unknown origin {origin!r}")
    if not principal.can(rights.PREVENTION_MANAGE) or not principal.municipality_code:
        raise Forbidden("Alleen wie de preventie van de gemeente regelt, legt afspraken vast als acties.")
    errors = _action_errors(new)
    allowed = None if organisations is None else set(organisations)
    if new.organisation and (session.get(Organisation, new.organisation) is None
                             or (allowed is not None and new.organisation not in allowed)):
        errors.append(FieldError("organisatie", "geen_deelnemer", "Alleen een deelnemende organisatie kan "
                                 f"een afspraak uit {COMMITMENT_ORIGINS[origin]} op zich nemen."))
    if errors:
        raise ValidationFailed(errors)
    return _store_action(session, principal, new, case_id=None, origin=origin, origin_id=origin_id,
                         municipality_code=principal.municipality_code, at=at, details={origin: origin_id})


def action_status(session: Session, action_id: str) -> str:
    return session.scalars(select(ActionUpdate.status).where(ActionUpdate.action_id == action_id)
                           .order_by(ActionUpdate.id.desc())).first() or ACTION_OPEN


def update_action(session: Session, principal: Principal, catalogue: Catalogue, action_id: str,
                  status: str | None, note: str | None, *, at: datetime | None = None) -> ActionUpdate:
    """Progress of an action, by its own organisation (or the case's intake team)."""
    flow = flow_of(catalogue)
    errors: list[FieldError] = []
    if status not in flow.actiestatussen:
        errors.append(FieldError("status", "missing" if not status else "onbekend",
                                 "Kies de status: " + ", ".join(flow.actiestatussen) + "."))
    if len(note or "") > 4000:
        errors.append(FieldError("toelichting", "string_too_long", "Te lang: maximaal 4000 tekens."))
    if errors:
        raise ValidationFailed(errors)
    action = session.scalars(select(CaseAction).where(CaseAction.id == action_id,
                                                      actions_visible(principal, catalogue))).first()
    if action is None:
        raise NotFound()
    own = action.organisation_id == principal.organisation_id and principal.can(rights.ACTIONS_UPDATE_OWN)
    managing = rights.CASES_MANAGE if action.case_id else rights.PREVENTION_MANAGE
    manager = principal.can(managing) and action.municipality_code == principal.municipality_code
    if not (own or manager):
        raise Forbidden("Alleen de organisatie die de actie uitvoert (of het intaketeam) werkt haar bij.")
    if action.case_id and current_status(session, action.case_id) == STATUS_CLOSED:
        raise Conflict("De casus is afgesloten en alleen-lezen.")
    row = ActionUpdate(action_id=action.id, status=status, note=(note or "").strip() or None,
                       by_user_id=principal.user_id, by_user_name=principal.name, at=at or now())
    session.add(row)
    session.flush()
    logbook.record(session, principal, logbook.UPDATE, object_type="actie", object_id=action.id,
                   purpose="actie bijwerken", details={"status": status})
    return row


@dataclass
class ActionView:
    action: CaseAction
    status: str
    case_number: str | None
    case_title: str | None
    organisation_name: str
    overdue: bool
    responsible_shown: str


def _responsible_shown(principal: Principal, action: CaseAction, organisation_name: str,
                       whole: bool) -> str:
    """Officials are pseudonymised in what partners see: the responsible person's name only for
    the own organisation and the case's intake team."""
    if whole or action.organisation_id == principal.organisation_id:
        return action.responsible
    return f"medewerker van {organisation_name}"


def _actions(session: Session, principal: Principal, catalogue: Catalogue, *conditions: Any,
             on: date | None = None) -> list[ActionView]:
    """Actions the principal may see (the permission layer's filter plus `conditions`), each with
    its latest status; `on`: the day against which deadlines count (default today)."""
    day = on or today()
    latest = (select(ActionUpdate.action_id, func.max(ActionUpdate.id).label("last"))
              .group_by(ActionUpdate.action_id).subquery())
    query = (select(CaseAction, ActionUpdate.status, Case.number, Case.title, Organisation.name)
             .join(latest, latest.c.action_id == CaseAction.id)
             .join(ActionUpdate, ActionUpdate.id == latest.c.last)
             .join(Organisation, Organisation.id == CaseAction.organisation_id)
             .outerjoin(Case, Case.id == CaseAction.case_id)
             .where(actions_visible(principal, catalogue), *[c for c in conditions if c is not None]))
    rows = session.execute(query.order_by(CaseAction.deadline, CaseAction.created_at)).all()
    whole_for = principal.municipality_code if principal.can(rights.CASES_READ_MUNICIPALITY) else None
    return [ActionView(a, st, number, title, org_name,
                       a.deadline < day and st not in ACTION_DONE,
                       _responsible_shown(principal, a, org_name,
                                          whole_for is not None and a.municipality_code == whole_for))
            for a, st, number, title, org_name in rows]


def list_actions(session: Session, principal: Principal, catalogue: Catalogue, *, status: str | None = None,
                 case_id: str | None = None, organisation_id: str | None = None,
                 on: date | None = None, origin: str | None = None, origin_id: str | None = None) -> list[ActionView]:
    """Actions the principal may see; status 'verlopen': past their deadline and not done (the
    steering group's escalation list). Logged as a list read."""
    flow = flow_of(catalogue)
    if status is not None and status != OVERDUE and status not in flow.actiestatussen:
        raise ValidationFailed([FieldError("status", "onbekend", "Kies uit " + ", ".join(
            [*flow.actiestatussen, OVERDUE]) + ".")])
    day = on or today()
    conditions: list[Any] = [CaseAction.case_id == case_id if case_id else None,
                             CaseAction.organisation_id == organisation_id if organisation_id else None,
                             CaseAction.origin == origin if origin else None,
                             CaseAction.origin_id == origin_id if origin_id else None]
    if status == OVERDUE:
        conditions += [CaseAction.deadline < day, ActionUpdate.status.not_in(ACTION_DONE)]
    elif status:
        conditions.append(ActionUpdate.status == status)
    out = _actions(session, principal, catalogue, *conditions, on=day)
    logbook.record(session, principal, logbook.LIST, object_type="acties", purpose="acties raadplegen",
                   details={"status": status, "aantal": len(out)})
    return out


def get_action(session: Session, principal: Principal, catalogue: Catalogue, action_id: str, *,
               log: bool = True) -> ActionView:
    found = _actions(session, principal, catalogue, CaseAction.id == action_id)
    if not found:
        raise NotFound()
    if log:
        logbook.record(session, principal, logbook.READ, object_type="actie", object_id=action_id,
                       purpose="actie inzien")
    return found[0]


def _subject_names(session: Session, principal: Principal, view: CaseView) -> dict[str, str | None]:
    """Names of a case's subjects: for the municipality's own readers only behind privacy check 1
    (as on the subject card); a participant sees only subjects shared with it (2A), and sharing a
    subject is sharing who it is."""
    from weerbaar.resolve.cards import details_open

    if view.whole:
        opened = details_open(session, principal, [s.id for s in view.subjects])
        return {s.id: s.label if s.id in opened else None for s in view.subjects}
    return {s.id: s.label for s in view.subjects}


def list_actions_of_case(session: Session, principal: Principal, catalogue: Catalogue,
                         case_id: str) -> list[ActionView]:
    """The case's actions without a separate log entry (the case read is logged)."""
    return _actions(session, principal, catalogue, CaseAction.case_id == case_id)


# --------------------------------------------------------------------------------------------
# Status: to weighing, to execution, closing with result and follow-up, reopening
# --------------------------------------------------------------------------------------------


@dataclass
class CaseChange:
    transition: str
    reason: str | None = None
    result: str | None = None
    follow_up_on: date | None = None


def possible_transitions(catalogue: Catalogue, principal: Principal, status: str) -> list[CaseTransition]:
    return [t for t in flow_of(catalogue).overgangen if status in t.van and principal.can(t.recht)]


def change_status(session: Session, principal: Principal, catalogue: Catalogue, case_id: str, change: CaseChange,
                  *, at: datetime | None = None) -> CaseStatus:
    """One transition of casusverloop.yaml, with what it requires; all problems at once."""
    flow = flow_of(catalogue)
    transition = flow.transitions.get(change.transition)
    if transition is None:
        raise ValidationFailed([FieldError("overgang", "onbekend", (
            f"Onbekende overgang '{change.transition}'; kies uit {', '.join(flow.transitions)}."))])
    case = _visible_case(session, principal, catalogue, case_id)
    if not principal.can(transition.recht) or case.municipality_code != principal.municipality_code:
        raise Forbidden(f"Uw rol mag '{transition.naam}' niet; dat doet het intaketeam van de gemeente.")
    errors: list[FieldError] = []
    if "reden" in transition.vereist:
        _text(errors, "reden", change.reason, "de reden")
    if "resultaat" in transition.vereist and change.result not in flow.resultaten:
        errors.append(FieldError("resultaat", "missing" if not change.result else "onbekend",
                                 "Kies het resultaat: " + ", ".join(flow.resultaten) + "."))
    if "nazorgdatum" in transition.vereist:
        if change.follow_up_on is None:
            errors.append(FieldError("nazorgdatum", "missing", (
                "Geef de nazorgdatum: dan wordt gekeken of er nieuwe signalen over dezelfde subjecten zijn.")))
        elif change.follow_up_on <= (at or now()).date():
            errors.append(FieldError("nazorgdatum", "in_verleden", "De nazorgdatum ligt na vandaag."))
    if "besluit" in transition.vereist and session.scalars(select(CaseDecision.id).where(
            CaseDecision.case_id == case.id, CaseDecision.chosen.is_(True))).first() is None:
        errors.append(FieldError("besluit", "missing",
                                 "Leg eerst de integrale weging vast met minstens één gekozen instrument."))
    if errors:
        raise ValidationFailed(errors)
    status = current_status(session, case.id)
    if status not in transition.van:
        raise Conflict(f"De casus is '{flow.statuses[status].naam}'; '{transition.naam}' kan alleen vanuit "
                       + ", ".join(f"'{flow.statuses[s].naam}'" for s in transition.van) + ".")
    details: dict[str, Any] = {}
    if "resultaat" in transition.vereist:
        details["resultaat"] = change.result
    if "nazorgdatum" in transition.vereist and change.follow_up_on:
        details["nazorgdatum"] = change.follow_up_on.isoformat()
    row = _append_status(session, case, transition.naar, principal, transition=transition.code,
                         note=(change.reason or "").strip() or None, details=details or None, at=at)
    logbook.record(session, principal, logbook.JUDGE, object_type="casus", object_id=case.id,
                   purpose=transition.naam, details={"overgang": transition.code, "van": status,
                                                     "naar": transition.naar, **details})
    return row


# --------------------------------------------------------------------------------------------
# Reading: what this principal may see of a case
# --------------------------------------------------------------------------------------------


@dataclass
class SharedSignal:
    signal: Signal
    fields: frozenset[str]  # the deelvelden this principal may see (all, for the intake team)


@dataclass
class CaseView:
    case: Case
    status: str
    whole: bool  # the municipality's intake team / analysts: everything
    history: list[CaseStatus]
    participants: list[tuple[CaseParticipant, Organisation]]
    signals: list[SharedSignal]
    subjects: list[Subject]
    decisions: list[CaseDecision]  # latest per instrument first
    actions: list[ActionView]
    shares: list[CaseShare]  # whole: all; participant: its own
    checks: list[PrivacyCheck]  # whole only
    repeat_signals: list[Signal] = field(default_factory=list)  # after closure: new signals on its subjects
    share_items: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # share id -> (type, id)
    # The name of each subject as this principal may see it (None: withheld); see `_subject_names`.
    subject_names: dict[str, str | None] = field(default_factory=dict)

    @property
    def closing(self) -> CaseStatus | None:
        return next((h for h in reversed(self.history) if h.status == STATUS_CLOSED), None) \
            if self.status == STATUS_CLOSED else None

    @property
    def follow_up_on(self) -> date | None:
        closing = next((h for h in reversed(self.history) if h.details and h.details.get("nazorgdatum")), None)
        return date.fromisoformat(closing.details["nazorgdatum"]) if closing and closing.details else None


def case_view(session: Session, principal: Principal, catalogue: Catalogue, case_id: str, *,
              purpose: str | None = None, log: bool = True) -> CaseView:
    """Everything of one case this principal may see, filtered in SQL; NotFound when it may not
    see the case at all."""
    case = _visible_case(session, principal, catalogue, case_id)
    flow = flow_of(catalogue)
    whole = sees_whole_case(principal, case)
    history = list(session.scalars(select(CaseStatus).where(CaseStatus.case_id == case.id).order_by(CaseStatus.id)))
    participants: list[tuple[CaseParticipant, Organisation]] = [(p, o) for p, o in session.execute(
        select(CaseParticipant, Organisation).join(Organisation, Organisation.id == CaseParticipant.organisation_id)
        .where(CaseParticipant.case_id == case.id).order_by(CaseParticipant.at, Organisation.name))]
    signal_query = (select(Signal).join(CaseSignal, CaseSignal.signal_id == Signal.id)
                    .where(CaseSignal.case_id == case.id).order_by(Signal.observed_on, Signal.id))
    subject_query = select(Subject).where(Subject.id.in_(case_subject_ids(case.id))).order_by(Subject.id)
    share_query = select(CaseShare).where(CaseShare.case_id == case.id).order_by(CaseShare.at)
    if not whole:
        share_query = share_query.where(CaseShare.organisation_id == principal.organisation_id)
        signal_query = signal_query.where(case_items_shared(principal, case.id, "signaal", Signal.id))
        subject_query = subject_query.where(case_items_shared(principal, case.id, "subject", Subject.id))
    shares = list(session.scalars(share_query))
    fields = frozenset(flow.deelvelden) if whole else frozenset(f for sh in shares for f in sh.fields)
    signals = [SharedSignal(s, fields) for s in session.scalars(signal_query)]
    subjects = list(session.scalars(subject_query))
    decisions_all = list(session.scalars(select(CaseDecision).where(CaseDecision.case_id == case.id)
                                         .order_by(CaseDecision.at.desc(), CaseDecision.id)))
    latest: dict[str, CaseDecision] = {}
    for d in decisions_all:
        latest.setdefault(d.instrument, d)
    checks = list(session.scalars(select(PrivacyCheck).where(PrivacyCheck.case_id == case.id)
                                  .order_by(PrivacyCheck.at))) if whole else []
    status = history[-1].status if history else STATUS_OPEN
    view = CaseView(case, status, whole, history, participants, signals, subjects, list(latest.values()),
                    [], shares, checks)
    view.subject_names = _subject_names(session, principal, view)
    for share_id, kind, object_id in session.execute(
            select(CaseShareItem.share_id, CaseShareItem.object_type, CaseShareItem.object_id)
            .where(CaseShareItem.share_id.in_([sh.id for sh in shares])).order_by(CaseShareItem.id)):
        view.share_items.setdefault(share_id, []).append((kind, object_id))
    if log:
        logbook.record(session, principal, logbook.READ, object_type="casus", object_id=case.id,
                       purpose=purpose or "casus inzien",
                       details={"signalen": len(signals), "subjecten": len(subjects), "geheel": whole})
    view.actions = list_actions_of_case(session, principal, catalogue, case.id)
    if status == STATUS_CLOSED and whole:
        view.repeat_signals = repeat_signals(session, principal, catalogue, view)
    return view


def repeat_signals(session: Session, principal: Principal, catalogue: Catalogue, view: CaseView) -> list[Signal]:
    """Effect: signals registered after the case was closed about the same subjects (or the same
    addresses), among those the principal may read; checked again on the follow-up date."""
    closing = view.closing
    if closing is None:
        return []
    return _repeats(session, principal, catalogue, view.case.id, closing.at)


def _repeats(session: Session, principal: Principal, catalogue: Catalogue, case_id: str,
             since: datetime) -> list[Signal]:
    from sqlalchemy import or_

    from weerbaar.resolve.models import SignalSubject

    in_case = select(CaseSignal.signal_id).where(CaseSignal.case_id == case_id)
    subjects = case_subject_ids(case_id)
    addresses = select(Signal.address_id).where(Signal.id.in_(in_case), Signal.address_id.is_not(None))
    return list(session.scalars(select(Signal).where(
        or_(Signal.id.in_(select(SignalSubject.signal_id).where(SignalSubject.subject_id.in_(subjects))),
            Signal.address_id.in_(addresses)),
        Signal.registered_at > since, Signal.id.not_in(in_case),
        signal_visible(principal, catalogue)).order_by(Signal.registered_at)))


@dataclass
class CaseSummary:
    case: Case
    status: str
    participants: int
    open_actions: int
    overdue_actions: int
    result: str | None = None  # closed cases: the result, the follow-up date, and repeat signals since
    follow_up_on: date | None = None
    repeats: int | None = None

    @property
    def follow_up_due(self) -> bool:
        return self.follow_up_on is not None and self.follow_up_on <= today()


def count_by_status(session: Session, principal: Principal, catalogue: Catalogue) -> dict[str, int]:
    """How many cases the principal may see are in each status of `casusverloop.yaml` (zeros
    included, in the catalogue's order): one grouped query."""
    latest = (select(CaseStatus.case_id, func.max(CaseStatus.id).label("last"))
              .group_by(CaseStatus.case_id).subquery())
    rows = dict(session.execute(
        select(CaseStatus.status, func.count()).select_from(Case).join(latest, latest.c.case_id == Case.id)
        .join(CaseStatus, CaseStatus.id == latest.c.last).where(case_visible(principal, catalogue))
        .group_by(CaseStatus.status)).all())
    return {code: rows.get(code, 0) for code in flow_of(catalogue).statuses}


def list_cases(session: Session, principal: Principal, catalogue: Catalogue, *, status: str | None = None,
               follow_up_due: bool = False) -> list[CaseSummary]:
    """Cases the principal may see, newest first. Closed ones carry their result, follow-up date
    and (for the municipality's readers) how many repeat signals came in since; `follow_up_due`:
    only closed cases whose follow-up date has come (the effect check)."""
    flow = flow_of(catalogue)
    if status is not None and status not in flow.statuses:
        raise ValidationFailed([FieldError("status", "onbekend", "Kies uit " + ", ".join(flow.statuses) + ".")])
    latest = (select(CaseStatus.case_id, func.max(CaseStatus.id).label("last"))
              .group_by(CaseStatus.case_id).subquery())
    query = (select(Case, CaseStatus).join(latest, latest.c.case_id == Case.id)
             .join(CaseStatus, CaseStatus.id == latest.c.last).where(case_visible(principal, catalogue)))
    if status:
        query = query.where(CaseStatus.status == status)
    if follow_up_due:
        query = query.where(CaseStatus.status == STATUS_CLOSED)
    rows = session.execute(query.order_by(Case.created_at.desc(), Case.number.desc())).all()
    ids = [c.id for c, _ in rows]
    counts = dict(session.execute(select(CaseParticipant.case_id, func.count()).where(
        CaseParticipant.case_id.in_(ids)).group_by(CaseParticipant.case_id)).all())
    day = today()
    a_latest = (select(ActionUpdate.action_id, func.max(ActionUpdate.id).label("last"))
                .group_by(ActionUpdate.action_id).subquery())
    open_counts: dict[str | None, int] = {}
    overdue_counts: dict[str | None, int] = {}
    for case_id, deadline in session.execute(
            select(CaseAction.case_id, CaseAction.deadline).join(a_latest, a_latest.c.action_id == CaseAction.id)
            .join(ActionUpdate, ActionUpdate.id == a_latest.c.last)
            .where(CaseAction.case_id.in_(ids), ActionUpdate.status.not_in(ACTION_DONE))):
        open_counts[case_id] = open_counts.get(case_id, 0) + 1
        if deadline < day:
            overdue_counts[case_id] = overdue_counts.get(case_id, 0) + 1
    logbook.record(session, principal, logbook.LIST, object_type="casussen", purpose="casussen raadplegen",
                   details={"aantal": len(rows), **({"nazorg": True} if follow_up_due else {})})
    out: list[CaseSummary] = []
    for c, st in rows:
        summary = CaseSummary(c, st.status, counts.get(c.id, 0), open_counts.get(c.id, 0), overdue_counts.get(c.id, 0))
        if st.status == STATUS_CLOSED and st.details:
            summary.result = st.details.get("resultaat")
            summary.follow_up_on = date.fromisoformat(st.details["nazorgdatum"]) \
                if st.details.get("nazorgdatum") else None
            if sees_whole_case(principal, c):
                summary.repeats = len(_repeats(session, principal, catalogue, c.id, st.at))
        if not follow_up_due or summary.follow_up_due:
            out.append(summary)
    return out

"""The five-B partner session (beraad): Binden, Boeien, Bekwamen, Bepalen, Beklinken.

A session belongs to the municipality of whoever plans it (`preventie.beheren`); the facilitator
walks its five phases with the partners at the table:

- *Binden*: participants (a person, a registered organisation, a role, contact details), the
  working agreements (the phase's note) and per organisation the legal basis it shares under;
- *Boeien*: the shared, aggregated picture of the area (`picture.stats`, always `exact=False`:
  partners sit at the table), stored as a snapshot so the agreement document cites what was shown;
- *Bekwamen*: a training round (`prevention.training`), or a note on the exercise held;
- *Bepalen*: each participant's ballot (phenomena ranked, strategies chosen), the tally with ties
  explained, and the priorities and strategies the table chose, each with a reason;
- *Beklinken*: commitments per partner that become tracked actions (`cases.service.add_commitment`,
  origin "beraad"), and the sign-off. The document is `prevention.agreement`.

Who sees a session: the municipality's `preventie.beheren` holders, and `preventie.deelnemen`
holders of an organisation at the table (`access.policy.sessions_visible`, a SQL filter); anyone else gets a
404. Every read and write is logged. After sign-off the session is read-only; the next session
of the municipality opens with the status of this one's commitments.
"""

from __future__ import annotations

import importlib
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, func, select
from sqlalchemy.orm import Session

from weerbaar.access import logbook, rights
from weerbaar.access.policy import sessions_visible
from weerbaar.access.principal import Principal
from weerbaar.cases import service as cases
from weerbaar.cases.models import CaseAction
from weerbaar.core.catalogue import SESSION_PHASES, Catalogue, SessionMethod
from weerbaar.core.clock import now, today
from weerbaar.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from weerbaar.core.models import Organisation
from weerbaar.picture import stats
from weerbaar.prevention import training
from weerbaar.prevention.sessions_models import (
    PartnerSession,
    SessionBasis,
    SessionParticipant,
    SessionPhaseState,
    SessionPriority,
    SessionVote,
)
from weerbaar.prevention.training_models import TrainingAnswer, TrainingParticipant, TrainingRound

ORIGIN = "beraad"
MAX_TITLE = 300
MAX_NOTE = 8000

# The five B's in order. Their names and texts, the roles at the table, the voting rules and the
# picture's period are domain knowledge in the catalogue (beraad.yaml, `Catalogue.session_method`),
# validated to name exactly these phases in this order: the code below works per phase.
PHASE_CODES = SESSION_PHASES
OPEN, BUSY, DONE = "open", "bezig", "afgerond"
STATES = {OPEN: "Open", BUSY: "Bezig", DONE: "Afgerond"}
KINDS = {"fenomeen": "Fenomeen", "strategie": "Strategie"}
ORDINALS = ("eerste", "tweede", "derde", "vierde", "vijfde", "zesde", "zevende", "achtste", "negende", "tiende")


def method_of(catalogue: Catalogue) -> SessionMethod:
    assert catalogue.session_method is not None, "the catalogue is validated at start-up"
    return catalogue.session_method


def points_rule(catalogue: Catalogue) -> str:
    """The ranking rule in Dutch, e.g. "3, 2 of 1 punt voor een eerste, tweede of derde plaats"."""
    ranked = method_of(catalogue).stemmen.fenomenen
    if ranked == 1:
        return "1 punt voor de eerste plaats"
    points = [str(n) for n in range(ranked, 0, -1)]
    places = list(ORDINALS[:ranked])
    return f"{', '.join(points[:-1])} of 1 punt voor een {', '.join(places[:-1])} of {places[-1]} plaats"


# --------------------------------------------------------------------------------------------
# Visibility
# --------------------------------------------------------------------------------------------


def manages(principal: Principal, ps: PartnerSession) -> bool:
    return principal.can(rights.PREVENTION_MANAGE) and principal.municipality_code == ps.municipality_code


def _visible(session: Session, principal: Principal, session_id: str) -> PartnerSession:
    try:
        key = str(uuid.UUID(session_id))
    except ValueError:
        raise NotFound() from None
    ps = session.scalars(select(PartnerSession).where(PartnerSession.id == key,
                                                      sessions_visible(principal))).first()
    if ps is None:
        raise NotFound()
    return ps


def _managed(session: Session, principal: Principal, session_id: str, what: str) -> PartnerSession:
    ps = _visible(session, principal, session_id)
    if not manages(principal, ps):
        raise Forbidden(f"Uw rol mag {what} niet; dat doet wie de preventie van de gemeente regelt.")
    if ps.signed_off_at is not None:
        raise Conflict("Dit beraad is ondertekend; het verandert niet meer. Plan een nieuw beraad.")
    return ps


def _log(session: Session, principal: Principal, ps: PartnerSession, purpose: str,
         details: dict[str, Any] | None = None, action: str = logbook.UPDATE) -> None:
    logbook.record(session, principal, action, object_type="beraad", object_id=ps.id, purpose=purpose,
                   details=details)


def _text(errors: list[FieldError], name: str, value: str | None, what: str, *, minimum: int = 1,
          maximum: int = MAX_NOTE, required: bool = True) -> str:
    text = (value or "").strip()
    if not text:
        if required:
            errors.append(FieldError(name, "missing", f"Vul {what} in."))
    elif len(text) < minimum:
        errors.append(FieldError(name, "te_kort", f"Te kort: minimaal {minimum} tekens."))
    elif len(text) > maximum:
        errors.append(FieldError(name, "string_too_long", f"Te lang: maximaal {maximum} tekens."))
    return text


# --------------------------------------------------------------------------------------------
# Planning and phases
# --------------------------------------------------------------------------------------------


def _previous(session: Session, municipality: str, held_on: date, exclude: str | None) -> PartnerSession | None:
    query = select(PartnerSession).where(PartnerSession.municipality_code == municipality,
                                         PartnerSession.held_on <= held_on)
    if exclude:
        query = query.where(PartnerSession.id != exclude)
    return session.scalars(query.order_by(PartnerSession.held_on.desc(), PartnerSession.created_at.desc())).first()


def create_session(session: Session, principal: Principal, title: str | None, held_on: date | None, *,
                   at: datetime | None = None) -> PartnerSession:
    """Plan a session of the principal's municipality; it opens with the previous one's commitments."""
    if not principal.can(rights.PREVENTION_MANAGE) or not principal.municipality_code:
        raise Forbidden("Uw rol mag geen beraad plannen; dat doet wie de preventie van de gemeente regelt.")
    errors: list[FieldError] = []
    text = _text(errors, "titel", title, "de titel van het beraad", minimum=3, maximum=MAX_TITLE)
    if held_on is None:
        errors.append(FieldError("datum", "missing", "Geef de datum van het beraad (JJJJ-MM-DD)."))
    if errors:
        raise ValidationFailed(errors)
    assert held_on is not None
    previous = _previous(session, principal.municipality_code, held_on, None)
    ps = PartnerSession(municipality_code=principal.municipality_code, organisation_id=principal.organisation_id,
                        title=text, held_on=held_on, previous_id=previous.id if previous else None,
                        created_by_id=principal.user_id, created_at=at or now())
    session.add(ps)
    session.flush()
    _log(session, principal, ps, "beraad plannen", {"datum": held_on.isoformat()}, logbook.CREATE)
    return ps


def phase_states(session: Session, session_ids: list[str]) -> dict[str, dict[str, SessionPhaseState]]:
    """The latest state row per phase, per session (a phase without rows is open)."""
    if not session_ids:
        return {}
    latest = (select(func.max(SessionPhaseState.id)).where(SessionPhaseState.session_id.in_(session_ids))
              .group_by(SessionPhaseState.session_id, SessionPhaseState.phase))
    out: dict[str, dict[str, SessionPhaseState]] = defaultdict(dict)
    for row in session.scalars(select(SessionPhaseState).where(SessionPhaseState.id.in_(latest))):
        out[row.session_id][row.phase] = row
    return out


def _state(session: Session, ps: PartnerSession, phase: str) -> SessionPhaseState | None:
    return session.scalars(select(SessionPhaseState).where(
        SessionPhaseState.session_id == ps.id, SessionPhaseState.phase == phase)
        .order_by(SessionPhaseState.id.desc())).first()


def _append_state(session: Session, principal: Principal, ps: PartnerSession, phase: str, state: str,
                  note: str | None, at: datetime | None) -> SessionPhaseState:
    row = SessionPhaseState(session_id=ps.id, phase=phase, state=state, note=note, by_user_id=principal.user_id,
                            by_user_name=principal.name, at=at or now())
    session.add(row)
    session.flush()
    return row


def _touch(session: Session, principal: Principal, ps: PartnerSession, phase: str, at: datetime | None) -> None:
    """Content written in an open phase puts it to work ("bezig"), keeping its note."""
    current = _state(session, ps, phase)
    if current is None or current.state == OPEN:
        _append_state(session, principal, ps, phase, BUSY, current.note if current else None, at)


def set_phase(session: Session, principal: Principal, session_id: str, phase: str, state: str | None,
              note: str | None = None, *, at: datetime | None = None) -> SessionPhaseState:
    """A phase's state (open, bezig, afgerond) and its note (for Binden the working agreements,
    for Bekwamen the outcome of the exercise); a note left out keeps the previous one."""
    ps = _managed(session, principal, session_id, "de fasen van een beraad bijwerken")
    errors: list[FieldError] = []
    if phase not in PHASE_CODES:
        raise NotFound()
    if state not in STATES:
        errors.append(FieldError("status", "onbekend" if state else "missing", "Kies open, bezig of afgerond."))
    text = _text(errors, "toelichting", note, "de toelichting", required=False) if note is not None else None
    if phase == "beklinken" and state == DONE:
        errors.append(FieldError("status", "ondertekenen", "Beklinken rondt u af door het beraad te ondertekenen."))
    if errors:
        raise ValidationFailed(errors)
    assert state is not None
    current = _state(session, ps, phase)
    row = _append_state(session, principal, ps, phase, state,
                        text if note is not None else (current.note if current else None), at)
    _log(session, principal, ps, "fase bijwerken", {"fase": phase, "status": state})
    return row


# --------------------------------------------------------------------------------------------
# Binden
# --------------------------------------------------------------------------------------------


@dataclass
class NewParticipant:
    name: str | None = None
    organisation: str | None = None
    role: str | None = None
    email: str | None = None
    phone: str | None = None


def add_participant(session: Session, principal: Principal, catalogue: Catalogue, session_id: str,
                    new: NewParticipant, *, at: datetime | None = None) -> SessionParticipant:
    """Someone at the table for a registered organisation, in one of the roles of beraad.yaml."""
    ps = _managed(session, principal, session_id, "deelnemers aan een beraad toevoegen")
    roles = method_of(catalogue).roles
    errors: list[FieldError] = []
    name = _text(errors, "naam", new.name, "de naam van de deelnemer", minimum=2, maximum=200)
    if not new.organisation:
        errors.append(FieldError("organisatie", "missing", "Kies de organisatie van de deelnemer."))
    elif session.get(Organisation, new.organisation) is None:
        errors.append(FieldError("organisatie", "onbekend", "Onbekende organisatie; kies een geregistreerde."))
    if new.role not in roles:
        errors.append(FieldError("rol", "onbekend" if new.role else "missing",
                                 "Kies de rol: " + ", ".join(roles) + "."))
    email = (new.email or "").strip()
    if email and ("@" not in email or " " in email or len(email) > 200 or email.startswith("@")
                  or email.endswith("@")):
        errors.append(FieldError("email", "ongeldig", "Geen geldig e-mailadres."))
    phone = (new.phone or "").strip()
    if phone and (len(phone) > 40 or not all(c.isdigit() or c in " +-()" for c in phone)
                  or sum(c.isdigit() for c in phone) < 6):
        errors.append(FieldError("telefoon", "ongeldig", "Geen geldig telefoonnummer (cijfers, spaties, + en -)."))
    if errors:
        raise ValidationFailed(errors)
    assert new.organisation and new.role
    row = SessionParticipant(session_id=ps.id, organisation_id=new.organisation, name=name, role=new.role,
                             email=email or None, phone=phone or None, added_at=at or now(),
                             added_by_id=principal.user_id)
    session.add(row)
    session.flush()
    _touch(session, principal, ps, "binden", at)
    _log(session, principal, ps, "deelnemer toevoegen", {"organisatie": new.organisation, "rol": new.role})
    return row


def _table_organisations(session: Session, ps: PartnerSession) -> list[str]:
    return list(dict.fromkeys(session.scalars(select(SessionParticipant.organisation_id).where(
        SessionParticipant.session_id == ps.id).order_by(SessionParticipant.added_at))))


def set_basis(session: Session, principal: Principal, catalogue: Catalogue, session_id: str,
              organisation_id: str | None, legal_basis: str | None, note: str | None = None, *,
              at: datetime | None = None) -> SessionBasis:
    """The legal basis an organisation at the table shares under in this session (replacing an earlier choice)."""
    ps = _managed(session, principal, session_id, "grondslagen vastleggen")
    errors: list[FieldError] = []
    org = session.get(Organisation, organisation_id) if organisation_id else None
    if not organisation_id:
        errors.append(FieldError("organisatie", "missing", "Kies de organisatie."))
    elif org is None or organisation_id not in _table_organisations(session, ps):
        errors.append(FieldError("organisatie", "geen_deelnemer", "Alleen een organisatie aan tafel krijgt een "
                                 "grondslag; voeg eerst een deelnemer van die organisatie toe."))
    basis = catalogue.legal_bases.get(legal_basis or "")
    if not legal_basis:
        errors.append(FieldError("grondslag", "missing", "Kies de grondslag."))
    elif basis is None:
        errors.append(FieldError("grondslag", "onbekend", "Onbekende grondslag; kies er een uit de catalogus."))
    elif org is not None and basis.partnertypen and org.type not in basis.partnertypen:
        errors.append(FieldError("grondslag", "past_niet", f"{org.name} kan zich niet op ‘{basis.naam}’ beroepen."))
    text = _text(errors, "toelichting", note, "de toelichting", required=False)
    if errors:
        raise ValidationFailed(errors)
    assert organisation_id and legal_basis
    row = session.scalars(select(SessionBasis).where(SessionBasis.session_id == ps.id,
                                                     SessionBasis.organisation_id == organisation_id)).first()
    if row is None:
        row = SessionBasis(session_id=ps.id, organisation_id=organisation_id, legal_basis=legal_basis)
        session.add(row)
    row.legal_basis, row.note, row.at = legal_basis, text or None, at or now()
    session.flush()
    _touch(session, principal, ps, "binden", at)
    _log(session, principal, ps, "grondslag vastleggen", {"organisatie": organisation_id, "grondslag": legal_basis})
    return row


# --------------------------------------------------------------------------------------------
# Boeien
# --------------------------------------------------------------------------------------------


def capture_picture(session: Session, principal: Principal, catalogue: Catalogue, session_id: str, *,
                    at: datetime | None = None) -> dict[str, Any]:
    """Snapshot of the aggregates shown at the table: per phenomenon and per wijk over the last
    `beeld_maanden` months of beraad.yaml (twelve: 365 days), suppressed as for every partner
    (`exact=False`)."""
    ps = _managed(session, principal, session_id, "het beeld vastleggen")
    end = at.date() if at else today()
    days = round(method_of(catalogue).beeld_maanden * 365 / 12)
    flt = stats.Filter(start=end - timedelta(days=days), end=end)
    phenomena = stats.phenomena_overview(session, principal, catalogue, None, flt, exact=False)
    figures = stats.area_figures(session, principal, catalogue, "wijk", flt, exact=False)
    moment = at or now()
    snapshot: dict[str, Any] = {
        "gemeente": figures.municipality_name, "vanaf": flt.start.isoformat() if flt.start else None,
        "tot": end.isoformat(), "gemaaktOp": moment.isoformat(),
        "totaal": {"adressen": figures.addresses, "signalen": figures.signals_shown, "treffers": figures.hits_shown},
        "fenomenen": [{"code": p.code, "naam": p.name, "signalen": p.signals_shown, "treffers": p.hits_shown,
                       "richting": p.direction} for p in phenomena],
        "wijken": [{"code": r.code, "naam": r.name, "adressen": r.addresses, "signalen": r.signals_shown,
                    "treffers": r.hits_shown, "signalenPer1000": r.signals_rate,
                    "tovGemiddelde": r.signals_ratio} for r in figures.rows],
    }
    ps.picture, ps.picture_at = snapshot, moment
    session.flush()
    _touch(session, principal, ps, "boeien", at)
    _log(session, principal, ps, "beeld vastleggen", {"vanaf": snapshot["vanaf"], "tot": snapshot["tot"]})
    return snapshot


# --------------------------------------------------------------------------------------------
# Bekwamen
# --------------------------------------------------------------------------------------------


def start_training(session: Session, principal: Principal, catalogue: Catalogue, session_id: str,
                   title: str | None = None, phenomena: list[str] | None = None) -> str:
    """Start a training round in session mode for this beraad (`prevention.training`, players join
    with its code on /training) and link it; returns the round's id."""
    ps = _managed(session, principal, session_id, "een trainingsronde starten")
    known = [p for p in (phenomena or []) if p in catalogue.phenomena] or None
    round_ = training.start_round(session, principal, catalogue, title=(title or f"Beraad: {ps.title}")[:200],
                                  phenomena=known, size=10, seed=None, mode="sessie", beraad=ps.id)
    ps.training_round_id = round_.id
    session.flush()
    _touch(session, principal, ps, "bekwamen", None)
    _log(session, principal, ps, "trainingsronde koppelen", {"ronde": round_.id})
    return round_.id


@dataclass
class TrainingOutcome:
    """The linked round in aggregate (no names): who played, and the share right per phenomenon."""

    title: str
    join_code: str | None
    players: int
    answers: int
    right: int
    per_phenomenon: list[tuple[str, int, int]]  # name, answers, right; weakest first


def training_outcome(session: Session, catalogue: Catalogue, ps: PartnerSession) -> TrainingOutcome | None:
    if not ps.training_round_id:
        return None
    rnd = session.get(TrainingRound, ps.training_round_id)
    if rnd is None:
        return None
    players = session.scalar(select(func.count()).select_from(TrainingParticipant)
                             .where(TrainingParticipant.round_id == rnd.id)) or 0
    rows = session.execute(
        select(TrainingAnswer.phenomenon, func.count(),
               func.coalesce(func.sum(func.cast(TrainingAnswer.correct, Integer)), 0))
        .where(TrainingAnswer.round_id == rnd.id).group_by(TrainingAnswer.phenomenon)).all()
    per = sorted(((catalogue.phenomena[c].naam if c in catalogue.phenomena else c, int(n), int(r))
                  for c, n, r in rows), key=lambda t: (t[2] / t[1] if t[1] else 0.0, t[0]))
    return TrainingOutcome(rnd.title, rnd.join_code, int(players), sum(t[1] for t in per), sum(t[2] for t in per),
                           per)


# --------------------------------------------------------------------------------------------
# Bepalen
# --------------------------------------------------------------------------------------------


def strategies(catalogue: Catalogue) -> dict[str, str]:
    """What the table can choose as a strategy: the catalogue's instruments."""
    return {i.code: i.naam for i in catalogue.instruments.values()}


def vote(session: Session, principal: Principal, catalogue: Catalogue, session_id: str,
         participant_id: str | None, phenomena: list[str], chosen: list[str], *,
         at: datetime | None = None) -> str:
    """One participant's ballot: phenomena in order of priority and strategies, each up to the
    limit of beraad.yaml (`stemmen`). The facilitator records it for anyone at the table; a participant's own
    organisation may cast it too. A new ballot replaces the participant's earlier one."""
    ps = _visible(session, principal, session_id)
    if ps.signed_off_at is not None:
        raise Conflict("Dit beraad is ondertekend; het verandert niet meer. Plan een nieuw beraad.")
    errors: list[FieldError] = []
    participant = session.scalars(select(SessionParticipant).where(
        SessionParticipant.id == (participant_id or ""), SessionParticipant.session_id == ps.id)).first() \
        if participant_id else None
    if not participant_id:
        errors.append(FieldError("deelnemer", "missing", "Kies de deelnemer die stemt."))
    elif participant is None:
        errors.append(FieldError("deelnemer", "onbekend", "Onbekende deelnemer van dit beraad."))
    elif not manages(principal, ps) and not (principal.can(rights.PREVENTION_TAKE_PART)
                                             and participant.organisation_id == principal.organisation_id):
        raise Forbidden("U stemt alleen voor een deelnemer van uw eigen organisatie.")
    ranked = [p for p in phenomena if p]
    for i, code in enumerate(ranked):
        if code not in catalogue.phenomena:
            errors.append(FieldError(f"fenomenen[{i}]", "onbekend", "Onbekend fenomeen."))
    if len(set(ranked)) != len(ranked):
        errors.append(FieldError("fenomenen", "dubbel", "Noem elk fenomeen maar één keer."))
    limits = method_of(catalogue).stemmen
    if len(ranked) > limits.fenomenen:
        errors.append(FieldError("fenomenen", "te_veel", f"Rangschik hoogstens {limits.fenomenen} fenomenen."))
    options = strategies(catalogue)
    picked = list(dict.fromkeys(c for c in chosen if c))
    for i, code in enumerate(picked):
        if code not in options:
            errors.append(FieldError(f"strategieen[{i}]", "onbekend", "Onbekende strategie."))
    if len(picked) > limits.strategieen:
        errors.append(FieldError("strategieen", "te_veel", f"Kies hoogstens {limits.strategieen} strategieën."))
    if not ranked and not picked:
        errors.append(FieldError("fenomenen", "missing", "Kies ten minste één fenomeen of strategie."))
    if errors:
        raise ValidationFailed(errors)
    assert participant is not None
    ballot = str(uuid.uuid4())
    moment = at or now()
    for rank, code in enumerate(ranked, 1):
        session.add(SessionVote(session_id=ps.id, participant_id=participant.id, ballot=ballot, kind="fenomeen",
                                code=code, rank=rank, at=moment))
    for code in picked:
        session.add(SessionVote(session_id=ps.id, participant_id=participant.id, ballot=ballot, kind="strategie",
                                code=code, rank=1, at=moment))
    session.flush()
    if manages(principal, ps):
        _touch(session, principal, ps, "bepalen", at)
    _log(session, principal, ps, "stemmen", {"deelnemer": participant.id}, logbook.CREATE)
    return ballot


@dataclass
class TallyRow:
    kind: str
    code: str
    name: str
    points: int
    firsts: int
    voters: int
    place: int = 0


@dataclass
class Tally:
    ballots: int
    phenomena: list[TallyRow]
    strategies: list[TallyRow]
    ties: list[str] = field(default_factory=list)  # Dutch sentences: how each tie was ordered


def _explain_ties(rows: list[TallyRow], unit: str) -> list[str]:
    out = []
    groups: dict[int, list[TallyRow]] = defaultdict(list)
    for r in rows:
        groups[r.points].append(r)
    for points, group in groups.items():
        if len(group) < 2:
            continue
        names = " en ".join(f"‘{r.name}’" for r in group)
        firsts = {r.firsts for r in group}
        how = ("de telling ordent ze naar het aantal eerste plaatsen ("
               + ", ".join(f"{r.name}: {r.firsts}" for r in group) + ")") if len(firsts) > 1 else \
            "ook het aantal eerste plaatsen is gelijk; de telling volgt de volgorde van de catalogus"
        out.append(f"Gelijke stand: {names} hebben elk {points} {unit}; {how}. De tafel beslist zelf welke voorgaat.")
    return out


def tally(session: Session, ps: PartnerSession, catalogue: Catalogue) -> Tally:
    """The latest ballot per participant counts: a phenomenon gets N, N-1, ..., 1 points for a 1st,
    2nd, ..., Nth place (N: `stemmen.fenomenen` of beraad.yaml, 3 as shipped); a strategy one vote
    per participant choosing it. Ties are ordered by the
    number of first places, then the catalogue's order, and explained."""
    votes = list(session.scalars(select(SessionVote).where(SessionVote.session_id == ps.id)
                                 .order_by(SessionVote.id)))
    latest: dict[str, str] = {}
    for v in votes:
        latest[v.participant_id] = v.ballot
    counted = [v for v in votes if latest[v.participant_id] == v.ballot]
    order_p = {c: i for i, c in enumerate(catalogue.phenomena)}
    options = strategies(catalogue)
    order_s = {c: i for i, c in enumerate(options)}
    top = method_of(catalogue).stemmen.fenomenen

    def rows(kind: str, names: dict[str, str], order: dict[str, int]) -> list[TallyRow]:
        acc: dict[str, TallyRow] = {}
        for v in counted:
            if v.kind != kind:
                continue
            row = acc.setdefault(v.code, TallyRow(kind, v.code, names.get(v.code, v.code), 0, 0, 0))
            row.points += max(top + 1 - v.rank, 1) if kind == "fenomeen" else 1
            row.firsts += 1 if v.rank == 1 else 0
            row.voters += 1
        out = sorted(acc.values(), key=lambda r: (-r.points, -r.firsts, order.get(r.code, 999)))
        for i, r in enumerate(out, 1):
            r.place = i
        return out

    phen = rows("fenomeen", {c: p.naam for c, p in catalogue.phenomena.items()}, order_p)
    strat = rows("strategie", options, order_s)
    return Tally(len(latest), phen, strat, _explain_ties(phen, "punten") + _explain_ties(strat, "stemmen"))


def choose_priority(session: Session, principal: Principal, catalogue: Catalogue, session_id: str,
                    kind: str | None, code: str | None, reason: str | None, *,
                    at: datetime | None = None) -> SessionPriority:
    """Record a priority (a phenomenon) or a strategy the table chose, with the reason."""
    ps = _managed(session, principal, session_id, "prioriteiten vastleggen")
    errors: list[FieldError] = []
    if kind not in KINDS:
        errors.append(FieldError("soort", "onbekend" if kind else "missing", "Kies fenomeen of strategie."))
    elif not code:
        errors.append(FieldError("code", "missing", "Kies wat de tafel prioriteit geeft."))
    elif (kind == "fenomeen" and code not in catalogue.phenomena) or (
            kind == "strategie" and code not in strategies(catalogue)):
        errors.append(FieldError("code", "onbekend", f"Onbekend {'fenomeen' if kind == 'fenomeen' else 'strategie'}."))
    text = _text(errors, "toelichting", reason, "waarom de tafel dit kiest", minimum=5)
    if not errors and session.scalars(select(SessionPriority.id).where(
            SessionPriority.session_id == ps.id, SessionPriority.kind == kind,
            SessionPriority.code == code)).first() is not None:
        errors.append(FieldError("code", "dubbel", "Deze keuze is al vastgelegd."))
    if errors:
        raise ValidationFailed(errors)
    assert kind and code
    row = SessionPriority(session_id=ps.id, kind=kind, code=code, reason=text, by_user_id=principal.user_id,
                          by_user_name=principal.name, at=at or now())
    session.add(row)
    session.flush()
    _touch(session, principal, ps, "bepalen", at)
    _log(session, principal, ps, "prioriteit kiezen", {"soort": kind, "code": code}, logbook.CREATE)
    return row


def gap_analyses(session: Session, principal: Principal, catalogue: Catalogue, ps: PartnerSession,
                 codes: list[str]) -> dict[str, Any]:
    """The barrier gap analysis per phenomenon for the organisation types at the table, when
    `prevention.barriers` is installed (a separate part of issue 7) and has a model for it."""
    try:
        barriers: Any = importlib.import_module("weerbaar.prevention.barriers")
    except ImportError:
        return {}
    if not hasattr(barriers, "gap_analysis"):
        return {}
    partners = sorted({o.type for o in session.scalars(select(Organisation).where(
        Organisation.id.in_(_table_organisations(session, ps))))})
    out: dict[str, Any] = {}
    for code in codes:
        try:
            out[code] = barriers.gap_analysis(session, principal, catalogue, code, partners=partners)
        except (NotFound, KeyError, ValueError, Forbidden, ValidationFailed):
            continue
    return out


# --------------------------------------------------------------------------------------------
# Beklinken
# --------------------------------------------------------------------------------------------


def add_session_commitment(session: Session, principal: Principal, session_id: str, new: cases.NewAction, *,
                           at: datetime | None = None) -> CaseAction:
    """A commitment of one partner at the table, as a tracked action (origin "beraad")."""
    ps = _managed(session, principal, session_id, "afspraken vastleggen")
    action = cases.add_commitment(session, principal, ORIGIN, ps.id, new,
                                  organisations=_table_organisations(session, ps), at=at)
    _touch(session, principal, ps, "beklinken", at)
    _log(session, principal, ps, "afspraak vastleggen", {"actie": action.id, "organisatie": new.organisation})
    return action


def sign_off(session: Session, principal: Principal, session_id: str, *, at: datetime | None = None) -> PartnerSession:
    """The facilitator signs the session off: who and when; Beklinken is done and the session read-only."""
    ps = _managed(session, principal, session_id, "een beraad ondertekenen")
    errors: list[FieldError] = []
    if not _table_organisations(session, ps):
        errors.append(FieldError("deelnemers", "missing", "Een beraad zonder deelnemers kan niet worden ondertekend."))
    if session.scalars(select(CaseAction.id).where(CaseAction.origin == ORIGIN,
                                                   CaseAction.origin_id == ps.id)).first() is None:
        errors.append(FieldError("afspraken", "missing", "Leg eerst ten minste één afspraak vast."))
    if errors:
        raise ValidationFailed(errors)
    moment = at or now()
    ps.signed_off_at, ps.signed_off_by_id, ps.signed_off_by_name = moment, principal.user_id, principal.name
    session.flush()
    current = _state(session, ps, "beklinken")
    _append_state(session, principal, ps, "beklinken", DONE, current.note if current else None, moment)
    _log(session, principal, ps, "beraad ondertekenen")
    return ps


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


@dataclass
class PhaseView:
    code: str
    name: str
    purpose: str
    explanation: str
    state: str
    note: str | None
    at: datetime | None
    by: str | None


@dataclass
class SessionView:
    session: PartnerSession
    organisation: Organisation
    manages: bool
    phases: list[PhaseView]
    participants: list[tuple[SessionParticipant, Organisation]]
    bases: list[tuple[SessionBasis, Organisation]]
    tally: Tally
    ballots: dict[str, list[SessionVote]]  # participant id -> the counted ballot
    priorities: list[SessionPriority]
    commitments: list[cases.ActionView]
    previous: PartnerSession | None
    previous_commitments: list[cases.ActionView]
    training: TrainingOutcome | None = None

    @property
    def organisations(self) -> list[Organisation]:
        return list({o.id: o for _, o in self.participants}.values())

    def phase(self, code: str) -> PhaseView:
        return next(p for p in self.phases if p.code == code)

    @property
    def current_phase(self) -> str:
        return next((p.code for p in self.phases if p.state != DONE), PHASE_CODES[-1])


def _phases(catalogue: Catalogue, states: dict[str, SessionPhaseState]) -> list[PhaseView]:
    out = []
    for phase in method_of(catalogue).fasen:
        row = states.get(phase.code)
        out.append(PhaseView(phase.code, phase.naam, phase.doel, phase.toelichting, row.state if row else OPEN,
                             row.note if row else None, row.at if row else None, row.by_user_name if row else None))
    return out


def session_view(session: Session, principal: Principal, catalogue: Catalogue, session_id: str, *,
                 purpose: str = "beraad inzien", log: bool = True) -> SessionView:
    ps = _visible(session, principal, session_id)
    participants: list[tuple[SessionParticipant, Organisation]] = [(p, o) for p, o in session.execute(
        select(SessionParticipant, Organisation)
        .join(Organisation, Organisation.id == SessionParticipant.organisation_id)
        .where(SessionParticipant.session_id == ps.id).order_by(SessionParticipant.added_at, SessionParticipant.name)
    )]
    bases: list[tuple[SessionBasis, Organisation]] = [(b, o) for b, o in session.execute(
        select(SessionBasis, Organisation).join(Organisation, Organisation.id == SessionBasis.organisation_id)
        .where(SessionBasis.session_id == ps.id).order_by(Organisation.name))]
    votes = list(session.scalars(select(SessionVote).where(SessionVote.session_id == ps.id).order_by(SessionVote.id)))
    latest = {v.participant_id: v.ballot for v in votes}
    ballots: dict[str, list[SessionVote]] = defaultdict(list)
    for v in votes:
        if latest[v.participant_id] == v.ballot:
            ballots[v.participant_id].append(v)
    priorities = list(session.scalars(select(SessionPriority).where(SessionPriority.session_id == ps.id)
                                      .order_by(SessionPriority.id)))
    commitments = cases.list_actions(session, principal, catalogue, origin=ORIGIN, origin_id=ps.id)
    previous = session.get(PartnerSession, ps.previous_id) if ps.previous_id else None
    previous_commitments = cases.list_actions(session, principal, catalogue, origin=ORIGIN,
                                              origin_id=previous.id) if previous else []
    if log:
        _log(session, principal, ps, purpose, action=logbook.READ)
    return SessionView(ps, session.get_one(Organisation, ps.organisation_id), manages(principal, ps),
                       _phases(catalogue, phase_states(session, [ps.id]).get(ps.id, {})), participants, bases,
                       tally(session, ps, catalogue), dict(ballots), priorities, commitments, previous,
                       previous_commitments, training_outcome(session, catalogue, ps))


@dataclass
class SessionRow:
    session: PartnerSession
    phases: list[PhaseView]
    participants: int

    @property
    def done(self) -> int:
        return sum(1 for p in self.phases if p.state == DONE)


def list_sessions(session: Session, principal: Principal, catalogue: Catalogue) -> list[SessionRow]:
    """Sessions the principal may see, newest first (logged as a list read)."""
    if not principal.can(rights.PREVENTION_MANAGE) and not principal.can(rights.PREVENTION_TAKE_PART):
        raise Forbidden("Uw rol doet niet mee aan de preventie.")
    rows = list(session.scalars(select(PartnerSession).where(sessions_visible(principal))
                                .order_by(PartnerSession.held_on.desc(), PartnerSession.created_at.desc())))
    ids = [r.id for r in rows]
    states = phase_states(session, ids)
    counts = dict(session.execute(select(SessionParticipant.session_id, func.count()).where(
        SessionParticipant.session_id.in_(ids)).group_by(SessionParticipant.session_id)).all()) if ids else {}
    logbook.record(session, principal, logbook.LIST, object_type="beraden", purpose="beraden raadplegen",
                   details={"aantal": len(rows)})
    return [SessionRow(r, _phases(catalogue, states.get(r.id, {})), counts.get(r.id, 0)) for r in rows]

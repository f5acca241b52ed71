"""The lifecycle of a signal: the one write path for its status after registration.

Statuses and the transitions between them are data (`catalogus/signaalverloop.yaml`): new →
intake check (is it ondermijning? a municipal task or power? our territory?) → weighing
(severity, concreteness, relevance, and an outcome: no action, handle internally, pass to the
RIEC, investigate further) → closed, and reopening as a transition of its own. A transition not
listed there cannot happen. Every transition appends a status row naming the transition, who,
when, why and what was filled in; the history is never edited (the database refuses it).

The analysis closes and reopens its own automatic signals through
`intake.service.revise_automatic_signal`: that is the analysis acting, not a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from weerbaar.access import logbook
from weerbaar.access.policy import signal_visible
from weerbaar.access.principal import Principal
from weerbaar.core.catalogue import Catalogue, SignalFlow, Transition
from weerbaar.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from weerbaar.intake.models import Signal, SignalStatus
from weerbaar.intake.service import STATUS_NEW, append_status

INTAKE_QUESTIONS = {
    "ondermijning": "Gaat het om ondermijning?",
    "gemeentelijkeTaak": "Is het een taak of bevoegdheid van de gemeente of een partner aan tafel?",
    "grondgebied": "Speelt het op ons grondgebied?",
}


@dataclass
class StatusChange:
    """What a user asks: a transition, with the reason and what it requires."""

    transition: str
    reason: str | None = None
    intake: dict[str, bool] | None = None  # INTAKE_QUESTIONS -> answer
    scores: dict[str, int] = field(default_factory=dict)  # weighing scale -> level
    outcome: str | None = None  # weighing outcome


def flow_of(catalogue: Catalogue) -> SignalFlow:
    assert catalogue.signal_flow is not None, "the catalogue is validated at start-up"
    return catalogue.signal_flow


def current_status(session: Session, signal_id: str) -> str:
    status = session.scalars(
        select(SignalStatus.status).where(SignalStatus.signal_id == signal_id).order_by(SignalStatus.id.desc())
    ).first()
    return status or STATUS_NEW


def possible_transitions(catalogue: Catalogue, principal: Principal, status: str) -> list[Transition]:
    """The transitions from `status` the principal may make (for buttons and the API's links)."""
    return [t for t in flow_of(catalogue).overgangen if status in t.van and principal.can(t.recht)]


def _problems(flow: SignalFlow, transition: Transition, change: StatusChange) -> list[FieldError]:
    errors: list[FieldError] = []
    if "reden" in transition.vereist and not (change.reason or "").strip():
        errors.append(FieldError("reden", "missing", "Geef de reden van deze stap in eigen woorden."))
    if "intaketoets" in transition.vereist:
        answers = change.intake or {}
        for key, question in INTAKE_QUESTIONS.items():
            if not isinstance(answers.get(key), bool):
                errors.append(FieldError(f"intaketoets.{key}", "missing", f"Beantwoord met ja of nee: {question}"))
        if all(isinstance(answers.get(k), bool) for k in INTAKE_QUESTIONS):
            positive = all(answers[k] for k in INTAKE_QUESTIONS)
            if positive != (transition.intaketoets_uitslag == "ja"):
                other = next((t.naam for t in flow.overgangen
                              if t.intaketoets_uitslag == ("ja" if positive else "nee")), None)
                errors.append(FieldError("intaketoets", "uitslag_past_niet", (
                    "Alle drie de vragen zijn met ja beantwoord" if positive else "Minstens een vraag is met nee "
                    "beantwoord") + (f"; kies '{other}'." if other else "; deze overgang past daar niet bij.")))
    if "weging" in transition.vereist:
        for key, scale in flow.weging.schalen.items():
            level = change.scores.get(key)
            if not isinstance(level, int) or isinstance(level, bool) or level not in scale.niveaus:
                errors.append(FieldError(f"weging.{key}", "missing", (
                    f"Kies de {scale.naam.lower()}: " + ", ".join(f"{n} ({t})" for n, t in scale.niveaus.items()))))
        for key in sorted(set(change.scores) - set(flow.weging.schalen)):
            errors.append(FieldError(f"weging.{key}", "onbekend", "Deze schaal bestaat niet in de weging."))
        if change.outcome not in flow.weging.uitkomsten:
            errors.append(FieldError("weging.uitkomst", "missing",
                                     "Kies de uitkomst: " + ", ".join(flow.weging.uitkomsten.values()) + "."))
    return errors


def change_status(
    session: Session, principal: Principal, catalogue: Catalogue, signal_id: str, change: StatusChange,
    *, at: datetime | None = None,
) -> SignalStatus:
    """Make one transition of a signal the principal can read; refuses, in Dutch, an unknown or
    incomplete transition (every problem at once), a signal it cannot see (NotFound), a transition
    its role may not make (Forbidden) and one that does not start from the current status (Conflict).
    `at`: when it happened, for the demo's history (as `register_signal`'s); otherwise now."""
    flow = flow_of(catalogue)
    transition = flow.transitions.get(change.transition)
    if transition is None:
        raise ValidationFailed([FieldError("overgang", "onbekend", (
            f"Onbekende overgang '{change.transition}'; kies uit {', '.join(flow.transitions)}."))])
    if errors := _problems(flow, transition, change):
        raise ValidationFailed(errors)
    signal = session.scalars(select(Signal).where(Signal.id == signal_id, signal_visible(principal, catalogue))).first()
    if signal is None:
        raise NotFound()
    if not principal.can(transition.recht):
        raise Forbidden(f"Uw rol mag '{transition.naam}' niet; dat doet het intaketeam van de gemeente.")
    status = current_status(session, signal.id)
    if status not in transition.van:
        possible = [t.naam for t in possible_transitions(catalogue, principal, status)]
        raise Conflict(f"Het signaal is '{flow.statuses[status].naam if status in flow.statuses else status}'; "
                       f"'{transition.naam}' kan alleen vanuit "
                       + ", ".join(f"'{flow.statuses[s].naam}'" for s in transition.van)
                       + (f". Mogelijk nu: {', '.join(possible)}." if possible else "."))
    target = transition.target(change.outcome)
    assert target is not None  # the catalogue maps every outcome; _problems checked the outcome
    details: dict[str, Any] = {}
    if change.intake is not None and "intaketoets" in transition.vereist:
        details["intaketoets"] = {k: change.intake[k] for k in INTAKE_QUESTIONS}
    if "weging" in transition.vereist:
        details["weging"] = {**{k: change.scores[k] for k in flow.weging.schalen}, "uitkomst": change.outcome}
    row = append_status(session, signal, target, principal, (change.reason or "").strip() or None,
                        transition.code, details or None, at=at)
    logbook.record(
        session, principal, logbook.JUDGE, object_type="signaal", object_id=signal.id,
        purpose=transition.naam, details={"overgang": transition.code, "van": status, "naar": target, **details},
    )
    return row

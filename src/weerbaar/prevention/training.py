"""Training (Bekwamen): signal-recognition exercises generated from the catalogue, played alone or
together on a projector, and the scores that show where awareness is weakest.

Questions are generated deterministically from a seed out of catalogue knowledge only: the signal
cards (`fenomenen/*.yaml`), the instruments (`instrumenten.yaml`) with their owning organisation
types, the barrier models (`barrieremodellen/`, the catalogue's own versions), and anonymised cases of the own
municipality: of a case only its phenomenon, the codes of its signals' indicators and the
instruments chosen in its weighing are used, each shown by its catalogue text. Names, addresses,
identifiers and free text of a case never reach a question.

Question kinds: `fenomeen` (which phenomenon fits a scenario of 2–3 indicator texts),
`indicatoren` (which indicators belong to a phenomenon, several right), `partner` (which
organisation type can deploy an instrument, or owns a barrier), `instrument` (which instrument
fits), `stap` (in which step of a barrier model's process a signal belongs). Each question carries
its right answer(s) and an explanation citing the catalogue.

Who sees what: a practice round only its player; a session round its participants (who joined
with the code) and the municipality's facilitators (`preventie.beheren`). Scores per participant
are the participant's own; the facilitator sees them per participant only for a session round.
Per phenomenon the municipality's answers are aggregated, with fewer than 5 answers "te weinig".
Answers are appended, never edited.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, and_, func, select
from sqlalchemy.orm import Session

from weerbaar.access import logbook, rights
from weerbaar.access.policy import case_visible, training_rounds_visible
from weerbaar.access.principal import Principal
from weerbaar.cases.models import Case, CaseDecision, CaseSignal
from weerbaar.core.catalogue import BarrierModel, Catalogue, Instrument, Phenomenon
from weerbaar.core.clock import now
from weerbaar.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from weerbaar.core.models import Organisation, User
from weerbaar.intake.models import SignalIndicator
from weerbaar.prevention.training_models import TrainingAnswer, TrainingParticipant, TrainingRound

MODES = {"oefenen": "Zelf oefenen", "sessie": "Sessie met scherm"}
KINDS = {
    "fenomeen": "Welk fenomeen?",
    "indicatoren": "Welke signalen horen erbij?",
    "partner": "Welke partner?",
    "instrument": "Welk instrument?",
    "stap": "Welke stap in het proces?",
}
MIN_SIZE, MAX_SIZE, DEFAULT_SIZE = 1, 30, 10
MIN_ANSWERS = 5  # fewer answers per phenomenon: "te weinig" instead of a share
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a projector
CODE_LENGTH = 6
MAX_TITLE = 300


# --------------------------------------------------------------------------------------------
# Generation: catalogue (and anonymised case facts) in, questions out; no database
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFacts:
    """What a training may know of a case: catalogue codes only."""

    phenomenon: str
    indicators: tuple[str, ...]  # codes on the phenomenon's signal card
    instruments: tuple[str, ...]  # chosen instruments that fit the phenomenon


def fits(instrument: Instrument, phenomenon: str) -> bool:
    """Whether the catalogue says an instrument fits a phenomenon (no phenomena listed: every one)."""
    return not instrument.fenomenen or phenomenon in instrument.fenomenen


def _option(code: str, text: str) -> dict[str, str]:
    return {"code": code, "tekst": text}


def _names(catalogue: Catalogue, org_types: list[str]) -> str:
    names = [catalogue.organisation_types[t].naam if t in catalogue.organisation_types else t for t in org_types]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def _question(kind: str, phenomenon: str, vraag: str, options: list[dict[str, str]], right: list[str],
              uitleg: str, bron: str, rng: random.Random, *, scenario: list[str] | None = None,
              casus: bool = False) -> dict[str, Any]:
    rng.shuffle(options)
    return {"soort": kind, "fenomeen": phenomenon, "vraag": vraag, "scenario": scenario or [],
            "opties": options, "juist": sorted(right), "meerdere": len(right) > 1,
            "uitleg": uitleg, "bron": bron, "casus": casus}


def _q_phenomenon(cat: Catalogue, p: Phenomenon, rng: random.Random, facts: CaseFacts | None = None
                  ) -> dict[str, Any] | None:
    if facts is not None:
        codes = list(facts.indicators[:3])
    else:
        codes = [i.code for i in rng.sample(p.signaalkaart, rng.choice((2, 3)))]
    others = rng.sample([o for o in cat.phenomena.values() if o.code != p.code], min(3, len(cat.phenomena) - 1))
    texts = [cat.indicators[c][1].tekst for c in codes]
    cited = "; ".join(f"{c} ‘{t}’" for c, t in zip(codes, texts, strict=True))
    lead = ("In een afgeronde casus uit uw gemeente kwamen deze signalen samen (alleen de teksten van de "
            "signaalkaart, zonder gegevens uit de casus). ") if facts else ""
    return _question(
        "fenomeen", p.code, lead + "Bij welk fenomeen passen deze signalen het best?",
        [_option(p.code, p.naam), *(_option(o.code, o.naam) for o in others)], [p.code],
        f"Deze signalen staan op de signaalkaart van {p.naam}: {cited}.",
        f"signaalkaart {p.naam} (fenomenen/{p.code}.yaml)", rng, scenario=texts, casus=facts is not None)


def _q_indicators(cat: Catalogue, p: Phenomenon, rng: random.Random) -> dict[str, Any] | None:
    right = rng.sample(p.signaalkaart, 2)
    others = rng.sample([o for o in cat.phenomena.values() if o.code != p.code], min(3, len(cat.phenomena) - 1))
    if not others:
        return None
    wrong = [(o, rng.choice(o.signaalkaart)) for o in others]
    explanation = (f"Op de signaalkaart van {p.naam} staan {right[0].code} en {right[1].code}. "
                   + " ".join(f"{i.code} hoort bij {o.naam}." for o, i in wrong))
    return _question(
        "indicatoren", p.code, f"Welke van deze signalen staan op de signaalkaart van {p.naam}? Kies alle juiste.",
        [*(_option(i.code, i.tekst) for i in right), *(_option(i.code, i.tekst) for _, i in wrong)],
        [i.code for i in right], explanation, f"signaalkaart {p.naam} (fenomenen/{p.code}.yaml)", rng)


def _q_partner(cat: Catalogue, p: Phenomenon, rng: random.Random) -> dict[str, Any] | None:
    candidates = [i for i in cat.instruments.values() if fits(i, p.code)]
    if not candidates:
        return None
    inst = rng.choice(candidates)
    pool = [t for t in cat.organisation_types if t not in inst.eigenaars and t != "overig"]
    wrong = rng.sample(pool, min(len(pool), max(2, 4 - len(inst.eigenaars))))
    options = [_option(t, cat.organisation_types[t].naam) for t in [*inst.eigenaars, *wrong]
               if t in cat.organisation_types]
    return _question(
        "partner", p.code,
        f"Bij {p.naam} wil de partnertafel ‘{inst.naam}’ inzetten. Welke partner kan dat doen?"
        + (" Kies alle juiste." if len(inst.eigenaars) > 1 else ""),
        options, list(inst.eigenaars),
        f"Volgens de instrumentencatalogus zet {_names(cat, list(inst.eigenaars))} ‘{inst.naam}’ in. "
        f"{inst.toelichting}", f"instrumenten.yaml: {inst.code}", rng)


def _q_instrument(cat: Catalogue, p: Phenomenon, rng: random.Random, facts: CaseFacts | None = None
                  ) -> dict[str, Any] | None:
    wrong_pool = [i for i in cat.instruments.values() if not fits(i, p.code)]
    if facts is not None:
        right = [cat.instruments[c] for c in facts.instruments]
        scenario_codes = list(facts.indicators[:3])
    else:
        own = [i for i in cat.instruments.values() if p.code in i.fenomenen]
        if not own:
            return None
        right = [rng.choice(own)]
        scenario_codes = [i.code for i in rng.sample(p.signaalkaart, 2)]
    if not right or len(wrong_pool) < 2:
        return None
    wrong = rng.sample(wrong_pool, min(3, len(wrong_pool)))
    lead = (("In een afgeronde casus uit uw gemeente over " if facts else "Bij ")
            + f"{p.naam} zijn deze signalen gezien. ")
    why_not = " ".join(
        f"‘{i.naam}’ is bedoeld voor {', '.join(cat.phenomena[f].naam for f in i.fenomenen if f in cat.phenomena)}."
        for i in wrong)
    return _question(
        "instrument", p.code,
        lead + ("Welke instrumenten koos de tafel? Kies alle juiste." if len(right) > 1
                else "Welk instrument past het best?"),
        [*(_option(i.code, i.naam) for i in right), *(_option(i.code, i.naam) for i in wrong)],
        [i.code for i in right],
        " ".join(f"Volgens de instrumentencatalogus past ‘{i.naam}’ bij {p.naam}." for i in right) + " " + why_not,
        "instrumenten.yaml: " + ", ".join(i.code for i in right), rng,
        scenario=[cat.indicators[c][1].tekst for c in scenario_codes], casus=facts is not None)


def _barrier_models(cat: Catalogue) -> dict[str, BarrierModel]:
    """The catalogue's barrier models by phenomenon (a model may cover several)."""
    return {ph: m for m in cat.barrier_models.values() for ph in m.fenomenen}


def _q_step(cat: Catalogue, p: Phenomenon, rng: random.Random) -> dict[str, Any] | None:
    """From the phenomenon's barrier model: in which step of the criminal process a signal belongs,
    or which partner owns a barrier. Without a model for the phenomenon, no question."""
    model = _barrier_models(cat).get(p.code)
    if model is None or len(model.stappen) < 3:
        return None
    step = rng.choice(model.stappen)
    where = f"barrieremodellen/{model.code}.yaml"
    signals = [c for c in step.signalen if c in cat.indicators]
    barriers = [b for b in step.barrieres if b.eigenaar in cat.organisation_types]
    if signals and (not barriers or rng.random() < 0.5):
        code = rng.choice(signals)
        right = [s for s in model.stappen if code in s.signalen]
        others = [s for s in model.stappen if s not in right]
        options = [_option(s.code, s.naam) for s in [*right, *rng.sample(others, min(3, len(others)))]]
        return _question(
            "stap", p.code, f"In welke stap van het criminele proces ({model.naam}) hoort dit signaal?"
            + (" Kies alle juiste." if len(right) > 1 else ""), options, [s.code for s in right],
            f"In het barrièremodel {model.naam} staat {code} bij "
            + " en ".join(f"de stap ‘{s.naam}’" for s in right) + ".",
            where, rng, scenario=[cat.indicators[code][1].tekst])
    if not barriers:
        return None
    barrier = rng.choice(barriers)
    pool = [t for t in cat.organisation_types if t != barrier.eigenaar and t != "overig"]
    options = [_option(t, cat.organisation_types[t].naam)
               for t in [barrier.eigenaar, *rng.sample(pool, min(3, len(pool)))]]
    return _question(
        "partner", p.code, f"In het barrièremodel {model.naam} staat bij de stap ‘{step.naam}’ de barrière "
        f"‘{barrier.omschrijving}’. Welke partner is er eigenaar van?", options, [barrier.eigenaar],
        f"Het barrièremodel {model.naam} noemt {_names(cat, [barrier.eigenaar])} als eigenaar van deze "
        f"barrière (stap ‘{step.naam}’).", f"{where}: {step.code}/{barrier.code}", rng)


GENERATORS = {"fenomeen": _q_phenomenon, "indicatoren": _q_indicators, "partner": _q_partner,
              "instrument": _q_instrument, "stap": _q_step}


def generate(catalogue: Catalogue, seed: int, size: int = DEFAULT_SIZE, phenomena: list[str] | None = None,
             cases: list[CaseFacts] | None = None) -> list[dict[str, Any]]:
    """`size` questions from the catalogue (and anonymised case facts), the same for the same seed
    and the same knowledge. Phenomena are taken in turns so that a round covers them evenly; about
    one question in four comes from a case when there are any."""
    rng = random.Random(seed)
    pool = [catalogue.phenomena[c] for c in catalogue.phenomena if not phenomena or c in phenomena]
    facts = sorted((f for f in cases or [] if f.phenomenon in {p.code for p in pool} and len(f.indicators) >= 2),
                   key=lambda f: (f.phenomenon, f.indicators, f.instruments))
    rng.shuffle(facts)
    kinds = [k for k in GENERATORS if k != "stap" or _barrier_models(catalogue)]
    out: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    order: list[Phenomenon] = []
    attempts = 0
    while len(out) < size and attempts < size * 20:
        attempts += 1
        if not order:
            order = list(pool)
            rng.shuffle(order)
        p = order.pop()
        question: dict[str, Any] | None
        if facts and len(out) % 4 == 3:
            f = facts.pop()
            p = catalogue.phenomena[f.phenomenon]
            question = (_q_instrument(catalogue, p, rng, f) if f.instruments and rng.random() < 0.5
                        else _q_phenomenon(catalogue, p, rng, f))
        else:
            question = GENERATORS[rng.choice(kinds)](catalogue, p, rng)
        if question is None:
            continue
        key = (question["soort"], question["fenomeen"], tuple(question["juist"]), tuple(question["scenario"]))
        if key in seen:
            continue
        seen.add(key)
        out.append(question)
    return out


def is_right(question: dict[str, Any], chosen: list[str]) -> bool:
    return set(chosen) == set(question["juist"])


# --------------------------------------------------------------------------------------------
# Anonymised case facts of the own municipality, through the permission layer
# --------------------------------------------------------------------------------------------


def case_facts(session: Session, principal: Principal, catalogue: Catalogue) -> list[CaseFacts]:
    """Of the municipality's cases the principal may read in full: phenomenon, indicator codes of
    its signals (those on the phenomenon's own card) and instruments chosen in its weighing (those
    the catalogue says fit). Nothing else is selected."""
    if not (principal.can(rights.CASES_READ_MUNICIPALITY) and principal.municipality_code):
        return []
    visible = and_(case_visible(principal, catalogue), Case.municipality_code == principal.municipality_code,
                   Case.phenomenon.is_not(None))
    phenomena = dict(session.execute(select(Case.id, Case.phenomenon).where(visible)).all())
    if not phenomena:
        return []
    indicators: dict[str, set[str]] = {}
    for case_id, code in session.execute(
            select(CaseSignal.case_id, SignalIndicator.code).join(
                SignalIndicator, SignalIndicator.signal_id == CaseSignal.signal_id)
            .where(CaseSignal.case_id.in_(phenomena))):
        indicators.setdefault(case_id, set()).add(code)
    chosen: dict[str, dict[str, bool]] = {}
    for case_id, inst, was_chosen in session.execute(
            select(CaseDecision.case_id, CaseDecision.instrument, CaseDecision.chosen)
            .where(CaseDecision.case_id.in_(phenomena)).order_by(CaseDecision.at, CaseDecision.id)):
        chosen.setdefault(case_id, {})[inst] = was_chosen  # the latest decision per instrument counts
    out = []
    for case_id, ph in phenomena.items():
        if ph not in catalogue.phenomena:
            continue
        card = {i.code for i in catalogue.phenomena[ph].signaalkaart}
        out.append(CaseFacts(
            ph, tuple(sorted(indicators.get(case_id, set()) & card)),
            tuple(sorted(c for c, yes in chosen.get(case_id, {}).items()
                         if yes and c in catalogue.instruments and fits(catalogue.instruments[c], ph)))))
    logbook.record(session, principal, logbook.LIST, object_type="casus", purpose="trainingsvragen uit casussen",
                   details={"casussen": len(out), "velden": ["fenomeen", "indicatoren", "instrumenten"]})
    return out


# --------------------------------------------------------------------------------------------
# Rounds
# --------------------------------------------------------------------------------------------


def _require(principal: Principal, right: str, reason: str) -> None:
    if not principal.can(right):
        raise Forbidden(reason)


def _new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalars(select(TrainingRound.id).where(TrainingRound.join_code == code)).first() is None:
            return code


def start_round(session: Session, principal: Principal, catalogue: Catalogue, *, title: str | None,
                phenomena: list[str] | None = None, size: int | None = DEFAULT_SIZE, seed: int | None = None,
                mode: str | None = "sessie", beraad: str | None = None) -> TrainingRound:
    """Start a round: `oefenen` for oneself (preventie.deelnemen), `sessie` with a code for others to
    join (preventie.beheren). `beraad`: the five-B session it belongs to. All problems at once."""
    _require(principal, rights.PREVENTION_TAKE_PART, "Uw rol mag niet oefenen met signaalherkenning.")
    if mode == "sessie":
        _require(principal, rights.PREVENTION_MANAGE, "Alleen wie de preventie van de gemeente regelt, "
                 "start een sessie met een code.")
    if not principal.municipality_code:
        raise Forbidden("Uw organisatie hoort bij geen gemeente; een trainingsronde hoort bij een gemeente.")
    errors: list[FieldError] = []
    clean = (title or "").strip()
    if len(clean) < 3:
        errors.append(FieldError("titel", "missing", "Geef een titel van minstens 3 tekens."))
    elif len(clean) > MAX_TITLE:
        errors.append(FieldError("titel", "string_too_long", f"Te lang: maximaal {MAX_TITLE} tekens."))
    if mode not in MODES:
        errors.append(FieldError("modus", "onbekend", "Kies oefenen of sessie."))
    chosen = list(dict.fromkeys(phenomena or []))
    for i, code in enumerate(phenomena or []):
        if code not in catalogue.phenomena:
            errors.append(FieldError(f"fenomenen[{i}]", "fenomeen_onbekend", f"Onbekend fenomeen '{code}'."))
    if size is None or not MIN_SIZE <= size <= MAX_SIZE:
        errors.append(FieldError("aantal", "buiten_bereik", f"Kies een aantal vragen van {MIN_SIZE} tot {MAX_SIZE}."))
    if beraad is not None and not (0 < len(beraad) <= 36):
        errors.append(FieldError("beraad", "ongeldig", "Ongeldige verwijzing naar een beraad."))
    if errors:
        raise ValidationFailed(errors)
    assert size is not None and mode is not None
    seed = seed if seed is not None else secrets.randbelow(2**31)
    questions = generate(catalogue, seed, size, chosen, case_facts(session, principal, catalogue))
    rnd = TrainingRound(municipality_code=principal.municipality_code, organisation_id=principal.organisation_id,
                        title=clean, mode=mode, join_code=_new_code(session) if mode == "sessie" else None,
                        seed=seed, phenomena=chosen, questions=questions, catalogue_version=catalogue.version,
                        beraad_id=beraad, current=0, showing_results=False, created_by_id=principal.user_id)
    session.add(rnd)
    session.flush()
    if mode == "oefenen":
        session.add(TrainingParticipant(round_id=rnd.id, user_id=principal.user_id,
                                        organisation_id=principal.organisation_id))
    logbook.record(session, principal, logbook.CREATE, object_type="trainingsronde", object_id=rnd.id,
                   purpose="trainingsronde starten", details={"modus": mode, "vragen": len(questions)})
    return rnd


def get_round(session: Session, principal: Principal, round_id: str) -> TrainingRound:
    _require(principal, rights.PREVENTION_TAKE_PART, "Uw rol mag niet oefenen met signaalherkenning.")
    rnd = session.scalars(select(TrainingRound).where(TrainingRound.id == round_id,
                                                      training_rounds_visible(principal))).first()
    if rnd is None:
        raise NotFound()
    return rnd


def join(session: Session, principal: Principal, code: str | None) -> TrainingRound:
    """Join a running session round with its code; joining twice is harmless."""
    _require(principal, rights.PREVENTION_TAKE_PART, "Uw rol mag niet meedoen aan een training.")
    clean = "".join((code or "").split()).upper()
    rnd = session.scalars(select(TrainingRound).where(
        TrainingRound.join_code == clean, TrainingRound.mode == "sessie", TrainingRound.closed_at.is_(None))
    ).first() if clean else None
    if rnd is None:
        raise ValidationFailed([FieldError("code", "onbekend",
                                           "Onbekende code, of de sessie is al afgelopen.")])
    if _participant(session, rnd.id, principal.user_id) is None:
        session.add(TrainingParticipant(round_id=rnd.id, user_id=principal.user_id,
                                        organisation_id=principal.organisation_id))
        session.flush()
        logbook.record(session, principal, logbook.CREATE, object_type="trainingsdeelname", object_id=rnd.id,
                       purpose="meedoen aan een trainingssessie")
    return rnd


def _participant(session: Session, round_id: str, user_id: str) -> TrainingParticipant | None:
    return session.scalars(select(TrainingParticipant).where(
        TrainingParticipant.round_id == round_id, TrainingParticipant.user_id == user_id)).first()


def facilitates(principal: Principal, rnd: TrainingRound) -> bool:
    """Whether the principal leads this session round (and so advances it and sees scores per person)."""
    return (rnd.mode == "sessie" and principal.can(rights.PREVENTION_MANAGE)
            and principal.municipality_code == rnd.municipality_code)


def answer(session: Session, principal: Principal, round_id: str, question: int | None,
           chosen: list[str] | None) -> TrainingAnswer:
    """Record one answer of a participant, once. In a session only the question on the screen can
    be answered, until its results are shown."""
    rnd = get_round(session, principal, round_id)
    participant = _participant(session, rnd.id, principal.user_id)
    if participant is None:
        raise Forbidden("Doe eerst mee met de code van de sessie; de leider van de sessie antwoordt niet.")
    errors: list[FieldError] = []
    q: dict[str, Any] | None = None
    if rnd.closed_at is not None:
        errors.append(FieldError("vraag", "afgelopen", "Deze ronde is afgelopen."))
    elif question is None or not 0 <= question < len(rnd.questions):
        errors.append(FieldError("vraag", "onbekend", f"Kies een vraag van 0 tot {len(rnd.questions) - 1}."))
    elif rnd.mode == "sessie" and (question != rnd.current or rnd.showing_results):
        errors.append(FieldError("vraag", "gesloten", "Deze vraag staat niet (meer) open; volg het scherm."))
    else:
        q = rnd.questions[question]
    picked = list(dict.fromkeys(chosen or []))
    if not picked:
        errors.append(FieldError("antwoord", "missing", "Kies een antwoord."))
    elif q is not None:
        codes = {o["code"] for o in q["opties"]}
        for i, c in enumerate(picked):
            if c not in codes:
                errors.append(FieldError(f"antwoord[{i}]", "onbekend", f"'{c}' is geen antwoord op deze vraag."))
        if not q["meerdere"] and len(picked) > 1:
            errors.append(FieldError("antwoord", "te_veel", "Bij deze vraag hoort één antwoord."))
    if errors:
        raise ValidationFailed(errors)
    assert q is not None and question is not None
    if session.scalars(select(TrainingAnswer.id).where(TrainingAnswer.participant_id == participant.id,
                                                       TrainingAnswer.question == question)).first():
        raise Conflict("U heeft deze vraag al beantwoord; een antwoord wordt niet gewijzigd.")
    row = TrainingAnswer(round_id=rnd.id, participant_id=participant.id, question=question,
                         municipality_code=rnd.municipality_code, phenomenon=q["fenomeen"], kind=q["soort"],
                         chosen=sorted(picked), correct=is_right(q, picked))
    session.add(row)
    session.flush()
    return row


STEPS = ("uitslag", "volgende", "afsluiten")


def advance(session: Session, principal: Principal, round_id: str, step: str | None) -> TrainingRound:
    """The facilitator moves the screen on: show the answers (`uitslag`), the next question
    (`volgende`; after the last the round closes) or close the round (`afsluiten`)."""
    rnd = get_round(session, principal, round_id)
    if not facilitates(principal, rnd):
        raise Forbidden("Alleen de leider van de sessie zet het scherm verder.")
    if step not in STEPS:
        raise ValidationFailed([FieldError("stap", "onbekend", "Kies uitslag, volgende of afsluiten.")])
    if rnd.closed_at is not None:
        raise Conflict("Deze ronde is al afgelopen.")
    if step == "uitslag":
        rnd.showing_results = True
    elif step == "volgende" and rnd.current + 1 < len(rnd.questions):
        rnd.current += 1
        rnd.showing_results = False
    else:
        rnd.showing_results = True
        rnd.closed_at = now()
    logbook.record(session, principal, logbook.UPDATE, object_type="trainingsronde", object_id=rnd.id,
                   purpose="trainingssessie leiden", details={"stap": step, "vraag": rnd.current})
    return rnd


# --------------------------------------------------------------------------------------------
# Views and scores
# --------------------------------------------------------------------------------------------


@dataclass
class Score:
    right: int = 0
    answered: int = 0
    total: int = 0

    @property
    def percentage(self) -> int | None:
        return round(100 * self.right / self.answered) if self.answered else None


@dataclass
class RoundView:
    round: TrainingRound
    participant: TrainingParticipant | None
    answers: dict[int, TrainingAnswer]  # the principal's own
    facilitator: bool
    participants: int
    score: Score = field(default_factory=Score)

    def revealed(self, index: int) -> bool:
        """Whether the right answer and explanation of a question may be shown: after one's own
        answer, or once the session screen showed the answers, or when the round is over."""
        r = self.round
        return (index in self.answers or r.closed_at is not None
                or (r.mode == "sessie" and (index < r.current or (index == r.current and r.showing_results))))

    def next_open(self) -> int | None:
        """The next question to answer: in practice the first unanswered, in a session the current one."""
        if self.round.closed_at is not None or self.participant is None:
            return None
        if self.round.mode == "sessie":
            return None if self.round.current in self.answers or self.round.showing_results else self.round.current
        return next((i for i in range(len(self.round.questions)) if i not in self.answers), None)


def round_view(session: Session, principal: Principal, round_id: str, *, log: bool = True) -> RoundView:
    rnd = get_round(session, principal, round_id)
    participant = _participant(session, rnd.id, principal.user_id)
    answers: dict[int, TrainingAnswer] = {}
    if participant is not None:
        answers = {a.question: a for a in session.scalars(
            select(TrainingAnswer).where(TrainingAnswer.participant_id == participant.id))}
    count = session.scalar(select(func.count()).select_from(TrainingParticipant)
                           .where(TrainingParticipant.round_id == rnd.id)) or 0
    score = Score(sum(a.correct for a in answers.values()), len(answers), len(rnd.questions))
    if log:
        logbook.record(session, principal, logbook.READ, object_type="trainingsronde", object_id=rnd.id,
                       purpose="training", details={"eigen_antwoorden": len(answers)})
    return RoundView(rnd, participant, answers, facilitates(principal, rnd), count, score)


def distribution(session: Session, rnd: TrainingRound, index: int) -> tuple[Counter[str], int]:
    """How often each option of one question was chosen, and by how many participants: no names."""
    counts: Counter[str] = Counter()
    rows = session.scalars(select(TrainingAnswer.chosen).where(TrainingAnswer.round_id == rnd.id,
                                                               TrainingAnswer.question == index)).all()
    for chosen in rows:
        counts.update(chosen)
    return counts, len(rows)


def screen(session: Session, principal: Principal, round_id: str) -> tuple[RoundView, Counter[str], int]:
    """The projector: the current question, and once shown its distribution of answers."""
    view = round_view(session, principal, round_id, log=False)
    if not view.facilitator:
        raise Forbidden("Alleen de leider van de sessie toont het scherm.")
    counts, answered = distribution(session, view.round, view.round.current)
    return view, counts, answered


@dataclass
class ParticipantScore:
    name: str
    organisation: str
    right: int
    answered: int


def participant_scores(session: Session, principal: Principal, rnd: TrainingRound) -> list[ParticipantScore]:
    """Per participant of a session round, for its facilitator only (logged: names with scores)."""
    if not facilitates(principal, rnd):
        raise Forbidden("Scores per deelnemer ziet alleen de leider van een sessie.")
    right = func.coalesce(func.sum(func.cast(TrainingAnswer.correct, Integer)), 0)
    rows = session.execute(
        select(User.name, Organisation.name, right, func.count(TrainingAnswer.id))
        .select_from(TrainingParticipant)
        .join(User, User.id == TrainingParticipant.user_id)
        .join(Organisation, Organisation.id == TrainingParticipant.organisation_id)
        .outerjoin(TrainingAnswer, TrainingAnswer.participant_id == TrainingParticipant.id)
        .where(TrainingParticipant.round_id == rnd.id)
        .group_by(TrainingParticipant.id, User.name, Organisation.name)
        .order_by(User.name)).all()
    logbook.record(session, principal, logbook.READ, object_type="trainingsscores", object_id=rnd.id,
                   purpose="trainingssessie leiden", details={"deelnemers": len(rows)})
    return [ParticipantScore(n, o, int(r), int(c)) for n, o, r, c in rows]


@dataclass
class MyRound:
    round: TrainingRound
    score: Score


def my_rounds(session: Session, principal: Principal, limit: int = 20) -> list[MyRound]:
    """The rounds the principal took part in, newest first, each with its own score."""
    _require(principal, rights.PREVENTION_TAKE_PART, "Uw rol mag niet oefenen met signaalherkenning.")
    rows = session.execute(
        select(TrainingRound, func.count(TrainingAnswer.id),
               func.coalesce(func.sum(func.cast(TrainingAnswer.correct, Integer)), 0))
        .join(TrainingParticipant, TrainingParticipant.round_id == TrainingRound.id)
        .outerjoin(TrainingAnswer, TrainingAnswer.participant_id == TrainingParticipant.id)
        .where(TrainingParticipant.user_id == principal.user_id)
        .group_by(TrainingRound.id).order_by(TrainingRound.created_at.desc()).limit(limit)).all()
    return [MyRound(r, Score(int(right), int(n), len(r.questions))) for r, n, right in rows]


def led_rounds(session: Session, principal: Principal, limit: int = 20) -> list[TrainingRound]:
    """Session rounds of the municipality, for its facilitators."""
    if not (principal.can(rights.PREVENTION_MANAGE) and principal.municipality_code):
        return []
    return list(session.scalars(select(TrainingRound).where(
        TrainingRound.mode == "sessie", TrainingRound.municipality_code == principal.municipality_code)
        .order_by(TrainingRound.created_at.desc()).limit(limit)))


@dataclass
class PhenomenonResult:
    code: str
    name: str
    answers: int
    right: int

    @property
    def enough(self) -> bool:
        return self.answers >= MIN_ANSWERS

    @property
    def share(self) -> float | None:
        """Share of right answers; None below MIN_ANSWERS ("te weinig")."""
        return self.right / self.answers if self.enough else None


def results(session: Session, principal: Principal, catalogue: Catalogue) -> list[PhenomenonResult]:
    """Per phenomenon, across every round of the municipality: answers and the share right, where
    awareness is weakest first; phenomena with fewer than 5 answers last, as "te weinig"."""
    _require(principal, rights.PREVENTION_TAKE_PART, "Uw rol mag de trainingsresultaten niet zien.")
    if not principal.municipality_code:
        return []
    rows = session.execute(
        select(TrainingAnswer.phenomenon, func.count(),
               func.coalesce(func.sum(func.cast(TrainingAnswer.correct, Integer)), 0))
        .where(TrainingAnswer.municipality_code == principal.municipality_code)
        .group_by(TrainingAnswer.phenomenon)).all()
    out = [PhenomenonResult(code, catalogue.phenomena[code].naam if code in catalogue.phenomena else code,
                            int(n), int(right)) for code, n, right in rows]
    logbook.record(session, principal, logbook.LIST, object_type="trainingsresultaten",
                   purpose="trainingsresultaten per fenomeen", details={"fenomenen": len(out)})
    return sorted(out, key=lambda r: (not r.enough, r.share if r.share is not None else 0.0, -r.answers, r.name))

"""Matching at intake: the persons, companies and address of a new signal against the
existing subjects, fast enough for the form.

Candidates come from an index lookup on blocking keys (`SubjectKey`, written by each
run); persons are then scored with the municipality's last trained model (the same
Splink model as the batch run, compiled once and cached), companies and addresses link
on their keys. A signal's links are rewritten whenever it is matched again.
"""

from __future__ import annotations

from dataclasses import dataclass
from threading import Lock
from typing import Any

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session

from weerbaar.intake.models import Signal, SignalParty
from weerbaar.resolve.mentions import mention_uid
from weerbaar.resolve.models import ADDRESS, COMPANY, PERSON, MatchModel, SignalSubject, Subject, SubjectKey
from weerbaar.resolve.realtime import RealtimeScorer, blocking_keys_many
from weerbaar.resolve.service import MATCH, NO_SYNC, iter_mentions, person_input, subject_keys

MAX_CANDIDATES = 25  # subjects scored per party; blocking keys are narrow, so this is generous
MAX_MENTIONS = 6  # mentions per candidate subject compared with the party

_scorers: dict[int, RealtimeScorer] = {}
_lock = Lock()


@dataclass(frozen=True)
class Match:
    subject_id: str
    probability: float
    explanation: dict[str, Any]


def _scorer(session: Session, municipality: str | None) -> RealtimeScorer | None:
    row = session.execute(
        select(MatchModel.id, MatchModel.model).where(MatchModel.kind == PERSON,
                                                      MatchModel.municipality_code == municipality)
        .order_by(MatchModel.trained_at.desc(), MatchModel.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    with _lock:
        if row.id not in _scorers:
            if len(_scorers) > 8:
                _scorers.clear()
            _scorers[row.id] = RealtimeScorer(row.model)
        return _scorers[row.id]


def _candidates(session: Session, kind: str, municipality: str | None, keys: list[str]) -> list[str]:
    if not keys:
        return []
    # Subjects sharing the most keys first: a birth date alone is shared by many.
    shared = func.count(SubjectKey.id)
    query = (
        select(SubjectKey.subject_id).join(Subject, Subject.id == SubjectKey.subject_id)
        .where(SubjectKey.key.in_([k[:200] for k in keys]), Subject.kind == kind,
               Subject.municipality_code == municipality, Subject.retired_at.is_(None))
        .group_by(SubjectKey.subject_id).order_by(shared.desc(), SubjectKey.subject_id).limit(MAX_CANDIDATES)
    )
    return list(session.scalars(query))


def _key_match(session: Session, kind: str, municipality: str | None, fields: dict[str, Any]) -> Match | None:
    keys = subject_keys(kind, fields)
    found = _candidates(session, kind, municipality, keys)
    if len(found) != 1:
        return None  # none, or ambiguous: a key shared by two subjects decides nothing
    return Match(found[0], 1.0, {"bron": "sleutel", "sleutels": [k.split(":", 1)[0] for k in keys]})


def match_person(
    session: Session, municipality: str | None, fields: dict[str, Any], keys: list[str] | None = None
) -> Match | None:
    """The best subject for a person named in a signal, if the model says it is a match.
    `keys` are the person's blocking keys when already computed (for all parties at once)."""
    record = person_input("signaal", "signalen", fields)
    if fields.get("bsn"):
        by_bsn = _candidates(session, PERSON, municipality, [f"bsn:{fields['bsn']}"])
        if len(by_bsn) == 1:
            return Match(by_bsn[0], 1.0, {"bron": "sleutel", "sleutels": ["bsn"]})
    subjects = _candidates(session, PERSON, municipality, keys if keys is not None else subject_keys(PERSON, fields))
    scorer = _scorer(session, municipality) if subjects else None
    if scorer is None:
        return None
    candidates: list[dict[str, Any]] = []
    owner: dict[str, str] = {}
    for subject_id in subjects:
        for n, (record_row, mention) in enumerate(iter_mentions(session, subject_id)):
            if n >= MAX_MENTIONS:
                break
            uid = mention_uid(record_row.id, mention.role)
            candidates.append(person_input(uid, record_row.source, mention.fields))
            owner[uid] = subject_id
    best: Match | None = None
    for pair in scorer.score(record, candidates):
        other = pair.uid_r if pair.uid_l == "signaal" else pair.uid_l
        if pair.probability >= MATCH and (best is None or pair.probability > best.probability):
            best = Match(owner[other], pair.probability,
                         {"bron": "model", "matchgewicht": round(pair.match_weight, 2), "bijdragen": pair.explanation})
    return best


def _party_fields(party: SignalParty) -> dict[str, Any]:
    return {
        "voornamen": party.given_names, "tussenvoegsel": party.surname_prefix, "geslachtsnaam": party.surname,
        "geboortedatum": party.birth_date.isoformat() if party.birth_date else None, "bsn": party.bsn,
    }


def link_signal(session: Session, signal: Signal) -> int:
    """(Re)link one signal to the subjects it is about; returns the number of links."""
    session.execute(delete(SignalSubject).where(SignalSubject.signal_id == signal.id), execution_options=NO_SYNC)
    municipality = signal.municipality_code
    links: list[tuple[int | None, Match]] = []
    if signal.address_id or (signal.postcode and signal.house_number is not None):
        found = _key_match(session, ADDRESS, municipality, {
            "adres_id": signal.address_id, "postcode": signal.postcode, "huisnummer": signal.house_number,
            "huisletter": signal.house_letter, "toevoeging": signal.addition,
        })
        if found:
            links.append((None, found))
    persons = [p for p in signal.parties if p.kind == "persoon" and (p.surname or p.bsn)]
    keys = blocking_keys_many([person_input(str(p.id), "", _party_fields(p)) for p in persons])
    for party in signal.parties:
        match: Match | None = None
        if party in persons:
            match = match_person(session, municipality, _party_fields(party), keys.get(str(party.id), []))
        elif party.kind == "bedrijf" and (party.kvk_number or party.company_name):
            match = _key_match(session, COMPANY, municipality,
                               {"kvk_nummer": party.kvk_number, "naam": party.company_name})
        if match:
            links.append((party.id, match))
    seen: set[tuple[int | None, str]] = set()
    for party_id, match in links:
        if (party_id, match.subject_id) in seen:
            continue
        seen.add((party_id, match.subject_id))
        session.add(SignalSubject(signal_id=signal.id, party_id=party_id, subject_id=match.subject_id,
                                  probability=match.probability, explanation=match.explanation))
    session.flush()
    return len(seen)


def relink_signals(session: Session, municipality: str) -> int:
    """After a run: every signal of the municipality matched against the new subjects."""
    total = 0
    signals = session.scalars(select(Signal).where(Signal.municipality_code == municipality).order_by(Signal.id))
    for signal in list(signals):
        total += link_signal(session, signal)
    return total


def link_unlinked(session: Session, municipality: str | None) -> int:
    """Signals registered since the last run (no links yet): matched at intake."""
    has_subjects = session.scalar(select(exists().where(Subject.municipality_code == municipality)))
    if not has_subjects:
        return 0
    unlinked = session.scalars(select(Signal).where(
        Signal.municipality_code == municipality,
        ~exists().where(SignalSubject.signal_id == Signal.id),
    ))
    return sum(link_signal(session, s) for s in list(unlinked))


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

from sqlalchemy import delete, exists, func, insert, select
from sqlalchemy.orm import Session, selectinload

from weerbaar.core.clock import now
from weerbaar.intake.models import Signal, SignalParty
from weerbaar.resolve.mentions import mention_uid
from weerbaar.resolve.models import ADDRESS, COMPANY, PERSON, MatchModel, SignalSubject, Subject, SubjectKey
from weerbaar.resolve.realtime import RealtimeScorer, blocking_keys_many
from weerbaar.resolve.service import MATCH, NO_SYNC, iter_mentions, person_input, subject_keys

MAX_CANDIDATES = 12  # subjects scored per party, those sharing most blocking keys first
MAX_MENTIONS = 6  # mentions per candidate subject compared with the party

_scorers: dict[int, RealtimeScorer] = {}
_lock = Lock()


@dataclass(frozen=True)
class Match:
    subject_id: str
    probability: float
    explanation: dict[str, Any]


def _scorer(session: Session, municipality: str | None) -> RealtimeScorer | None:
    """The scorer of the municipality's latest model, compiled once per process; the model
    itself (with its term frequencies, large at scale) is read only when not yet cached."""
    model_id = session.scalar(
        select(MatchModel.id).where(MatchModel.kind == PERSON, MatchModel.municipality_code == municipality)
        .order_by(MatchModel.trained_at.desc(), MatchModel.id.desc()).limit(1)
    )
    if model_id is None:
        return None
    with _lock:
        if model_id not in _scorers:
            if len(_scorers) > 8:
                _scorers.clear()
            _scorers[model_id] = RealtimeScorer(session.scalars(
                select(MatchModel.model).where(MatchModel.id == model_id)).one())
        return _scorers[model_id]


def _candidates(session: Session, kind: str, municipality: str | None, keys: list[str]) -> list[str]:
    """Subjects sharing blocking keys with a party, those sharing most keys first.

    Two steps on purpose: the key index drives (a birth date alone is shared by dozens of
    subjects, a name key by a handful), and only those few are then checked for kind and
    municipality. One joined query let SQLite start from the million subjects instead.
    (Subjects are matching candidates here, not data shown: visibility is applied where
    cards are read, through access.policy.)
    """
    if not keys:
        return []
    shared = func.count(SubjectKey.id)
    ranked = list(session.scalars(
        select(SubjectKey.subject_id).where(SubjectKey.key.in_([k[:200] for k in keys]))
        .group_by(SubjectKey.subject_id).order_by(shared.desc(), SubjectKey.subject_id).limit(MAX_CANDIDATES * 4)
    ))
    if not ranked:
        return []
    # Fetched by primary key and sorted out here: with `kind = ...` in the WHERE clause SQLite
    # prefers the kind index and walks a million subjects to find these few dozen.
    rows = session.execute(select(Subject.id, Subject.kind, Subject.municipality_code, Subject.retired_at)
                           .where(Subject.id.in_(ranked))).all()
    allowed = {r.id for r in rows if r.kind == kind and r.municipality_code == municipality and r.retired_at is None}
    return [subject_id for subject_id in ranked if subject_id in allowed][:MAX_CANDIDATES]


def _key_match(session: Session, kind: str, municipality: str | None, fields: dict[str, Any]) -> Match | None:
    keys = subject_keys(kind, fields)
    found = _candidates(session, kind, municipality, keys)
    if len(found) != 1:
        return None  # none, or ambiguous: a key shared by two subjects decides nothing
    return Match(found[0], 1.0, {"bron": "sleutel", "sleutels": [k.split(":", 1)[0] for k in keys]})


def _party_fields(party: SignalParty) -> dict[str, Any]:
    return {
        "voornamen": party.given_names, "tussenvoegsel": party.surname_prefix, "geslachtsnaam": party.surname,
        "geboortedatum": party.birth_date.isoformat() if party.birth_date else None, "bsn": party.bsn,
    }


def _match_persons(session: Session, municipality: str | None, parties: list[SignalParty]) -> dict[int, Match]:
    """The best subject for each person party, if the model says it is a match: blocking keys
    of all parties in one query, candidates by index lookup, all pairs scored in one query."""
    found: dict[int, Match] = {}
    rest: list[SignalParty] = []
    for party in parties:
        by_bsn = _candidates(session, PERSON, municipality, [f"bsn:{party.bsn}"]) if party.bsn else []
        if len(by_bsn) == 1:
            found[party.id] = Match(by_bsn[0], 1.0, {"bron": "sleutel", "sleutels": ["bsn"]})
        else:
            rest.append(party)
    if not rest:
        return found
    keys = blocking_keys_many([person_input(f"partij:{p.id}", "", _party_fields(p)) for p in rest])
    wanted = {p.id: _candidates(session, PERSON, municipality, keys.get(f"partij:{p.id}", [])) for p in rest}
    scorer = _scorer(session, municipality) if any(wanted.values()) else None
    if scorer is None:
        return found
    records: dict[str, dict[str, Any]] = {}
    owner: dict[str, str] = {}
    by_subject: dict[str, list[str]] = {}
    for subject_id, record_row, mention in iter_mentions(session, sorted({s for v in wanted.values() for s in v})):
        uids = by_subject.setdefault(subject_id, [])
        if len(uids) < MAX_MENTIONS:
            uid = mention_uid(record_row.id, mention.role)
            records[uid] = person_input(uid, record_row.source, mention.fields)
            owner[uid] = subject_id
            uids.append(uid)
    pairs: list[tuple[str, str]] = []
    for party in rest:
        party_uid = f"partij:{party.id}"
        records[party_uid] = person_input(party_uid, "signalen", _party_fields(party))
        pairs += [(party_uid, uid) for subject_id in wanted[party.id] for uid in by_subject.get(subject_id, [])]
    for pair in scorer.score_pairs(list(records.values()), pairs):
        party_id = int(pair.uid_l.split(":", 1)[1])
        best = found.get(party_id)
        if pair.probability >= MATCH and (best is None or pair.probability > best.probability):
            found[party_id] = Match(owner[pair.uid_r], pair.probability,
                                    {"bron": "model", "matchgewicht": round(pair.match_weight, 2),
                                     "bijdragen": pair.explanation})
    return found


def link_signals(session: Session, signals: list[Signal]) -> int:
    """(Re)link signals to the subjects they are about; returns the number of links."""
    if not signals:
        return 0
    ids = [s.id for s in signals]
    for i in range(0, len(ids), 1000):
        session.execute(delete(SignalSubject).where(SignalSubject.signal_id.in_(ids[i : i + 1000])),
                        execution_options=NO_SYNC)
    links: list[tuple[Signal, int | None, Match]] = []
    persons: dict[str | None, list[SignalParty]] = {}
    for signal in signals:
        municipality = signal.municipality_code
        if signal.address_id or (signal.postcode and signal.house_number is not None):
            found = _key_match(session, ADDRESS, municipality, {
                "adres_id": signal.address_id, "postcode": signal.postcode, "huisnummer": signal.house_number,
                "huisletter": signal.house_letter, "toevoeging": signal.addition,
            })
            if found:
                links.append((signal, None, found))
        for party in signal.parties:
            if party.kind == "persoon" and (party.surname or party.bsn):
                persons.setdefault(municipality, []).append(party)
            elif party.kind == "bedrijf" and (party.kvk_number or party.company_name):
                company = _key_match(session, COMPANY, municipality,
                                     {"kvk_nummer": party.kvk_number, "naam": party.company_name})
                if company:
                    links.append((signal, party.id, company))
    by_id = {s.id: s for s in signals}
    for municipality, parties in persons.items():
        for matched_id, match in _match_persons(session, municipality, parties).items():
            party = next(p for p in parties if p.id == matched_id)
            links.append((by_id[party.signal_id], matched_id, match))
    rows: dict[tuple[str, int | None, str], dict[str, Any]] = {}
    for signal, party_id, match in links:
        rows.setdefault((signal.id, party_id, match.subject_id), {
            "signal_id": signal.id, "party_id": party_id, "subject_id": match.subject_id,
            "probability": match.probability, "explanation": match.explanation, "linked_at": now()})
    for i in range(0, len(rows), 5000):
        session.execute(insert(SignalSubject), list(rows.values())[i : i + 5000])
    return len(rows)


def link_signal(session: Session, signal: Signal) -> int:
    """Match one new signal at intake (persons, company, address) against the subjects."""
    return link_signals(session, [signal])


def relink_signals(session: Session, municipality: str) -> int:
    """After a run: every signal of the municipality matched against the new subjects."""
    signals = list(session.scalars(select(Signal).where(Signal.municipality_code == municipality)
                                   .order_by(Signal.id).options(selectinload(Signal.parties))))
    return sum(link_signals(session, signals[i : i + 500]) for i in range(0, len(signals), 500))


def link_unlinked(session: Session, municipality: str | None) -> int:
    """Signals registered since the last run (no links yet), e.g. after a bulk import."""
    has_subjects = session.scalar(select(exists().where(Subject.municipality_code == municipality)))
    if not has_subjects:
        return 0
    unlinked = list(session.scalars(select(Signal).where(
        Signal.municipality_code == municipality,
        ~exists().where(SignalSubject.signal_id == Signal.id),
    ).options(selectinload(Signal.parties))))
    return sum(link_signals(session, unlinked[i : i + 500]) for i in range(0, len(unlinked), 500))

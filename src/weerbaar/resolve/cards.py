"""Subject cards: a person, company or address with every linked source record and its
provenance, the signals about it, and its relations — read through the permission layer.

What a principal may not see is not in the SQL result: subjects and source records are
filtered with `subjects_visible`/`source_records_visible`, signals with `signal_visible`.
A card costs a handful of queries whatever the number of records behind it, and every
card read is logged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Text, and_, cast, func, or_, select
from sqlalchemy.orm import Session, aliased

from weerbaar.access import logbook
from weerbaar.access.policy import (
    signal_visible,
    source_records_visible,
    subject_details_visible,
    subjects_visible,
)
from weerbaar.access.principal import Principal
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.clock import as_utc
from weerbaar.core.errors import NotFound
from weerbaar.core.models import Organisation
from weerbaar.core.names import name_matches, query_words, split_full_name, tokens
from weerbaar.core.pseudonyms import pseudonymise
from weerbaar.ingest.models import SourceRecord
from weerbaar.intake.models import Signal, SignalParty
from weerbaar.intake.queries import current_status
from weerbaar.resolve.ftm import ftm_relations
from weerbaar.resolve.mentions import KEY_REASONS, RELATIONS, RelationRule, mentions_of
from weerbaar.resolve.models import SignalSubject, Subject, SubjectLink

SUBJECT_ID = re.compile(r"^[PBA]-\d{6,9}$")
MAX_MERGE_HOPS = 20
FTM = "ftm"

# How a relation reads from its other end ("Havenstraat 1 heeft als bewoner Jan").
REVERSE_LABELS = {
    "bewoning": "heeft als ingeschrevene",
    "bestuur": "heeft als functionaris",
    "eigendom": "is gekocht door",
    "huur": "wordt gehuurd door",
    "vestiging": "is vestigingsadres van",
    "betaling": "ontving een betaling van",
}
FTM_LABELS = {
    "bewoning": "heeft als adres", "vestiging": "is gevestigd op", "betaling": "betaalde aan",
    "bestuur": "is functionaris van", "eigendom": "is eigenaar van",
}
FTM_REVERSE_LABELS = {**REVERSE_LABELS, "bewoning": "is het adres van"}
OUTGOING, INCOMING = "uitgaand", "inkomend"
SOURCE_OF_LINK = {"model", "sleutel", "oordeel"}

# What a reader without privacy check 1 is told instead of the details (the gate of
# `policy.subject_details_visible`).
GATE_EXPLANATION = (
    "Leg eerst privacytoets 1 vast voordat u de gegevens van dit subject inziet. U ziet nu alleen of het "
    "subject bekend is en in welke bronnen (hit/no-hit). Open een vooronderzoek over dit subject (of kies een "
    "bestaand vooronderzoek of een casus) en leg daar de grondslag, het doel, de noodzaak, de "
    "proportionaliteit en de subsidiariteit vast, met dit subject erbij. Daarna ziet uw organisatie de "
    "gegevens, bronregistraties en relaties."
)
GATE_HOW = {"vooronderzoekOpenen": "POST /api/v1/vooronderzoeken",
            "privacytoetsVastleggen": "POST /api/v1/vooronderzoeken/{id}/privacytoetsen"}


def valid_subject_id(raw: str) -> str:
    """Subject ids are P-/B-/A- plus digits; anything else cannot exist (404, not 422)."""
    value = raw.strip().upper()
    if not SUBJECT_ID.match(value):
        raise NotFound()
    return value


def visible_subject(session: Session, principal: Principal, subject_id: str) -> tuple[Subject, list[str]]:
    """The subject, following `merged_into` to where its mentions went; also the ids passed
    on the way. Unknown and not visible are the same NotFound: existence is not revealed."""
    current, passed = valid_subject_id(subject_id), list[str]()
    for _ in range(MAX_MERGE_HOPS):
        subject = session.scalar(select(Subject).where(Subject.id == current, subjects_visible(principal)))
        if subject is None:
            raise NotFound()
        if not subject.merged_into:
            return subject, passed
        passed.append(subject.id)
        current = subject.merged_into
    raise NotFound()


def mention_fields(record: SourceRecord, role: str) -> dict[str, Any]:
    """The standard fields of one mention of a record, without empty ones."""
    for mention in mentions_of(record.id, record.source, record.data or {}):
        if mention.role == role:
            return {k: v for k, v in mention.fields.items() if v not in (None, "")}
    return {}


def subject_ref(subject_id: str, kind: str, label: str | None) -> dict[str, Any]:
    return {"id": subject_id, "soort": kind, "naam": label,
            "_links": {"self": {"href": f"/api/v1/subjecten/{subject_id}"}}}


def details_open(session: Session, principal: Principal, subject_ids: Iterable[str]) -> set[str]:
    """Which of these subjects the principal's organisation has a privacy check 1 for (the gate
    of `policy.subject_details_visible`): one query, whatever the number."""
    wanted = sorted(set(subject_ids))
    if not wanted:
        return set()
    return set(session.scalars(select(Subject.id).where(Subject.id.in_(wanted), subject_details_visible(principal))))


def gated_refs(session: Session, principal: Principal, subject_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """References to visible subjects, the name only where a privacy check 1 opened the details
    (`gegevensZichtbaar`); without one a reference says no more than kind and id."""
    wanted = sorted(set(subject_ids))
    if not wanted:
        return {}
    rows = session.execute(select(Subject.id, Subject.kind, Subject.label)
                           .where(Subject.id.in_(wanted), subjects_visible(principal))).all()
    opened = details_open(session, principal, wanted)
    out = {}
    for sid, kind, label in rows:
        ref = subject_ref(sid, kind, label if sid in opened else None)
        ref["gegevensZichtbaar"] = sid in opened
        out[sid] = ref
    return out


def link_evidence(link: SubjectLink) -> dict[str, Any]:
    """How a mention came into the subject: probability, model/key/judgement, contributions."""
    explanation = link.explanation or {}
    source = explanation.get("bron")
    via = explanation.get("via") or {}
    out: dict[str, Any] = {
        "kans": round(link.probability, 4) if link.probability is not None else None,
        "bron": source if source in SOURCE_OF_LINK else None,
        "uitleg": explanation_lines(explanation),
    }
    via_record = via.get("bronregistratie", via.get("record"))
    if via_record is not None:
        out["via"] = {"bronregistratie": via_record, "rol": via.get("rol")}
    return out


def explanation_lines(explanation: dict[str, Any]) -> list[dict[str, Any]]:
    """The contributions of an explanation as {vergelijking, niveau, gewicht, tekst}, with a
    readable Dutch sentence: "achternaam: gelijk (+5,1)"."""
    out = []
    parts = explanation.get("bijdragen") or []
    if not parts and explanation.get("sleutel") in KEY_REASONS:
        key = explanation["sleutel"]
        parts = [{"vergelijking": key, "niveau": KEY_REASONS[key], "gewicht": None}]
    for part in parts:
        if not isinstance(part, dict):
            continue
        name = part.get("vergelijking") or part.get("kenmerk") or part.get("veld") or "?"
        level = part.get("niveau") or part.get("uitkomst") or part.get("label") or ""
        weight = part.get("gewicht", part.get("bijdrage"))
        text = f"{name}: {level}" if level else str(name)
        if isinstance(weight, int | float):
            text += f" ({weight:+.1f})".replace(".", ",")
        out.append({"vergelijking": name, "niveau": level, "gewicht": weight, "tekst": text})
    return out


def record_provenance(record: SourceRecord, organisation: str) -> dict[str, Any]:
    return {
        "id": record.id,
        "bron": record.source,
        "sleutel": record.record_key,
        "versie": record.version,
        "actueel": record.superseded_at is None,
        "organisatie": organisation,
        "bestand": record.file_name,
        "regel": record.line,
        "peildatum": record.extract_date.isoformat() if record.extract_date else None,
    }


# --- the card ------------------------------------------------------------------------------


def subject_card(
    session: Session, principal: Principal, catalogue: Catalogue, subject_id: str, purpose: str | None = None
) -> dict[str, Any]:
    """The card of a subject, as the API returns it (Dutch camelCase), logged as a read."""
    subject, passed = visible_subject(session, principal, subject_id)
    if subject.id not in details_open(session, principal, [subject.id]):
        return _knownness_card(session, principal, catalogue, subject, passed, purpose)
    rows = _linked_records(session, principal, subject.id)
    records = [
        {**record_provenance(record, org), "rol": link.role, "gegevens": mention_fields(record, link.role),
         "koppeling": link_evidence(link)}
        for link, record, org in rows
    ]
    card: dict[str, Any] = {
        "id": subject.id,
        "soort": subject.kind,
        "naam": subject.label,
        "gegevensZichtbaar": True,
        "samengevoegdIn": None,
        "kenmerken": characteristics(r["gegevens"] for r in records),
        "bronregistraties": records,
        "relaties": relations_of(session, principal, subject.id, [(link, record) for link, record, _ in rows]),
        "signalen": signals_about(session, principal, catalogue, subject.id),
        "_links": {"self": {"href": f"/api/v1/subjecten/{subject.id}"}},
    }
    _merge_notice(card, subject, passed)
    logbook.record(
        session, principal, logbook.READ, object_type="subject", object_id=subject.id,
        purpose=purpose or "subjectkaart", details={"gevraagd": passed[0]} if passed else None,
    )
    return card


def _merge_notice(card: dict[str, Any], subject: Subject, passed: list[str]) -> None:
    if passed:
        card["samengevoegdIn"] = subject.id
        card["gevraagdId"] = passed[0]
        card["melding"] = (f"Subject {passed[0]} is samengevoegd in {subject.id}; "
                           f"u ziet de kaart van {subject.id}.")


def _knownness_card(
    session: Session, principal: Principal, catalogue: Catalogue, subject: Subject, passed: list[str],
    purpose: str | None,
) -> dict[str, Any]:
    """The card behind the gate: only whether the subject is known, and in whose extracts and
    which sources (counts), and how many signals the reader may read name it. No name, no
    identifier, no record contents, no relations."""
    counts = session.execute(
        select(Organisation.id, Organisation.name, SourceRecord.source, func.count())
        .select_from(SubjectLink)
        .join(SourceRecord, SourceRecord.id == SubjectLink.record_id)
        .join(Organisation, Organisation.id == SourceRecord.organisation_id)
        .where(SubjectLink.subject_id == subject.id, source_records_visible(principal),
               SourceRecord.superseded_at.is_(None))
        .group_by(Organisation.id, Organisation.name, SourceRecord.source)
        .order_by(Organisation.name, SourceRecord.source)
    ).all()
    signals = session.scalar(
        select(func.count(func.distinct(Signal.id))).join(SignalSubject, SignalSubject.signal_id == Signal.id)
        .where(SignalSubject.subject_id == subject.id, signal_visible(principal, catalogue))) or 0
    card: dict[str, Any] = {
        "id": subject.id,
        "soort": subject.kind,
        "naam": None,
        "gegevensZichtbaar": False,
        "bekend": bool(counts) or bool(signals),
        "bekendBij": [{"organisatie": {"id": org_id, "naam": org}, "bron": source, "aantal": n}
                      for org_id, org, source, n in counts],
        "aantalSignalen": signals,
        "privacytoets": {"vereist": True, "uitleg": GATE_EXPLANATION, "hoe": GATE_HOW},
        "samengevoegdIn": None,
        "_links": {"self": {"href": f"/api/v1/subjecten/{subject.id}"}},
    }
    _merge_notice(card, subject, passed)
    details: dict[str, Any] = {"alleenBekendheid": True}
    if passed:
        details["gevraagd"] = passed[0]
    logbook.record(session, principal, logbook.READ, object_type="subject", object_id=subject.id,
                   purpose=purpose or "subjectkaart", details=details)
    return card


def _linked_records(
    session: Session, principal: Principal, subject_id: str
) -> list[tuple[SubjectLink, SourceRecord, str]]:
    query = (
        select(SubjectLink, SourceRecord, Organisation.name)
        .join(SourceRecord, SourceRecord.id == SubjectLink.record_id)
        .join(Organisation, Organisation.id == SourceRecord.organisation_id)
        .where(SubjectLink.subject_id == subject_id, source_records_visible(principal))
        .order_by(SourceRecord.source, SourceRecord.extract_date.desc(), SourceRecord.id, SubjectLink.role)
    )
    return [(link, record, org) for link, record, org in session.execute(query).all()]


CHARACTERISTICS = ("voornamen", "tussenvoegsel", "geslachtsnaam", "geboortedatum", "bsn", "naam", "kvk_nummer",
                   "adres_id", "postcode", "huisnummer", "huisletter", "toevoeging", "adres_tekst")


def characteristics(fields: Iterable[dict[str, Any]]) -> dict[str, list[Any]]:
    """Every distinct value the sources give per field, most frequent first: where sources
    disagree (a typo, a swapped birth date) the card shows both."""
    counts: dict[str, dict[Any, int]] = {}
    for f in fields:
        for key in CHARACTERISTICS:
            value = f.get(key)
            if value not in (None, ""):
                counts.setdefault(key, {})
                counts[key][value] = counts[key].get(value, 0) + 1
    camel = {"kvk_nummer": "kvkNummer", "adres_id": "adresId", "adres_tekst": "adresTekst"}
    return {camel.get(k, k): sorted(v, key=lambda x: (-v[x], str(x))) for k, v in counts.items()}


# --- relations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Other:
    id: str
    kind: str
    label: str


def _rule_for(source: str, own_role: str, other_role: str) -> tuple[RelationRule, str] | None:
    for rule in RELATIONS:
        if rule.source != source:
            continue
        if (rule.from_role, rule.to_role) == (own_role, other_role):
            return rule, OUTGOING
        if (rule.from_role, rule.to_role) == (other_role, own_role):
            return rule, INCOMING
    return None


def _date_value(data: dict[str, Any], field: str | None) -> str | None:
    if not field:
        return None
    value = data.get(field)
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if value not in (None, "") else None


def relations_of(
    session: Session, principal: Principal, subject_id: str, own: list[tuple[SubjectLink, SourceRecord]]
) -> list[dict[str, Any]]:
    """Dated relations: two mentions of one record (RELATIONS), plus edges between FtM
    entities. One query for the record relations, two more if the subject has FtM records."""
    own_ftm = {subject_id: [record for link, record in own if record.source == FTM]}
    return relations_of_many(session, principal, [subject_id], own_ftm)[subject_id]


def relations_of_many(
    session: Session, principal: Principal, subject_ids: Iterable[str],
    own_ftm: dict[str, list[SourceRecord]] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """`relations_of` for a set of subjects at once (the network reads one BFS level this way):
    one query for the record relations of all of them, one for their FtM records (unless given),
    two more if any has FtM records. Subject id -> its relations, sorted as on the card."""
    wanted = sorted(set(subject_ids))
    out: dict[str, list[dict[str, Any]]] = {sid: [] for sid in wanted}
    if not wanted:
        return out
    mine, theirs = aliased(SubjectLink), aliased(SubjectLink)
    rows = session.execute(
        select(mine.subject_id, mine.role, theirs.role, SourceRecord, Subject.id, Subject.kind, Subject.label)
        .select_from(mine)
        .join(SourceRecord, SourceRecord.id == mine.record_id)
        .join(theirs, and_(theirs.record_id == mine.record_id, theirs.role != mine.role))
        .join(Subject, Subject.id == theirs.subject_id)
        .where(mine.subject_id.in_(wanted), source_records_visible(principal), subjects_visible(principal))
    ).all()
    for own_id, own_role, other_role, record, other_id, other_kind, other_label in rows:
        found = _rule_for(record.source, own_role, other_role)
        if found is None:
            continue
        rule, direction = found
        data: dict[str, Any] = record.data or {}
        relation: dict[str, Any] = {
            "type": rule.type,
            "omschrijving": rule.label if direction == OUTGOING else REVERSE_LABELS[rule.type],
            "richting": direction,
            "subject": subject_ref(other_id, other_kind, other_label),
            "van": _date_value(data, rule.start),
            "tot": _date_value(data, rule.end),
            "bron": record.source,
            "sleutel": record.record_key,
            "bronregistratie": record.id,
        }
        if rule.detail and data.get(rule.detail):
            relation["functie"] = data[rule.detail]
        out[own_id].append(relation)
    if own_ftm is None:
        own_ftm = {}
        for sid, record in session.execute(
            select(SubjectLink.subject_id, SourceRecord).join(SourceRecord, SourceRecord.id == SubjectLink.record_id)
            .where(SubjectLink.subject_id.in_(wanted), SourceRecord.source == FTM, source_records_visible(principal))
        ).all():
            own_ftm.setdefault(sid, []).append(record)
    for sid, relation in _ftm_relations(session, principal, own_ftm):
        out[sid].append(relation)
    for relations in out.values():
        relations.sort(key=lambda r: (r["type"], r["van"] or "", r["subject"]["id"]))
    return out


def _like_literal(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _ftm_relations(
    session: Session, principal: Principal, own: dict[str, list[SourceRecord]]
) -> list[tuple[str, dict[str, Any]]]:
    """Edges between FtM entities (payments, addressEntity, ...) that touch these subjects'
    FtM records, as (subject id, relation). Candidate records are found by their JSON text
    naming one of our entity ids (FtM references are ids), then parsed; the far ends are
    resolved in one query."""
    ours = {r.record_key: sid for sid, records in own.items() for r in records}
    if not ours:
        return []
    mentions = or_(*(cast(SourceRecord.data, Text).like(f'%"{_like_literal(key)}"%', escape="\\")
                     for key in sorted(ours)))
    candidates = session.scalars(
        select(SourceRecord).where(SourceRecord.source == FTM, SourceRecord.superseded_at.is_(None),
                                   source_records_visible(principal), mentions)
    ).all()
    entities = {r.record_key: r for r in [*(r for records in own.values() for r in records), *candidates]}
    edges = [e for e in ftm_relations(r.data or {} for r in entities.values()) if e.from_id in ours or e.to_id in ours]
    far = {e.to_id for e in edges if e.from_id in ours} | {e.from_id for e in edges if e.to_id in ours}
    others = _ftm_subjects(session, principal, far)
    out = []
    for edge in edges:
        ends = []
        if edge.from_id in ours:
            ends.append((ours[edge.from_id], OUTGOING, edge.to_id))
        if edge.to_id in ours and (edge.from_id not in ours or ours[edge.to_id] != ours[edge.from_id]):
            ends.append((ours[edge.to_id], INCOMING, edge.from_id))
        for sid, direction, far_id in ends:
            other = others.get(far_id)
            if other is None:
                continue
            source = entities.get(edge.entity_id)
            relation: dict[str, Any] = {
                "type": edge.type,
                "omschrijving": FTM_LABELS[edge.type] if direction == OUTGOING else FTM_REVERSE_LABELS[edge.type],
                "richting": direction,
                "subject": subject_ref(other.id, other.kind, other.label),
                "van": edge.start, "tot": edge.end, "bron": FTM, "sleutel": edge.entity_id,
                "bronregistratie": source.id if source is not None else None,
            }
            if edge.type == "bestuur" and edge.detail:
                relation["functie"] = edge.detail
            if edge.amount_eur:
                relation["bedragEur"] = edge.amount_eur
            out.append((sid, relation))
    return out


def _ftm_subjects(session: Session, principal: Principal, entity_ids: set[str]) -> dict[str, _Other]:
    """FtM entity id -> the visible subject its record is linked to."""
    if not entity_ids:
        return {}
    rows = session.execute(
        select(SourceRecord.record_key, Subject.id, Subject.kind, Subject.label)
        .join(SubjectLink, SubjectLink.record_id == SourceRecord.id)
        .join(Subject, Subject.id == SubjectLink.subject_id)
        .where(SourceRecord.source == FTM, SourceRecord.superseded_at.is_(None),
               SourceRecord.record_key.in_(sorted(entity_ids)), source_records_visible(principal),
               subjects_visible(principal))
    ).all()
    return {key: _Other(sid, kind, label) for key, sid, kind, label in rows}


# --- signals -------------------------------------------------------------------------------


def signals_about(
    session: Session, principal: Principal, catalogue: Catalogue, subject_id: str
) -> list[dict[str, Any]]:
    """Signals linked to the subject that the principal may read — and only those."""
    rows = session.execute(
        select(Signal, current_status(), SignalSubject.probability, SignalParty.kind, SignalParty.role)
        .join(SignalSubject, SignalSubject.signal_id == Signal.id)
        .outerjoin(SignalParty, SignalParty.id == SignalSubject.party_id)
        .where(SignalSubject.subject_id == subject_id, signal_visible(principal, catalogue))
        .order_by(Signal.observed_on.desc(), Signal.registered_at.desc(), Signal.id)
    ).all()
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for signal, status, probability, party_kind, party_role in rows:
        if signal.id in seen:  # named twice in one signal (as party and as its address)
            continue
        seen.add(signal.id)
        phenomenon = catalogue.phenomena.get(signal.phenomenon or "")
        text = signal.description
        out.append({
            "id": signal.id,
            "fenomeen": signal.phenomenon,
            "fenomeenNaam": phenomenon.naam if phenomenon else None,
            "waargenomenOp": signal.observed_on.isoformat(),
            "geregistreerdOp": as_utc(signal.registered_at).isoformat(),
            "status": status,
            "organisatie": {"id": signal.organisation.id, "naam": signal.organisation.name},
            "omschrijving": text if len(text) <= 280 else text[:277] + "…",
            "betrokkenheid": (party_role or party_kind or "betrokkene") if party_kind else "locatie",
            "kans": round(probability, 4) if probability is not None else None,
            "_links": {"self": {"href": f"/api/v1/signalen/{signal.id}"}},
        })
    return out


# --- search --------------------------------------------------------------------------------


@dataclass
class SubjectQuery:
    """Search criteria (personal data: only ever in a request body). All given must hold."""

    soort: str | None = None
    naam: str | None = None
    geboortedatum: date | None = None
    kvk_nummer: str | None = None
    postcode: str | None = None
    huisnummer: int | None = None

    def is_empty(self) -> bool:
        return not any((self.naam, self.geboortedatum, self.kvk_nummer, self.postcode))

    def as_log(self) -> dict[str, Any]:
        """What was searched for, with personal data pseudonymised (never a name in the log)."""
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            if value in (None, ""):
                continue
            plain = key in ("soort", "huisnummer", "kvk_nummer")
            out[key] = str(value) if plain else f"hash:{pseudonymise(str(value))}"
        return out


MAX_CANDIDATES = 2000
_VOWELS = re.compile(r"[aeiouy]")
_LABEL_SUFFIX = re.compile(r"\s*\((?:KvK )?[^()]*\)\s*$")


def _label_pattern(word: str) -> str:
    """A LIKE pattern for a folded query word in a label that may carry accents: vowels
    become `_` (one character), so "muller" finds "Müller"; the exact check follows in Python."""
    return f"%{_VOWELS.sub('_', _like_literal(word))}%"


def _with_record(*conditions: Any) -> Any:
    """Subjects with a linked source record meeting the conditions (an IN-subquery that starts
    from the records, filtered per municipality by the caller's visibility clause)."""
    return Subject.id.in_(
        select(SubjectLink.subject_id).join(SourceRecord, SourceRecord.id == SubjectLink.record_id).where(*conditions)
    )


def _search_clauses(principal: Principal, q: SubjectQuery) -> list[Any]:
    visible = source_records_visible(principal)
    clauses: list[Any] = [subjects_visible(principal), Subject.merged_into.is_(None), Subject.retired_at.is_(None)]
    if q.soort:
        clauses.append(Subject.kind == q.soort)
    if q.naam:
        clauses += [func.lower(Subject.label).like(_label_pattern(w), escape="\\") for w in query_words(q.naam)
                    if len(w) > 1]
    if q.geboortedatum:
        d = q.geboortedatum
        options = {d.isoformat()}
        if d.day <= 12 and d.day != d.month:  # day and month swapped in a source
            options.add(date(d.year, d.day, d.month).isoformat())
        clauses.append(_with_record(visible, SubjectLink.role.in_(PERSON_ROLES), or_(
            SourceRecord.data["geboortedatum"].as_string().in_(sorted(options)),
            SourceRecord.data["koper_geboortedatum"].as_string().in_(sorted(options)))))
    if q.kvk_nummer:
        clauses.append(_with_record(visible, SubjectLink.role.in_(COMPANY_ROLES), or_(
            SourceRecord.data["kvk_nummer"].as_string() == q.kvk_nummer,
            SourceRecord.data["koper_kvk_nummer"].as_string() == q.kvk_nummer)))
    if q.postcode:
        address = [visible, SubjectLink.role == "adres", SourceRecord.data["postcode"].as_string() == q.postcode]
        if q.huisnummer is not None:
            address.append(SourceRecord.data["huisnummer"].as_integer() == q.huisnummer)
        clauses.append(_with_record(*address))
    return clauses


PERSON_ROLES = ("persoon", "functionaris", "koper", "huurder")
COMPANY_ROLES = ("bedrijf", "onderneming", "koper")


def _name_fits(q: SubjectQuery, kind: str, label: str) -> bool:
    """The exact name rule (core.names) on the label: particles, initials, accents."""
    if not q.naam:
        return True
    bare = _LABEL_SUFFIX.sub("", label)
    if kind == "persoon":
        return name_matches(q.naam, *split_full_name(bare))
    words = set(tokens(bare))
    return all(w in words for w in query_words(q.naam))


def search_subjects(
    session: Session, principal: Principal, q: SubjectQuery, page: int = 1, size: int = 20,
    purpose: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Visible, current subjects matching every criterion; logged as a search."""
    rows = session.execute(
        select(Subject.id, Subject.kind, Subject.label).where(*_search_clauses(principal, q))
        .order_by(Subject.id).limit(MAX_CANDIDATES)
    ).all()
    hits = [subject_ref(sid, kind, label) for sid, kind, label in rows if _name_fits(q, kind, label)]
    shown = hits[(page - 1) * size: page * size]
    opened = details_open(session, principal, [h["id"] for h in shown])
    for hit in shown:  # the name (with its birth date) only behind privacy check 1
        hit["gegevensZichtbaar"] = hit["id"] in opened
        if not hit["gegevensZichtbaar"]:
            hit["naam"] = None
    logbook.record(
        session, principal, logbook.SEARCH, object_type="subject", purpose=purpose or "subjectkaart",
        details={"criteria": q.as_log(), "pagina": page, "treffers": len(hits), "ids": [h["id"] for h in shown]},
    )
    return shown, len(hits)

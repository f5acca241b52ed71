"""The linking run of `weerbaar analyseer`: source records -> mentions -> subjects.

One run, one transaction, for one municipality:

1. gather the mentions of every current source record (resolve.mentions);
2. addresses and companies link on keys (adres_id or postcode + huisnummer + toevoeging;
   KvK number, else the normalised trade name); persons through the Splink model
   (resolve.engine), plus equal BSNs;
3. human judgements override the model: the latest verdict per pair counts, "zelfde" is
   transitive, "verschillend" blocks (resolve.cluster);
4. clusters keep the subject ids they had (resolve.cluster.assign_ids), so a re-run or
   new data never renumbers a subject;
5. links are written with their explanation, uncertain pairs go to the review queue,
   blocking keys and the trained model are kept for matching at intake, and the signals
   are linked to the subjects they are about (resolve.incremental).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any, TypeVar

from sqlalchemy import String, Text, cast, delete, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from weerbaar.access import logbook, rights
from weerbaar.access.principal import Principal
from weerbaar.core.clock import now
from weerbaar.core.db import stream_rows
from weerbaar.core.errors import Forbidden
from weerbaar.core.models import Address, new_id
from weerbaar.core.names import display_name, fold
from weerbaar.ingest.models import SourceRecord
from weerbaar.ingest.records import BulkInsert
from weerbaar.resolve import cluster as clustering
from weerbaar.resolve.engine import ScoredPair, make_resolver
from weerbaar.resolve.mentions import Mention, mention_uid, mentions_of, parse_uid
from weerbaar.resolve.models import (
    ADDRESS,
    COMPANY,
    ID_PREFIX,
    KINDS,
    PERSON,
    MatchJudgement,
    MatchModel,
    MatchRun,
    ReviewPair,
    Subject,
    SubjectKey,
    SubjectLink,
)
from weerbaar.resolve.normalise import company_name_key
from weerbaar.resolve.realtime import subject_blocking_keys

# A pair at or above MATCH links; pairs between DOUBT and SURE that the model scored go to
# the review queue (the band where Splink's probability is neither here nor there).
MATCH = 0.5
DOUBT = 0.2
SURE = 0.9
KEY_LENGTH = 200  # SubjectKey.key
REVIEW_LIMIT = 2000  # per kind and run: a queue nobody can finish helps nobody

ProgressFn = Callable[[str, int, int], None]
K = TypeVar("K")

# Bulk statements on derived tables: the session holds no objects of them worth syncing,
# and evaluating the criteria against the identity map costs seconds on large runs.
NO_SYNC = {"synchronize_session": False}

SAME, DIFFERENT = "zelfde", "verschillend"

# Sources whose records mention one address and nothing else (monthly meter readings). Their
# records are linked as groups with the same address fields: one mention per group, which
# stands for all its records, so a year of readings costs the linking one mention, not twelve.
# A record named in a judgement is never grouped: it keeps its own mention.
GROUPED_SOURCES = ("energie",)

@dataclass
class Edge:
    a: str
    b: str
    probability: float
    explanation: dict[str, Any]


@dataclass
class KindResult:
    mentions: dict[str, Mention] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    doubtful: list[Edge] = field(default_factory=list)
    model: dict | None = None
    figures: dict[str, Any] = field(default_factory=dict)
    # The (kind, value) keys of a mention, memoised: linking computes them, writing reuses them.
    keys_of: Callable[[Mention], list[tuple[str, str]]] | None = None


@dataclass
class RunFigures:
    run_id: str
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"aantallen": self.counts, "seconden": {k: round(v, 3) for k, v in self.seconds.items()}}


def check_may_run(principal: Principal) -> None:
    if not principal.can(rights.ANALYSIS_RUN) or not principal.municipality_code:
        raise Forbidden("Uw rol mag de analyse niet draaien; dat mag de coördinator of analist van de gemeente.")


def run_resolution(
    session: Session, principal: Principal, *, backend: str = "duckdb", progress: ProgressFn | None = None
) -> RunFigures:
    """Link the municipality's current source records into subjects (one transaction: the caller's)."""
    check_may_run(principal)
    municipality = principal.municipality_code
    assert municipality is not None
    run = MatchRun(municipality_code=municipality, by_user_id=principal.user_id)
    session.add(run)
    session.flush()
    figures = RunFigures(run.id)

    def step(name: str, done: int, total: int) -> None:
        if progress is not None:
            progress(name, done, total)

    started = perf_counter()
    step("Bronregistraties lezen", 0, 1)
    renamed = _renamed_records(session, municipality)
    judgements = _judgements(session, renamed)
    keep = {parse_uid(uid)[0] for same, different in judgements.values() for pairs in (same, different)
            for pair in pairs for uid in pair}
    mentions, sources = _gather_mentions(session, _current_records(session, municipality, keep))
    groups = _address_groups(session, municipality, keep)
    for group in groups:
        mentions.append(group.mention)
        sources[group.mention.record_id] = group.source
    weights = {g.mention.uid: 1 + len(g.members) for g in groups}
    step("Bronregistraties lezen", 1, 1)
    figures.seconds["lezen"] = perf_counter() - started

    previous = _previous_links(session, municipality, renamed, [g.mention.record_id for g in groups])
    results: dict[str, KindResult] = {}
    for kind in KINDS:
        t0 = perf_counter()
        step(f"Koppelen: {kind}", 0, 1)
        kind_mentions = {m.uid: m for m in mentions if m.kind == kind}
        if kind == PERSON:
            result = _link_persons(kind_mentions, sources, backend)
        elif kind == COMPANY:
            result = _link_companies(kind_mentions)
        else:
            result = _link_addresses(kind_mentions)
        results[kind] = result
        same, different = judgements.get(kind, ({}, {}))
        # Two different BSNs are two people, however alike the rest (a father and son "Jan de Vries").
        exclusive = {uid: str(m.fields["bsn"]) for uid, m in kind_mentions.items()
                     if kind == PERSON and m.fields.get("bsn")}
        # Nor are two people born on different days, whoever without a birth date sits between them.
        born = {uid: str(m.fields["geboortedatum"]) for uid, m in kind_mentions.items()
                if kind == PERSON and m.fields.get("geboortedatum")}
        clusters = clustering.cluster(
            kind_mentions.keys(), ((e.a, e.b, e.probability) for e in result.edges),
            same.keys(), different.keys(), threshold=MATCH, exclusive=exclusive, birth_dates=born,
        )
        # A mention the model put close to two people born on different days joined neither:
        # its pairs go to the review queue, however sure the model was of each.
        ambiguous = set(clustering.ambiguous_edges(
            ((e.a, e.b, e.probability) for e in result.edges if e.probability >= MATCH), born))
        queued = {(e.a, e.b) for e in result.doubtful}
        result.doubtful += [e for e in result.edges
                            if (e.a, e.b, e.probability) in ambiguous and (e.a, e.b) not in queued]
        counter = _IdCounter(session, kind)
        assignment, merged = clustering.assign_ids(
            clusters, {u: s for u, s in previous.items() if u in kind_mentions}, counter.next, weights
        )
        _write_subjects(session, run.id, municipality, kind, result, clusters, assignment, merged, same, sources)
        if kind == ADDRESS:
            _write_group_links(session, run.id, groups, assignment)
        _write_review_queue(session, run.id, municipality, kind, result, assignment, same, different)
        _write_keys(session, kind, result, assignment)
        if result.model is not None:
            session.add(MatchModel(kind=kind, municipality_code=municipality, run_id=run.id, model=result.model))
        figures.counts[kind] = {
            "vermeldingen": sum(weights.get(uid, 1) for uid in kind_mentions),
            "subjecten": len(clusters),
            "nieuw": counter.issued,
            "samengevoegd": len(merged),
            "twijfelgevallen": min(len(result.doubtful), REVIEW_LIMIT),
        }
        figures.seconds[kind] = perf_counter() - t0
        step(f"Koppelen: {kind}", 1, 1)

    t0 = perf_counter()
    from weerbaar.resolve.incremental import relink_signals  # incremental builds on this module

    step("Signalen koppelen", 0, 1)
    figures.counts["signalen"] = {"koppelingen": relink_signals(session, municipality)}
    figures.seconds["signalen"] = perf_counter() - t0
    step("Signalen koppelen", 1, 1)
    figures.seconds["totaal"] = perf_counter() - started
    run.finished_at = now()
    run.figures = figures.as_dict()
    logbook.record(
        session, principal, logbook.ANALYSE,
        object_type="analyse", object_id=run.id, purpose="koppelen van bronnen tot subjecten",
        details={"gemeente": municipality, **{k: v["subjecten"] for k, v in figures.counts.items() if k in KINDS}},
    )
    return figures


# --- reading ---------------------------------------------------------------------------


def _current_records(
    session: Session, municipality: str, keep: set[int]
) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """(id, source, data) of the current versions, streamed: no ORM objects, nothing held.
    Records of the grouped sources only when `keep` names them (see `_address_groups`)."""
    wanted: ColumnElement[bool] = SourceRecord.source.not_in(GROUPED_SOURCES)
    if keep:
        wanted = or_(wanted, SourceRecord.id.in_(sorted(keep)))
    query = (
        select(SourceRecord.id, SourceRecord.source, cast(SourceRecord.data, Text))
        .where(SourceRecord.municipality_code == municipality, SourceRecord.superseded_at.is_(None), wanted)
        .order_by(SourceRecord.id)
    )
    for part in stream_rows(session, query, 5000):
        for record_id, source, data in part:
            yield record_id, source, (json.loads(data) if data else None) or {}


ADDRESS_FIELDS = ("adres_id", "postcode", "huisnummer", "huisletter", "toevoeging")


@dataclass
class AddressGroup:
    """Current records of a grouped source with the same address fields: the mention of the
    first stands for all; `members` are the others."""

    source: str
    mention: Mention
    members: list[int]


def _address_groups(session: Session, municipality: str, keep: set[int]) -> list[AddressGroup]:
    """The records of `GROUPED_SOURCES` grouped by their address fields in the database (the
    JSON is read there, not decoded per record here), except the records in `keep`."""
    fields = [SourceRecord.data[name].as_string() for name in ADDRESS_FIELDS]
    query = (
        select(SourceRecord.source, func.min(SourceRecord.id),
               func.aggregate_strings(cast(SourceRecord.id, String), ","), *fields)
        .where(SourceRecord.municipality_code == municipality, SourceRecord.superseded_at.is_(None),
               SourceRecord.source.in_(GROUPED_SOURCES))
        .group_by(SourceRecord.source, *fields)
    )
    if keep:
        query = query.where(SourceRecord.id.not_in(sorted(keep)))
    groups: list[AddressGroup] = []
    for source, first, ids, *values in session.execute(query):
        data = dict(zip(ADDRESS_FIELDS, values, strict=True))
        if data["huisnummer"] is not None:
            data["huisnummer"] = int(data["huisnummer"])
        for mention in mentions_of(first, source, data):
            members = [int(i) for i in ids.split(",") if int(i) != first]
            groups.append(AddressGroup(source, mention, members))
    return groups


def _renamed_records(session: Session, municipality: str) -> dict[int, int]:
    """For every superseded version the id of the current one: links and judgements made on
    an older version carry over to its successor."""
    renamed: dict[int, int] = {}
    chain = session.execute(
        select(SourceRecord.id, SourceRecord.superseded_by).where(
            SourceRecord.municipality_code == municipality, SourceRecord.superseded_by.is_not(None))
    ).all()
    successor: dict[int, int] = {old: new for old, new in chain if new is not None}
    for old in successor:
        new = successor[old]
        seen = 0
        while new in successor and seen < 1000:  # follow v1 -> v2 -> v3
            new, seen = successor[new], seen + 1
        renamed[old] = new
    return renamed


def _gather_mentions(
    session: Session, records: Iterable[tuple[int, str, dict[str, Any]]]
) -> tuple[list[Mention], dict[int, str]]:
    """Every mention, and the source of each record that has one.

    Address mentions with the same fields share one fields dict (a year of energy readings
    names the same address twelve times), so memory and the key work below scale with the
    addresses, not with the records.
    """
    out: list[Mention] = []
    sources: dict[int, str] = {}
    shared: dict[tuple[Any, ...], dict[str, Any]] = {}
    for record_id, source, data in records:
        for m in mentions_of(record_id, source, data):
            if m.kind == ADDRESS and all(isinstance(v, str | int | None) for v in m.fields.values()):
                fields = shared.setdefault(tuple(m.fields.items()), m.fields)
                if fields is not m.fields:
                    m = Mention(m.record_id, m.role, m.kind, fields)
            out.append(m)
            sources[record_id] = source
    _add_residence(session, out)
    return out, sources


def _add_residence(session: Session, mentions: list[Mention]) -> None:
    """Persons registered or renting at an address get its street, postcode and town for the
    model's address comparisons (a buyer's purchase is not where the buyer lives)."""
    wanted = {m.fields.get("adres_id") for m in mentions if m.kind == PERSON and m.role in ("persoon", "huurder")}
    wanted.discard(None)
    found: dict[str, dict[str, Any]] = {}
    ids = sorted(wanted)  # type: ignore[type-var]
    columns = (Address.id, Address.street, Address.postcode, Address.city, Address.house_number,
               Address.house_letter, Address.addition)
    for i in range(0, len(ids), 1000):
        for key, street, postcode, city, number, letter, addition in session.execute(
            select(*columns).where(Address.id.in_(ids[i : i + 1000]))
        ):
            found[key] = {"straat": street, "postcode": postcode, "woonplaats": city,
                          "huisnummer": _house_text(number, letter, addition)}
    for m in mentions:
        if m.kind != PERSON:
            continue
        resident = found.get(m.fields.get("adres_id") or "")
        if resident is not None:
            m.fields.update(resident)


def _house_text(number: int | None, letter: str | None, addition: str | None) -> str | None:
    if number is None:
        return None
    return f"{number}{letter or ''}{'-' + addition if addition else ''}"


def _renamed_uid(uid: str, renamed: dict[int, int]) -> str:
    record, role = parse_uid(uid)
    return mention_uid(renamed.get(record, record), role)


def _judgements(
    session: Session, renamed: dict[int, int]
) -> dict[str, tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]]:
    """Per kind: pairs judged the same and pairs judged different (latest verdict per pair wins)."""
    latest: dict[tuple[str, tuple[str, str]], tuple[str, int]] = {}
    for j in session.scalars(select(MatchJudgement).order_by(MatchJudgement.at, MatchJudgement.id)):
        a = _renamed_uid(mention_uid(j.record_a, j.role_a), renamed)
        b = _renamed_uid(mention_uid(j.record_b, j.role_b), renamed)
        latest[(j.kind, _pair(a, b))] = (j.verdict, j.id)
    out: dict[str, tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]] = {}
    for (kind, pair), (verdict, jid) in latest.items():
        same, different = out.setdefault(kind, ({}, {}))
        (same if verdict == SAME else different)[pair] = jid
    return out


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _previous_links(
    session: Session, municipality: str, renamed: dict[int, int], group_records: list[int]
) -> dict[str, str]:
    """The subject each current mention was linked to before. Of the grouped sources only the
    records that stand for a group now (their group's vote is weighed by its size)."""
    columns = (SubjectLink.record_id, SubjectLink.role, SubjectLink.subject_id)
    rows: list[Any] = []
    for part in stream_rows(session, select(*columns)
                            .join(Subject, Subject.id == SubjectLink.subject_id)
                            .join(SourceRecord, SourceRecord.id == SubjectLink.record_id)
                            .where(Subject.municipality_code == municipality,
                                   SourceRecord.source.not_in(GROUPED_SOURCES))):
        rows += part
    standing = set(group_records)
    grouped = sorted(standing | {old for old, new in renamed.items() if new in standing})
    for i in range(0, len(grouped), 5000):
        rows += session.execute(select(*columns).where(SubjectLink.record_id.in_(grouped[i : i + 5000])))
    return {_renamed_uid(mention_uid(r, role), renamed): s for r, role, s in rows}


# --- linking per kind ------------------------------------------------------------------


def _key_edges(mentions: dict[str, Mention], keys_of: Callable[[Mention], list[tuple[str, str]]]) -> list[Edge]:
    """Star edges between mentions sharing a key: each to the first mention with that key."""
    first: dict[str, str] = {}
    edges: list[Edge] = []
    explanations: dict[str, dict[str, Any]] = {}  # one per kind of key: edges only read it
    for uid, mention in mentions.items():
        for kind, value in keys_of(mention):
            key = f"{kind}:{value}"
            if key in first:
                if first[key] != uid:
                    if kind not in explanations:
                        explanations[kind] = _key_explanation(kind)
                    edges.append(Edge(first[key], uid, 1.0, explanations[kind]))
            else:
                first[key] = uid
    return edges


def _by_fields(keys_of: Callable[[dict[str, Any]], K]) -> Callable[[dict[str, Any]], K]:
    """`keys_of`, computed once per fields dict (mentions sharing fields share the keys)."""
    memo: dict[int, tuple[dict[str, Any], K]] = {}

    def keys(fields: dict[str, Any]) -> K:
        hit = memo.get(id(fields))
        if hit is None or hit[0] is not fields:
            hit = (fields, keys_of(fields))
            memo[id(fields)] = hit
        return hit[1]

    return keys


def _key_explanation(kind: str) -> dict[str, Any]:
    # Stored compactly (a million meter readings carry one): `cards.explanation_lines` reads
    # the key's Dutch reason from KEY_REASONS.
    return {"bron": "sleutel", "sleutel": kind}


def address_keys(fields: dict[str, Any]) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = []
    if fields.get("adres_id"):
        keys.append(("adres_id", str(fields["adres_id"])))
    postcode, number = fields.get("postcode"), fields.get("huisnummer")
    if postcode and number is not None:
        # Grid operators write a huisletter as toevoeging (1 + "A" for 1A): one suffix for both.
        suffix = f"{fields.get('huisletter') or ''}{fields.get('toevoeging') or ''}".replace("-", "").upper()
        compact = re.sub(r"\s", "", str(postcode)).upper()
        keys.append(("adres", f"{compact}-{number}-{suffix}"))
    if fields.get("adres_tekst"):
        keys.append(("adres_tekst", fold(str(fields["adres_tekst"]))))
    return keys


def _link_addresses(mentions: dict[str, Mention]) -> KindResult:
    keys = _by_fields(address_keys)

    def keys_of(m: Mention) -> list[tuple[str, str]]:
        return keys(m.fields)

    return KindResult(mentions=mentions, edges=_key_edges(mentions, keys_of), keys_of=keys_of)


def company_keys(fields: dict[str, Any]) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = []
    if fields.get("kvk_nummer"):
        keys.append(("kvk", str(fields["kvk_nummer"])))
    if fields.get("naam") and (name := company_name_key(str(fields["naam"]))):
        keys.append(("handelsnaam", name))
    return keys


def _link_companies(mentions: dict[str, Mention]) -> KindResult:
    """KvK number links; a name links a mention without KvK number to the company with that
    name, but two different KvK numbers never link through a shared name."""
    by_kvk = _key_edges(mentions, lambda m: [k for k in company_keys(m.fields) if k[0] == "kvk"])
    kvk_of_name: dict[str, set[str]] = defaultdict(set)
    anchor_of_name: dict[str, str] = {}
    for uid, m in mentions.items():
        for kind, value in company_keys(m.fields):
            if kind == "handelsnaam" and m.fields.get("kvk_nummer"):
                kvk_of_name[value].add(str(m.fields["kvk_nummer"]))
                anchor_of_name.setdefault(value, uid)
    edges = list(by_kvk)
    loose_first: dict[str, str] = {}
    for uid, m in mentions.items():
        if m.fields.get("kvk_nummer"):
            continue
        for kind, value in company_keys(m.fields):
            if kind != "handelsnaam":
                continue
            if len(kvk_of_name.get(value, ())) == 1:
                edges.append(Edge(anchor_of_name[value], uid, 0.95, _key_explanation("handelsnaam")))
            elif not kvk_of_name.get(value):
                if value in loose_first:
                    edges.append(Edge(loose_first[value], uid, 0.95, _key_explanation("handelsnaam")))
                else:
                    loose_first[value] = uid
    return KindResult(mentions=mentions, edges=edges)


PERSON_FIELDS = ("voornamen", "tussenvoegsel", "geslachtsnaam", "geboortedatum", "bsn",
                 "straat", "huisnummer", "postcode", "woonplaats")


def person_input(uid: str, source: str, fields: dict[str, Any]) -> dict[str, Any]:
    """A mention as a row of the person model's input (resolve.normalise.PERSON_INPUT)."""
    row: dict[str, Any] = {"unique_id": uid, "source_dataset": source}
    for name in PERSON_FIELDS:
        value = fields.get(name)
        row[name] = None if value in (None, "") else str(value)
    return row


def _link_persons(mentions: dict[str, Mention], sources: dict[int, str], backend: str) -> KindResult:
    result = KindResult(mentions=mentions)
    if len(mentions) < 2:
        return result
    rows = [person_input(uid, sources.get(m.record_id, ""), m.fields) for uid, m in mentions.items()]
    resolved = make_resolver(backend).link_persons(rows, link_type="dedupe_only", threshold=DOUBT)
    result.model = resolved.model
    result.figures = resolved.figures
    for pair in resolved.pairs:
        edge = Edge(pair.uid_l, pair.uid_r, pair.probability, _model_explanation(pair))
        if pair.probability >= MATCH:
            result.edges.append(edge)
        if DOUBT <= pair.probability < SURE:
            result.doubtful.append(edge)
    result.edges.extend(_key_edges(mentions, lambda m: [("bsn", m.fields["bsn"])] if m.fields.get("bsn") else []))
    return result


def _model_explanation(pair: ScoredPair) -> dict[str, Any]:
    return {"bron": "model", "matchgewicht": round(pair.match_weight, 2), "bijdragen": pair.explanation}


# --- writing ---------------------------------------------------------------------------


class _IdCounter:
    """Readable, never reused subject ids per kind: P-000001, P-000002, ..."""

    def __init__(self, session: Session, kind: str) -> None:
        prefix = ID_PREFIX[kind]
        self.prefix = prefix
        highest = session.scalar(select(func.max(Subject.id)).where(Subject.id.like(f"{prefix}-%")))
        self.value = int(highest.split("-", 1)[1]) if highest else 0
        self.issued = 0

    def next(self) -> str:
        self.value += 1
        self.issued += 1
        return f"{self.prefix}-{self.value:06d}"


def _best_edges(clusters: list[list[str]], edges: list[Edge], same: dict[tuple[str, str], int]) -> dict[str, Edge]:
    """For each mention: the strongest edge inside its cluster that explains its membership."""
    cluster_of = {uid: i for i, members in enumerate(clusters) for uid in members}
    best: dict[str, Edge] = {}
    candidates = list(edges) + [
        Edge(a, b, 1.0, {"bron": "oordeel", "oordeel": jid,
                         "bijdragen": [{"vergelijking": "oordeel", "niveau": "bevestigd door coördinator",
                                        "gewicht": None}]})
        for (a, b), jid in same.items()
    ]
    for edge in candidates:
        if cluster_of.get(edge.a) is None or cluster_of.get(edge.a) != cluster_of.get(edge.b):
            continue
        for uid, other in ((edge.a, edge.b), (edge.b, edge.a)):
            current = best.get(uid)
            if current is None or edge.probability > current.probability:
                best[uid] = Edge(uid, other, edge.probability, edge.explanation)
    return best


_AUTHORITATIVE = {"personen": 0, "bedrijven": 0, "adressen": 0}  # registers rank before mentions


def _label(kind: str, mentions: list[Mention], sources: dict[int, str]) -> str:
    """The most authoritative rendering: BRP over other person sources, register over mentions."""
    ordered = mentions if len(mentions) == 1 else sorted(
        mentions, key=lambda m: (_AUTHORITATIVE.get(sources.get(m.record_id, ""), 1), m.record_id))
    for m in ordered:
        f = m.fields
        if kind == PERSON and f.get("geslachtsnaam"):
            name = display_name(f.get("voornamen"), f.get("tussenvoegsel"), f.get("geslachtsnaam"))
            born = f" ({f['geboortedatum']})" if f.get("geboortedatum") else ""
            return f"{name}{born}"[:300]
        if kind == COMPANY and (f.get("naam") or f.get("kvk_nummer")):
            name = f.get("naam") or "onbekende naam"
            return (f"{name} (KvK {f['kvk_nummer']})" if f.get("kvk_nummer") else name)[:300]
        if kind == ADDRESS:
            return _address_label(f)
    return ""


def _address_label(f: dict[str, Any]) -> str:
    if f.get("postcode") and f.get("huisnummer") is not None:
        suffix = f"{f.get('huisletter') or ''}{'-' + f['toevoeging'] if f.get('toevoeging') else ''}"
        return f"{f['postcode']} {f['huisnummer']}{suffix}"
    if f.get("adres_tekst"):
        return str(f["adres_tekst"])[:300]
    return f"BAG {f.get('adres_id')}"


def _write_subjects(
    session: Session, run_id: str, municipality: str, kind: str, result: KindResult,
    clusters: list[list[str]], assignment: dict[str, str], merged: dict[str, str],
    same: dict[tuple[str, str], int], sources: dict[int, str],
) -> None:
    existing = set(session.scalars(select(Subject.id).where(Subject.kind == kind,
                                                             Subject.municipality_code == municipality)))
    # Links of this kind are rewritten as a whole: they are derived, the records and
    # judgements they come from are what is kept.
    session.execute(delete(SubjectLink).where(SubjectLink.subject_id.in_(
        select(Subject.id).where(Subject.kind == kind, Subject.municipality_code == municipality))),
        execution_options=NO_SYNC)
    best = _best_edges(clusters, result.edges, same)
    new_subjects: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    link_rows: list[tuple[Any, ...]] = []
    stamp = now()
    alone = {"bron": "alleen"}  # one object: converted once per batch
    mentions = result.mentions
    for members in clusters:
        subject_id = assignment[members[0]]
        mentioned = [mentions[u] for u in members]
        label = _label(kind, mentioned, sources)
        if subject_id in existing:
            updates.append({"id": subject_id, "label": label, "merged_into": None, "retired_at": None})
        else:
            new_subjects.append({"id": subject_id, "kind": kind, "municipality_code": municipality,
                                 "label": label, "created_at": stamp, "created_run_id": run_id})
        for uid, mention in zip(members, mentioned, strict=True):
            edge = best.get(uid)
            if edge is None:
                link_rows.append((subject_id, mention.record_id, mention.role, run_id, None, alone, stamp))
                continue
            other = mentions[edge.b]
            explanation = {**edge.explanation, "via": {"bronregistratie": other.record_id, "rol": other.role}}
            link_rows.append((subject_id, mention.record_id, mention.role, run_id, edge.probability, explanation,
                              stamp))
    _bulk_insert(session, Subject, new_subjects)
    BulkInsert(session, _table_of(SubjectLink), _LINK_COLUMNS).insert_tuples(link_rows)
    updates += [{"id": old, "merged_into": into, "retired_at": stamp} for old, into in merged.items()]
    # Every mention vanished (its records were withdrawn): keep the id, mark it retired.
    gone = existing - set(assignment.values()) - set(merged)
    updates += [{"id": subject_id, "retired_at": stamp} for subject_id in sorted(gone)]
    _bulk_update(session, updates)


def _write_group_links(
    session: Session, run_id: str, groups: list[AddressGroup], assignment: dict[str, str]
) -> None:
    """Every other record of a group is linked where the record standing for it went, on the
    same key."""
    stamp = now()
    writer = BulkInsert(session, _table_of(SubjectLink), _LINK_COLUMNS)
    rows: list[tuple[Any, ...]] = []
    for group in groups:
        if not group.members:
            continue
        subject_id = assignment[group.mention.uid]
        key = "adres_id" if group.mention.fields.get("adres_id") else "adres"
        # One explanation per group, shared by its rows (converted once by BulkInsert).
        explanation = {**_key_explanation(key),
                       "via": {"bronregistratie": group.mention.record_id, "rol": group.mention.role}}
        rows += [(subject_id, record_id, group.mention.role, run_id, 1.0, explanation, stamp)
                 for record_id in group.members]
        if len(rows) >= 50_000:
            writer.insert_tuples(rows)
            rows = []
    writer.insert_tuples(rows)


_LINK_COLUMNS = ("subject_id", "record_id", "role", "run_id", "probability", "explanation", "linked_at")


def _table_of(model: type) -> Any:
    return model.__table__  # type: ignore[attr-defined]


def _bulk_insert(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """Rows with the same keys, by executemany (`ingest.records.BulkInsert`), not ORM inserts."""
    if not rows:
        return
    writer = BulkInsert(session, _table_of(model), tuple(rows[0]))
    for i in range(0, len(rows), 5000):
        writer.insert(rows[i : i + 5000])


def _bulk_update(session: Session, rows: list[dict[str, Any]]) -> None:
    """Subjects updated by primary key in batches; rows with the same keys go together."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[tuple(sorted(row))].append(row)
    for group in groups.values():
        for i in range(0, len(group), 5000):
            session.execute(update(Subject), group[i : i + 5000])


def _write_review_queue(
    session: Session, run_id: str, municipality: str, kind: str, result: KindResult,
    assignment: dict[str, str], same: dict[tuple[str, str], int], different: dict[tuple[str, str], int],
) -> None:
    session.execute(delete(ReviewPair).where(ReviewPair.kind == kind, ReviewPair.municipality_code == municipality),
                    execution_options=NO_SYNC)
    judged = set(same) | set(different)
    rows: list[dict[str, Any]] = []
    for edge in sorted(result.doubtful, key=lambda e: abs(e.probability - MATCH)):
        pair = _pair(edge.a, edge.b)
        if pair in judged:
            continue
        a, b = (parse_uid(u) for u in pair)
        together = assignment.get(edge.a) == assignment.get(edge.b)
        rows.append({"id": new_id(), "kind": kind, "municipality_code": municipality,
                     "record_a": a[0], "role_a": a[1], "record_b": b[0], "role_b": b[1],
                     "probability": edge.probability, "explanation": {**edge.explanation, "zelfdeSubject": together},
                     "run_id": run_id, "created_at": now()})
        if len(rows) >= REVIEW_LIMIT:
            break
    _bulk_insert(session, ReviewPair, rows)


def subject_keys(kind: str, fields: dict[str, Any]) -> list[str]:
    """Keys under which intake finds a company or address subject (persons: blocking_keys_many)."""
    return [f"{k}:{v}" for k, v in (company_keys if kind == COMPANY else address_keys)(fields)]


def _write_keys(session: Session, kind: str, result: KindResult, assignment: dict[str, str]) -> None:
    mentions = result.mentions
    subject_ids = sorted(set(assignment.values()))
    for i in range(0, len(subject_ids), 5000):
        session.execute(delete(SubjectKey).where(SubjectKey.subject_id.in_(subject_ids[i : i + 5000])),
                        execution_options=NO_SYNC)
    ordered: list[tuple[str, str]]
    if kind == PERSON:
        # One DuckDB query for all persons: the same keys `subject_keys` gives one at a time.
        ordered = subject_blocking_keys([person_input(uid, "", m.fields) for uid, m in mentions.items()],
                                        {uid: assignment[uid] for uid in mentions}, limit=KEY_LENGTH)
    else:
        pairs_of = result.keys_of or (lambda m: (company_keys if kind == COMPANY else address_keys)(m.fields))
        rows: dict[tuple[str, str], None] = {}  # each key once per subject, in the order found
        for uid, m in mentions.items():
            subject_id = assignment[uid]
            rows.update(dict.fromkeys((subject_id, f"{k}:{v}"[:KEY_LENGTH]) for k, v in pairs_of(m)))
        ordered = list(rows)
    writer = BulkInsert(session, _table_of(SubjectKey), ("subject_id", "key"))
    writer.insert_tuples(ordered)


def iter_mentions(session: Session, subject_ids: list[str]) -> Iterator[tuple[str, SourceRecord, Mention]]:
    """The mentions linked to some subjects, with their records, in one query (for scoring
    a new signal's parties against candidate subjects at intake)."""
    rows = session.execute(
        select(SubjectLink.subject_id, SourceRecord, SubjectLink.role)
        .join(SubjectLink, SubjectLink.record_id == SourceRecord.id)
        .where(SubjectLink.subject_id.in_(subject_ids)).order_by(SubjectLink.subject_id, SourceRecord.id)
    )
    for subject_id, record, role in rows:
        for m in mentions_of(record.id, record.source, record.data or {}):
            if m.role == role:
                yield subject_id, record, m

"""The network around a subject: persons, companies and addresses with their dated relations,
the signals that name them, the vehicles in those signals and the cases they are part of.

Built breadth-first, one batch of queries per level (IN-lists), never per node, and assembled
in Python. Need-to-know is the SQL of `access.policy`:

- only holders of `netwerk.bekijken` get a network at all (anyone else: NotFound);
- subjects come from `subjects_visible`; a subject's label only where `subject_details_visible`
  (privacy check 1) — otherwise a hit/no-hit placeholder (kind and id, relation types drawn);
- signals through `signal_visible`: a linked signal the reader may not read is a placeholder
  "signaal van <organisatie>" without content, and the network does not grow through it;
- vehicles only from readable signals (the plate is an identifier: the node id is a keyed hash);
- cases only through `case_visible`: an invisible case is not drawn at all.

Relations are derived the way `resolve.cards.relations_of_many` derives them for the card.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

import networkx as nx
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from weerbaar.access import logbook, rights
from weerbaar.access.policy import case_visible, signal_visible, subjects_visible
from weerbaar.access.principal import Principal
from weerbaar.cases.models import Case, CaseSignal, CaseSubject
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.errors import NotFound
from weerbaar.core.models import Organisation
from weerbaar.core.pseudonyms import pseudonymise
from weerbaar.detect.models import IndicatorHit
from weerbaar.ingest.models import SourceRecord
from weerbaar.intake.models import Signal, SignalParty
from weerbaar.resolve import cards
from weerbaar.resolve.mentions import RELATIONS
from weerbaar.resolve.models import ADDRESS, KINDS, SignalSubject, Subject, SubjectLink

MIN_DEPTH, MAX_DEPTH = 1, 3
DEFAULT_MAX_NODES, MAX_NODES = 500, 5000
PATH_DEPTH = 4
LOUVAIN_SEED = 6

SIGNAL, VEHICLE, CASE = "signaal", "voertuig", "casus"
SIGNAL_EDGE, CASE_EDGE = "signaal", "casus"
RECORD_TYPES = ("bewoning", "bestuur", "eigendom", "huur", "vestiging", "betaling")
RELATION_TYPES = (*RECORD_TYPES, SIGNAL_EDGE, CASE_EDGE)
TYPE_LABELS = {
    "bewoning": "bewoning", "bestuur": "bestuur", "eigendom": "eigendom", "huur": "huur",
    "vestiging": "vestiging", "betaling": "betaling", SIGNAL_EDGE: "genoemd in signaal",
    CASE_EDGE: "onderdeel van casus",
}
PLACEHOLDER_LABEL = "bekend (privacytoets 1 nodig)"


@dataclass
class Filters:
    """What to draw: relation types (None = all), and a period in which a relation was active."""

    types: frozenset[str] | None = None
    since: date | None = None
    until: date | None = None

    def allows(self, type_: str) -> bool:
        return self.types is None or type_ in self.types

    def active(self, start: str | None, end: str | None) -> bool:
        """A relation without dates is kept; one that ended before the period or began after it is not."""
        if self.since and end and end[:10] < self.since.isoformat():
            return False
        return not (self.until and start and start[:10] > self.until.isoformat())

    def as_dict(self) -> dict[str, Any]:
        return {"relatietypen": sorted(self.types) if self.types is not None else None,
                "vanaf": self.since.isoformat() if self.since else None,
                "tot": self.until.isoformat() if self.until else None}


@dataclass
class Node:
    id: str
    kind: str  # persoon | bedrijf | adres | signaal | voertuig | casus
    label: str | None
    visible: bool  # gegevensZichtbaar: the label and details may be shown
    depth: int
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out = {"id": self.id, "soort": self.kind, "label": self.label, "gegevensZichtbaar": self.visible,
               "diepte": self.depth, **self.details}
        if self.kind in KINDS:
            out["_links"] = {"self": {"href": f"/api/v1/subjecten/{self.id}"},
                             "netwerk": {"href": f"/api/v1/subjecten/{self.id}/netwerk"}}
        return out


@dataclass
class Edge:
    source: str  # the "from" side of the relation (person -> address, officer -> company)
    target: str
    type: str
    label: str
    start: str | None = None
    end: str | None = None
    origin: str | None = None  # source of a record relation: personen, ftm, ...
    key: str | None = None
    detail: str | None = None
    amount_eur: str | None = None

    @property
    def ident(self) -> tuple[str, ...]:
        return (self.source, self.target, self.type, self.origin or "", self.key or "")

    def as_dict(self) -> dict[str, Any]:
        # The id names no record key (a KvK number can be one): a keyed hash of it.
        edge_id = f"{self.source}|{self.target}|{self.type}|{pseudonymise('|'.join(self.ident))}"
        out: dict[str, Any] = {"id": edge_id, "van": self.source, "naar": self.target, "type": self.type,
                               "omschrijving": self.label, "vanaf": self.start, "tot": self.end}
        if self.origin:
            out["bron"] = self.origin
        if self.detail:
            out["functie"] = self.detail
        if self.amount_eur:
            out["bedragEur"] = self.amount_eur
        return out


@dataclass
class Network:
    center: str
    depth: int
    filters: Filters
    max_nodes: int
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, ...], Edge] = field(default_factory=dict)
    truncated: bool = False
    clusters: list[dict[str, Any]] = field(default_factory=list)
    components: list[list[str]] = field(default_factory=list)
    requested: str | None = None

    def graph(self) -> nx.Graph:
        g = nx.Graph()
        g.add_nodes_from(sorted(self.nodes))
        g.add_edges_from((e.source, e.target) for e in self.edges.values())
        return g

    def _edge_dict(self, edge: Edge) -> dict[str, Any]:
        """A relation touching a placeholder keeps its type and dates, not its details (function, amount)."""
        out = edge.as_dict()
        if not (self.nodes[edge.source].visible and self.nodes[edge.target].visible):
            out.pop("functie", None)
            out.pop("bedragEur", None)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject": self.center, "gevraagdId": self.requested, "diepte": self.depth, "max": self.max_nodes,
            "filters": self.filters.as_dict(), "afgekapt": self.truncated,
            "knopen": [n.as_dict() for n in sorted(self.nodes.values(), key=lambda n: (n.depth, n.kind, n.id))],
            "relaties": [self._edge_dict(e) for e in sorted(self.edges.values(), key=lambda e: e.ident)],
            "componenten": [{"grootte": len(c), "knopen": c} for c in self.components],
            "clusters": self.clusters,
        }


def may_see_networks(principal: Principal) -> bool:
    return principal.can(rights.NETWORK_READ) and principal.can(rights.SOURCES_READ) \
        and principal.municipality_code is not None


def vehicle_id(plate: str) -> str:
    """A vehicle's node id: a keyed hash of the plate, so the plate never travels in a URL or an id."""
    return f"V-{pseudonymise(plate.upper())[:12]}"


def signal_node_id(signal_id: str) -> str:
    return f"S-{signal_id}"


def case_node_id(case_id: str) -> str:
    return f"C-{case_id}"


class _Builder:
    """One network under construction: nodes are added until the cap, and each level is expanded
    with one batch of queries per node kind."""

    def __init__(self, session: Session, principal: Principal, catalogue: Catalogue, net: Network) -> None:
        self.s, self.p, self.cat, self.net = session, principal, catalogue, net
        self.readable_signals: set[str] = set()
        self.whole_cases: set[str] = set()
        self.plates: dict[str, str] = {}  # vehicle node id -> plate (only from readable signals)

    # -- nodes and edges --------------------------------------------------------------------

    def add_node(self, node: Node) -> bool:
        """Add a node unless known; False when the cap refused it."""
        if node.id in self.net.nodes:
            return True
        if len(self.net.nodes) >= self.net.max_nodes:
            self.net.truncated = True
            return False
        self.net.nodes[node.id] = node
        return True

    def add_edge(self, edge: Edge) -> None:
        if edge.source in self.net.nodes and edge.target in self.net.nodes \
                and self.net.filters.active(edge.start, edge.end):
            self.net.edges.setdefault(edge.ident, edge)

    # -- expansion per kind -----------------------------------------------------------------

    def expand(self, frontier: list[str], depth: int) -> list[str]:
        """Expand the frontier (node ids at depth-1); return the new node ids (at `depth`)."""
        before = set(self.net.nodes)
        pending_subjects: dict[str, list[Edge]] = {}
        subjects = [n for n in frontier if self.net.nodes[n].kind in KINDS]
        signals = [n for n in frontier if n.startswith("S-") and n[2:] in self.readable_signals]
        vehicles = [n for n in frontier if n in self.plates]
        cases_ = [n for n in frontier if n.startswith("C-") and n[2:] in self.whole_cases]
        self._subject_relations(subjects, pending_subjects)
        self._subject_signals(subjects, depth)
        self._subject_cases(subjects, depth)
        self._signal_neighbours(signals, depth, pending_subjects)
        self._vehicle_signals(vehicles, depth)
        self._case_neighbours(cases_, depth, pending_subjects)
        self._add_subjects(pending_subjects, depth)
        return [n for n in self.net.nodes if n not in before]

    def _add_subjects(self, pending: dict[str, list[Edge]], depth: int) -> None:
        """New subjects found this level: one query for kind and label, one for the gate."""
        new = sorted(sid for sid in pending if sid not in self.net.nodes)
        rows = {sid: (kind, label) for sid, kind, label in self.s.execute(
            select(Subject.id, Subject.kind, Subject.label).where(Subject.id.in_(new), subjects_visible(self.p),
                                                                  Subject.merged_into.is_(None)))} if new else {}
        opened = cards.details_open(self.s, self.p, rows)
        for sid in new:
            if sid in rows:
                kind, label = rows[sid]
                shown = sid in opened
                self.add_node(Node(sid, kind, label if shown else None, shown, depth))
        for edges in pending.values():
            for edge in edges:
                self.add_edge(edge)

    def _subject_relations(self, subjects: list[str], pending: dict[str, list[Edge]]) -> None:
        if not subjects or not any(self.net.filters.allows(t) for t in RECORD_TYPES):
            return
        for sid, relations in cards.relations_of_many(self.s, self.p, subjects).items():
            for r in relations:
                if not self.net.filters.allows(r["type"]):
                    continue
                other = r["subject"]["id"]
                outgoing = r["richting"] == cards.OUTGOING
                label = r["omschrijving"] if outgoing else _forward_label(r)
                end = r["tot"] or (r["van"] if r["type"] == "betaling" else None)  # a payment is a moment
                edge = Edge(sid if outgoing else other, other if outgoing else sid, r["type"], label, r["van"],
                            end, r["bron"], str(r["sleutel"]), r.get("functie"), r.get("bedragEur"))
                if not self.net.filters.active(edge.start, edge.end):
                    continue
                pending.setdefault(other, []).append(edge)

    def _signal_rows(self, where: Any) -> list[Any]:
        readable = case((signal_visible(self.p, self.cat), True), else_=False)
        return list(self.s.execute(
            select(SignalSubject.subject_id, Signal.id, Signal.observed_on, Signal.phenomenon, Organisation.name,
                   readable.label("readable"))
            .join(Signal, Signal.id == SignalSubject.signal_id)
            .join(Organisation, Organisation.id == Signal.organisation_id)
            .where(where)).all())

    def _add_signal(self, signal_id: str, observed: date, phenomenon: str | None, org: str, readable: bool,
                    depth: int) -> str | None:
        # An unreadable signal's node id is a keyed hash: not even its id is given away.
        node_id = signal_node_id(signal_id) if readable else f"S-x{pseudonymise(signal_id)}"
        if node_id not in self.net.nodes:
            if readable:
                ph = self.cat.phenomena.get(phenomenon or "")
                node = Node(node_id, SIGNAL, f"Signaal {observed.isoformat()} ({org})", True, depth,
                            {"signaalId": signal_id, "organisatie": org, "waargenomenOp": observed.isoformat(),
                             "fenomeen": phenomenon, "fenomeenNaam": ph.naam if ph else None})
            else:  # exists, but not readable: no id, no date, no content
                node = Node(node_id, SIGNAL, f"signaal van {org}", False, depth, {"organisatie": org})
            if not self.add_node(node):
                return None
        if readable:
            self.readable_signals.add(signal_id)
        return node_id

    def _subject_signals(self, subjects: list[str], depth: int) -> None:
        if not subjects or not self.net.filters.allows(SIGNAL_EDGE):
            return
        for sid, signal_id, observed, phenomenon, org, readable in self._signal_rows(
                SignalSubject.subject_id.in_(subjects)):
            when = observed.isoformat()
            if readable and not self.net.filters.active(when, when):
                continue  # the period filter never probes an unreadable signal's date
            node_id = self._add_signal(signal_id, observed, phenomenon, org, bool(readable), depth)
            if node_id:  # an unreadable signal keeps its date to itself
                self.add_edge(Edge(sid, node_id, SIGNAL_EDGE, TYPE_LABELS[SIGNAL_EDGE],
                                   when if readable else None, when if readable else None))

    def _signal_neighbours(self, signals: list[str], depth: int, pending: dict[str, list[Edge]]) -> None:
        """From a readable signal: the subjects it names, its vehicles and its visible cases."""
        if not signals:
            return
        ids = [n[2:] for n in signals]
        if self.net.filters.allows(SIGNAL_EDGE):
            rows = self.s.execute(
                select(SignalSubject.subject_id, Signal.id, Signal.observed_on)
                .join(Signal, Signal.id == SignalSubject.signal_id)
                .where(SignalSubject.signal_id.in_(ids), signal_visible(self.p, self.cat))).all()
            for sid, signal_id, observed in rows:
                when = observed.isoformat()
                pending.setdefault(sid, []).append(
                    Edge(sid, signal_node_id(signal_id), SIGNAL_EDGE, TYPE_LABELS[SIGNAL_EDGE], when, when))
            parties = self.s.execute(
                select(SignalParty.plate, Signal.id, Signal.observed_on)
                .join(Signal, Signal.id == SignalParty.signal_id)
                .where(SignalParty.signal_id.in_(ids), SignalParty.kind == VEHICLE, SignalParty.plate.is_not(None),
                       signal_visible(self.p, self.cat))).all()
            for plate, signal_id, observed in parties:
                self._vehicle_edge(plate or "", signal_id, observed, depth)
        if self.net.filters.allows(CASE_EDGE):
            case_rows = self.s.execute(
                select(CaseSignal.signal_id, Case.id, Case.number, Case.title, Case.created_at, Case.municipality_code)
                .join(Case, Case.id == CaseSignal.case_id)
                .where(CaseSignal.signal_id.in_(ids), case_visible(self.p, self.cat))).all()
            for signal_id, *case_row in case_rows:
                self._case_edge(signal_node_id(signal_id), case_row, depth)

    def _vehicle_edge(self, plate: str, signal_id: str, observed: date, depth: int) -> None:
        node_id = vehicle_id(plate)
        if node_id not in self.net.nodes and not self.add_node(
                Node(node_id, VEHICLE, f"Voertuig {plate}", True, depth, {"kenteken": plate})):
            return
        self.plates[node_id] = plate
        when = observed.isoformat()
        self.add_edge(Edge(node_id, signal_node_id(signal_id), SIGNAL_EDGE, TYPE_LABELS[SIGNAL_EDGE], when, when))

    def _vehicle_signals(self, vehicles: list[str], depth: int) -> None:
        """From a vehicle: the other readable signals that name its plate."""
        if not vehicles or not self.net.filters.allows(SIGNAL_EDGE):
            return
        plates = sorted({self.plates[v] for v in vehicles})
        rows = self.s.execute(
            select(SignalParty.plate, Signal.id, Signal.observed_on, Signal.phenomenon, Organisation.name)
            .join(Signal, Signal.id == SignalParty.signal_id)
            .join(Organisation, Organisation.id == Signal.organisation_id)
            .where(SignalParty.kind == VEHICLE, SignalParty.plate.in_(plates), signal_visible(self.p, self.cat))
        ).all()
        for plate, signal_id, observed, phenomenon, org in rows:
            when = observed.isoformat()
            if not self.net.filters.active(when, when):
                continue
            if self._add_signal(signal_id, observed, phenomenon, org, True, depth):
                self._vehicle_edge(plate or "", signal_id, observed, depth)

    def _case_edge(self, from_id: str, row: Any, depth: int) -> None:
        case_id, number, title, created_at, municipality = row
        node_id = case_node_id(case_id)
        if node_id not in self.net.nodes and not self.add_node(
                Node(node_id, CASE, f"{number} {title}", True, depth, {"casusId": case_id, "nummer": number})):
            return
        if self.p.can(rights.CASES_READ_MUNICIPALITY) and municipality == self.p.municipality_code:
            self.whole_cases.add(case_id)
        start = created_at.date().isoformat() if created_at else None
        self.add_edge(Edge(from_id, node_id, CASE_EDGE, TYPE_LABELS[CASE_EDGE], start, None))

    def _case_columns(self) -> tuple[Any, ...]:
        return (Case.id, Case.number, Case.title, Case.created_at, Case.municipality_code)

    def _subject_cases(self, subjects: list[str], depth: int) -> None:
        """The visible cases these subjects are part of: named at opening, or through a signal of the case
        (the rule of `cases.service.case_subject_ids`)."""
        if not subjects or not self.net.filters.allows(CASE_EDGE):
            return
        named = select(CaseSubject.subject_id.label("subject_id"), CaseSubject.case_id.label("case_id")) \
            .where(CaseSubject.subject_id.in_(subjects))
        via = select(SignalSubject.subject_id.label("subject_id"), CaseSignal.case_id.label("case_id")) \
            .join(CaseSignal, CaseSignal.signal_id == SignalSubject.signal_id) \
            .where(SignalSubject.subject_id.in_(subjects))
        links = named.union(via).subquery()
        rows = self.s.execute(
            select(links.c.subject_id, *self._case_columns()).join(Case, Case.id == links.c.case_id)
            .where(case_visible(self.p, self.cat))).all()
        for sid, *row in rows:
            self._case_edge(sid, row, depth)

    def _case_neighbours(self, cases_: list[str], depth: int, pending: dict[str, list[Edge]]) -> None:
        """From a case the reader sees whole: its subjects and its readable signals."""
        if not cases_ or not self.net.filters.allows(CASE_EDGE):
            return
        ids = [n[2:] for n in cases_]
        created = dict(self.s.execute(select(Case.id, Case.created_at).where(Case.id.in_(ids))).all())
        named = select(CaseSubject.case_id.label("case_id"), CaseSubject.subject_id.label("subject_id")) \
            .where(CaseSubject.case_id.in_(ids))
        via = select(CaseSignal.case_id.label("case_id"), SignalSubject.subject_id.label("subject_id")) \
            .join(SignalSubject, SignalSubject.signal_id == CaseSignal.signal_id).where(CaseSignal.case_id.in_(ids))
        for case_id, sid in self.s.execute(named.union(via)).all():
            start = created[case_id].date().isoformat() if created.get(case_id) else None
            pending.setdefault(sid, []).append(
                Edge(sid, case_node_id(case_id), CASE_EDGE, TYPE_LABELS[CASE_EDGE], start, None))
        rows = self.s.execute(
            select(CaseSignal.case_id, Signal.id, Signal.observed_on, Signal.phenomenon, Organisation.name)
            .join(Signal, Signal.id == CaseSignal.signal_id)
            .join(Organisation, Organisation.id == Signal.organisation_id)
            .where(CaseSignal.case_id.in_(ids), signal_visible(self.p, self.cat))).all()
        for case_id, signal_id, observed, phenomenon, org in rows:
            node_id = self._add_signal(signal_id, observed, phenomenon, org, True, depth)
            if node_id:
                start = created[case_id].date().isoformat() if created.get(case_id) else None
                self.add_edge(Edge(node_id, case_node_id(case_id), CASE_EDGE, TYPE_LABELS[CASE_EDGE], start, None))


def _forward_label(relation: dict[str, Any]) -> str:
    """The label of a relation read from its "from" side (the card gives it from either end)."""
    if relation["bron"] == cards.FTM:
        return cards.FTM_LABELS.get(relation["type"], relation["type"])
    return next((r.label for r in RELATIONS if r.type == relation["type"]), relation["type"])


# --- building ----------------------------------------------------------------------------------


def build(
    session: Session, principal: Principal, catalogue: Catalogue, subject_id: str, depth: int = 1,
    filters: Filters | None = None, max_nodes: int = DEFAULT_MAX_NODES,
) -> Network:
    """The network without logging and without clusters (also the two halves of a path search)."""
    if not may_see_networks(principal):
        raise NotFound()
    subject, passed = cards.visible_subject(session, principal, subject_id)
    net = Network(subject.id, depth, filters or Filters(), max_nodes, requested=passed[0] if passed else None)
    builder = _Builder(session, principal, catalogue, net)
    shown = bool(cards.details_open(session, principal, [subject.id]))
    builder.add_node(Node(subject.id, subject.kind, subject.label if shown else None, shown, 0))
    frontier = [subject.id]
    for level in range(1, depth + 1):
        if not frontier or net.truncated:
            break
        frontier = builder.expand(frontier, level)
    return net


def subject_network(
    session: Session, principal: Principal, catalogue: Catalogue, subject_id: str, depth: int = 1,
    filters: Filters | None = None, max_nodes: int = DEFAULT_MAX_NODES, purpose: str | None = None,
) -> Network:
    """The network around a subject, `depth` steps out, with its components and clusters; logged as a read."""
    net = build(session, principal, catalogue, subject_id, depth, filters, max_nodes)
    add_clusters(session, principal, catalogue, net)
    log_read(session, principal, net, purpose)
    return net


def log_read(session: Session, principal: Principal, net: Network, purpose: str | None,
             action: str = logbook.READ, extra: dict[str, Any] | None = None) -> None:
    opened = sorted(n.id for n in net.nodes.values() if n.kind in KINDS and n.visible)
    details: dict[str, Any] = {"netwerk": True, "diepte": net.depth, "aantalKnopen": len(net.nodes),
                               "subjectenMetGegevens": opened, **net.filters.as_dict(), **(extra or {})}
    if net.requested:
        details["gevraagd"] = net.requested
    logbook.record(session, principal, action, object_type="subject", object_id=net.center,
                   purpose=purpose or "netwerk", details=details)


# --- clusters ----------------------------------------------------------------------------------


def _indicator_hits(session: Session, principal: Principal, subjects: dict[str, str]) -> dict[str, list[str]]:
    """Indicator codes per subject id, for holders of risico.lezen of the own municipality (the
    rule of `policy.risk_visible`); addresses are matched through the BAG adres_id of their records."""
    if not (principal.can(rights.RISK_READ) and principal.municipality_code) or not subjects:
        return {}
    ids = sorted(subjects)
    bag = {adres_id: sid for sid, adres_id in session.execute(
        select(SubjectLink.subject_id, SourceRecord.data["adres_id"].as_string())
        .join(SourceRecord, SourceRecord.id == SubjectLink.record_id)
        .where(SubjectLink.subject_id.in_([s for s in ids if subjects[s] == ADDRESS]), SubjectLink.role == "adres",
               SourceRecord.municipality_code == principal.municipality_code)).all() if adres_id}
    own = IndicatorHit.municipality_code == principal.municipality_code
    # One query per kind of target, each an IN-list on the (target_kind, target_id) index: an OR of
    # the two made SQLite scan every hit of the municipality.
    wanted = [(("persoon", "bedrijf"), [s for s in ids if subjects[s] != ADDRESS]), ((ADDRESS,), sorted(bag))]
    out: dict[str, list[str]] = {}
    for kinds, targets in wanted:
        if not targets:
            continue
        for kind, target, code in session.execute(
                select(IndicatorHit.target_kind, IndicatorHit.target_id, IndicatorHit.code)
                .where(IndicatorHit.target_kind.in_(kinds), IndicatorHit.target_id.in_(targets), own)).all():
            sid = bag.get(target) if kind == ADDRESS else target
            if sid:
                out.setdefault(sid, []).append(code)
    return out


def add_clusters(session: Session, principal: Principal, catalogue: Catalogue, net: Network) -> None:
    """Connected components and Louvain communities (fixed seed: the same network, the same
    clusters), each with its size, kinds and — for risk readers — the indicators inside it."""
    g = net.graph()
    net.components = [sorted(c) for c in sorted(nx.connected_components(g), key=lambda c: (-len(c), min(c)))]
    communities = nx.community.louvain_communities(g, seed=LOUVAIN_SEED) if g.number_of_edges() else \
        [{n} for n in g.nodes]
    hits = _indicator_hits(session, principal, {n.id: n.kind for n in net.nodes.values() if n.kind in KINDS})
    names = {code: ind.tekst for code, (_, ind) in catalogue.indicators.items()}
    sees_risk = principal.can(rights.RISK_READ)
    out = []
    for i, members in enumerate(sorted(communities, key=lambda c: (-len(c), min(c))), start=1):
        kinds: dict[str, int] = {}
        codes: dict[str, int] = {}
        for n in members:
            kinds[net.nodes[n].kind] = kinds.get(net.nodes[n].kind, 0) + 1
            for code in hits.get(n, []):
                codes[code] = codes.get(code, 0) + 1
        cluster: dict[str, Any] = {"nummer": i, "grootte": len(members), "knopen": sorted(members),
                                   "soorten": dict(sorted(kinds.items()))}
        if sees_risk:
            cluster["indicatoren"] = [{"code": c, "naam": names.get(c, c), "aantal": k}
                                      for c, k in sorted(codes.items(), key=lambda x: (-x[1], x[0]))]
        out.append(cluster)
    net.clusters = out


# --- shortest path -----------------------------------------------------------------------------


@dataclass
class PathResult:
    found: bool
    nodes: list[Node]
    edges: list[Edge]
    message: str | None = None

    def as_dict(self, start: str, target: str) -> dict[str, Any]:
        return {"van": start, "naar": target, "gevonden": self.found, "lengte": len(self.edges) if self.found else None,
                "melding": self.message, "knopen": [n.as_dict() for n in self.nodes],
                "relaties": [e.as_dict() for e in self.edges]}


def shortest_path(
    session: Session, principal: Principal, catalogue: Catalogue, subject_id: str, target_id: str,
    filters: Filters | None = None, purpose: str | None = None,
) -> tuple[str, str, PathResult]:
    """The shortest path between two subjects within PATH_DEPTH steps: two networks of half that depth
    meet in the middle (every path of at most four steps lies in their union). Logged as a read."""
    if not may_see_networks(principal):
        raise NotFound()
    half = PATH_DEPTH // 2
    a = build(session, principal, catalogue, subject_id, half, filters, MAX_NODES)
    b = build(session, principal, catalogue, target_id, half, filters, MAX_NODES)
    nodes = {**b.nodes, **a.nodes}
    edges = {**b.edges, **a.edges}
    g = nx.Graph()
    g.add_nodes_from(nodes)
    for e in edges.values():
        g.add_edge(e.source, e.target, edge=e)
    result = PathResult(False, [], [], f"Er is geen verbinding gevonden binnen {PATH_DEPTH} stappen.")
    if a.center == b.center:
        result = PathResult(True, [nodes[a.center]], [])
    else:
        try:
            ids = nx.shortest_path(g, a.center, b.center)
        except nx.NetworkXNoPath:
            ids = []
        if ids and len(ids) - 1 <= PATH_DEPTH:
            result = PathResult(True, [nodes[n] for n in ids], [g.edges[x, y]["edge"] for x, y in pairwise(ids)])
    logbook.record(session, principal, logbook.READ, object_type="subject", object_id=a.center, purpose=purpose or
                   "netwerk", details={"netwerkpad": True, "naar": b.center, "gevonden": result.found,
                                       "subjectenMetGegevens": sorted(n.id for n in result.nodes
                                                                      if n.kind in KINDS and n.visible)})
    return a.center, b.center, result


def parse_types(raw: str | None) -> tuple[frozenset[str] | None, list[str]]:
    """A comma list of relation types; returns the set and the unknown ones."""
    if raw is None or not raw.strip():
        return None, []
    given = [t.strip() for t in raw.split(",") if t.strip()]
    return frozenset(t for t in given if t in RELATION_TYPES), [t for t in given if t not in RELATION_TYPES]


def nodes_by_id(net: Network, ids: Iterable[str]) -> list[Node]:
    return [net.nodes[i] for i in ids if i in net.nodes]

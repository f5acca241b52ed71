"""A subject's network for other tools: FollowTheMoney entities (JSON lines) and GEXF (Gephi).

Only what the reader may see leaves: the FtM export holds the subjects whose details are open to
the reader (privacy check 1) and the relations between them; placeholders, signals and cases are
not FtM entities. The GEXF file is the drawn network itself: placeholders without a label.
Both are logged as exports.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session

from weerbaar.access import logbook
from weerbaar.access.policy import source_records_visible
from weerbaar.access.principal import Principal
from weerbaar.ingest.models import SourceRecord
from weerbaar.picture.network import RECORD_TYPES, Network, log_read
from weerbaar.resolve import ftm
from weerbaar.resolve.models import KINDS, SubjectLink


def ftm_entities(session: Session, principal: Principal, net: Network) -> Iterator[dict[str, Any]]:
    """The open subjects of the network as Person/Company/Address, then their relations
    (Directorship, Ownership of a RealEstate, Payment, UnknownLink for residence, tenancy, seat)."""
    open_ids = sorted(n.id for n in net.nodes.values() if n.kind in KINDS and n.visible)
    subjects: dict[str, ftm.SubjectMentions] = {
        sid: ftm.SubjectMentions(sid, net.nodes[sid].kind, net.nodes[sid].label or "", []) for sid in open_ids}
    if open_ids:
        rows = session.execute(
            select(SubjectLink.subject_id, SubjectLink.role, SourceRecord.source, SourceRecord.data)
            .join(SourceRecord, SourceRecord.id == SubjectLink.record_id)
            .where(SubjectLink.subject_id.in_(open_ids), source_records_visible(principal))
            .order_by(SubjectLink.subject_id, SourceRecord.id))
        for sid, role, source, data in rows:
            subjects[sid].mentions.append((role, source, data or {}))
    relations = [
        ftm.Relation(e.type, e.source, e.target, e.start, e.end, e.origin or "", e.key or "", e.detail, e.amount_eur)
        for e in sorted(net.edges.values(), key=lambda e: e.ident)
        if e.type in RECORD_TYPES and e.source in subjects and e.target in subjects
    ]
    address_of: dict[str, list[str]] = {}
    for r in relations:
        if r.type in ftm.CURRENT_ADDRESS and not r.end and r.to_subject not in address_of.get(r.from_subject, []):
            address_of.setdefault(r.from_subject, []).append(r.to_subject)
    for subject in subjects.values():
        yield ftm.subject_entity(subject, address_of).to_dict()
    real_estate: dict[str, Any] = {}
    for relation in relations:
        for entity in ftm.relation_entities(relation, real_estate):
            yield entity.to_dict()


def ftm_lines(session: Session, principal: Principal, net: Network, purpose: str | None = None) -> str:
    """The FtM export as JSON lines, logged as an export."""
    lines = [json.dumps(e, ensure_ascii=False, sort_keys=True) for e in ftm_entities(session, principal, net)]
    log_read(session, principal, net, purpose, logbook.EXPORT, {"formaat": "ftm", "entiteiten": len(lines)})
    return "".join(line + "\n" for line in lines)


def gexf(session: Session, principal: Principal, net: Network, purpose: str | None = None) -> str:
    """The drawn network as GEXF 1.2 (networkx), logged as an export."""
    g = nx.Graph()
    for n in sorted(net.nodes.values(), key=lambda n: n.id):
        g.add_node(n.id, label=n.label or (n.id if n.visible else "bekend (privacytoets 1 nodig)"), soort=n.kind,
                   gegevensZichtbaar=n.visible, diepte=n.depth)
    for e in sorted(net.edges.values(), key=lambda e: e.ident):  # ("type" is GEXF's own attribute)
        if g.has_edge(e.source, e.target):  # a simple graph: several relations on one pair become one edge
            g.edges[e.source, e.target]["relatietype"] += f",{e.type}"
            continue
        g.add_edge(e.source, e.target, relatietype=e.type, omschrijving=e.label, vanaf=e.start or "", tot=e.end or "")
    text = "\n".join(nx.generate_gexf(g)) + "\n"
    log_read(session, principal, net, purpose, logbook.EXPORT, {"formaat": "gexf"})
    return text

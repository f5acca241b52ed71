"""FollowTheMoney entities as a source: which subjects an FtM record mentions, and which
relations a set of FtM records holds (payments, addresses, directorships, ownership).

An imported FtM entity is one source record (source `ftm`, record_key = the entity id,
data = {"id", "schema", "properties"}). Persons, companies and addresses become mentions
under the role `entiteit`, with the same standard fields as every other source, so the
matching model never needs to know an entity came from FtM. Edges between entities
(Payment, Directorship, Ownership, addressEntity) are not mentions: they relate two
records, and `ftm_relations` lists them for the subject cards and the FtM export.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from weerbaar.access.policy import source_records_visible, subjects_visible
from weerbaar.access.principal import Principal
from weerbaar.core.names import display_name, fold, split_full_name
from weerbaar.ingest.models import SourceRecord
from weerbaar.resolve.mentions import RELATIONS, Mention, mentions_of
from weerbaar.resolve.models import ADDRESS, COMPANY, PERSON, Subject, SubjectLink

ROLE = "entiteit"
PERSON_SCHEMATA = frozenset({"Person"})
COMPANY_SCHEMATA = frozenset({"Company", "Organization", "LegalEntity", "PublicBody"})
ADDRESS_SCHEMATA = frozenset({"Address"})

# Forms of address and academic titles that precede names in FtM data ("Frau Dr. Irene
# Nierstenhöfer"): not part of the name, and they would spoil the first-name comparison.
TITLES = frozenset({
    "herr", "frau", "dr", "prof", "dipl", "ing", "med", "phil", "rer", "nat", "jur", "hc", "dipl-ing",
    "mr", "mrs", "ms", "dhr", "mevr", "mevrouw", "ir", "drs", "bsc", "msc", "mba", "sir", "dame", "mme",
})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KVK = re.compile(r"^\d{8}$")
_DUTCH_POSTCODE = re.compile(r"^\s*([1-9]\d{3})\s*([A-Za-z]{2})\s*$")
# "Keizersgracht 12", "Keizersgracht 12A", "Keizersgracht 12-3", "Keizersgracht 12 bis"
_STREET_NUMBER = re.compile(
    r"^(?P<street>.*?)\s+(?P<number>\d{1,5})\s*(?P<letter>[A-Za-z])?(?:\s*[-/ ]\s*(?P<add>\w{1,4}))?$"
)


def _first(properties: dict[str, Any], name: str) -> str | None:
    values = properties.get(name) or []
    if isinstance(values, str):
        values = [values]
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _all(properties: dict[str, Any], name: str) -> list[str]:
    values = properties.get(name) or []
    if isinstance(values, str):
        values = [values]
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def strip_titles(name: str) -> str:
    """"Frau Dr. Irene Nierstenhöfer" -> "Irene Nierstenhöfer" (a name that is nothing but
    titles is kept as it is)."""
    kept = [w for w in name.split() if fold(w).strip(",").replace(".", "") not in TITLES]
    return " ".join(kept) if kept else name.strip()


def _person_fields(properties: dict[str, Any]) -> dict[str, Any] | None:
    first, last = _first(properties, "firstName"), _first(properties, "lastName")
    if last:  # the entity's own split beats ours; particles may still sit in lastName
        voornamen = strip_titles(first) if first else ""
        _, tussenvoegsel, geslachtsnaam = split_full_name(strip_titles(last))
    else:
        name = _first(properties, "name")
        if not name:
            return None
        voornamen, tussenvoegsel, geslachtsnaam = split_full_name(strip_titles(name))
    born = next((d[:10] for d in _all(properties, "birthDate") if _ISO_DATE.match(d[:10])), None)
    return {
        "voornamen": voornamen or None, "tussenvoegsel": tussenvoegsel or None,
        "geslachtsnaam": geslachtsnaam or None, "geboortedatum": born, "bsn": None, "adres_id": None,
    }


def _company_fields(properties: dict[str, Any]) -> dict[str, Any] | None:
    name = _first(properties, "name")
    numbers = [re.sub(r"\s", "", n) for n in _all(properties, "registrationNumber")]
    kvk = next((n for n in numbers if _KVK.match(n)), None)
    if not name and not kvk:
        return None
    return {"kvk_nummer": kvk, "naam": name, "adres_id": None}


def _full_address(properties: dict[str, Any]) -> str | None:
    full = _first(properties, "full")
    if full:
        return full
    parts = [p for p in (_first(properties, "street"), _first(properties, "postalCode"), _first(properties, "city"))
             if p]
    return ", ".join(parts) or None


def _address_fields(properties: dict[str, Any]) -> dict[str, Any] | None:
    """Dutch addresses get postcode + huisnummer (the key every Dutch source shares); any
    other address is keyed by its folded full text (`adres_tekst`)."""
    fields: dict[str, Any] = {"adres_id": None, "postcode": None, "huisnummer": None, "huisletter": None,
                              "toevoeging": None}
    countries = {fold(c) for c in _all(properties, "country")}
    postcode = _DUTCH_POSTCODE.match(_first(properties, "postalCode") or "")
    street = _STREET_NUMBER.match(_first(properties, "street") or "")
    if postcode and street and (not countries or countries & {"nl", "nederland", "netherlands"}):
        fields.update(
            postcode=(postcode.group(1) + postcode.group(2)).upper(), huisnummer=int(street["number"]),
            huisletter=(street["letter"] or "").upper() or None, toevoeging=(street["add"] or "").upper() or None,
        )
        return fields
    full = _full_address(properties)
    if not full:
        return None
    fields["adres_tekst"] = fold(full)
    return fields


def ftm_mentions(record_id: int, data: dict[str, Any]) -> Iterator[Mention]:
    """The person, company or address an FtM entity is (role `entiteit`); edges mention none."""
    schema = data.get("schema")
    properties = data.get("properties") or {}
    if not isinstance(properties, dict):
        return
    if schema in PERSON_SCHEMATA:
        fields, kind = _person_fields(properties), PERSON
        if fields is not None and not fields["geslachtsnaam"]:
            fields = None
    elif schema in COMPANY_SCHEMATA:
        fields, kind = _company_fields(properties), COMPANY
    elif schema in ADDRESS_SCHEMATA:
        fields, kind = _address_fields(properties), ADDRESS
    else:
        return
    if fields is not None:
        yield Mention(record_id, ROLE, kind, fields)


# --- relations between FtM entities ---------------------------------------------------------


@dataclass(frozen=True)
class FtmRelation:
    """An edge between two FtM entities, by their FtM ids."""

    type: str  # betaling | bewoning | vestiging | bestuur | eigendom
    entity_id: str  # the FtM entity the edge is written in (the Payment, or the Person with addressEntity)
    from_id: str
    to_id: str
    start: str | None = None
    end: str | None = None
    detail: str | None = None  # function, or the amount of a payment as written
    amount_eur: str | None = None


# Edge schemata: (source property, target property, relation type, detail property).
EDGES: dict[str, tuple[str, str, str, str | None]] = {
    "Payment": ("payer", "beneficiary", "betaling", "purpose"),
    "Directorship": ("director", "organization", "bestuur", "role"),
    "Ownership": ("owner", "asset", "eigendom", "role"),
}


def _ids(properties: dict[str, Any], name: str) -> list[str]:
    """Entity references: ids, or (in nested FtM JSON) whole entities with an id."""
    out = []
    for value in properties.get(name) or []:
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            out.append(value["id"])
        elif isinstance(value, str) and value:
            out.append(value)
    return out


def _date(properties: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = _first(properties, name)
        if value:
            return value
    return None


def ftm_relations(entities: Iterable[dict[str, Any]]) -> Iterator[FtmRelation]:
    """Every edge the given FtM entities hold: Payment payer->beneficiary (betaling),
    Directorship (bestuur), Ownership (eigendom), and an entity's addressEntity (a person's
    residence: bewoning; an organisation's seat: vestiging)."""
    for entity in entities:
        entity_id, schema = entity.get("id"), entity.get("schema")
        properties = entity.get("properties") or {}
        if not isinstance(entity_id, str) or not isinstance(properties, dict):
            continue
        if schema in EDGES:
            source_prop, target_prop, type_, detail_prop = EDGES[schema]
            start = _date(properties, "date", "startDate")
            end = _first(properties, "endDate")
            detail = _first(properties, detail_prop) if detail_prop else None
            amount = _first(properties, "amountEur") or (_first(properties, "amount") if schema == "Payment" else None)
            for a in _ids(properties, source_prop):
                for b in _ids(properties, target_prop):
                    yield FtmRelation(type_, entity_id, a, b, start, end, detail, amount)
        if schema in PERSON_SCHEMATA | COMPANY_SCHEMATA:
            type_ = "bewoning" if schema in PERSON_SCHEMATA else "vestiging"
            for address in _ids(properties, "addressEntity"):
                yield FtmRelation(type_, entity_id, entity_id, address)


# --- export: subjects and their dated relations as FtM entities -------------------------------
#
# Subjects become Person, Company and Address entities with ids derived from the subject id
# (`weerbaar-P-000001`), so a re-export after a new run names the same subject the same way.
# FtM has no schema for residence, tenancy or an establishment address: they are written as
# UnknownLink (subject -> Address, role bewoning | huur | vestiging, start and end date) and,
# while current, also as the entity's `addressEntity`. A purchase is an Ownership of a
# RealEstate (FtM's asset for a building) at the address; directorships are Directorships;
# imported FtM payments are Payments between the subjects of payer and beneficiary.

ID_PREFIX = "weerbaar"
LINK_SCHEMA = {"bewoning": "UnknownLink", "huur": "UnknownLink", "vestiging": "UnknownLink"}


def entity_id(subject_id: str) -> str:
    return f"{ID_PREFIX}-{subject_id}"


def real_estate_id(address_subject_id: str) -> str:
    return f"{ID_PREFIX}-vastgoed-{address_subject_id}"


@dataclass
class Relation:
    """A dated relation between two subjects, whatever it came from."""

    type: str
    from_subject: str
    to_subject: str
    start: str | None
    end: str | None
    source: str
    key: str
    detail: str | None = None
    amount_eur: str | None = None


@dataclass
class SubjectMentions:
    """A subject with its linked records (role, source, data) for building its entity."""

    id: str
    kind: str
    label: str
    mentions: list[tuple[str, str, dict[str, Any]]]


def _house(data: dict[str, Any]) -> str:
    number = data.get("huisnummer")
    if number in (None, ""):
        return ""
    letter = data.get("huisletter") or ""
    addition = f"-{data['toevoeging']}" if data.get("toevoeging") else ""
    return f"{number}{letter}{addition}"


def _model() -> Any:
    """The FtM model, imported on first use: only the export needs it (0.6 s to load)."""
    from followthemoney import model

    return model


def _ranked_fields(s: SubjectMentions, first: str) -> list[dict[str, Any]]:
    """The standard fields of the subject's mentions, the authoritative source first."""
    out: list[tuple[int, dict[str, Any]]] = []
    for role, source, data in s.mentions:
        for m in mentions_of(0, source, data):
            if m.role == role:
                out.append((0 if source == first else 1, m.fields))
    return [fields for _, fields in sorted(out, key=lambda x: x[0])]


def _person_entity(s: SubjectMentions) -> Any:
    entity = _model().make_entity("Person")
    entity.id = entity_id(s.id)
    for fields in _ranked_fields(s, "personen"):
        if fields.get("geslachtsnaam"):
            name = display_name(fields.get("voornamen"), fields.get("tussenvoegsel"), fields["geslachtsnaam"])
            # The authoritative rendering is the name; how other sources wrote it, aliases.
            if not entity.has("name"):
                entity.add("name", name)
            elif name not in entity.get("name"):
                entity.add("alias", name)
            entity.add("firstName", fields.get("voornamen"))
            entity.add("lastName", display_name(None, fields.get("tussenvoegsel"), fields["geslachtsnaam"]))
        entity.add("birthDate", fields.get("geboortedatum"))
    if not entity.has("name"):
        entity.add("name", s.label or s.id)
    return entity


def _company_entity(s: SubjectMentions) -> Any:
    entity = _model().make_entity("Company")
    entity.id = entity_id(s.id)
    for fields in _ranked_fields(s, "bedrijven"):
        name = fields.get("naam")
        if name and not entity.has("name"):
            entity.add("name", name)
        elif name and name not in entity.get("name"):
            entity.add("alias", name)
        if fields.get("kvk_nummer"):
            entity.add("registrationNumber", fields["kvk_nummer"])
            entity.add("jurisdiction", "nl")
    if not entity.has("name"):
        entity.add("name", s.label or s.id)
    return entity


def _address_entity(s: SubjectMentions) -> Any:
    """An Address from the best record: the address register, else an FtM address, else
    postcode and house number as any source gave them."""
    entity = _model().make_entity("Address")
    entity.id = entity_id(s.id)
    register = next((d for _, source, d in s.mentions if source == "adressen"), None)
    ftm = next((d for _, source, d in s.mentions if source == "ftm"), None)
    other = next((d for _, _, d in s.mentions if d.get("postcode")), None)
    if register is not None:
        street = " ".join(p for p in (register.get("straat"), _house(register)) if p)
        postcode = register.get("postcode") or ""
        pretty = f"{postcode[:4]} {postcode[4:]}".strip()
        entity.add("street", street)
        entity.add("postalCode", pretty)
        entity.add("city", register.get("woonplaats"))
        entity.add("full", ", ".join(p for p in (street, " ".join(p for p in (pretty, register.get("woonplaats")) if p))
                                     if p))
        entity.add("country", "nl")
    elif ftm is not None:
        props = ftm.get("properties") or {}
        for name in ("full", "street", "postalCode", "city", "country"):
            entity.add(name, _all(props, name))
    elif other is not None:
        entity.add("postalCode", other.get("postcode"))
        entity.add("full", f"{other.get('postcode')} {_house(other)}".strip())
        entity.add("country", "nl")
    if not entity.has("full"):
        entity.add("full", s.label or s.id)
    return entity


ENTITY_BUILDERS = {PERSON: _person_entity, COMPANY: _company_entity, ADDRESS: _address_entity}


def subject_entity(s: SubjectMentions, address_of: dict[str, list[str]]) -> Any:
    entity = ENTITY_BUILDERS[s.kind](s)
    if s.kind != ADDRESS:
        for address in address_of.get(s.id, []):
            entity.add("addressEntity", entity_id(address))
    return entity


def relation_entities(r: Relation, real_estate: dict[str, Any]) -> list[Any]:
    """The FtM entities of one relation (an Ownership also needs the RealEstate it owns)."""
    model = _model()
    a, b = entity_id(r.from_subject), entity_id(r.to_subject)
    parts = (ID_PREFIX, r.type, r.source, r.key, r.from_subject, r.to_subject)
    out: list[Any] = []
    if r.type == "bestuur":
        e = model.make_entity("Directorship")
        e.add("director", a)
        e.add("organization", b)
        e.add("role", r.detail)
    elif r.type == "eigendom":
        if r.to_subject not in real_estate:
            asset = model.make_entity("RealEstate")
            asset.id = real_estate_id(r.to_subject)
            asset.add("addressEntity", b)
            real_estate[r.to_subject] = asset
            out.append(asset)
        e = model.make_entity("Ownership")
        e.add("owner", a)
        e.add("asset", real_estate_id(r.to_subject))
    elif r.type == "betaling":
        e = model.make_entity("Payment")
        e.add("payer", a)
        e.add("beneficiary", b)
        e.add("amountEur", r.amount_eur)
        e.add("currency", "eur" if r.amount_eur else None)
    else:
        e = model.make_entity(LINK_SCHEMA.get(r.type, "UnknownLink"))
        e.add("subject", a)
        e.add("object", b)
        e.add("role", r.type)
    e.make_id(*parts)
    e.add("startDate" if r.type != "betaling" else "date", r.start)
    e.add("endDate", r.end)
    e.add("recordId", f"{r.source}:{r.key}")
    out.append(e)
    return out


def _export_subjects(session: Session, principal: Principal) -> tuple[dict[str, SubjectMentions], dict[str, str]]:
    """Visible, current subjects with their visible records; and FtM entity id -> subject id."""
    rows = session.execute(
        select(Subject.id, Subject.kind, Subject.label, SubjectLink.role, SourceRecord.source, SourceRecord.data,
               SourceRecord.record_key)
        .join(SubjectLink, SubjectLink.subject_id == Subject.id)
        .join(SourceRecord, SourceRecord.id == SubjectLink.record_id)
        .where(subjects_visible(principal), source_records_visible(principal), Subject.merged_into.is_(None),
               Subject.retired_at.is_(None))
        .order_by(Subject.id, SourceRecord.id)
    )
    subjects: dict[str, SubjectMentions] = {}
    ftm_keys: dict[str, str] = {}
    for sid, kind, label, role, source, data, key in rows:
        subject = subjects.setdefault(sid, SubjectMentions(sid, kind, label, []))
        subject.mentions.append((role, source, data or {}))
        if source == "ftm":
            ftm_keys[key] = sid
    return subjects, ftm_keys


def _record_relations(
    session: Session, principal: Principal, subjects: dict[str, SubjectMentions]
) -> Iterator[Relation]:
    """Relations between two mentions of one record (resolve.mentions.RELATIONS), one query."""
    rules = {(r.source, r.from_role, r.to_role): r for r in RELATIONS}
    mine, theirs = aliased(SubjectLink), aliased(SubjectLink)
    rows = session.execute(
        select(mine.subject_id, mine.role, theirs.subject_id, theirs.role, SourceRecord.source, SourceRecord.data,
               SourceRecord.record_key)
        .select_from(mine)
        .join(SourceRecord, SourceRecord.id == mine.record_id)
        .join(theirs, and_(theirs.record_id == mine.record_id, theirs.role != mine.role))
        .where(source_records_visible(principal), SourceRecord.source.in_(sorted({r.source for r in RELATIONS})))
        .order_by(SourceRecord.id)
    )
    for a, role_a, b, role_b, source, data, key in rows:
        rule = rules.get((source, role_a, role_b))
        if rule is None or a not in subjects or b not in subjects:
            continue
        data = data or {}
        detail = data.get(rule.detail) if rule.detail else None
        yield Relation(rule.type, a, b, _iso(data.get(rule.start)) if rule.start else None,
                       _iso(data.get(rule.end)) if rule.end else None, source, key, detail)


def _iso(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _ftm_export_relations(
    session: Session, principal: Principal, subjects: dict[str, SubjectMentions], ftm_keys: dict[str, str]
) -> Iterator[Relation]:
    """Edges between imported FtM entities (payments, addressEntity, ...) between exported subjects."""
    edges = session.scalars(
        select(SourceRecord.data).where(SourceRecord.source == "ftm", SourceRecord.superseded_at.is_(None),
                                        source_records_visible(principal),
                                        SourceRecord.data["schema"].as_string().in_(sorted(EDGES)))
    )
    own = (data for s in subjects.values() for _, source, data in s.mentions if source == "ftm")
    seen: set[tuple[str, str, str, str]] = set()
    for edge in ftm_relations([*edges, *own]):
        a, b = ftm_keys.get(edge.from_id), ftm_keys.get(edge.to_id)
        if a is None or b is None or (edge.type, edge.entity_id, a, b) in seen:
            continue
        seen.add((edge.type, edge.entity_id, a, b))
        yield Relation(edge.type, a, b, edge.start, edge.end, "ftm", edge.entity_id, edge.detail, edge.amount_eur)


CURRENT_ADDRESS = ("bewoning", "huur", "vestiging")


@dataclass
class ExportFigures:
    subjects: int = 0
    relations: int = 0
    entities: int = 0


def export_entities(session: Session, principal: Principal, figures: ExportFigures | None = None) -> Iterator[dict]:
    """Every visible current subject as an FtM entity, then every relation between them.
    A person's or company's current residence, tenancy or seat is also its addressEntity."""
    figures = figures if figures is not None else ExportFigures()
    subjects, ftm_keys = _export_subjects(session, principal)
    relations = [*_record_relations(session, principal, subjects),
                 *_ftm_export_relations(session, principal, subjects, ftm_keys)]
    address_of: dict[str, list[str]] = {}
    for r in relations:
        if r.type in CURRENT_ADDRESS and not r.end and r.to_subject not in address_of.get(r.from_subject, []):
            address_of.setdefault(r.from_subject, []).append(r.to_subject)
    for subject in subjects.values():
        figures.subjects += 1
        figures.entities += 1
        yield subject_entity(subject, address_of).to_dict()
    real_estate: dict[str, Any] = {}
    for relation in relations:
        figures.relations += 1
        for entity in relation_entities(relation, real_estate):
            figures.entities += 1
            yield entity.to_dict()

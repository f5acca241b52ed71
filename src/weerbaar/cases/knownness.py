"""The hit/no-hit check (bekendheidscheck): is a person, company or address known at other
organisations? The answer per organisation is known or not, with whom to contact — never content.

It runs on pseudonymised match keys, not on the data: `KnownnessKey` holds, per organisation, a
keyed hash (`core.pseudonyms.match_key`, the installation's secret) of every normalised identifier
the organisation knows from its own signals (parties and address) and from the extracts it
delivered (source records: the persons, companies and addresses they mention). A question is
normalised and hashed the same way and looked up; the keys table reveals no identifier.

Normalisation (`person_keys`, `company_key`, `address_keys`):
- BSN: the 9 digits (eleven-test passed);
- person without BSN: surname and birth date. The surname without particles ("de Vries", "Vries,
  J. de", "J. DE VRIES" → vries) and, as a second key, with its particles joined ("vandenberg",
  which also meets "Vandenberg" written as one word); first names are left out, so "J." and "Jan"
  meet. Twins with one surname share the key: a hit means "ask", not "it is this person";
- company: the KvK number (8 digits);
- address: the BAG id and postcode + house number + letter + addition, both when the address
  register knows the other form, so a question by either form meets a record holding either.

`refresh_keys` rebuilds the keys idempotently (the end of `weerbaar analyseer`); `add_signal_keys`
adds a new signal's keys at registration. `ask` validates a question (every problem at once),
answers it, records the question and one answer per organisation asked (appended, never edited)
and logs it with the identifier as a pseudonym only. `questions_about` lets an organisation see
that it was asked: who, when, why, on which basis, and what it answered — not about whom.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, selectinload

from weerbaar.access import logbook, rights
from weerbaar.access.principal import Principal
from weerbaar.cases.models import KnownnessAnswer, KnownnessKey, KnownnessQuery
from weerbaar.core import identifiers
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.clock import as_utc, now
from weerbaar.core.errors import FieldError, Forbidden, ValidationFailed
from weerbaar.core.models import Address, Organisation, User
from weerbaar.core.names import joined_surname, split_full_name, surname_core, tokens
from weerbaar.core.pseudonyms import match_key, pseudonymise
from weerbaar.ingest.models import SourceRecord
from weerbaar.intake.models import Signal
from weerbaar.resolve.mentions import mentions_of
from weerbaar.resolve.models import ADDRESS, COMPANY, PERSON

BSN, NAME_BIRTH, KVK, ADDRESS_KEY = "bsn", "naam_geboortedatum", "kvk", "adres"
KIND_LABELS = {BSN: "persoon (BSN)", NAME_BIRTH: "persoon (naam en geboortedatum)", KVK: "bedrijf (KvK-nummer)",
               ADDRESS_KEY: "adres"}
# The address register itself: every address is "known" there, which would make every answer a hit.
NOT_KNOWING_SOURCES = {"adressen"}
MIN_PURPOSE_WORDS = 3
NO_ASK = "Uw rol mag niet vragen of een persoon, bedrijf of adres bij andere organisaties bekend is."

Key = tuple[str, str]  # (kind, normalised value)


# --- normalisation ---------------------------------------------------------------------------


def _hashed(keys: Iterable[Key]) -> set[tuple[str, str]]:
    return {(kind, match_key(f"{kind}:{value}")) for kind, value in keys}


def person_keys(*, bsn: str | None = None, given: str | None = None, prefix: str | None = None,
                surname: str | None = None, born: date | str | None = None) -> set[Key]:
    out: set[Key] = set()
    if bsn:
        with contextlib.suppress(identifiers.InvalidIdentifier):
            out.add((BSN, identifiers.bsn(str(bsn))))
    if surname and born:
        day = born.isoformat() if isinstance(born, date) else str(born)[:10]
        for variant in {surname_core(prefix, surname), joined_surname(prefix, surname)}:
            if variant:
                out.add((NAME_BIRTH, f"{variant}|{day}"))
    return out


def company_key(kvk: str | None) -> set[Key]:
    if not kvk:
        return set()
    try:
        return {(KVK, identifiers.kvk_nummer(str(kvk)))}
    except identifiers.InvalidIdentifier:
        return set()


def _house(postcode: str, number: Any, letter: Any, addition: Any) -> str:
    return "|".join((postcode, str(int(number)), str(letter or "").strip().upper(),
                     "".join(tokens(str(addition or ""))).upper()))


@dataclass
class AddressIndex:
    """The address register, to translate a BAG id into postcode + number and back."""

    by_id: dict[str, str]
    by_house: dict[str, str]

    @classmethod
    def load(cls, session: Session, ids: Iterable[str] = (), houses: Iterable[str] = ()) -> AddressIndex:
        ids, houses = set(ids), set(houses)
        rows: list[Any] = []
        if ids:
            rows += session.execute(select(Address.id, Address.postcode, Address.house_number, Address.house_letter,
                                           Address.addition).where(Address.id.in_(sorted(ids)))).all()
        postcodes = {h.split("|", 1)[0] for h in houses}
        if postcodes:
            rows += session.execute(select(Address.id, Address.postcode, Address.house_number, Address.house_letter,
                                           Address.addition).where(Address.postcode.in_(sorted(postcodes)))).all()
        by_id = {a: _house(pc, nr, letter, add) for a, pc, nr, letter, add in rows if pc and nr is not None}
        return cls(by_id, {house: a for a, house in by_id.items()})


def address_keys(index: AddressIndex | None, *, address_id: str | None = None, postcode: str | None = None,
                 number: Any = None, letter: Any = None, addition: Any = None) -> set[Key]:
    out: set[Key] = set()
    house = None
    if postcode and number not in (None, ""):
        try:
            house = _house(identifiers.postcode(str(postcode)), number, letter, addition)
        except (identifiers.InvalidIdentifier, ValueError):
            house = None
    if address_id:
        out.add((ADDRESS_KEY, f"bag:{address_id}"))
        if house is None and index is not None:
            house = index.by_id.get(address_id)
    if house:
        out.add((ADDRESS_KEY, f"huis:{house}"))
        if not address_id and index is not None and (found := index.by_house.get(house)):
            out.add((ADDRESS_KEY, f"bag:{found}"))
    return out


def _wanted_houses(address_id: Any, postcode: Any, number: Any, letter: Any, addition: Any) -> tuple[str, str]:
    house = ""
    if postcode and number not in (None, ""):
        try:
            house = _house(identifiers.postcode(str(postcode)), number, letter, addition)
        except (identifiers.InvalidIdentifier, ValueError):
            house = ""
    return str(address_id or ""), house


# --- what each organisation knows ----------------------------------------------------------


def _signal_keys(signal: Signal, index: AddressIndex | None) -> set[Key]:
    out = address_keys(index, address_id=signal.address_id, postcode=signal.postcode, number=signal.house_number,
                       letter=signal.house_letter, addition=signal.addition)
    for p in signal.parties:
        if p.kind == PERSON:
            out |= person_keys(bsn=p.bsn, given=p.given_names, prefix=p.surname_prefix, surname=p.surname,
                               born=p.birth_date)
        elif p.kind == COMPANY:
            out |= company_key(p.kvk_number)
    return out


def _record_keys(record_id: int, source: str, data: dict[str, Any], index: AddressIndex | None) -> set[Key]:
    out: set[Key] = set()
    for m in mentions_of(record_id, source, data):
        f = m.fields
        if m.kind == PERSON:
            out |= person_keys(bsn=f.get("bsn"), given=f.get("voornamen"), prefix=f.get("tussenvoegsel"),
                               surname=f.get("geslachtsnaam"), born=f.get("geboortedatum"))
        elif m.kind == COMPANY:
            out |= company_key(f.get("kvk_nummer"))
        elif m.kind == ADDRESS and source not in NOT_KNOWING_SOURCES:
            out |= address_keys(index, address_id=f.get("adres_id"), postcode=f.get("postcode"),
                                number=f.get("huisnummer"), letter=f.get("huisletter"), addition=f.get("toevoeging"))
    return out


def _known_by(session: Session, organisation_ids: set[str]) -> Iterator[tuple[str, set[Key]]]:
    """Per organisation: the normalised identifiers of its signals and its current delivered
    records, wherever they are (an organisation may serve more than one municipality)."""
    for org in sorted(organisation_ids):
        signals = session.scalars(select(Signal).options(selectinload(Signal.parties))
                                  .where(Signal.organisation_id == org)).all()
        records = session.execute(
            select(SourceRecord.id, SourceRecord.source, SourceRecord.data)
            .where(SourceRecord.organisation_id == org, SourceRecord.superseded_at.is_(None))).all()
        ids = {s.address_id for s in signals if s.address_id} | {
            str(d.get("adres_id")) for _, _, d in records if (d or {}).get("adres_id")}
        houses = {h for s in signals for _, h in [_wanted_houses(None, s.postcode, s.house_number, s.house_letter,
                                                                  s.addition)] if h}
        index = AddressIndex.load(session, ids, houses)
        keys: set[Key] = set()
        for s in signals:
            keys |= _signal_keys(s, index)
        for record_id, source, data in records:
            keys |= _record_keys(record_id, source, data or {}, index)
        yield org, keys


def _store(session: Session, organisation_id: str, hashed: set[tuple[str, str]], *, replace: bool) -> tuple[int, int]:
    """Make the stored keys of an organisation `hashed` (replace) or add the missing ones."""
    existing = {(kind, h): key_id for key_id, kind, h in session.execute(
        select(KnownnessKey.id, KnownnessKey.kind, KnownnessKey.key_hash)
        .where(KnownnessKey.organisation_id == organisation_id)).all()}
    stale = [key_id for pair, key_id in existing.items() if pair not in hashed] if replace else []
    for i in range(0, len(stale), 500):
        session.execute(delete(KnownnessKey).where(KnownnessKey.id.in_(stale[i:i + 500])))
    new = sorted(hashed - set(existing))
    at = now()
    session.add_all(KnownnessKey(organisation_id=organisation_id, kind=kind, key_hash=h, refreshed_at=at)
                    for kind, h in new)
    session.flush()
    return len(new), len(stale)


def refresh_keys(session: Session, municipality_code: str) -> dict[str, int]:
    """Rebuild the match keys of every organisation with signals or delivered extracts in the
    municipality (idempotent: a second run changes nothing). Returns figures."""
    orgs = set(session.scalars(select(Signal.organisation_id).where(Signal.municipality_code == municipality_code)
                               .distinct())) | set(session.scalars(
        select(SourceRecord.organisation_id).where(SourceRecord.municipality_code == municipality_code).distinct()))
    added = removed = total = 0
    for org, keys in _known_by(session, orgs):
        hashed = _hashed(keys)
        a, r = _store(session, org, hashed, replace=True)
        added, removed, total = added + a, removed + r, total + len(hashed)
    return {"organisaties": len(orgs), "sleutels": total, "toegevoegd": added, "verwijderd": removed}


def add_signal_keys(session: Session, signal: Signal) -> int:
    """A newly registered signal's keys for its organisation (cheap: one signal)."""
    wanted_id, house = _wanted_houses(signal.address_id, signal.postcode, signal.house_number, signal.house_letter,
                                      signal.addition)
    index = AddressIndex.load(session, [wanted_id] if wanted_id else [], [house] if house else [])
    added, _ = _store(session, signal.organisation_id, _hashed(_signal_keys(signal, index)), replace=False)
    return added


# --- the question ----------------------------------------------------------------------------


@dataclass
class Question:
    """A hit/no-hit question as asked (API fields), validated by `validate`."""

    naam: str | None = None
    geboortedatum: date | None = None
    bsn: str | None = None
    persoon_given: bool = False
    kvk_nummer: str | None = None
    adres_id: str | None = None
    postcode: str | None = None
    huisnummer: int | None = None
    huisletter: str | None = None
    toevoeging: str | None = None
    doel: str | None = None
    grondslag: str | None = None


@dataclass
class Validated:
    kind: str
    keys: set[Key]
    primary: Key


def _check(errors: list[FieldError], name: str, fn: Any, value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(fn(value))
    except identifiers.InvalidIdentifier as exc:
        errors.append(FieldError(name, exc.code, exc.reason))
        return None


def _person(q: Question, errors: list[FieldError]) -> set[Key] | None:
    bsn = _check(errors, "persoon.bsn", identifiers.bsn, q.bsn)
    if q.bsn:
        if q.naam or q.geboortedatum:
            errors.append(FieldError("persoon", "bsn_of_naam", "Vraag met het BSN, of met naam en geboortedatum; "
                                                               "niet met beide."))
        return {(BSN, bsn)} if bsn else None
    if not q.naam:
        errors.append(FieldError("persoon.naam", "missing", "Geef de naam (met geboortedatum), of het BSN."))
    if not q.geboortedatum:
        errors.append(FieldError("persoon.geboortedatum", "missing",
                                 "Geef de geboortedatum: naam alleen is te weinig om een persoon te herkennen."))
    if not q.naam:
        return None
    given, prefix, surname = split_full_name(q.naam)
    if not tokens(surname):
        errors.append(FieldError("persoon.naam", "naam_ongeldig", "Een naam bevat minstens één letter of cijfer."))
        return None
    return person_keys(given=given, prefix=prefix, surname=surname, born=q.geboortedatum) or None


def _address(session: Session, q: Question, errors: list[FieldError]) -> set[Key] | None:
    address_id = _check(errors, "adresId", identifiers.bag_id, q.adres_id)
    postcode = _check(errors, "postcode", identifiers.postcode, q.postcode)
    if q.adres_id and (q.postcode or q.huisnummer is not None):
        errors.append(FieldError("adresId", "adresId_of_postcode", "Vraag met het adresId, of met postcode en "
                                                                   "huisnummer; niet met beide."))
        return None
    if not q.adres_id:
        if not q.postcode:
            errors.append(FieldError("postcode", "postcode_ontbreekt", "Een huisnummer hoort bij een postcode."))
        if q.huisnummer is None:
            errors.append(FieldError("huisnummer", "missing", "Geef het huisnummer bij de postcode."))
    if errors:
        return None
    wanted_id, house = _wanted_houses(address_id, postcode, q.huisnummer, q.huisletter, q.toevoeging)
    index = AddressIndex.load(session, [wanted_id] if wanted_id else [], [house] if house else [])
    return address_keys(index, address_id=address_id, postcode=postcode, number=q.huisnummer, letter=q.huisletter,
                        addition=q.toevoeging)


def validate(session: Session, principal: Principal, catalogue: Catalogue, q: Question) -> Validated:
    """One person, company or address; a purpose in words; a legal basis of the catalogue the
    asker's organisation may invoke. Every problem at once."""
    errors: list[FieldError] = []
    asked = [name for name, given in (
        ("persoon", q.persoon_given), ("kvkNummer", bool(q.kvk_nummer)),
        ("adres", bool(q.adres_id or q.postcode or q.huisnummer is not None or q.huisletter or q.toevoeging)))
        if given]
    if not asked:
        errors.append(FieldError("(body)", "geen_onderwerp",
                                 "Vraag naar een persoon (naam en geboortedatum, of bsn), een bedrijf (kvkNummer) "
                                 "of een adres (adresId, of postcode en huisnummer)."))
    for extra in asked[1:]:
        errors.append(FieldError(extra, "een_onderwerp", "Vraag naar één persoon, bedrijf of adres tegelijk."))
    keys: set[Key] | None = None
    kind = ""
    if asked and asked[0] == "persoon":
        keys = _person(q, errors)
        kind = BSN if q.bsn else NAME_BIRTH
    elif asked and asked[0] == "kvkNummer":
        kvk = _check(errors, "kvkNummer", identifiers.kvk_nummer, q.kvk_nummer)
        keys, kind = ({(KVK, kvk)} if kvk else None), KVK
    elif asked:
        own: list[FieldError] = []
        keys, kind = _address(session, q, own), ADDRESS_KEY
        errors += own
    purpose = " ".join((q.doel or "").split())
    if not purpose:
        errors.append(FieldError("doel", "missing", "Geef het doel van de vraag: waarvoor wilt u dit weten?"))
    elif len(tokens(purpose)) < MIN_PURPOSE_WORDS:
        errors.append(FieldError("doel", "te_summier", "Te summier: beschrijf het doel in minstens een korte zin."))
    basis = catalogue.legal_bases.get(q.grondslag or "")
    if not q.grondslag:
        errors.append(FieldError("grondslag", "missing", "Kies de grondslag (GET /api/v1/grondslagen)."))
    elif basis is None:
        errors.append(FieldError("grondslag", "grondslag_onbekend",
                                 f"Onbekende grondslag '{q.grondslag}'; kies uit "
                                 f"{', '.join(sorted(catalogue.legal_bases))}."))
    elif basis.partnertypen and principal.organisation_type not in basis.partnertypen:
        errors.append(FieldError("grondslag", "grondslag_niet_voor_organisatie", (
            f"Op '{basis.naam}' kan een {principal.organisation_type} zich niet beroepen; die is voor "
            f"{', '.join(basis.partnertypen)}.")))
    if errors or not keys:
        raise ValidationFailed(errors or [FieldError("(body)", "geen_onderwerp", "Niets om naar te vragen.")])
    return Validated(kind, keys, sorted(keys)[0])


def ask(session: Session, principal: Principal, catalogue: Catalogue, q: Question) -> tuple[KnownnessQuery, list[
        dict[str, Any]]]:
    """Answer a question: per organisation asked (those of the asker's municipality, and any
    other organisation with a matching key), known or not, and a contact where known."""
    if not principal.can(rights.KNOWNNESS_ASK):
        raise Forbidden(NO_ASK)
    v = validate(session, principal, catalogue, q)
    hashed = _hashed(v.keys)
    known = set(session.scalars(select(KnownnessKey.organisation_id).where(
        or_(*(((KnownnessKey.kind == kind) & (KnownnessKey.key_hash == h)) for kind, h in sorted(hashed))))))
    clauses: list[Any] = [Organisation.id.in_(sorted(known))]
    if principal.municipality_code:
        clauses.append(Organisation.municipality_code == principal.municipality_code)
    organisations = session.scalars(select(Organisation).where(or_(*clauses)).order_by(Organisation.name)).all()
    query = KnownnessQuery(by_user_id=principal.user_id, by_user_name=principal.name,
                           organisation_id=principal.organisation_id, purpose=" ".join((q.doel or "").split()),
                           legal_basis=str(q.grondslag), kind=v.kind,
                           key_hash=match_key(f"{v.primary[0]}:{v.primary[1]}"))
    session.add(query)
    session.flush()
    session.add_all(KnownnessAnswer(query_id=query.id, organisation_id=o.id, known=o.id in known)
                    for o in organisations)
    answers = [answer_json(o, o.id in known) for o in organisations]
    logbook.record(session, principal, logbook.SEARCH, object_type="bekendheid", object_id=query.id,
                   purpose=query.purpose[:300],
                   details={"soort": v.kind, "sleutel": f"hash:{pseudonymise(f'{v.primary[0]}:{v.primary[1]}')}",
                            "grondslag": query.legal_basis, "bevraagd": len(organisations),
                            "bekendBij": sorted(known & {o.id for o in organisations})})
    session.flush()
    return query, answers


def answer_json(o: Organisation, known: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"organisatie": {"id": o.id, "naam": o.name, "type": o.type}, "bekend": known}
    if known:
        out["contact"] = {"naam": o.contact_name, "email": o.contact_email, "telefoon": o.contact_phone}
    return out


def questions_about(session: Session, principal: Principal, catalogue: Catalogue) -> list[dict[str, Any]]:
    """The questions the principal's organisation was asked, newest first: who asked, when, why,
    on which basis and whether it was known there — never about whom."""
    rows = session.execute(
        select(KnownnessQuery, KnownnessAnswer.known, Organisation.name)
        .join(KnownnessAnswer, KnownnessAnswer.query_id == KnownnessQuery.id)
        .join(Organisation, Organisation.id == KnownnessQuery.organisation_id)
        .where(KnownnessAnswer.organisation_id == principal.organisation_id)
        .order_by(KnownnessQuery.at.desc(), KnownnessQuery.id)
    ).all()
    emails = dict(session.execute(select(User.id, User.email).where(
        User.id.in_(sorted({query.by_user_id for query, _, _ in rows})))).all()) if rows else {}
    logbook.record(session, principal, logbook.LIST, object_type="bekendheidsvraag", purpose="bevraagd worden",
                   details={"aantal": len(rows)})
    out = []
    for query, known, org_name in rows:
        basis = catalogue.legal_bases.get(query.legal_basis)
        out.append({
            "id": query.id, "op": as_utc(query.at).isoformat(),
            "gevraagdDoor": {"naam": query.by_user_name, "email": emails.get(query.by_user_id),
                             "organisatie": {"id": query.organisation_id, "naam": org_name}},
            "doel": query.purpose, "grondslag": query.legal_basis, "grondslagNaam": basis.naam if basis else None,
            "soort": query.kind, "soortNaam": KIND_LABELS.get(query.kind, query.kind), "bekend": known,
        })
    return out

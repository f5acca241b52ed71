"""Which entities each source record mentions, and how they relate: the contract between
`ingest` (source records with their standard fields in `SourceRecord.data`) and `resolve`.

A mention is (record_id, role). Its standard fields are the same for every source, so the
matching model never needs to know where a person came from:

- persoon: voornamen, tussenvoegsel, geslachtsnaam, geboortedatum (ISO), bsn, adres_id,
  postcode, huisnummer (text, number with letter/toevoeging as written)
- bedrijf: kvk_nummer, naam, adres_id
- adres: adres_id, postcode, huisnummer (int), huisletter, toevoeging

`SourceRecord.data` uses the column names of shared/spec/source-formats.md with values
validated and normalised by ingest: identifiers as strings in normal form, dates ISO
`YYYY-MM-DD`, integers for huisnummer/oppervlakte_m2/bouwjaar/overlastmeldingen, numbers
for amounts, `gebruiksdoel` as a list; an empty cell is absent or None.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from weerbaar.resolve.models import ADDRESS, COMPANY, PERSON

# Deterministic links: the key kinds and their Dutch reasons (explanations name the kind).
KEY_REASONS = {
    "adres_id": "zelfde BAG-adres-id",
    "adres": "zelfde postcode, huisnummer en toevoeging",
    "adres_tekst": "zelfde adres (volledige tekst)",
    "kvk": "zelfde KvK-nummer",
    "handelsnaam": "zelfde handelsnaam (zonder rechtsvorm)",
    "bsn": "zelfde BSN",
}


@dataclass(frozen=True)
class Mention:
    record_id: int
    role: str
    kind: str
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def uid(self) -> str:
        return mention_uid(self.record_id, self.role)


def mention_uid(record_id: int, role: str) -> str:
    return f"{record_id}:{role}"


def parse_uid(uid: str) -> tuple[int, str]:
    record, role = uid.split(":", 1)
    return int(record), role


@dataclass(frozen=True)
class RelationRule:
    """A dated relation between two mentions of the same record."""

    source: str
    from_role: str
    to_role: str
    type: str  # bewoning | bestuur | eigendom | huur | vestiging
    start: str | None  # field of the record holding the start date
    end: str | None
    label: str  # Dutch, for cards: "staat ingeschreven op"
    detail: str | None = None  # field holding e.g. the officer's function


RELATIONS: tuple[RelationRule, ...] = (
    RelationRule("personen", "persoon", "adres", "bewoning", "datum_inschrijving", "datum_uitschrijving",
                 "staat ingeschreven op"),
    RelationRule("functionarissen", "functionaris", "onderneming", "bestuur", "datum_aanvang", "datum_einde",
                 "is functionaris van", detail="functie"),
    RelationRule("transacties", "koper", "adres", "eigendom", "datum", None, "kocht"),
    RelationRule("huurcontracten", "huurder", "adres", "huur", "datum_ingang", "datum_einde", "huurt"),
    RelationRule("bedrijven", "bedrijf", "adres", "vestiging", "datum_inschrijving", "datum_uitschrijving",
                 "is gevestigd op"),
)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _person(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    return {
        "voornamen": _clean(data.get(f"{prefix}voornamen")),
        "tussenvoegsel": _clean(data.get(f"{prefix}tussenvoegsel")),
        "geslachtsnaam": _clean(data.get(f"{prefix}geslachtsnaam")),
        "geboortedatum": _clean(data.get(f"{prefix}geboortedatum")),
        "bsn": _clean(data.get("bsn")) if not prefix else None,
    }


def _address(data: dict[str, Any]) -> dict[str, Any] | None:
    out = {
        "adres_id": _clean(data.get("adres_id")),
        "postcode": _clean(data.get("postcode")),
        "huisnummer": data.get("huisnummer"),
        "huisletter": _clean(data.get("huisletter")),
        "toevoeging": _clean(data.get("toevoeging")),
    }
    if out["adres_id"] or (out["postcode"] and out["huisnummer"] is not None):
        return out
    return None


def mentions_of(record_id: int, source: str, data: dict[str, Any]) -> Iterator[Mention]:
    """Every person, company and address a record mentions (FtM records: see resolve.ftm)."""
    address = _address(data)
    if source == "adressen":
        if address:
            yield Mention(record_id, "adres", ADDRESS, address)
    elif source == "personen":
        fields = _person(data)
        fields["adres_id"] = _clean(data.get("adres_id"))
        if fields["geslachtsnaam"] or fields["bsn"]:
            yield Mention(record_id, "persoon", PERSON, fields)
        if address:
            yield Mention(record_id, "adres", ADDRESS, address)
    elif source == "functionarissen":
        fields = _person(data)
        if fields["geslachtsnaam"]:
            yield Mention(record_id, "functionaris", PERSON, fields)
        if kvk := _clean(data.get("kvk_nummer")):
            yield Mention(record_id, "onderneming", COMPANY, {"kvk_nummer": kvk, "naam": None, "adres_id": None})
    elif source == "transacties":
        if _clean(data.get("koper_type")) == "rechtspersoon":
            kvk, name = _clean(data.get("koper_kvk_nummer")), _clean(data.get("koper_naam"))
            if kvk or name:
                yield Mention(record_id, "koper", COMPANY, {"kvk_nummer": kvk, "naam": name, "adres_id": None})
        else:
            fields = _person(data, "koper_")
            if fields["geslachtsnaam"]:
                yield Mention(record_id, "koper", PERSON, fields)
        if address:
            yield Mention(record_id, "adres", ADDRESS, address)
    elif source == "huurcontracten":
        fields = _person(data)
        fields["adres_id"] = _clean(data.get("adres_id"))
        if fields["geslachtsnaam"]:
            yield Mention(record_id, "huurder", PERSON, fields)
        if address:
            yield Mention(record_id, "adres", ADDRESS, address)
    elif source == "bedrijven":
        yield Mention(record_id, "bedrijf", COMPANY, {
            "kvk_nummer": _clean(data.get("kvk_nummer")), "naam": _clean(data.get("handelsnaam")),
            "adres_id": _clean(data.get("adres_id")),
        })
        if address:
            yield Mention(record_id, "adres", ADDRESS, address)
    elif source == "energie":
        if address:
            yield Mention(record_id, "adres", ADDRESS, address)
    elif source == "ftm":
        from weerbaar.resolve.ftm import ftm_mentions  # FtM entities map by schema

        yield from ftm_mentions(record_id, data)

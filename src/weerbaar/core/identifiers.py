"""Dutch identifiers: validation with a Dutch reason, and one normal form each.

Every check returns the normalised value or raises `InvalidIdentifier` with a sentence a
professional understands. Identifiers are strings: leading zeros are meaningful.
"""

from __future__ import annotations

import re

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as _bsn
from stdnum.nl import postcode as _postcode


class InvalidIdentifier(ValueError):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _digits(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value.strip())


def bsn(value: str) -> str:
    """Burgerservicenummer: 9 digits passing the eleven-test (elfproef)."""
    raw = _digits(value)
    if not raw.isdigit() or len(raw) not in (8, 9):
        raise InvalidIdentifier("bsn_ongeldig", "Een BSN bestaat uit 9 cijfers.")
    raw = raw.zfill(9)
    try:
        return str(_bsn.validate(raw))
    except StdnumError:
        raise InvalidIdentifier(
            "bsn_ongeldig", "Dit BSN voldoet niet aan de elfproef; controleer de cijfers."
        ) from None


def kvk_nummer(value: str) -> str:
    raw = _digits(value)
    if not re.fullmatch(r"\d{8}", raw):
        raise InvalidIdentifier("kvk_ongeldig", "Een KvK-nummer bestaat uit precies 8 cijfers.")
    return raw


def vestigingsnummer(value: str) -> str:
    raw = _digits(value)
    if not re.fullmatch(r"\d{12}", raw):
        raise InvalidIdentifier(
            "vestigingsnummer_ongeldig", "Een vestigingsnummer bestaat uit precies 12 cijfers."
        )
    return raw


def postcode(value: str) -> str:
    """Normal form `1234AB` (space and case tolerated on input)."""
    raw = re.sub(r"\s", "", value).upper()
    if not re.fullmatch(r"[1-9]\d{3}[A-Z]{2}", raw):
        raise InvalidIdentifier(
            "postcode_ongeldig", "Een postcode bestaat uit 4 cijfers en 2 letters, zoals 1234 AB."
        )
    try:
        _postcode.validate(raw)
    except StdnumError:
        raise InvalidIdentifier(
            "postcode_ongeldig", "Deze lettercombinatie (SA, SD of SS) wordt niet in postcodes gebruikt."
        ) from None
    return raw


def bag_id(value: str) -> str:
    """BAG identificatie (e.g. nummeraanduiding): 16 digits."""
    raw = value.strip()
    if not re.fullmatch(r"\d{16}", raw):
        raise InvalidIdentifier("bag_id_ongeldig", "Een BAG-identificatie bestaat uit 16 cijfers.")
    return raw


def ean(value: str) -> str:
    raw = _digits(value)
    if not re.fullmatch(r"\d{18}", raw):
        raise InvalidIdentifier("ean_ongeldig", "Een EAN-code van een aansluiting heeft 18 cijfers.")
    return raw


def kenteken(value: str) -> str:
    """Dutch registration plate, normal form without dashes: `AB123C`."""
    raw = re.sub(r"[\s\-]", "", value).upper()
    if not re.fullmatch(r"[A-Z0-9]{6}", raw) or raw.isdigit() or raw.isalpha():
        raise InvalidIdentifier(
            "kenteken_ongeldig",
            "Een Nederlands kenteken heeft 6 letters en cijfers, zoals AB-123-C of 12-ABC-3.",
        )
    return raw


def huisnummer(value: int | str) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InvalidIdentifier("huisnummer_ongeldig", "Het huisnummer moet een getal zijn.") from None
    if not 1 <= number <= 99999:
        raise InvalidIdentifier(
            "huisnummer_ongeldig", "Het huisnummer moet tussen 1 en 99999 liggen."
        )
    return number


def gemeentecode(value: str) -> str:
    raw = value.strip().upper()
    if not re.fullmatch(r"GM\d{4}", raw):
        raise InvalidIdentifier("gemeentecode_ongeldig", "Een gemeentecode is GM gevolgd door 4 cijfers.")
    return raw


def buurtcode(value: str) -> str:
    raw = value.strip().upper()
    if not re.fullmatch(r"BU\d{8}", raw):
        raise InvalidIdentifier("buurtcode_ongeldig", "Een buurtcode is BU gevolgd door 8 cijfers.")
    return raw


def wijkcode(value: str) -> str:
    raw = value.strip().upper()
    if not re.fullmatch(r"WK\d{6}", raw):
        raise InvalidIdentifier("wijkcode_ongeldig", "Een wijkcode is WK gevolgd door 6 cijfers.")
    return raw

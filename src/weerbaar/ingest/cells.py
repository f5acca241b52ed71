"""Reading single cells of partner extracts: dates, amounts, lists, house numbers.

Each parser returns the value (None for an empty cell: empty means unknown) or raises
`CellError` with a Dutch reason that names what was found and what is expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation


class CellError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def text(value: str | None) -> str | None:
    """Trimmed text; identifiers stay strings, so leading zeros survive."""
    if value is None:
        return None
    value = value.strip()
    return value or None


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DUTCH = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")


def parse_date(value: str | None) -> date | None:
    """`JJJJ-MM-DD`, or the Dutch `DD-MM-JJJJ` (also `D-M-JJJJ`)."""
    raw = text(value)
    if raw is None:
        return None
    if m := _ISO.fullmatch(raw):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DUTCH.fullmatch(raw):
        day, month, year = (int(g) for g in m.groups())
    else:
        raise CellError(f"Ongeldige datum '{raw}'; gebruik JJJJ-MM-DD of DD-MM-JJJJ.")
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"De datum '{raw}' bestaat niet.") from None


_CURRENCY = re.compile(r"[\s€]|^eur\b", re.IGNORECASE)
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def parse_amount(value: str | None) -> Decimal | None:
    """Euros with `,` or `.` as decimal separator; the other one, if present, groups thousands.

    `1.234,56` and `1,234.56` are both 1234.56; a single separator is the decimal one
    (`12,5` and `12.5`), except when it repeats (`1.234.567`), then it groups thousands.
    """
    raw = text(value)
    if raw is None:
        return None
    clean = _CURRENCY.sub("", raw)
    if "," in clean and "." in clean:
        decimal_sep = "," if clean.rfind(",") > clean.rfind(".") else "."
        clean = clean.replace("." if decimal_sep == "," else ",", "").replace(decimal_sep, ".")
    elif clean.count(",") > 1 or clean.count(".") > 1:
        clean = clean.replace(",", "").replace(".", "")
    else:
        clean = clean.replace(",", ".")
    if not _NUMBER.fullmatch(clean):
        raise CellError(f"Ongeldig bedrag '{raw}'; gebruik cijfers met een komma of punt, zoals 1234,56.")
    try:
        return Decimal(clean)
    except InvalidOperation:  # pragma: no cover - the pattern above already rules this out
        raise CellError(f"Ongeldig bedrag '{raw}'.") from None


def split_list(value: str | None, separator: str = "|") -> list[str]:
    """A `|`-separated cell as its non-empty, trimmed parts."""
    if not value:
        return []
    return [part.strip() for part in value.split(separator) if part.strip()]


@dataclass(frozen=True)
class HouseNumber:
    number: int
    letter: str | None = None
    addition: str | None = None


# 12 | 12a | 12 A | 12-2 | 12a-2 | 12 bis | 12hs | 12-II: a number, at most one letter
# (huisletter) directly after it, then an optional toevoeging of up to four characters.
_HOUSE = re.compile(
    r"(?P<number>\d{1,5})(?!\d)"
    r"(?:\s*(?P<letter>[A-Za-z])(?![A-Za-z]))?"
    r"(?:\s*[-/\s]?\s*(?P<addition>[A-Za-z0-9]{1,4}))?"
)
_HOUSE_LETTER_THEN_ADDITION = re.compile(
    r"(?P<number>\d{1,5})\s*(?P<letter>[A-Za-z])\s*[-/\s]\s*(?P<addition>[A-Za-z0-9]{1,4})"
)


def parse_house_number(value: str | None) -> HouseNumber | None:
    """Split a house number cell into number, huisletter and toevoeging."""
    raw = text(value)
    if raw is None:
        return None
    m = _HOUSE_LETTER_THEN_ADDITION.fullmatch(raw) or _HOUSE.fullmatch(raw)
    if m is None or int(m["number"]) < 1:
        raise CellError(f"Ongeldig huisnummer '{raw}'; gebruik bijvoorbeeld 12, 12a, 12-2 of 12a-2.")
    letter = m["letter"].upper() if m["letter"] else None
    addition = m["addition"].upper() if m["addition"] else None
    return HouseNumber(int(m["number"]), letter, addition)

"""The signal form: from posted fields to the API's dict shape, and API errors back to fields.

Form field names follow the API paths (`locatie.postcode`, `betrokkenen[2].bsn`), so an
error's name maps onto a field directly — except that empty party rows are skipped, which
shifts the index; `rows` remembers which form row each submitted party came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from starlette.datastructures import FormData

from weerbaar.core.errors import FieldError

LOCATION_FIELDS = ("adresId", "postcode", "huisnummer", "huisletter", "toevoeging", "omschrijving")
PARTY_FIELDS = ("soort", "rol", "voornamen", "tussenvoegsel", "geslachtsnaam", "geboortedatum", "bsn",
                "naam", "kvkNummer", "kenteken", "toelichting")
PARTY_KINDS = {"persoon": "Persoon", "bedrijf": "Bedrijf", "voertuig": "Voertuig"}
MIN_PARTY_ROWS = 1
MAX_PARTY_ROWS = 50

# Action buttons other than "opslaan" re-render the form (the no-JavaScript route).
SAVE, LOAD_CARD, ADD_PARTY = "opslaan", "kaart", "betrokkene"

LABELS = {
    "fenomeen": "Fenomeen",
    "indicatoren": "Signaalkaart",
    "omschrijving": "Omschrijving",
    "waargenomenOp": "Datum van waarneming",
    "locatie": "Locatie",
    "locatie.adresId": "BAG-adres-id",
    "locatie.postcode": "Postcode",
    "locatie.huisnummer": "Huisnummer",
    "locatie.huisletter": "Huisletter",
    "locatie.toevoeging": "Toevoeging",
    "locatie.omschrijving": "Plaatsbeschrijving",
    "betrokkenen": "Betrokkenen",
    "bron.betrouwbaarheid": "Betrouwbaarheid van de bron",
    "bron.informatie": "Betrouwbaarheid van de informatie",
    "vertrouwelijkheid": "Vertrouwelijkheid",
    "melderAfgeschermd": "Melder afschermen",
}
PARTY_LABELS = {
    "soort": "soort", "rol": "rol", "voornamen": "voornamen", "tussenvoegsel": "tussenvoegsel",
    "geslachtsnaam": "geslachtsnaam", "geboortedatum": "geboortedatum", "bsn": "BSN",
    "naam": "bedrijfsnaam", "kvkNummer": "KvK-nummer", "kenteken": "kenteken", "toelichting": "toelichting",
}
_PARTY_NAME = re.compile(r"^betrokkenen\[(\d+)\](?:\.(\w+))?$")


def _str(form: FormData, key: str) -> str:
    value = form.get(key)
    return value if isinstance(value, str) else ""


@dataclass
class SignalForm:
    """What the user typed, kept as text so a re-rendered form shows it exactly."""

    values: dict[str, str] = field(default_factory=dict)
    indicators: list[str] = field(default_factory=list)
    party_rows: int = MIN_PARTY_ROWS
    action: str = SAVE

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    @classmethod
    def blank(cls, today: date) -> SignalForm:
        return cls(values={"waargenomenOp": today.isoformat(), "vertrouwelijkheid": "zaakvertrouwelijk",
                           "bron.betrouwbaarheid": "F", "bron.informatie": "6"})

    @classmethod
    def parse(cls, form: FormData) -> SignalForm:
        values: dict[str, str] = {}
        rows = 0
        for key in form:
            if key in ("csrf", "actie", "indicatoren"):
                continue
            values[key] = _str(form, key)
            m = _PARTY_NAME.match(key)
            if m:
                rows = max(rows, int(m.group(1)) + 1)
        action = _str(form, "actie") or SAVE
        rows = max(MIN_PARTY_ROWS, min(rows, MAX_PARTY_ROWS))
        if action == ADD_PARTY:
            rows = min(rows + 1, MAX_PARTY_ROWS)
        indicators = [v for v in form.getlist("indicatoren") if isinstance(v, str)]
        return cls(values, indicators, rows, action if action in (SAVE, LOAD_CARD, ADD_PARTY) else SAVE)

    def party(self, row: int, name: str) -> str:
        return self.values.get(f"betrokkenen[{row}].{name}", "")

    def to_api(self) -> tuple[dict[str, Any], list[int]]:
        """The API body (see intake.schemas.SignaalIn) and, per submitted party, its form row."""
        body: dict[str, Any] = {"indicatoren": self.indicators}
        for key in ("fenomeen", "omschrijving", "waargenomenOp", "vertrouwelijkheid"):
            if self.get(key).strip():
                body[key] = self.get(key)
        location = {k: self.get(f"locatie.{k}") for k in LOCATION_FIELDS if self.get(f"locatie.{k}").strip()}
        if location:
            body["locatie"] = location
        body["bron"] = {k: self.get(f"bron.{k}") for k in ("betrouwbaarheid", "informatie")
                        if self.get(f"bron.{k}").strip()}
        body["melderAfgeschermd"] = bool(self.get("melderAfgeschermd"))
        parties, rows = [], []
        for row in range(self.party_rows):
            given = {k: self.party(row, k) for k in PARTY_FIELDS if self.party(row, k).strip()}
            if set(given) - {"soort"}:  # a row with only its kind chosen is an empty row
                parties.append(given)
                rows.append(row)
        body["betrokkenen"] = parties
        return body, rows


def form_name(api_name: str, rows: list[int]) -> str:
    """`betrokkenen[0].bsn` (index among submitted parties) → the form row's field name."""
    m = _PARTY_NAME.match(api_name)
    if not m:
        return api_name
    index = int(m.group(1))
    row = rows[index] if index < len(rows) else index
    return f"betrokkenen[{row}]" + (f".{m.group(2)}" if m.group(2) else "")


def label(name: str) -> str:
    m = _PARTY_NAME.match(name)
    if m:
        number = int(m.group(1)) + 1
        return f"Betrokkene {number}" + (f": {PARTY_LABELS.get(m.group(2), m.group(2))}" if m.group(2) else "")
    if name.startswith("indicatoren"):
        return LABELS["indicatoren"]
    return LABELS.get(name, name)


@dataclass(frozen=True)
class ShownError:
    field: str  # form field name; its HTML id is derived with deps.field_id
    label: str
    reason: str


def shown_errors(errors: list[FieldError], rows: list[int]) -> list[ShownError]:
    out = []
    for e in errors:
        name = form_name(e.name, rows)
        if name.startswith("indicatoren["):
            name = "indicatoren"
        out.append(ShownError(name, label(name), e.reason))
    return out


def by_field(errors: list[ShownError]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in errors:
        out.setdefault(e.field, []).append(e.reason)
    return out

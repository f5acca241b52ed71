"""The signalen layout: one CSV row as the API body of a signal (intake.schemas.SignaalIn).

Kept apart from the import loop so the mapping can be read on its own. Every API field
the body gets is tied back to the CSV column it came from, so that a validation error on
"locatie.huisletter" is reported on the column the partner wrote, "huisnummer".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from weerbaar.core.errors import FieldError
from weerbaar.ingest import cells
from weerbaar.ingest.parties import party_from_text

REQUIRED = ("signaal_id", "datum", "organisatie", "omschrijving")
OPTIONAL = (
    "fenomeen", "indicatoren", "adres_id", "postcode", "huisnummer", "huisletter", "toevoeging",
    "betrokkenen",
)
KNOWN = frozenset(REQUIRED + OPTIONAL)

_TOP_LEVEL = {
    "waargenomenOp": "datum",
    "fenomeen": "fenomeen",
    "indicatoren": "indicatoren",
    "omschrijving": "omschrijving",
    "betrokkenen": "betrokkenen",
}


@dataclass
class MappedRow:
    body: dict[str, Any]
    # API field (e.g. "locatie.huisletter") -> CSV column it came from.
    origin: dict[str, str] = field(default_factory=dict)
    # Problems found while reading cells, as (column, Dutch reason).
    problems: list[tuple[str, str]] = field(default_factory=list)


def header_problems(header: list[str]) -> list[str]:
    missing = [c for c in REQUIRED if c not in header]
    problems = []
    if missing:
        names = ", ".join(f"'{c}'" for c in missing)
        word = "kolom ontbreekt" if len(missing) == 1 else "kolommen ontbreken"
        problems.append(f"De verplichte {word} in de kopregel: {names}.")
    return problems


def extras(row: dict[str, str]) -> dict[str, str]:
    """The cells of columns the layout does not know, kept verbatim (empty = unknown)."""
    return {k: v for k, v in row.items() if k not in KNOWN and v.strip()}


def map_row(row: dict[str, str]) -> MappedRow:
    mapped = MappedRow(body={})
    body = mapped.body
    try:
        observed = cells.parse_date(row.get("datum"))
        if observed is None:
            mapped.problems.append(("datum", "Geef de datum van waarneming."))
        body["waargenomenOp"] = observed.isoformat() if observed else None
    except cells.CellError as exc:
        mapped.problems.append(("datum", exc.reason))
        body["waargenomenOp"] = None
    phenomenon = cells.text(row.get("fenomeen"))
    # Catalogue codes are lowercase; a partner typing "Hennepteelt" means the same.
    body["fenomeen"] = phenomenon.lower() if phenomenon else None
    body["indicatoren"] = cells.split_list(row.get("indicatoren"))
    body["omschrijving"] = row.get("omschrijving") or ""
    body["betrokkenen"] = [party_from_text(name) for name in cells.split_list(row.get("betrokkenen"))]
    location = _location(row, mapped)
    if location:
        body["locatie"] = location
    return mapped


def _location(row: dict[str, str], mapped: MappedRow) -> dict[str, Any]:
    loc: dict[str, Any] = {}
    origin = mapped.origin
    for column, api in (("adres_id", "adresId"), ("postcode", "postcode")):
        if value := cells.text(row.get(column)):
            loc[api] = value
            origin[f"locatie.{api}"] = column
    try:
        house = cells.parse_house_number(row.get("huisnummer"))
    except cells.CellError as exc:
        mapped.problems.append(("huisnummer", exc.reason))
        house = None
        loc["huisnummer"] = None
    if house is not None:
        loc["huisnummer"] = house.number
        origin["locatie.huisnummer"] = "huisnummer"
        for api, value in (("huisletter", house.letter), ("toevoeging", house.addition)):
            if value:
                loc[api] = value
                origin[f"locatie.{api}"] = "huisnummer"
    for column in ("huisletter", "toevoeging"):
        value = cells.text(row.get(column))
        if not value:
            continue
        if column in loc and loc[column].upper() != value.upper():
            mapped.problems.append((
                column,
                f"De {column} '{value}' spreekt het huisnummer '{cells.text(row.get('huisnummer'))}' tegen.",
            ))
            continue
        loc[column] = value
        origin[f"locatie.{column}"] = column
    return loc if any(v is not None for v in loc.values()) else {}


def column_for(error: FieldError, origin: dict[str, str]) -> str | None:
    """The CSV column a validation error on an API field belongs to."""
    name = error.name
    top = re.split(r"[.\[]", name, maxsplit=1)[0]
    if top == "locatie":
        if name in origin:
            return origin[name]
        sub = name.split(".", 1)[1] if "." in name else ""
        if sub:
            return {"adresId": "adres_id"}.get(sub, sub)
        by_code = {"huisnummer_ontbreekt": "huisnummer", "postcode_ontbreekt": "postcode"}
        return by_code.get(error.code) or next(iter(origin.values()), "adres_id")
    return _TOP_LEVEL.get(top)


def reason_for(error: FieldError) -> str:
    """Dutch reason; for a betrokkene it says which one, counting from 1 as people do."""
    if m := re.match(r"betrokkenen\[(\d+)\](?:\.(\w+))?", error.name):
        where = f"betrokkene {int(m[1]) + 1}" + (f" ({m[2]})" if m[2] else "")
        return f"{where[0].upper()}{where[1:]}: {error.reason}"
    return error.reason

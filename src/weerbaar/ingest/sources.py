"""The seven partner extract layouts of shared/spec/source-formats.md, as data.

One `SourceSpec` per source type says which columns exist, which are required, how each
cell is read (identifier kind, date, period, number, list, enum, house number), which
rules span several cells (energie needs some address, koper_type decides which buyer
fields apply) and how a row's key is formed. `validate` turns the cells of one row into
the normalised `SourceRecord.data` plus every problem found, so the importer itself never
needs to know one source from another.

Normal forms in `data` (the contract with `resolve.mentions`): every column of the layout
is present, `None` when empty or absent; identifiers as strings in the normal form of
`core.identifiers`; dates ISO `YYYY-MM-DD`; periods `YYYY-MM`; integers as int; amounts
and coordinates as JSON numbers (float: euros, kWh and m3 never need more than the 15
significant digits a float holds, and a number is what analysis wants); `gebruiksdoel`
as a list of lowercase uses; enums in their canonical spelling (`M`, `natuurlijk_persoon`,
`ja`); `huisnummer` split into huisnummer (int), huisletter and toevoeging.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from weerbaar.core import identifiers
from weerbaar.core.names import fold
from weerbaar.ingest import cells

Problem = tuple[str | None, str]  # (column, Dutch reason)
MAX_KEY = 300  # SourceRecord.record_key

# Cell kinds.
TEXT = "tekst"
BSN = "bsn"
KVK = "kvk"
VESTIGING = "vestigingsnummer"
POSTCODE = "postcode"
BAG = "bag"
EAN = "ean"
GEMEENTE = "gemeentecode"
WIJK = "wijkcode"
BUURT = "buurtcode"
DATE = "datum"
PERIOD = "periode"
INT = "geheel_getal"
AMOUNT = "bedrag"
NUMBER = "getal"
LIST = "lijst"
ENUM = "keuze"
HOUSE = "huisnummer"
LETTER = "huisletter"
ADDITION = "toevoeging"

_IDENTIFIERS: dict[str, Callable[[str], str]] = {
    BSN: identifiers.bsn, KVK: identifiers.kvk_nummer, VESTIGING: identifiers.vestigingsnummer,
    POSTCODE: identifiers.postcode, BAG: identifiers.bag_id, EAN: identifiers.ean,
    GEMEENTE: identifiers.gemeentecode, WIJK: identifiers.wijkcode, BUURT: identifiers.buurtcode,
}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = TEXT
    required: bool = False  # a row with this cell empty is quarantined
    values: tuple[str, ...] = ()  # ENUM: the canonical spellings
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class SourceSpec:
    name: str
    fields: tuple[Field, ...]
    make_key: Callable[[dict[str, Any]], str | None]
    key_column: str | None  # where a key problem is reported; None: the key spans columns
    key_label: str  # Dutch, for messages: "adres_id", "combinatie van ..."
    header_required: tuple[str, ...] = ()
    # Header alternatives: at least one group must be wholly present (energie's address).
    header_any: tuple[tuple[str, ...], ...] = ()
    # Rules spanning cells: (data, columns whose cell could not be read) -> problems.
    rules: Callable[[dict[str, Any], set[str]], list[Problem]] = field(default=lambda data, failed: [])

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def get(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def header_problems(self, header: list[str] | set[str]) -> list[str]:
        """Dutch reasons why a file with this header cannot be this source at all."""
        present = set(header)
        problems = []
        missing = [c for c in self.header_required if c not in present]
        if missing:
            names = ", ".join(f"'{c}'" for c in missing)
            word = "kolom ontbreekt" if len(missing) == 1 else "kolommen ontbreken"
            problems.append(f"De verplichte {word} in de kopregel van '{self.name}': {names}.")
        if self.header_any and not any(all(c in present for c in group) for group in self.header_any):
            options = " of ".join("+".join(group) for group in self.header_any)
            problems.append(f"De kopregel van '{self.name}' moet minstens een van deze kolommen hebben: {options}.")
        return problems


# --- reading one cell -----------------------------------------------------------------------------


def _number_in_range(spec: Field, value: float, raw: str) -> None:
    if spec.minimum is not None and value < spec.minimum:
        raise cells.CellError(f"De waarde '{raw}' is te klein; de kleinste toegestane waarde is {spec.minimum:g}.")
    if spec.maximum is not None and value > spec.maximum:
        raise cells.CellError(f"De waarde '{raw}' is te groot; de grootste toegestane waarde is {spec.maximum:g}.")


_INT = re.compile(r"[+-]?\d{1,15}")
_PERIOD = re.compile(r"(\d{4})-(\d{1,2})")
_SPACES = re.compile(r"\s+")
_ONE_LETTER = re.compile(r"[A-Z]")
_LEADING_SEPARATORS = re.compile(r"^[-/\s]+")
_ADDITION = re.compile(r"[A-Z0-9]{1,4}")
# An amount with at most one separator and ASCII digits only: `cells.parse_amount` would read
# the separator as the decimal one and return exactly this number.
_PLAIN_AMOUNT = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")


def _int(spec: Field, raw: str) -> int:
    if not _INT.fullmatch(raw):
        raise cells.CellError(f"'{raw}' is geen geheel getal.")
    value = int(raw)
    _number_in_range(spec, value, raw)
    return value


def _period(raw: str) -> str:
    m = _PERIOD.fullmatch(raw)
    if m is None or not 1 <= int(m[2]) <= 12:
        raise cells.CellError(f"Ongeldige periode '{raw}'; gebruik JJJJ-MM, zoals 2026-03.")
    return f"{m[1]}-{int(m[2]):02d}"


def _enum(spec: Field, raw: str) -> str:
    wanted = _SPACES.sub("_", raw.strip().lower())
    for value in spec.values:
        if value.lower() == wanted:
            return value
    options = ", ".join(spec.values)
    raise cells.CellError(f"Onbekende waarde '{raw}' voor {spec.name}; kies uit {options} (of laat leeg).")


def _number(spec: Field, raw: str) -> float | None:
    if _PLAIN_AMOUNT.fullmatch(raw):
        number: float | None = float(raw.replace(",", "."))
    else:
        amount = cells.parse_amount(raw)
        number = float(amount) if amount is not None else None
    if number is not None:
        _number_in_range(spec, number, raw)
    return number


def _date(raw: str) -> str | None:
    parsed = cells.parse_date(raw)
    return parsed.isoformat() if parsed else None


def _list(raw: str) -> list[str] | None:
    return [part.lower() for part in cells.split_list(raw)] or None


def _identifier(check: Callable[[str], str]) -> Callable[[str], str]:
    def read(raw: str) -> str:
        try:
            return check(raw)
        except identifiers.InvalidIdentifier as exc:
            raise cells.CellError(f"{exc.reason} Gevonden: '{raw}'.") from None

    return read


CellReader = Callable[[str], Any]  # trimmed, non-empty cell -> normal form; raises CellError


def cell_reader(spec: Field) -> CellReader:
    """How one column is read, decided once per column rather than once per cell."""
    kind = spec.kind
    if kind in _IDENTIFIERS:
        return _identifier(_IDENTIFIERS[kind])
    if kind == DATE:
        return _date
    if kind == PERIOD:
        return _period
    if kind == INT:
        return lambda raw: _int(spec, raw)
    if kind in (AMOUNT, NUMBER):
        return lambda raw: _number(spec, raw)
    if kind == LIST:
        return _list
    if kind == ENUM:
        return lambda raw: _enum(spec, raw)
    return _same


def _same(raw: str) -> str:
    return raw


def read_cell(spec: Field, value: str | None) -> Any:
    """The normal form of one cell (None when empty); raises CellError with a Dutch reason."""
    raw = cells.text(value)
    if raw is None:
        return None
    return cell_reader(spec)(raw)


def _letter(raw: str) -> str:
    letter = raw.strip().upper()
    if not _ONE_LETTER.fullmatch(letter):
        raise cells.CellError(f"Ongeldige huisletter '{raw}'; een huisletter is één letter.")
    return letter


def _addition(raw: str) -> str:
    addition = _LEADING_SEPARATORS.sub("", raw.strip()).upper()
    if not _ADDITION.fullmatch(addition):
        raise cells.CellError(f"Ongeldige toevoeging '{raw}'; een toevoeging heeft 1 tot 4 letters of cijfers.")
    return addition


def _house(row: dict[str, str], data: dict[str, Any], problems: list[Problem]) -> None:
    """`huisnummer` may hold letter and toevoeging ("12a-2"); separate columns must agree."""
    try:
        house = cells.parse_house_number(row.get("huisnummer"))
    except cells.CellError as exc:
        problems.append(("huisnummer", exc.reason))
        house = None
    data["huisnummer"] = house.number if house else None
    from_house = {"huisletter": house.letter if house else None, "toevoeging": house.addition if house else None}
    for column, reader in (("huisletter", _letter), ("toevoeging", _addition)):
        raw = cells.text(row.get(column))
        value = from_house[column]
        if raw is not None:
            try:
                given = reader(raw)
            except cells.CellError as exc:
                problems.append((column, exc.reason))
                continue
            if value is not None and value != given:
                problems.append((column, f"De {column} '{raw}' spreekt het huisnummer "
                                         f"'{cells.text(row.get('huisnummer'))}' tegen."))
                continue
            value = given
        data[column] = value


# Columns whose readers return immutable values: their answers are remembered per raw
# cell, since extracts repeat them (twelve periods, one adres_id for a year of readings).
_REMEMBERED = frozenset({*_IDENTIFIERS, DATE, PERIOD, INT, ENUM})
MEMO_LIMIT = 256  # entries per column: memory stays flat; the memo starts afresh when full


@dataclass(frozen=True)
class _Plan:
    """A layout compiled for validation: (column, reader, required, memo) per plain cell; a
    memo maps a raw cell to (True, value) or (False, Dutch reason)."""

    cells: tuple[tuple[str, CellReader, bool, dict[str, tuple[bool, Any]] | None], ...]
    house: Field | None
    house_memo: dict[tuple[str | None, ...], tuple[tuple[tuple[str, Any], ...], tuple[Problem, ...]]]


_PLANS: dict[int, tuple[SourceSpec, _Plan]] = {}


def _plan(spec: SourceSpec) -> _Plan:
    cached = _PLANS.get(id(spec))
    if cached is not None and cached[0] is spec:
        return cached[1]
    plan = _Plan(tuple((f.name, cell_reader(f), f.required, {} if f.kind in _REMEMBERED else None)
                       for f in spec.fields if f.kind not in (HOUSE, LETTER, ADDITION)),
                 spec.get("huisnummer"), {})
    _PLANS[id(spec)] = (spec, plan)
    return plan


def _read(reader: CellReader, memo: dict[str, tuple[bool, Any]] | None, raw: str) -> tuple[bool, Any]:
    """(True, value) or (False, Dutch reason) for a trimmed, non-empty cell."""
    if memo is not None and (hit := memo.get(raw)) is not None:
        return hit
    try:
        answer: tuple[bool, Any] = (True, reader(raw))
    except cells.CellError as exc:
        answer = (False, exc.reason)
    if memo is not None:
        if len(memo) >= MEMO_LIMIT:
            memo.clear()
        memo[raw] = answer
    return answer


def _house_remembered(plan: _Plan, row: dict[str, str], data: dict[str, Any], problems: list[Problem]) -> None:
    """`_house`, whose outcome depends only on the three address cells."""
    cells_key = (row.get("huisnummer"), row.get("huisletter"), row.get("toevoeging"))
    hit = plan.house_memo.get(cells_key)
    if hit is None:
        found: dict[str, Any] = {}
        own: list[Problem] = []
        _house(row, found, own)
        hit = (tuple(found.items()), tuple(own))
        if len(plan.house_memo) >= MEMO_LIMIT:
            plan.house_memo.clear()
        plan.house_memo[cells_key] = hit
    data.update(hit[0])
    problems.extend(hit[1])


def validate(spec: SourceSpec, row: dict[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    """The normalised data of one row in this layout, and every problem with it."""
    data, problems, _ = validate_keyed(spec, row)
    return data, problems


def validate_keyed(spec: SourceSpec, row: dict[str, str]) -> tuple[dict[str, Any], list[Problem], str | None]:
    """`validate`, plus the row's key (None when there are problems)."""
    data: dict[str, Any] = {}
    problems: list[Problem] = []
    plan = _plan(spec)
    for name, reader, required, memo in plan.cells:
        raw = row.get(name)
        if raw is not None:
            raw = raw.strip()
        value = None
        if raw:
            ok, value = _read(reader, memo, raw)
            if not ok:
                problems.append((name, value))
                data[name] = None
                continue
        data[name] = value
        if required and value is None:
            problems.append((name, f"De kolom '{name}' is verplicht maar leeg."))
    if plan.house is not None:
        _house_remembered(plan, row, data, problems)
        if plan.house.required and data["huisnummer"] is None and not _has(problems, "huisnummer"):
            problems.append(("huisnummer", "De kolom 'huisnummer' is verplicht maar leeg."))
    # A cell that could not be read counts as given: its own problem already explains it.
    problems.extend(spec.rules(data, {column for column, _ in problems if column}))
    if problems:
        return data, problems, None
    key = spec.make_key(data)
    if not key:
        problems.append((spec.key_column, f"De sleutel ({spec.key_label}) ontbreekt."))
    elif len(key) > MAX_KEY:
        problems.append((spec.key_column, f"De sleutel ({spec.key_label}) is te lang: maximaal {MAX_KEY} tekens."))
    return data, problems, None if problems else key


def _has(problems: list[Problem], column: str) -> bool:
    return any(c == column for c, _ in problems)


# --- keys and row rules ---------------------------------------------------------------------------


def _address_key(data: dict[str, Any]) -> str | None:
    """adres_id, or postcode + house number as one comparable text."""
    if data.get("adres_id"):
        return str(data["adres_id"])
    if data.get("postcode") and data.get("huisnummer") is not None:
        number = f"{data['huisnummer']}{data.get('huisletter') or ''}"
        if data.get("toevoeging"):
            number += f"-{data['toevoeging']}"
        return f"{data['postcode']} {number}"
    return None


def _energy_key(data: dict[str, Any]) -> str | None:
    where = data.get("ean") or _address_key(data)
    return f"{where}|{data['periode']}" if where and data.get("periode") else None


def _company_key(data: dict[str, Any]) -> str | None:
    if not data.get("kvk_nummer"):
        return None
    return f"{data['kvk_nummer']}|{data['vestigingsnummer']}" if data.get("vestigingsnummer") else data["kvk_nummer"]


def folded_name(data: dict[str, Any], prefix: str = "") -> str:
    parts = (data.get(f"{prefix}voornamen"), data.get(f"{prefix}tussenvoegsel"), data.get(f"{prefix}geslachtsnaam"))
    return fold(" ".join(p for p in parts if p))


def _officer_key(data: dict[str, Any]) -> str | None:
    """No key column: the officer is the company, the person, the function and its start."""
    if not data.get("kvk_nummer") or not data.get("geslachtsnaam"):
        return None
    parts = (data["kvk_nummer"], folded_name(data), data.get("geboortedatum") or "",
             fold(data.get("functie") or ""), data.get("datum_aanvang") or "")
    return "|".join(parts)


def _one(column: str) -> Callable[[dict[str, Any]], str | None]:
    return lambda data: data.get(column)


def _energy_rules(data: dict[str, Any], failed: set[str]) -> list[Problem]:
    def given(column: str) -> bool:
        return data.get(column) is not None or column in failed

    if given("ean") or given("adres_id") or (given("postcode") and given("huisnummer")):
        return []
    if given("postcode"):
        return [("huisnummer", "Bij een postcode hoort een huisnummer; geef ook de EAN-code of het adres_id.")]
    if given("huisnummer"):
        return [("postcode", "Bij een huisnummer hoort een postcode; geef ook de EAN-code of het adres_id.")]
    return [("ean", "Geef de EAN-code, het adres_id, of postcode en huisnummer van de aansluiting.")]


PERSON_BUYER = ("koper_voornamen", "koper_tussenvoegsel", "koper_geslachtsnaam", "koper_geboortedatum")
COMPANY_BUYER = ("koper_kvk_nummer", "koper_naam")


def _transaction_rules(data: dict[str, Any], failed: set[str]) -> list[Problem]:
    """koper_type decides which buyer columns apply; the others must stay empty."""
    if "koper_type" in failed:
        return []
    kind = data.get("koper_type")
    person = [c for c in PERSON_BUYER if data.get(c) is not None or c in failed]
    company = [c for c in COMPANY_BUYER if data.get(c) is not None or c in failed]
    problems: list[Problem] = []
    if kind is None:
        if person or company:
            problems.append(("koper_type", "Geef het koper_type (natuurlijk_persoon of rechtspersoon) "
                                           "als er een koper is ingevuld."))
        return problems
    if kind == "natuurlijk_persoon":
        if "koper_geslachtsnaam" not in person:
            problems.append(("koper_geslachtsnaam", "Bij koper_type natuurlijk_persoon hoort een "
                                                    "koper_geslachtsnaam."))
        problems += [(c, f"Bij koper_type natuurlijk_persoon blijft {c} leeg.") for c in company if c not in failed]
    else:
        if not company:
            problems.append(("koper_kvk_nummer", "Bij koper_type rechtspersoon hoort een koper_kvk_nummer "
                                                 "of koper_naam."))
        problems += [(c, f"Bij koper_type rechtspersoon blijft {c} leeg.") for c in person if c not in failed]
    return problems


# --- the layouts ----------------------------------------------------------------------------------

_ADDRESS_PARTS = (Field("postcode", POSTCODE), Field("huisnummer", HOUSE), Field("huisletter", LETTER),
                  Field("toevoeging", ADDITION))
_PERSON = (Field("voornamen"), Field("tussenvoegsel"), Field("geslachtsnaam"), Field("geboortedatum", DATE))

SPECS: dict[str, SourceSpec] = {
    s.name: s
    for s in (
        SourceSpec(
            "adressen",
            (Field("adres_id", BAG, required=True), Field("straat"), Field("huisnummer", HOUSE, required=True),
             Field("huisletter", LETTER), Field("toevoeging", ADDITION), Field("postcode", POSTCODE, required=True),
             Field("woonplaats"), Field("gemeentecode", GEMEENTE), Field("wijkcode", WIJK),
             Field("buurtcode", BUURT), Field("gebruiksdoel", LIST), Field("oppervlakte_m2", INT, minimum=0),
             Field("bouwjaar", INT, minimum=1000, maximum=2100), Field("vakantiepark"),
             Field("lat", NUMBER, minimum=-90, maximum=90), Field("lon", NUMBER, minimum=-180, maximum=180)),
            _one("adres_id"), "adres_id", "adres_id",
            header_required=("adres_id", "huisnummer", "postcode"),
        ),
        SourceSpec(
            "personen",
            (Field("persoon_id", required=True), Field("bsn", BSN), *_PERSON,
             Field("geslacht", ENUM, values=("M", "V", "X")), Field("adres_id", BAG),
             Field("datum_inschrijving", DATE), Field("datum_uitschrijving", DATE)),
            _one("persoon_id"), "persoon_id", "persoon_id",
            header_required=("persoon_id",),
        ),
        SourceSpec(
            "bedrijven",
            (Field("kvk_nummer", KVK, required=True), Field("vestigingsnummer", VESTIGING), Field("handelsnaam"),
             Field("rechtsvorm"), Field("sbi_code"), Field("adres_id", BAG), Field("datum_inschrijving", DATE),
             Field("datum_uitschrijving", DATE)),
            _company_key, "kvk_nummer", "kvk_nummer met vestigingsnummer",
            header_required=("kvk_nummer",),
        ),
        SourceSpec(
            "functionarissen",
            (Field("kvk_nummer", KVK, required=True), Field("voornamen"), Field("tussenvoegsel"),
             Field("geslachtsnaam", required=True), Field("geboortedatum", DATE), Field("functie"),
             Field("datum_aanvang", DATE), Field("datum_einde", DATE)),
            _officer_key, None, "kvk_nummer, naam, geboortedatum, functie en datum_aanvang",
            header_required=("kvk_nummer", "geslachtsnaam"),
        ),
        SourceSpec(
            "energie",
            (Field("ean", EAN), Field("adres_id", BAG), *_ADDRESS_PARTS, Field("periode", PERIOD, required=True),
             Field("elektriciteit_kwh", AMOUNT, required=True), Field("gas_m3", AMOUNT)),
            _energy_key, "ean", "aansluiting en periode",
            header_required=("periode", "elektriciteit_kwh"),
            header_any=(("ean",), ("adres_id",), ("postcode", "huisnummer")),
            rules=_energy_rules,
        ),
        SourceSpec(
            "transacties",
            (Field("transactie_id", required=True), Field("adres_id", BAG), Field("datum", DATE),
             Field("koopsom", AMOUNT, minimum=0),
             Field("koper_type", ENUM, values=("natuurlijk_persoon", "rechtspersoon")),
             *(Field(f"koper_{f.name}", f.kind) for f in _PERSON), Field("koper_kvk_nummer", KVK),
             Field("koper_naam"), Field("hypotheek", ENUM, values=("ja", "nee")), Field("verkoper_naam")),
            _one("transactie_id"), "transactie_id", "transactie_id",
            header_required=("transactie_id",),
            rules=_transaction_rules,
        ),
        SourceSpec(
            "huurcontracten",
            (Field("contract_id", required=True), Field("adres_id", BAG), *_PERSON, Field("datum_ingang", DATE),
             Field("datum_einde", DATE), Field("overlastmeldingen", INT, minimum=0)),
            _one("contract_id"), "contract_id", "contract_id",
            header_required=("contract_id",),
        ),
    )
}

SOURCE_NAMES: tuple[str, ...] = tuple(SPECS)


def spec_for(source: str) -> SourceSpec:
    """The layout of a source type; KeyError for an unknown one (callers check SOURCE_NAMES)."""
    return SPECS[source]

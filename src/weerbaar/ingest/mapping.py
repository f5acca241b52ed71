"""Declarative mappings for extracts in another layout (in the spirit of FollowTheMoney mappings).

A partner whose system writes `Relatienummer;Achternaam;Geb.datum` need not rework its
export: a small YAML file says which of its columns is which standard field, how its
values translate, and which date formats it writes. Each row is then mapped onto the
standard layout and goes through exactly the same validation as a standard file.

    bron: personen
    kolommen:                 # standard field: source column, or a list joined with a space
      persoon_id: Relatienummer
      voornamen: [Roepnaam, Tweede naam]
      geslachtsnaam: Achternaam
    waarden:                  # per field: source value -> standard value ("" = empty)
      geslacht: {Man: M, Vrouw: V, Onbekend: ""}
    datumformaten: ["%d/%m/%Y", "%Y%m%d"]   # for every date field, or {veld: [formaten]}
    vast:                     # constant values for fields the file lacks
      geslacht: X

Columns of the file that the mapping does not name are kept verbatim as extras.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from weerbaar.ingest import cells
from weerbaar.ingest.csvfile import FileRefused
from weerbaar.ingest.sources import DATE, SPECS, Problem, SourceSpec

KEYS = ("bron", "kolommen", "waarden", "datumformaten", "vast")


class MappingInvalid(FileRefused):
    """The mapping file itself is wrong; `problems` names every mistake, in Dutch."""


def _norm(column: str) -> str:
    # As csvfile.normalise_header does for the file's header.
    return column.replace("\ufeff", "").strip().lower()


@dataclass(frozen=True)
class Mapping:
    source: str
    file_name: str
    columns: dict[str, tuple[str, ...]]  # standard field -> source columns (normalised names)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    date_formats: dict[str, tuple[str, ...]] = field(default_factory=dict)  # date field -> formats
    constants: dict[str, str] = field(default_factory=dict)

    @property
    def spec(self) -> SourceSpec:
        return SPECS[self.source]

    @property
    def used_columns(self) -> frozenset[str]:
        return frozenset(c for cols in self.columns.values() for c in cols)

    def header_problems(self, header: list[str]) -> list[str]:
        """Every column the mapping names that the file lacks."""
        present = set(header)
        missing = sorted(self.used_columns - present)
        if not missing:
            return []
        names = ", ".join(f"'{c}'" for c in missing)
        return [f"De mapping '{self.file_name}' noemt kolommen die niet in de kopregel staan: {names}."]

    def origin(self, standard_field: str | None) -> str | None:
        """The file's column(s) a standard field came from, for quarantine reports."""
        if standard_field is None:
            return None
        if standard_field in self.columns:
            return "+".join(self.columns[standard_field])
        return standard_field

    def apply(self, row: dict[str, str]) -> tuple[dict[str, str], dict[str, str], list[Problem]]:
        """The row in the standard layout, the cells the mapping does not use, and problems
        found while translating (reported on the file's own column)."""
        standard: dict[str, str] = {}
        problems: list[Problem] = []
        for name, columns in self.columns.items():
            value = " ".join(v.strip() for c in columns if (v := row.get(c) or "").strip())
            value = self._translate(name, value)
            if name in self.date_formats and value:
                value, problem = self._date(name, value)
                if problem:
                    problems.append((self.origin(name), problem))
            standard[name] = value
        standard.update(self.constants)
        used = self.used_columns
        extras = {k: v for k, v in row.items() if k not in used and v.strip()}
        return standard, extras, problems

    def _translate(self, name: str, value: str) -> str:
        table = self.values.get(name)
        if not table or not value:
            return value
        if value in table:
            return table[value]
        folded = {k.casefold(): v for k, v in table.items()}
        return folded.get(value.casefold(), value)

    def _date(self, name: str, value: str) -> tuple[str, str | None]:
        for fmt in self.date_formats[name]:
            try:
                return datetime.strptime(value, fmt).date().isoformat(), None
            except ValueError:
                continue
        try:
            cells.parse_date(value)  # the standard forms are always accepted too
            return value, None
        except cells.CellError:
            formats = ", ".join(self.date_formats[name])
            return "", f"Ongeldige datum '{value}'; verwacht een van de datumformaten {formats} of JJJJ-MM-DD."


# --- loading and checking a mapping file ----------------------------------------------------------


def load_mapping(path: Path | str, source: str | None = None) -> Mapping:
    """Read and check a mapping file; raises MappingInvalid naming every problem."""
    path = Path(path)
    name = path.name
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise MappingInvalid([f"Het mappingbestand '{path}' is niet te lezen ({exc.strerror or exc})."]) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise MappingInvalid([f"Het mappingbestand '{name}' is geen geldige YAML: {exc}"]) from None
    return parse_mapping(document, name, source)


def parse_mapping(document: Any, name: str = "mapping", source: str | None = None) -> Mapping:
    problems: list[str] = []
    if not isinstance(document, dict):
        raise MappingInvalid([f"De mapping '{name}' moet een YAML-woordenboek zijn met {', '.join(KEYS)}."])
    for key in document:
        if key not in KEYS:
            problems.append(f"Onbekend onderdeel '{key}'; een mapping kent {', '.join(KEYS)}.")
    bron = document.get("bron")
    if bron not in SPECS:
        problems.append(f"Onbekende of ontbrekende bron '{bron or ''}'; kies uit {', '.join(SPECS)}.")
        raise MappingInvalid([f"Mapping '{name}': {p}" for p in problems])
    if source is not None and bron != source:
        problems.append(f"De mapping is voor bron '{bron}', maar u importeert '{source}'.")
    spec = SPECS[bron]
    columns = _columns(document.get("kolommen"), spec, problems)
    constants = _constants(document.get("vast"), spec, problems)
    for both in sorted(set(columns) & set(constants)):
        problems.append(f"Het veld '{both}' staat zowel in 'kolommen' als in 'vast'; kies één.")
    _required(spec, set(columns) | set(constants), problems)
    values = _values(document.get("waarden"), spec, problems)
    formats = _formats(document.get("datumformaten"), spec, problems)
    if problems:
        raise MappingInvalid([f"Mapping '{name}': {p}" for p in problems])
    # Date formats only matter for date fields that come from a column.
    return Mapping(bron, name, columns, values, {k: v for k, v in formats.items() if k in columns}, constants)


def _known(spec: SourceSpec, name: Any, section: str, problems: list[str]) -> bool:
    if isinstance(name, str) and spec.get(name) is not None:
        return True
    problems.append(f"'{section}' noemt het onbekende veld '{name}'; velden van '{spec.name}' zijn "
                    f"{', '.join(spec.columns)}.")
    return False


def _columns(section: Any, spec: SourceSpec, problems: list[str]) -> dict[str, tuple[str, ...]]:
    if not isinstance(section, dict) or not section:
        problems.append("'kolommen' ontbreekt of is leeg; geef per standaardveld de kolom van het bestand.")
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for name, value in section.items():
        if not _known(spec, name, "kolommen", problems):
            continue
        sources = [value] if isinstance(value, str) else value
        if not isinstance(sources, list) or not sources or not all(isinstance(s, str) and s.strip() for s in sources):
            problems.append(f"'kolommen.{name}' moet een kolomnaam zijn of een lijst van kolomnamen.")
            continue
        out[name] = tuple(_norm(s) for s in sources)
    return out


def _constants(section: Any, spec: SourceSpec, problems: list[str]) -> dict[str, str]:
    if section is None:
        return {}
    if not isinstance(section, dict):
        problems.append("'vast' moet per veld een vaste waarde geven.")
        return {}
    out: dict[str, str] = {}
    for name, value in section.items():
        if not _known(spec, name, "vast", problems):
            continue
        if isinstance(value, (dict, list)) or value is None:
            problems.append(f"'vast.{name}' moet één waarde zijn (tekst of getal).")
            continue
        out[name] = str(value)
    return out


def _required(spec: SourceSpec, present: set[str], problems: list[str]) -> None:
    for name in spec.header_required:
        if name not in present:
            problems.append(f"Het verplichte veld '{name}' van '{spec.name}' staat niet in 'kolommen' of 'vast'.")
    if spec.header_any and not any(all(c in present for c in group) for group in spec.header_any):
        options = " of ".join("+".join(group) for group in spec.header_any)
        problems.append(f"Een mapping voor '{spec.name}' moet minstens {options} in 'kolommen' hebben.")


def _values(section: Any, spec: SourceSpec, problems: list[str]) -> dict[str, dict[str, str]]:
    if section is None:
        return {}
    if not isinstance(section, dict):
        problems.append("'waarden' moet per veld een tabel van bronwaarde naar standaardwaarde geven.")
        return {}
    out: dict[str, dict[str, str]] = {}
    for name, table in section.items():
        if not _known(spec, name, "waarden", problems):
            continue
        if not isinstance(table, dict) or any(isinstance(v, (dict, list)) for v in table.values()):
            problems.append(f"'waarden.{name}' moet een tabel zijn van bronwaarde naar standaardwaarde.")
            continue
        out[name] = {str(k).strip(): "" if v is None else str(v) for k, v in table.items()}
    return out


def _formats(section: Any, spec: SourceSpec, problems: list[str]) -> dict[str, tuple[str, ...]]:
    date_fields = [f.name for f in spec.fields if f.kind == DATE]
    if section is None:
        return {}
    if isinstance(section, (str, list)):
        per_field: dict[Any, Any] = dict.fromkeys(date_fields, section)
    elif isinstance(section, dict):
        per_field = section
    else:
        problems.append("'datumformaten' moet een lijst van formaten zijn, of per datumveld een lijst.")
        return {}
    out: dict[str, tuple[str, ...]] = {}
    checked: set[str] = set()
    for name, formats in per_field.items():
        if not _known(spec, name, "datumformaten", problems):
            continue
        if name not in date_fields:
            problems.append(f"'datumformaten' noemt '{name}', maar dat is geen datumveld.")
            continue
        listed = [formats] if isinstance(formats, str) else formats
        if not isinstance(listed, list) or not listed:
            problems.append(f"'datumformaten.{name}' moet een of meer formaten geven, zoals \"%d/%m/%Y\".")
            continue
        for fmt in listed:
            if fmt not in checked and not _valid_format(fmt):
                problems.append(f"Het datumformaat '{fmt}' is ongeldig; gebruik strptime-codes zoals %d, %m en %Y.")
            checked.add(str(fmt))
        out[name] = tuple(str(f) for f in listed)
    return out


def _valid_format(fmt: Any) -> bool:
    """A format must name day, month and year, and read back what it writes."""
    if not isinstance(fmt, str):
        return False
    if "%d" not in fmt or not any(c in fmt for c in ("%m", "%b", "%B")) or not any(c in fmt for c in ("%Y", "%y")):
        return False
    sample = datetime(2001, 2, 23)
    try:
        return datetime.strptime(sample.strftime(fmt), fmt) == sample
    except ValueError:
        return False

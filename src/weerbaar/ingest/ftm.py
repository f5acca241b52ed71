"""Reading FollowTheMoney entity files (JSON lines, one entity per line) as source "ftm".

Each entity becomes a source record keyed by its id, with data `{"id", "schema",
"properties"}` in the form the `followthemoney` library cleans it to. An entity is refused,
with its line and the reason, when the line is no JSON object, has no id, names a schema
FtM does not know (or an abstract one), or holds a property the schema lacks or a value
the property's type rejects: FtM's own cleaning would drop those silently, and nothing
may be dropped silently.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.schema import Schema

from weerbaar.ingest.csvfile import FileRefused, scan
from weerbaar.ingest.runs import Candidate, Problem

COLUMNS = ("id", "schema", "properties")
MAX_RAW = 2000  # characters of a refused line kept in quarantine


class EntityFile:
    """An FtM entity file, read one line at a time."""

    key_column: str | None = "id"
    key_label = "entiteit-id"
    columns: tuple[str, ...] = COLUMNS
    encoding = "UTF-8"
    delimiter = ""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        facts = scan(path)
        self.sha256, self.size = facts.sha256, facts.size
        self._fh = path.open("rb")
        self._read = 0

    @property
    def bytes_read(self) -> int:
        return self._read

    def __iter__(self) -> Iterator[Candidate]:
        for number, raw_line in enumerate(self._fh, start=1):
            self._read += len(raw_line)
            try:
                text = raw_line.decode("utf-8-sig" if number == 1 else "utf-8").strip()
            except UnicodeDecodeError:
                yield Candidate(number, {"tekst": raw_line[:MAX_RAW].decode("latin-1")},
                                problems=[(None, "De regel is geen geldige UTF-8; FtM-bestanden zijn UTF-8.")])
                continue
            if text:
                yield entity_candidate(number, text)

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> EntityFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_entities(path: Path | str) -> EntityFile:
    path = Path(path)
    if not path.is_file():
        raise FileRefused([f"Het bestand '{path}' bestaat niet of is geen bestand."])
    return EntityFile(path)


def entity_candidate(line: int, text: str) -> Candidate:
    candidate = Candidate(line, {"tekst": text[:MAX_RAW]})
    try:
        entity = json.loads(text)
    except json.JSONDecodeError as exc:
        candidate.problems.append((None, f"Geen geldige JSON: {exc.msg} (teken {exc.pos + 1})."))
        return candidate
    if not isinstance(entity, dict):
        candidate.problems.append((None, "Elke regel moet één FtM-entiteit zijn: een JSON-object."))
        return candidate
    candidate.problems = entity_problems(entity)
    if candidate.problems:
        return candidate
    try:
        proxy = model.get_proxy({k: entity[k] for k in COLUMNS if k in entity}, cleaned=False)
    except InvalidData as exc:  # pragma: no cover - entity_problems catches what FtM refuses
        candidate.problems.append((None, f"Geen geldige FtM-entiteit: {exc}"))
        return candidate
    data = proxy.to_dict()
    candidate.data = {"id": data["id"], "schema": data["schema"], "properties": data.get("properties", {})}
    candidate.key = data["id"]
    candidate.extras = {k: v for k, v in entity.items() if k not in COLUMNS}
    return candidate


def entity_problems(entity: dict[str, Any]) -> list[Problem]:
    """Every reason this entity cannot be taken as it is."""
    problems: list[Problem] = []
    entity_id = entity.get("id")
    if not isinstance(entity_id, str) or not entity_id.strip():
        problems.append(("id", "De entiteit heeft geen id."))
    elif len(entity_id) > 300:
        problems.append(("id", "Het id van de entiteit is te lang: maximaal 300 tekens."))
    name = entity.get("schema")
    schema = model.get(name) if isinstance(name, str) else None
    if schema is None:
        problems.append(("schema", f"Onbekend FtM-schema '{name or ''}'."))
        return problems
    if schema.abstract:
        problems.append(("schema", f"Het FtM-schema '{name}' is abstract; gebruik een concreet schema."))
    properties = entity.get("properties", {})
    if not isinstance(properties, dict):
        problems.append(("properties", "'properties' moet een JSON-object zijn: eigenschap → lijst van waarden."))
        return problems
    for prop_name, values in properties.items():
        problems.extend(_property_problems(schema, prop_name, values))
    return problems


def _property_problems(schema: Schema, name: str, values: Any) -> list[Problem]:
    prop = schema.get(name)
    if prop is None:
        return [("properties", f"Het schema {schema.name} kent de eigenschap '{name}' niet.")]
    listed = [values] if isinstance(values, str) else values
    if not isinstance(listed, list) or not all(isinstance(v, str) for v in listed):
        return [("properties", f"De eigenschap '{name}' moet een lijst van teksten zijn.")]
    return [
        ("properties", f"Ongeldige waarde '{v}' voor eigenschap '{name}' (type {prop.type.name}).")
        for v in listed if prop.type.clean(v, proxy=None) is None
    ]

"""Import of partner extracts (adressen, personen, ..., ftm) as immutable, versioned source records.

One file is one transaction: either every good row is stored and every bad row is in
quarantine, or (on a crash, Ctrl-C, or a file that cannot be read) nothing changed.

A record is identified by (source, delivering organisation, record_key) and its content
by a hash of its normalised data and extras. Per row:

- key unknown                       → version 1 ("nieuw");
- same content as the current one   → nothing stored ("ongewijzigd");
- other content                     → version n+1, the previous one gets superseded_at and
                                      superseded_by ("gewijzigd"), so history keeps what was
                                      known when;
- key seen earlier in the same file with other content, or current version comes from a
  newer extract (later peildatum) → quarantined with the reason.

Re-importing the same file (same SHA-256, same owner, same importing organisation) reuses
its run: its rows are recognised among that run's versions, even when a newer extract has
superseded them since, and its quarantine is not written twice.

The work is done in batches of `BATCH` rows: one query finds the current versions of the
batch's keys, one bulk insert stores the new versions. Nothing proportional to the file
is held in memory — duplicates within the file are found through the database, where the
rows of earlier batches of this run already are.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import JSON, Dialect, Table, insert, select, update
from sqlalchemy.orm import Session

from weerbaar.access import admin, logbook, rights
from weerbaar.access.principal import Principal
from weerbaar.core import clock
from weerbaar.core.bulk import bulk_work
from weerbaar.core.errors import FieldError, Forbidden, ValidationFailed
from weerbaar.core.models import Address, Organisation
from weerbaar.core.runtime import Runtime
from weerbaar.ingest import parallel, sources
from weerbaar.ingest.csvfile import CsvFile, FileRefused, open_csv
from weerbaar.ingest.mapping import Mapping, load_mapping
from weerbaar.ingest.models import ImportRun, SourceRecord
from weerbaar.ingest.runs import Candidate, Problem, QuarantineWriter, find_run
from weerbaar.ingest.signals import ImportSummary

BATCH = 1000
FTM = "ftm"
SOURCES: tuple[str, ...] = (*sources.SOURCE_NAMES, FTM)

Progress = Callable[[int, int], None]  # (bytes read, file size)


class Reader(Protocol):
    """A partner file as a stream of candidates; CSV layouts and FtM entity files alike."""

    name: str
    encoding: str
    delimiter: str
    sha256: str
    size: int
    columns: tuple[str, ...]  # order of quarantine rows within a line
    key_column: str | None
    key_label: str

    @property
    def bytes_read(self) -> int: ...

    def __iter__(self) -> Iterator[Candidate]: ...


def json_encoder(**options: Any) -> Callable[[Any], str]:
    """`json.dumps(value, **options)`, with the C encoder built once rather than on every call
    (the same text: the same encoder, only not rebuilt; circular references are not checked,
    records come from files and hold none)."""
    reference = json.JSONEncoder(check_circular=False, **options)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython has the C encoder
        return reference.encode
    strings = json.encoder.encode_basestring_ascii if reference.ensure_ascii else json.encoder.encode_basestring
    encode = make(None, reference.default, strings, None, reference.key_separator, reference.item_separator,
                  reference.sort_keys, reference.skipkeys, reference.allow_nan)

    def dumps(value: Any) -> str:
        if isinstance(value, dict):
            return "".join(encode(value, 0))
        return reference.encode(value)

    return dumps


_CANONICAL = json_encoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
_PLAIN = json_encoder()  # json.dumps with its defaults


class EncodedJSON(str):
    """A JSON document already encoded: `BulkInsert` stores the text as it is."""


_NO_EXTRAS = EncodedJSON("{}")


def encoded_content(data: dict[str, Any], extras: dict[str, Any]) -> tuple[str, EncodedJSON, EncodedJSON]:
    """(content hash, data, extras): the hash of the canonical JSON of {"data": ..., "extras": ...},
    and the canonical JSON of each part, which is what the database stores (one encoding each)."""
    data_text = EncodedJSON(_CANONICAL(data))
    extras_text = EncodedJSON(_CANONICAL(extras)) if extras else _NO_EXTRAS
    canonical = f'{{"data":{data_text},"extras":{extras_text}}}'
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest(), data_text, extras_text


# --- reading a CSV extract --------------------------------------------------------------------


class CsvSource:
    """A CSV extract in a standard layout, or in another layout through a mapping."""

    def __init__(self, csv_file: CsvFile, spec: sources.SourceSpec, mapping: Mapping | None = None,
                 *, in_helper: bool = False) -> None:
        self.csv = csv_file
        # A large file is read and validated by a helper process (ingest.parallel), by this same class.
        self.helper = parallel.HelperCandidates(csv_file, spec.name, mapping) if in_helper else None
        self.spec = spec
        self.mapping = mapping
        self.name = csv_file.name
        self.encoding = csv_file.encoding
        self.delimiter = csv_file.delimiter
        self.sha256 = csv_file.facts.sha256
        self.size = csv_file.facts.size
        self.columns = tuple(csv_file.header)
        self.key_column = self._origin(spec.key_column)
        self.key_label = spec.key_label

    def header_problems(self) -> list[str]:
        if self.mapping is not None:
            return self.mapping.header_problems(self.csv.header)
        return self.spec.header_problems(self.csv.header)

    @property
    def bytes_read(self) -> int:
        return self.helper.bytes_read if self.helper is not None else self.csv.bytes_read

    def _origin(self, column: str | None) -> str | None:
        return self.mapping.origin(column) if self.mapping is not None else column

    def __iter__(self) -> Iterator[Candidate]:
        if self.helper is not None:
            yield from self.helper
            return
        # A record without a shape problem has exactly the header's cells, so the columns the
        # layout does not know (kept as extras) are known before the first row.
        known = frozenset(self.spec.columns)
        unknown = [column for column in self.csv.header if column not in known]
        for record in self.csv:
            candidate = Candidate(line=record.line, raw=record.cells)
            if record.problem:
                candidate.problems.append((None, record.problem))
                yield candidate
                continue
            if self.mapping is not None:
                row, extras, problems = self.mapping.apply(record.cells)
            else:
                row = record.cells
                cells = record.cells
                extras = {k: cells[k] for k in unknown if k in cells and cells[k].strip()}
                problems = []
            data, found, key = sources.validate_keyed(self.spec, row)
            candidate.problems = problems + [(self._origin(column), reason) for column, reason in found]
            if not candidate.problems:
                candidate.data, candidate.extras, candidate.key = data, extras, key
            yield candidate


# --- the import -------------------------------------------------------------------------------


def import_source(
    runtime: Runtime,
    source: str,
    path: Path | str,
    principal: Principal,
    *,
    organisation: str | None = None,
    extract_date: date | None = None,
    mapping: Path | str | Mapping | None = None,
    progress: Progress | None = None,
    parallel_from_bytes: int | None = None,
) -> ImportSummary:
    """Import one partner extract; raises Forbidden, ValidationFailed or FileRefused (Dutch)
    before storing anything.

    `organisation` is the delivering partner by name (default: the importer's own); it must
    belong to the importer's municipality. `extract_date` is the peildatum (default today).
    A CSV file of `parallel_from_bytes` or more (default `parallel.PARALLEL_FROM_BYTES`) is read
    by a helper process while this one stores it.
    """
    check_may_import(principal)
    if source not in SOURCES:
        raise FileRefused([f"Onbekende bron '{source}'; kies uit {', '.join(SOURCES)}."])
    peildatum = extract_date or clock.today()
    if peildatum > clock.today():
        raise ValidationFailed([FieldError("peildatum", "peildatum_toekomst",
                                           "De peildatum ligt in de toekomst; geef de datum van het bestand.")])
    if source == FTM:
        from weerbaar.ingest.ftm import open_entities

        if mapping is not None:
            raise FileRefused(["Een mapping geldt alleen voor CSV-bestanden, niet voor FtM-entiteiten."])

        with open_entities(path) as reader:
            return _in_transaction(runtime, source, reader, principal, organisation, peildatum, progress)
    spec = sources.spec_for(source)
    layout = mapping if isinstance(mapping, Mapping) or mapping is None else load_mapping(mapping, source)
    if layout is not None and layout.source != source:
        raise FileRefused([f"De mapping is voor bron '{layout.source}', maar u importeert '{source}'."])
    with open_csv(path) as csv_file:
        csv_source = CsvSource(csv_file, spec, layout,
                               in_helper=parallel.worth_it(csv_file.facts.size, parallel_from_bytes))
        if problems := csv_source.header_problems():
            raise FileRefused(problems)
        return _in_transaction(runtime, source, csv_source, principal, organisation, peildatum, progress)


def check_may_import(principal: Principal) -> None:
    if not principal.can(rights.SOURCES_IMPORT):
        raise Forbidden("Uw rol mag geen bronbestanden importeren; dat mag de coördinator of analist.")
    if not principal.municipality_code:
        raise Forbidden("Uw organisatie hoort niet bij een gemeente; bronbestanden horen bij een gemeente.")


def _in_transaction(
    runtime: Runtime, source: str, reader: Reader, principal: Principal, organisation: str | None,
    extract_date: date, progress: Progress | None,
) -> ImportSummary:
    with bulk_work(), runtime.db.transaction() as session:
        owner = delivering_organisation(session, principal, organisation)
        return _Import(session, principal, source, reader, owner, extract_date, progress).run()


def delivering_organisation(session: Session, principal: Principal, name: str | None) -> Organisation:
    """The partner whose extract this is: by name, and within the importer's municipality."""
    if name is None or not name.strip():
        org = session.get(Organisation, principal.organisation_id)
        assert org is not None
        return org
    org = admin.find_organisation(session, name.strip())
    if org is None:
        raise ValidationFailed([FieldError("organisatie", "organisatie_onbekend",
                                           f"Onbekende organisatie '{name.strip()}'; gebruik de naam zoals die "
                                           "in Weerbaar staat.")])
    if org.municipality_code != principal.municipality_code:
        raise ValidationFailed([FieldError("organisatie", "organisatie_andere_gemeente",
                                           f"De organisatie '{org.name}' hoort niet bij uw gemeente.")])
    return org


class _Import:
    def __init__(
        self, session: Session, principal: Principal, source: str, reader: Reader, owner: Organisation,
        extract_date: date, progress: Progress | None,
    ) -> None:
        self.session = session
        self.principal = principal
        self.source = source
        self.reader = reader
        self.owner = owner
        self.extract_date = extract_date
        self.progress = progress
        self.file_name = reader.name[:300]
        self.summary = ImportSummary(reader.name, reader.encoding, reader.delimiter)

    def run(self) -> ImportSummary:
        run = find_run(self.session, self.source, self.reader.sha256, self.principal, self.owner.id)
        seen_before = run is not None
        if run is None:
            run = ImportRun(source=self.source, file_name=self.file_name, file_hash=self.reader.sha256,
                            by_user_id=self.principal.user_id, counts={}, organisation_id=self.owner.id,
                            extract_date=self.extract_date)
            self.session.add(run)
            self.session.flush()
        self.summary.run_id, self.summary.seen_before = run.id, seen_before
        quarantine = QuarantineWriter(self.session, run.id, self.source, self.file_name, self.reader.columns,
                                      earlier_run_id=run.id if seen_before else None)
        store = _Store(self, run, quarantine, seen_before)
        for candidate in self.reader:
            self.summary.gelezen += 1
            store.add(candidate)
            if self.progress is not None:
                self.progress(self.reader.bytes_read, self.reader.size)
        store.flush()
        quarantine.flush()
        if not seen_before:
            run.counts = self.summary.counts()
        logbook.record(
            self.session, self.principal, logbook.IMPORT, object_type="import", object_id=run.id,
            purpose=f"bulkimport {self.source}",
            details={"bron": self.source, "bestand": self.file_name, "sha256": self.reader.sha256,
                     "organisatie": self.owner.name, "peildatum": self.extract_date.isoformat(),
                     "eerderIngelezen": seen_before, **self.summary.counts()},
        )
        return self.summary


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


_COLUMNS = ("source", "organisation_id", "municipality_code", "record_key", "version", "content_hash", "data",
            "extras", "run_id", "file_name", "line", "extract_date", "imported_at")


class BulkInsert:
    """Rows of `columns` inserted with one executemany per batch.

    On SQLite the compiled INSERT goes straight to the driver with every value converted
    by its column type (JSON, dates) here, once: through Core, SQLAlchemy would also build
    and process a parameter set per row, which costs more than the insert itself. Other
    databases take the Core path (PostgreSQL's batched multi-row VALUES).
    """

    def __init__(self, session: Session, table: Table, columns: tuple[str, ...]) -> None:
        self.session = session
        self.table = table
        connection = session.connection()
        dialect = connection.dialect
        self.direct = dialect.name == "sqlite"
        compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
        self.sql = compiled.string
        self.order = tuple(compiled.positiontup or ())
        self.direct = self.direct and compiled.positional and set(self.order) == set(columns)
        self.steps = [(name, self._converter(table.c[name].type, dialect)) for name in self.order]
        self.columns = columns

    @staticmethod
    def _converter(column_type: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
        convert = column_type.dialect_impl(dialect).bind_processor(dialect)
        if isinstance(column_type, JSON) and convert is not None:
            # JSON as the dialect would write it (json.dumps), with the encoder built once.
            sample = {"b": [1, 2.5, None, True], "a": "é\u2028\"", "c": {}}
            if convert(sample) == _PLAIN(sample):
                return lambda value: (value if type(value) is EncodedJSON
                                      else _PLAIN(value) if isinstance(value, dict) else convert(value))
        return convert  # type: ignore[no-any-return]

    def insert(self, rows: list[dict[str, Any]]) -> None:
        if not self.direct:
            self.session.execute(insert(self.table), rows)
            return
        self._execute(rows, self.steps)

    def insert_tuples(self, rows: list[tuple[Any, ...]], batch: int = 50_000) -> None:
        """`insert`, for rows given as tuples in the order of `columns` (no dict per row), `batch`
        rows per statement."""
        if len(rows) > batch:
            for i in range(0, len(rows), batch):
                self.insert_tuples(rows[i : i + batch], batch)
            return
        if not rows:
            return
        if not self.direct:
            self.insert([dict(zip(self.columns, row, strict=True)) for row in rows])
            return
        position = {name: i for i, name in enumerate(self.columns)}
        steps = [(position[name], convert) for name, convert in self.steps]
        if all(convert is None for _, convert in steps) and list(self.columns) == list(self.order):
            self.session.connection().exec_driver_sql(self.sql, rows)
            return
        self._execute(rows, steps)

    def _execute(self, rows: list[Any], steps: list[tuple[Any, Callable[[Any], Any] | None]]) -> None:
        """Rows (dicts or tuples), each value taken by its step's key and converted, to the driver.

        A value that is the very object of the previous row's (the peildatum, the import's
        moment, an explanation shared by a group of links) is converted once. Within one call
        every row is alive, so an object's identity cannot be reused for another value.
        """
        last: dict[Any, tuple[Any, Any]] = {}
        params: list[tuple[Any, ...]] = []
        for row in rows:
            values: list[Any] = []
            for key, convert in steps:
                value = row[key]
                if convert is not None:
                    seen = last.get(key)
                    if seen is not None and seen[0] is value:
                        value = seen[1]
                    else:
                        converted = convert(value)
                        last[key] = (value, converted)
                        value = converted
                values.append(value)
            params.append(tuple(values))
        self.session.connection().exec_driver_sql(self.sql, params)


@dataclass
class _Current:
    id: int
    version: int
    content_hash: str
    run_id: str
    extract_date: date
    line: int


class _Store:
    """Decides per candidate (new, changed, unchanged, refused) and writes a batch at a time."""

    def __init__(self, job: _Import, run: ImportRun, quarantine: QuarantineWriter, seen_before: bool) -> None:
        self.job = job
        self.session = job.session
        self.summary = job.summary
        self.run = run
        self.quarantine = quarantine
        self.seen_before = seen_before
        self.now = clock.now()
        self.writer = BulkInsert(self.session, _table(SourceRecord), _COLUMNS)
        self.batch: list[Candidate] = []
        self.address_writer: BulkInsert | None = None
        self.on_current: Callable[[list[dict[str, Any]]], None] | None = (
            self._upsert_addresses if job.source == "adressen" else None
        )

    def add(self, candidate: Candidate) -> None:
        self.batch.append(candidate)
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        keys = list({c.key for c in batch if not c.problems and c.key})
        current = self._current(keys)
        same_run = self._versions_of_this_run(keys) if self.seen_before else {}
        inserts: list[dict[str, Any]] = []
        supersede: list[tuple[int, int]] = []  # (previous id, index in inserts)
        now_current: list[dict[str, Any]] = []
        pending: dict[str, tuple[str, int]] = {}  # key -> (hash, line) decided in this batch
        for c in batch:
            if c.problems or c.data is None or c.key is None:
                self._refuse(c, c.problems or [(self.job.reader.key_column, "De sleutel ontbreekt.")])
                continue
            digest, data_text, extras_text = encoded_content(c.data, c.extras)
            earlier = pending.get(c.key)
            if earlier is None and c.key in same_run:
                versions = same_run[c.key]
                earlier = versions.get(digest) or next(iter(versions.values()))
            cur = current.get(c.key)
            if earlier is None and cur is not None and cur.run_id == self.run.id:
                earlier = (cur.content_hash, cur.line)
            if earlier is not None:
                self._repeat(c, digest, earlier)
                continue
            pending[c.key] = (digest, c.line)
            if cur is not None and cur.content_hash == digest:
                self._accept("ongewijzigd")
                now_current.append(c.data)
                continue
            if cur is not None and cur.extract_date > self.job.extract_date:
                pending.pop(c.key)
                self._refuse(c, [(self.job.reader.key_column, (
                    f"Er is al een nieuwere levering van dit record (peildatum {cur.extract_date.isoformat()}); "
                    "een oudere levering vervangt die niet."))])
                continue
            if cur is not None:
                supersede.append((cur.id, len(inserts)))
            inserts.append(self._row(c, digest, cur.version + 1 if cur else 1, data_text, extras_text))
            self._accept("gewijzigd" if cur else "nieuw")
            now_current.append(c.data)
        self._write(inserts, supersede)
        if self.on_current and now_current:
            self.on_current(now_current)

    def _repeat(self, c: Candidate, digest: str, earlier: tuple[str, int]) -> None:
        """The key occurred before in this file (or in the earlier run of this very file)."""
        earlier_hash, earlier_line = earlier
        if earlier_hash == digest:
            self._accept("ongewijzigd")
            return
        self._refuse(c, [(self.job.reader.key_column, (
            f"De sleutel ({self.job.reader.key_label}: '{c.key}') komt al eerder in dit bestand voor "
            f"(regel {earlier_line}) met andere inhoud; deze regel is niet opgenomen."))])

    def _accept(self, outcome: str) -> None:
        self.summary.geaccepteerd += 1
        setattr(self.summary, outcome, getattr(self.summary, outcome) + 1)

    def _refuse(self, c: Candidate, problems: list[Problem]) -> None:
        self.summary.in_quarantaine += 1
        self.quarantine.add(c.line, c.raw, problems)

    def _row(self, c: Candidate, digest: str, version: int, data: EncodedJSON, extras: EncodedJSON) -> dict[str, Any]:
        job = self.job
        # The writer that goes straight to SQLite stores the texts already encoded for the hash.
        direct = self.writer.direct
        return {
            "source": job.source, "organisation_id": job.owner.id,
            "municipality_code": job.principal.municipality_code, "record_key": c.key, "version": version,
            "content_hash": digest, "data": data if direct else c.data, "extras": extras if direct else c.extras,
            "run_id": self.run.id,
            "file_name": job.file_name, "line": c.line, "extract_date": job.extract_date, "imported_at": self.now,
        }

    def _current(self, keys: list[str]) -> dict[str, _Current]:
        if not keys:
            return {}
        query = select(
            SourceRecord.record_key, SourceRecord.id, SourceRecord.version, SourceRecord.content_hash,
            SourceRecord.run_id, SourceRecord.extract_date, SourceRecord.line,
        ).where(
            SourceRecord.source == self.job.source, SourceRecord.organisation_id == self.job.owner.id,
            SourceRecord.record_key.in_(keys), SourceRecord.superseded_at.is_(None),
        ).order_by(SourceRecord.version)
        return {r.record_key: _Current(r.id, r.version, r.content_hash, r.run_id, r.extract_date, r.line)
                for r in self.session.execute(query)}

    def _versions_of_this_run(self, keys: list[str]) -> dict[str, dict[str, tuple[str, int]]]:
        """key -> {hash: (hash, line)} of every version an earlier import of this file stored."""
        if not keys:
            return {}
        query = select(SourceRecord.record_key, SourceRecord.content_hash, SourceRecord.line).where(
            SourceRecord.run_id == self.run.id, SourceRecord.source == self.job.source,
            SourceRecord.organisation_id == self.job.owner.id, SourceRecord.record_key.in_(keys),
        )
        out: dict[str, dict[str, tuple[str, int]]] = {}
        for r in self.session.execute(query):
            out.setdefault(r.record_key, {})[r.content_hash] = (r.content_hash, r.line)
        return out

    def _write(self, inserts: list[dict[str, Any]], supersede: list[tuple[int, int]]) -> None:
        if not inserts:
            return
        if not supersede:
            # No ids needed: one executemany, not an ORM insert with RETURNING (which SQLite
            # runs row by row).
            self.writer.insert(inserts)
            return
        # The ORM path wants documents, not texts (changed records: the rarer case).
        documents = [{k: json.loads(v) if type(v) is EncodedJSON else v for k, v in row.items()} for row in inserts]
        ids = list(self.session.scalars(
            insert(SourceRecord).returning(SourceRecord.id, sort_by_parameter_order=True), documents
        ))
        if supersede:
            self.session.execute(update(SourceRecord), [
                {"id": previous, "superseded_at": self.now, "superseded_by": ids[index]}
                for previous, index in supersede
            ])

    def _upsert_addresses(self, rows: list[dict[str, Any]]) -> None:
        """Keep the current address register (core Address) in step with the adressen extract,
        so intake finds addresses by id or postcode; the history stays in source_records."""
        wanted = {r["adres_id"]: _address_values(r) for r in rows}
        existing = {
            a.id: a for a in self.session.execute(
                select(Address.__table__).where(Address.id.in_(list(wanted)))
            )
        }
        new = [v for k, v in wanted.items() if k not in existing]
        changed = [v for k, v in wanted.items()
                   if k in existing and any(getattr(existing[k], f) != v[f] for f in v)]
        if new:
            if self.address_writer is None:
                self.address_writer = BulkInsert(self.session, _table(Address), tuple(new[0]))
            self.address_writer.insert(new)
        if changed:
            self.session.execute(update(Address), changed)


def _address_values(data: dict[str, Any]) -> dict[str, Any]:
    def cut(value: str | None, size: int) -> str | None:
        return value[:size] if value else None

    uses = data.get("gebruiksdoel") or []
    return {
        "id": data["adres_id"], "street": cut(data.get("straat"), 200), "house_number": data["huisnummer"],
        "house_letter": data.get("huisletter"), "addition": data.get("toevoeging"), "postcode": data["postcode"],
        "city": cut(data.get("woonplaats"), 100), "municipality_code": data.get("gemeentecode"),
        "district_code": data.get("wijkcode"), "neighbourhood_code": data.get("buurtcode"),
        "use": cut("|".join(uses), 200), "floor_area": data.get("oppervlakte_m2"),
        "year_built": data.get("bouwjaar"), "holiday_park": cut(data.get("vakantiepark"), 200),
        "lat": data.get("lat"), "lon": data.get("lon"),
    }


# --- reading history --------------------------------------------------------------------------


def history(session: Session, source: str, organisation_id: str, record_key: str) -> list[SourceRecord]:
    """Every version of one record, oldest first: what each extract said, and until when."""
    query = select(SourceRecord).where(
        SourceRecord.source == source, SourceRecord.organisation_id == organisation_id,
        SourceRecord.record_key == record_key,
    ).order_by(SourceRecord.version)
    return list(session.scalars(query))


def known_at(
    session: Session, source: str, organisation_id: str, record_key: str, moment: datetime
) -> SourceRecord | None:
    """The version Weerbaar held at `moment` (None if the record was not yet known then)."""
    moment = clock.as_utc(moment)
    for version in reversed(history(session, source, organisation_id, record_key)):
        imported = clock.as_utc(version.imported_at)
        superseded = clock.as_utc(version.superseded_at) if version.superseded_at else None
        if imported <= moment and (superseded is None or superseded > moment):
            return version
    return None

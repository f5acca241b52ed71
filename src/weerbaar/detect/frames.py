"""The analysis tables of one municipality in DuckDB: the current partner records, typed, with
every person and company replaced by the subject the linking run gave it.

The database hands over raw rows (record id, source, the JSON text of the data) and the links;
DuckDB does the typing and joining. Table layouts are the catalogue's contract
(`core.rules.TABLES`, documented in `catalogus/indicatoren/README.md`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from weerbaar.core.db import stream_rows
from weerbaar.core.models import Address
from weerbaar.core.rules import DetectionSettings, create_tables
from weerbaar.ingest.models import SourceRecord
from weerbaar.resolve.models import Subject, SubjectLink

BATCH = 50_000
ProgressFn = Callable[[int, int], None]

_RAW = pa.schema([("id", pa.int64()), ("source", pa.string()), ("data", pa.string())])
_LINKS = pa.schema([("record_id", pa.int64()), ("role", pa.string()), ("subject_id", pa.string())])
_ADDRESS_COLUMNS = (
    Address.id, Address.street, Address.postcode, Address.house_number, Address.house_letter, Address.addition,
    Address.neighbourhood_code, Address.district_code, Address.use, Address.floor_area, Address.year_built,
    Address.holiday_park,
)


def _text(field: str) -> str:
    return f"nullif(trim(data->>'{field}'), '')"


def _date(field: str) -> str:
    return f"try_cast({_text(field)} AS DATE)"


def _number(field: str) -> str:
    return f"try_cast(data->>'{field}' AS DOUBLE)"


def _subject(role: str) -> str:
    return f"k_{role}.subject_id"


def _joins(select_sql: str) -> str:
    """A left join on the links for every role the SELECT names (k_<role>), and on the BAG id of
    the address subject (bag) when it uses one."""
    joins = []
    for role in ("persoon", "bedrijf", "functionaris", "onderneming", "koper", "huurder", "adres"):
        if f"k_{role}." in select_sql or (role == "adres" and "bag." in select_sql):
            joins.append(f"LEFT JOIN links_t k_{role} ON k_{role}.record_id = r.id AND k_{role}.role = '{role}'")
    if "bag." in select_sql:
        joins.append("LEFT JOIN address_subjects bag ON bag.subject_id = k_adres.subject_id")
    return " ".join(joins)


# Typed tables from the raw records: one SELECT per table, over `raw r` of its source.
_FROM_RECORDS: dict[str, tuple[str, str]] = {
    "inschrijvingen": ("personen", f"""
        SELECT {_subject('persoon')} AS persoon, {_text('adres_id')} AS adres_id,
               {_date('geboortedatum')} AS geboortedatum, {_date('datum_inschrijving')} AS datum_inschrijving,
               {_date('datum_uitschrijving')} AS datum_uitschrijving"""),
    "bedrijven": ("bedrijven", f"""
        SELECT {_subject('bedrijf')} AS bedrijf, {_text('kvk_nummer')} AS kvk_nummer,
               {_text('handelsnaam')} AS handelsnaam, {_text('sbi_code')} AS sbi_code,
               {_text('adres_id')} AS adres_id, {_date('datum_inschrijving')} AS datum_inschrijving,
               {_date('datum_uitschrijving')} AS datum_uitschrijving"""),
    "functionarissen": ("functionarissen", f"""
        SELECT {_subject('functionaris')} AS persoon, {_subject('onderneming')} AS bedrijf,
               {_text('kvk_nummer')} AS kvk_nummer, {_text('functie')} AS functie,
               {_date('datum_aanvang')} AS datum_aanvang, {_date('datum_einde')} AS datum_einde"""),
    "transacties": ("transacties", f"""
        SELECT {_text('transactie_id')} AS transactie_id, coalesce({_text('adres_id')}, bag.adres_id) AS adres_id,
               {_date('datum')} AS datum, {_number('koopsom')} AS koopsom, lower({_text('hypotheek')}) AS hypotheek,
               {_subject('koper')} AS koper,
               CASE WHEN {_text('koper_type')} = 'rechtspersoon' THEN 'bedrijf' ELSE 'persoon' END AS koper_soort,
               {_date('koper_geboortedatum')} AS koper_geboortedatum"""),
    "huurcontracten": ("huurcontracten", f"""
        SELECT {_text('contract_id')} AS contract_id, {_text('adres_id')} AS adres_id,
               {_subject('huurder')} AS huurder, {_date('datum_ingang')} AS datum_ingang,
               {_date('datum_einde')} AS datum_einde"""),
    "energie": ("energie", f"""
        SELECT coalesce({_text('adres_id')}, bag.adres_id) AS adres_id,
               {_text('ean')} AS ean, try_cast({_text('periode')} || '-01' AS DATE) AS periode,
               {_number('elektriciteit_kwh')} AS kwh, {_number('gas_m3')} AS gas_m3"""),
}


class Frames:
    """A DuckDB connection holding the analysis tables of one municipality."""

    def __init__(self, con: duckdb.DuckDBPyConnection, counts: dict[str, int]) -> None:
        self.con = con
        self.counts = counts  # rows per source (records) and per table

    def close(self) -> None:
        self.con.close()


def build_frames(
    session: Session, municipality: str, settings: DetectionSettings, progress: ProgressFn | None = None
) -> Frames:
    con = duckdb.connect()
    create_tables(con)
    counts: dict[str, int] = {}
    _load_addresses(session, con, municipality)
    counts["adressen"] = _count(con, "adressen")
    con.register("raw", _raw_records(session, municipality, progress))
    con.register("links", _links(session, municipality))
    con.execute("CREATE TEMP TABLE raw_t AS SELECT * FROM raw").fetchall()
    con.execute("CREATE TEMP TABLE links_t AS SELECT * FROM links").fetchall()
    con.unregister("raw")
    con.unregister("links")
    # Which BAG address an address subject stands for: the adres_id any of its mentions carries.
    con.execute("""
        CREATE TEMP TABLE address_subjects AS
        SELECT l.subject_id, min(r.data->>'adres_id') AS adres_id
        FROM links_t l JOIN raw_t r ON r.id = l.record_id
        WHERE l.role = 'adres' AND nullif(trim(r.data->>'adres_id'), '') IS NOT NULL
        GROUP BY l.subject_id
    """).fetchall()
    for source, n in con.execute("SELECT source, count(*) FROM raw_t GROUP BY source").fetchall():
        counts[f"bron:{source}"] = n
    for table, (source, select_sql) in _FROM_RECORDS.items():
        con.execute(f"INSERT INTO {table} {select_sql} FROM raw_t r {_joins(select_sql)}"
                    f" WHERE r.source = '{source}'").fetchall()
        counts[table] = _count(con, table)
    for table, codes in (("kasintensief", settings.kasintensieve_sbi), ("zorg", settings.zorg_sbi),
                         ("uitzend", settings.uitzend_sbi)):
        con.executemany(f"INSERT INTO {table} VALUES (?)", [(code,) for code in codes]).fetchall()
    con.execute("DROP TABLE raw_t").fetchall()
    return Frames(con, counts)


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


def _load_addresses(session: Session, con: duckdb.DuckDBPyConnection, municipality: str) -> None:
    rows = session.execute(select(*_ADDRESS_COLUMNS).where(Address.municipality_code == municipality)).all()
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [() for _ in _ADDRESS_COLUMNS]
    names = ["adres_id", "straat", "postcode", "huisnummer", "huisletter", "toevoeging", "buurtcode", "wijkcode",
             "gebruiksdoel", "oppervlakte_m2", "bouwjaar", "vakantiepark"]
    types = [pa.string()] * 3 + [pa.int64()] + [pa.string()] * 5 + [pa.int64()] * 2 + [pa.string()]
    table = pa.table({n: pa.array(list(c), t) for n, c, t in zip(names, columns, types, strict=True)})
    con.register("address_rows", table)
    con.execute("""
        INSERT INTO adressen
        SELECT adres_id, straat, postcode, huisnummer::INTEGER, huisletter, toevoeging, buurtcode, wijkcode,
               gebruiksdoel, coalesce(gebruiksdoel LIKE '%woonfunctie%', false), oppervlakte_m2::INTEGER,
               bouwjaar::INTEGER, nullif(vakantiepark, '')
        FROM address_rows
    """).fetchall()
    con.unregister("address_rows")


def _raw_records(session: Session, municipality: str, progress: ProgressFn | None) -> pa.Table:
    query = (
        select(SourceRecord.id, SourceRecord.source, cast(SourceRecord.data, Text))
        .where(SourceRecord.municipality_code == municipality, SourceRecord.superseded_at.is_(None),
               SourceRecord.source.in_(["personen", "bedrijven", "functionarissen", "transacties",
                                        "huurcontracten", "energie", "adressen"]))
    )
    batches: list[pa.RecordBatch] = []
    done = 0
    for part in stream_rows(session, query, BATCH):
        ids, sources, data = zip(*part, strict=True)
        batches.append(pa.record_batch([pa.array(ids, pa.int64()), pa.array(sources), pa.array(data)], schema=_RAW))
        done += len(part)
        if progress is not None:
            progress(done, 0)
    return pa.Table.from_batches(batches, schema=_RAW)


def _links(session: Session, municipality: str) -> pa.Table:
    query = (
        select(SubjectLink.record_id, SubjectLink.role, SubjectLink.subject_id)
        .join(Subject, Subject.id == SubjectLink.subject_id)
        .where(Subject.municipality_code == municipality, Subject.retired_at.is_(None))
    )
    batches: list[pa.RecordBatch] = []
    for part in stream_rows(session, query, BATCH):
        a, b, c = zip(*part, strict=True)
        batches.append(pa.record_batch([pa.array(a, pa.int64()), pa.array(b), pa.array(c)], schema=_LINKS))
    return pa.Table.from_batches(batches, schema=_LINKS)

"""Import of partner extracts (adressen ... huurcontracten) as versioned source records.

Fixture files as partners deliver them live in tests/data/bronnen/; files with faults are
written from Python into tmp_path. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import re
import tracemalloc
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from weerbaar.access import logbook
from weerbaar.access.models import AccessLogEntry
from weerbaar.cli import main as weerbaar_cli
from weerbaar.core import clock
from weerbaar.core.errors import Forbidden, ValidationFailed
from weerbaar.core.models import Address
from weerbaar.ingest.csvfile import FileRefused
from weerbaar.ingest.models import ImportRun, QuarantinedRow, SourceRecord
from weerbaar.ingest.records import history, import_source, known_at
from weerbaar.intake.schemas import LocatieIn
from weerbaar.intake.service import find_address

from .world import PASSWORD

DATA = Path(__file__).parent / "data" / "bronnen"
ENERGY_HEADER = ["ean", "adres_id", "postcode", "huisnummer", "toevoeging", "periode", "elektriciteit_kwh", "gas_m3"]


def write(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",",
          encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def energy_rows(count: int, kwh: str = "100", start: int = 0) -> list[list[str]]:
    return [[f"8716874{n:011d}", "", "", "", "", "2026-01", kwh, ""] for n in range(start, start + count)]


def current(runtime, source: str, organisation_id: str | None = None) -> dict[str, SourceRecord]:  # type: ignore[no-untyped-def]
    query = select(SourceRecord).where(SourceRecord.source == source, SourceRecord.superseded_at.is_(None))
    if organisation_id:
        query = query.where(SourceRecord.organisation_id == organisation_id)
    with runtime.db.session() as s:
        rows = s.scalars(query)
        return {r.record_key: r for r in rows}


def quarantined(runtime) -> list[tuple[str, int, str | None, str]]:  # type: ignore[no-untyped-def]
    with runtime.db.session() as s:
        rows = s.scalars(select(QuarantinedRow).order_by(QuarantinedRow.line, QuarantinedRow.id))
        return [(q.source, q.line, q.column, q.reason) for q in rows]


def count(runtime, model, *where) -> int:  # type: ignore[no-untyped-def]
    with runtime.db.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


def stored_state(runtime) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {name: count(runtime, model) for name, model in (
        ("records", SourceRecord), ("runs", ImportRun), ("quarantaine", QuarantinedRow),
        ("logboek", AccessLogEntry), ("adressen", Address))}


def summary_counts(**given: int) -> dict[str, int]:
    base = dict.fromkeys(("gelezen", "geaccepteerd", "in_quarantaine", "nieuw", "gewijzigd", "ongewijzigd"), 0)
    return {**base, **given}


# --- each source: a good file, normalised ---------------------------------------------------------

EXPECTED: dict[str, tuple[int, str, dict[str, Any], dict[str, str]]] = {
    # source: (rows, key of the record checked, its data, its extras)
    "adressen": (3, "9990200000000003", {
        "adres_id": "9990200000000003", "straat": "Molenweg", "huisnummer": 12, "huisletter": "A",
        "toevoeging": "2", "postcode": "9991AB", "woonplaats": "Lindeveen", "gemeentecode": "GM9990",
        "wijkcode": "WK999001", "buurtcode": "BU99900102", "gebruiksdoel": ["woonfunctie", "winkelfunctie"],
        "oppervlakte_m2": 120, "bouwjaar": 1932, "vakantiepark": None, "lat": 52.11, "lon": 5.1}, {}),
    "personen": (3, "P-0002", {
        "persoon_id": "P-0002", "bsn": None, "voornamen": "Fatima", "tussenvoegsel": None,
        "geslachtsnaam": "El Amrani", "geboortedatum": "1990-11-12", "geslacht": "V",
        "adres_id": "9990200000000003", "datum_inschrijving": "2021-02-01", "datum_uitschrijving": "2024-05-31"}, {}),
    "bedrijven": (2, "12345678|000012345678", {
        "kvk_nummer": "12345678", "vestigingsnummer": "000012345678", "handelsnaam": "Kapsalon Salma",
        "rechtsvorm": "eenmanszaak", "sbi_code": "9602", "adres_id": "9990200000000003",
        "datum_inschrijving": "2022-04-01", "datum_uitschrijving": None}, {"website": "www.salma.example"}),
    "functionarissen": (3, "87654321|jan pieter van der wal|1985-06-07|bestuurder|2020-01-15", {
        "kvk_nummer": "87654321", "voornamen": "Jan Pieter", "tussenvoegsel": "van der", "geslachtsnaam": "Wal",
        "geboortedatum": "1985-06-07", "functie": "Bestuurder", "datum_aanvang": "2020-01-15",
        "datum_einde": "2023-12-31"}, {}),
    "energie": (3, "9991AB 12A-2|2026-01", {
        "ean": None, "adres_id": None, "postcode": "9991AB", "huisnummer": 12, "huisletter": "A",
        "toevoeging": "2", "periode": "2026-01", "elektriciteit_kwh": 312.0, "gas_m3": None}, {}),
    "transacties": (3, "T-2", {
        "transactie_id": "T-2", "adres_id": "9990200000000003", "datum": "2026-01-03", "koopsom": 412500.0,
        "koper_type": "rechtspersoon", "koper_voornamen": None, "koper_tussenvoegsel": None,
        "koper_geslachtsnaam": None, "koper_geboortedatum": None, "koper_kvk_nummer": "87654321",
        "koper_naam": "Groeimaat B.V.", "hypotheek": "nee", "verkoper_naam": None}, {}),
    "huurcontracten": (2, "HC-100", {
        "contract_id": "HC-100", "adres_id": "9990200000000003", "voornamen": "Fatima", "tussenvoegsel": None,
        "geslachtsnaam": "El Amrani", "geboortedatum": "1990-11-12", "datum_ingang": "2021-02-01",
        "datum_einde": None, "overlastmeldingen": 3}, {}),
}


@pytest.mark.parametrize("source", list(EXPECTED))
def test_each_source_imports_its_standard_file_normalised(runtime, world, source):
    rows, key, data, extras = EXPECTED[source]
    peildatum = date(2026, 2, 1)
    summary = import_source(runtime, source, DATA / f"{source}.csv", world["coordinator"].principal,
                            extract_date=peildatum)
    assert summary.counts() == summary_counts(gelezen=rows, geaccepteerd=rows, nieuw=rows)
    assert quarantined(runtime) == []
    stored = current(runtime, source)
    assert len(stored) == rows
    record = stored[key]
    assert record.data == data
    assert record.extras == extras
    assert (record.version, record.superseded_at, record.extract_date) == (1, None, peildatum)
    assert record.organisation_id == world.orgs["gemeente"].id and record.municipality_code == "GM9990"
    assert record.file_name == f"{source}.csv" and record.run_id == summary.run_id


def test_details_of_normalisation_across_sources(runtime, world):
    coordinator = world["coordinator"].principal
    for source in EXPECTED:
        import_source(runtime, source, DATA / f"{source}.csv", coordinator)
    people = current(runtime, "personen")
    assert people["P-0003"].data["bsn"] == "999990019"  # "99999 0019": spaces tolerated
    assert people["P-0003"].data["geslacht"] == "X" and people["P-0001"].data["geslacht"] == "M"
    energy = current(runtime, "energie")
    assert energy["871687400000000001|2026-01"].data["elektriciteit_kwh"] == 1234.5  # "1.234,5"
    assert energy["871687400000000001|2026-01"].data["gas_m3"] == 88.0
    assert energy["9990200000000004|2026-01"].data["elektriciteit_kwh"] == -40.5  # feed-in
    deals = current(runtime, "transacties")
    assert deals["T-1"].data["koopsom"] == 385000.0 and deals["T-1"].data["hypotheek"] == "ja"
    assert deals["T-3"].data["koper_type"] is None
    officers = current(runtime, "functionarissen")
    renee = officers["87654321|renee de jong||gevolmachtigde|"]
    assert renee.line == 4 and renee.data["geboortedatum"] is None  # the export names rows by line
    addresses = current(runtime, "adressen")
    assert addresses["9990200000000001"].extras == {"bag_status": "in gebruik"}
    assert addresses["9990200000000004"].data["vakantiepark"] == "Vakantiepark De Dennen"
    companies = current(runtime, "bedrijven")
    assert set(companies) == {"12345678|000012345678", "87654321"}  # kvk alone without vestiging


def test_windows_1252_semicolons_dutch_dates_and_extra_columns(runtime, world):
    summary = import_source(runtime, "personen", DATA / "personen_excel_cp1252.csv",
                            world["coordinator"].principal)
    assert (summary.encoding, summary.delimiter) == ("Windows-1252", ";")
    assert summary.counts() == summary_counts(gelezen=2, geaccepteerd=2, nieuw=2)
    stored = current(runtime, "personen")
    renee = stored["P-0101"]
    assert (renee.data["voornamen"], renee.data["geslachtsnaam"]) == ("Renée", "Müller")
    assert (renee.data["geboortedatum"], renee.data["datum_inschrijving"]) == ("1985-06-07", "2019-03-01")
    assert renee.extras == {"opmerking": "verhuisd uit Zandhoven"}
    zoe = stored["P-0102"]
    assert (zoe.data["voornamen"], zoe.data["tussenvoegsel"], zoe.data["geboortedatum"]) == (
        "Zoë", "van 't", "2001-12-31")
    assert zoe.extras == {}  # an empty extra cell is unknown, not kept as ""


# --- invalid cells: every problem its own quarantine row, with column and reason ---------------

INVALID: dict[str, tuple[list[str], list[list[str]], list[tuple[int, str, str]]]] = {
    "personen": (
        ["persoon_id", "bsn", "geslachtsnaam", "geboortedatum", "geslacht", "adres_id"],
        [["P-1", "999990001", "Jansen", "", "", ""],
         ["P-2", "12345", "Jansen", "31-02-1990", "Q", "123"],
         ["", "", "Jansen", "", "", ""],
         ["P-4", "999990007", "Jansen", "1990-01-01", "m", "9990200000000001"]],
        [(2, "bsn", "elfproef"), (3, "bsn", "9 cijfers"), (3, "geboortedatum", "bestaat niet"),
         (3, "geslacht", "Onbekende waarde 'Q'"), (3, "adres_id", "16 cijfers"), (4, "persoon_id", "verplicht")],
    ),
    "adressen": (
        ["adres_id", "huisnummer", "postcode", "gemeentecode", "wijkcode", "buurtcode", "bouwjaar", "lat"],
        [["9990200000000009", "abc", "12345", "GM99", "WK1", "BU123", "19x5", "95"],
         ["999020000000000", "3", "9991AA", "GM9990", "WK999001", "BU99900101", "1980", "52.1"],
         ["9990200000000008", "3", "9991SS", "", "", "", "", ""]],
        [(2, "huisnummer", "Ongeldig huisnummer 'abc'"), (2, "postcode", "4 cijfers en 2 letters"),
         (2, "gemeentecode", "GM gevolgd door 4 cijfers"), (2, "wijkcode", "WK gevolgd door 6 cijfers"),
         (2, "buurtcode", "BU gevolgd door 8 cijfers"), (2, "bouwjaar", "geen geheel getal"),
         (2, "lat", "te groot"), (3, "adres_id", "16 cijfers"), (4, "postcode", "SA, SD of SS")],
    ),
    "bedrijven": (
        ["kvk_nummer", "vestigingsnummer", "handelsnaam", "datum_inschrijving"],
        [["1234567", "12345", "Fout BV", "2020-13-01"], ["12345678", "", "Goed BV", ""]],
        [(2, "kvk_nummer", "8 cijfers"), (2, "vestigingsnummer", "12 cijfers"), (2, "datum_inschrijving", "")],
    ),
    "functionarissen": (
        ["kvk_nummer", "voornamen", "geslachtsnaam", "functie"],
        [["", "Jan", "", "bestuurder"], ["12345678", "Jan", "Jansen", "bestuurder"]],
        [(2, "kvk_nummer", "verplicht"), (2, "geslachtsnaam", "verplicht")],
    ),
    "energie": (
        ENERGY_HEADER,
        [["12345", "", "", "", "", "2026-13", "veel", ""],
         ["", "", "", "", "", "2026-01", "10", ""],
         ["", "", "9991AA", "", "", "2026-01", "10", ""],
         ["871687400000000001", "", "", "", "", "", "", "1,5"]],
        [(2, "ean", "18 cijfers"), (2, "periode", "JJJJ-MM"), (2, "elektriciteit_kwh", "Ongeldig bedrag"),
         (3, "ean", "Geef de EAN-code"), (4, "huisnummer", "Bij een postcode hoort een huisnummer"),
         (5, "periode", "verplicht"), (5, "elektriciteit_kwh", "verplicht")],
    ),
    "transacties": (
        ["transactie_id", "koper_type", "koper_geslachtsnaam", "koper_kvk_nummer", "koper_naam", "hypotheek",
         "koopsom"],
        [["T-1", "natuurlijk_persoon", "Jansen", "12345678", "", "", ""],
         ["T-2", "vof", "", "", "", "misschien", "-5"],
         ["T-3", "rechtspersoon", "", "", "", "", ""],
         ["T-4", "", "Jansen", "", "", "", ""],
         ["T-5", "rechtspersoon", "", "123", "Bouw BV", "", "1.000"]],
        [(2, "koper_kvk_nummer", "natuurlijk_persoon blijft koper_kvk_nummer leeg"),
         (3, "koper_type", "Onbekende waarde 'vof'"), (3, "hypotheek", "Onbekende waarde 'misschien'"),
         (3, "koopsom", "te klein"), (4, "koper_kvk_nummer", "hoort een koper_kvk_nummer"),
         (5, "koper_type", "Geef het koper_type"), (6, "koper_kvk_nummer", "8 cijfers")],
    ),
    "huurcontracten": (
        ["contract_id", "overlastmeldingen", "datum_ingang"],
        [["HC-1", "-1", "2026-02-30"], ["HC-2", "drie", ""], ["HC-3", "0", "1-2-2020"]],
        [(2, "overlastmeldingen", "te klein"), (2, "datum_ingang", "bestaat niet"),
         (3, "overlastmeldingen", "geen geheel getal")],
    ),
}


@pytest.mark.parametrize("source", list(INVALID))
def test_invalid_cells_are_quarantined_with_column_and_reason(runtime, world, tmp_path, source):
    header, rows, expected = INVALID[source]
    path = write(tmp_path / f"{source}_fout.csv", header, rows)
    summary = import_source(runtime, source, path, world["coordinator"].principal)
    bad_lines = {line for line, _, _ in expected}
    assert summary.counts() == summary_counts(
        gelezen=len(rows), geaccepteerd=len(rows) - len(bad_lines), in_quarantaine=len(bad_lines),
        nieuw=len(rows) - len(bad_lines))
    got = quarantined(runtime)
    assert [(line, column) for _, line, column, _ in got] == [(line, column) for line, column, _ in expected]
    for (src, _, _, reason), (line, column, part) in zip(got, expected, strict=True):
        assert src == source
        assert part in reason, (line, column, reason)
    assert len(current(runtime, source)) == len(rows) - len(bad_lines)
    with runtime.db.session() as s:
        raw = s.scalars(select(QuarantinedRow.raw).where(QuarantinedRow.line == expected[0][0])).first()
    assert raw == dict(zip(header, rows[expected[0][0] - 2], strict=True))  # the row as delivered


def test_a_house_number_with_a_contradicting_letter_column_is_refused(runtime, world, tmp_path):
    path = write(tmp_path / "a.csv", ["adres_id", "huisnummer", "huisletter", "toevoeging", "postcode"], [
        ["9990200000000005", "12a", "b", "", "9991AA"],
        ["9990200000000006", "12", "c", "hs", "9991AA"],
        ["9990200000000007", "12", "cc", "-toolong", "9991AA"]])
    import_source(runtime, "adressen", path, world["coordinator"].principal)
    got = [(line, column, reason) for _, line, column, reason in quarantined(runtime)]
    assert [(line, column) for line, column, _ in got] == [(2, "huisletter"), (4, "huisletter"), (4, "toevoeging")]
    assert "spreekt het huisnummer '12a' tegen" in got[0][2]
    stored = current(runtime, "adressen")["9990200000000006"].data
    assert (stored["huisnummer"], stored["huisletter"], stored["toevoeging"]) == (12, "C", "HS")


def test_missing_required_columns_refuse_the_whole_file(runtime, world, tmp_path):
    before = stored_state(runtime)
    cases = {
        "adressen": (["straat", "huisnummer"], "'adres_id', 'postcode'"),
        "energie": (["periode", "elektriciteit_kwh", "postcode"], "ean of adres_id of postcode+huisnummer"),
        "functionarissen": (["voornamen"], "'kvk_nummer', 'geslachtsnaam'"),
    }
    for source, (header, expected) in cases.items():
        path = write(tmp_path / f"{source}.csv", header, [["x"] * len(header)])
        with pytest.raises(FileRefused) as caught:
            import_source(runtime, source, path, world["coordinator"].principal)
        assert expected in str(caught.value), source
    with pytest.raises(FileRefused, match="Onbekende bron 'kadaster'"):
        import_source(runtime, "kadaster", DATA / "personen.csv", world["coordinator"].principal)
    assert stored_state(runtime) == before


# --- atomic, idempotent, versioned --------------------------------------------------------------


def test_import_is_atomic_when_interrupted_after_batches_were_written(runtime, world, tmp_path):
    rows = energy_rows(2500)
    rows[10][6] = "fout"  # a quarantine row is written in the first batch too
    path = write(tmp_path / "energie_groot.csv", ENERGY_HEADER, rows)
    before = stored_state(runtime)
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if len(seen) == 2200:  # two batches of 1000 are in the database by now
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_source(runtime, "energie", path, world["coordinator"].principal, progress=progress)
    assert stored_state(runtime) == before
    summary = import_source(runtime, "energie", path, world["coordinator"].principal)
    assert summary.counts() == summary_counts(gelezen=2500, geaccepteerd=2499, in_quarantaine=1, nieuw=2499)
    assert not summary.seen_before


def test_reimporting_the_same_file_changes_nothing(runtime, world, tmp_path):
    coordinator = world["coordinator"].principal
    path = write(tmp_path / "personen.csv", ["persoon_id", "bsn", "geslachtsnaam"], [
        ["P-1", "999990007", "Jansen"], ["P-2", "999990001", "Fout"], ["P-3", "", "de Boer"]])
    first = import_source(runtime, "personen", path, coordinator)
    state = stored_state(runtime)
    again = import_source(runtime, "personen", path, world["analist"].principal)  # same organisation
    assert again.seen_before and again.run_id == first.run_id
    assert again.counts() == summary_counts(gelezen=3, geaccepteerd=2, in_quarantaine=1, ongewijzigd=2)
    after = stored_state(runtime)
    assert after == {**state, "logboek": state["logboek"] + 1}  # only the logbook grows
    with runtime.db.session() as s:
        run = s.get(ImportRun, first.run_id)
        assert run.counts == first.counts() and run.organisation_id == world.orgs["gemeente"].id


def test_newer_extract_adds_a_version_and_keeps_history(runtime, world, tmp_path):
    coordinator = world["coordinator"].principal
    header = ["persoon_id", "geslachtsnaam", "adres_id"]
    old = write(tmp_path / "personen_jan.csv", header, [["P-1", "Jansen", "9990200000000001"], ["P-2", "Bakker", ""]])
    new = write(tmp_path / "personen_feb.csv", header, [["P-1", "Jansen", "9990200000000002"], ["P-2", "Bakker", ""],
                                                        ["P-3", "Smit", ""]])
    import_source(runtime, "personen", old, coordinator, extract_date=date(2026, 1, 31))
    between = clock.now()
    summary = import_source(runtime, "personen", new, coordinator, extract_date=date(2026, 2, 28))
    assert summary.counts() == summary_counts(gelezen=3, geaccepteerd=3, nieuw=1, gewijzigd=1, ongewijzigd=1)
    org = world.orgs["gemeente"].id
    with runtime.db.session() as s:
        versions = history(s, "personen", org, "P-1")
        assert [(v.version, v.data["adres_id"], v.extract_date) for v in versions] == [
            (1, "9990200000000001", date(2026, 1, 31)), (2, "9990200000000002", date(2026, 2, 28))]
        first, second = versions
        assert first.superseded_by == second.id and first.superseded_at is not None
        assert second.superseded_at is None and second.file_name == "personen_feb.csv"
        assert known_at(s, "personen", org, "P-1", between).version == 1
        assert known_at(s, "personen", org, "P-1", clock.now()).version == 2
        assert known_at(s, "personen", org, "P-3", between) is None
        assert [v.version for v in history(s, "personen", org, "P-2")] == [1]
    # An older extract delivered late does not overwrite the newer picture.
    stale = write(tmp_path / "personen_dec.csv", header, [["P-1", "Jansen", "9990200000000003"]])
    late = import_source(runtime, "personen", stale, coordinator, extract_date=date(2025, 12, 31))
    assert late.counts() == summary_counts(gelezen=1, in_quarantaine=1)
    assert "nieuwere levering" in quarantined(runtime)[-1][3]
    # Re-importing the January file after February's is still a no-op: its rows are known.
    again = import_source(runtime, "personen", old, coordinator, extract_date=date(2026, 1, 31))
    assert again.counts() == summary_counts(gelezen=2, geaccepteerd=2, ongewijzigd=2)
    assert current(runtime, "personen")["P-1"].version == 2


def test_same_key_twice_in_one_file_quarantines_the_later_row(runtime, world, tmp_path):
    rows = energy_rows(1500)
    rows.append(list(rows[3]))  # exact repeat in a later batch: harmless
    changed = list(rows[5])
    changed[6] = "999"
    rows.append(changed)  # same key as line 7, other content, in a later batch
    rows.insert(2, [*rows[0][:6], "1", ""])  # same key as line 2 within the same batch
    path = write(tmp_path / "energie_dubbel.csv", ENERGY_HEADER, rows)
    summary = import_source(runtime, "energie", path, world["coordinator"].principal)
    assert summary.counts() == summary_counts(gelezen=1503, geaccepteerd=1501, in_quarantaine=2, nieuw=1500,
                                              ongewijzigd=1)
    got = quarantined(runtime)
    assert [(line, column) for _, line, column, _ in got] == [(4, "ean"), (1504, "ean")]
    assert "komt al eerder in dit bestand voor (regel 2) met andere inhoud" in got[0][3]
    assert "(regel 8)" in got[1][3]
    assert current(runtime, "energie")[f"8716874{5:011d}|2026-01"].data["elektriciteit_kwh"] == 100.0
    again = import_source(runtime, "energie", path, world["coordinator"].principal)
    assert again.counts() == summary_counts(gelezen=1503, geaccepteerd=1501, in_quarantaine=2, ongewijzigd=1501)
    assert len(quarantined(runtime)) == 2


def test_officers_without_key_column_are_told_apart_by_their_natural_key(runtime, world, tmp_path):
    header = ["kvk_nummer", "voornamen", "tussenvoegsel", "geslachtsnaam", "geboortedatum", "functie",
              "datum_aanvang", "datum_einde"]
    path = write(tmp_path / "f.csv", header, [
        ["12345678", "Jan", "", "de Vries", "1970-01-01", "bestuurder", "2020-01-01", ""],
        ["12345678", "Jan", "de", "Vries", "1970-01-01", "Bestuurder", "2020-01-01", "2021-01-01"],
        ["12345678", "Jan", "de", "Vries", "1970-01-01", "aandeelhouder", "2020-01-01", ""]])
    summary = import_source(runtime, "functionarissen", path, world["coordinator"].principal)
    # Rows 2 and 3 name the same officership (particles inside or outside the surname).
    assert summary.counts() == summary_counts(gelezen=3, geaccepteerd=2, in_quarantaine=1, nieuw=2)
    assert quarantined(runtime)[0][1:3] == (3, None)
    assert sorted(r.line for r in current(runtime, "functionarissen").values()) == [2, 4]


# --- owner, rights, address register, logbook --------------------------------------------------


def test_partner_extract_belongs_to_the_delivering_organisation(runtime, world):
    coordinator = world["coordinator"].principal
    summary = import_source(runtime, "huurcontracten", DATA / "huurcontracten.csv", coordinator,
                            organisation="Woonstichting Thuisvast", extract_date=date(2026, 1, 1))
    assert summary.nieuw == 2
    stored = current(runtime, "huurcontracten", world.orgs["woco"].id)
    assert len(stored) == 2 and stored["HC-100"].data["overlastmeldingen"] == 3
    # The same keys from another partner are other records.
    other = import_source(runtime, "huurcontracten", DATA / "huurcontracten.csv", coordinator)
    assert other.nieuw == 2 and not other.seen_before
    before = stored_state(runtime)
    for name, code in (("Gemeente Zandhoven", "organisatie_andere_gemeente"), ("Bestaat Niet", "organisatie_onbekend")):
        with pytest.raises(ValidationFailed) as caught:
            import_source(runtime, "huurcontracten", DATA / "huurcontracten.csv", coordinator, organisation=name)
        assert [e.code for e in caught.value.errors] == [code]
    with pytest.raises(ValidationFailed, match="toekomst"):
        import_source(runtime, "huurcontracten", DATA / "huurcontracten.csv", coordinator,
                      extract_date=clock.today() + timedelta(days=1))
    assert stored_state(runtime) == before


def test_roles_without_the_sources_right_are_refused(runtime, world):
    before = stored_state(runtime)
    for actor in ("woco", "gemeente_partner", "beheerder", "privacy"):
        with pytest.raises(Forbidden, match="mag geen bronbestanden importeren"):
            import_source(runtime, "personen", DATA / "personen.csv", world[actor].principal)
    assert stored_state(runtime) == before


def test_adressen_keep_the_address_register_current(runtime, world, tmp_path):
    import_source(runtime, "adressen", DATA / "adressen.csv", world["coordinator"].principal)
    with runtime.db.session() as s:
        molenweg = s.get(Address, "9990200000000003")
        assert (molenweg.street, molenweg.house_number, molenweg.house_letter, molenweg.addition) == (
            "Molenweg", 12, "A", "2")
        assert (molenweg.use, molenweg.neighbourhood_code, molenweg.lat) == (
            "woonfunctie|winkelfunctie", "BU99900102", 52.11)
        assert s.get(Address, "9990200000000004").holiday_park == "Vakantiepark De Dennen"
        found = find_address(s, LocatieIn(postcode="9991AB", huisnummer=12, huisletter="A", toevoeging="2"))
        assert found is not None and found.id == "9990200000000003"
    newer = write(tmp_path / "adressen.csv", ["adres_id", "straat", "huisnummer", "postcode", "bouwjaar"],
                  [["9990200000000001", "Havenkade", "1", "9991AA", "1966"]])
    import_source(runtime, "adressen", newer, world["coordinator"].principal)
    with runtime.db.session() as s:
        haven = s.get(Address, "9990200000000001")
        assert (haven.street, haven.year_built, haven.use) == ("Havenkade", 1966, None)
        assert [v.data["straat"] for v in history(s, "adressen", world.orgs["gemeente"].id, "9990200000000001")] == [
            "Havenstraat", "Havenkade"]


def test_import_is_logged(runtime, world):
    summary = import_source(runtime, "bedrijven", DATA / "bedrijven.csv", world["coordinator"].principal,
                            organisation="Gemeente Lindeveen", extract_date=date(2026, 1, 15))
    with runtime.db.session() as s:
        entry = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == logbook.IMPORT)).one()
    assert (entry.object_id, entry.user_id) == (summary.run_id, world["coordinator"].user.id)
    assert entry.details["bron"] == "bedrijven" and entry.details["peildatum"] == "2026-01-15"
    assert entry.details["nieuw"] == 2 and entry.details["organisatie"] == "Gemeente Lindeveen"


def test_memory_does_not_grow_with_file_size(runtime, world, tmp_path, request):
    if "sqlite" not in request.node.name:
        pytest.skip("measured once, on SQLite")
    coordinator = world["coordinator"].principal
    import_source(runtime, "energie", write(tmp_path / "warm.csv", ENERGY_HEADER, energy_rows(1200, start=10**6)),
                  coordinator)  # statement caches and the like are built once

    def peak(rows: int) -> int:
        path = write(tmp_path / f"e{rows}.csv", ENERGY_HEADER, energy_rows(rows, start=rows * 10))
        tracemalloc.start()
        try:
            import_source(runtime, "energie", path, coordinator)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(2500), peak(10000)
    assert large < small * 1.5, (small, large)  # four times the rows, not four times the memory


# --- command line and web page ------------------------------------------------------------------


@pytest.fixture
def cli_env(runtime, world, tmp_path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"WEERBAAR_DATABASE_URL": runtime.db.url, "WEERBAAR_DATA": str(tmp_path),
            "WEERBAAR_GEBRUIKER": world["coordinator"].user.email, "COLUMNS": "200"}


def test_cli_imports_every_source_with_summary_then_lists_quarantine(runtime, world, tmp_path, cli_env):
    runner = CliRunner()
    for source in EXPECTED:
        result = runner.invoke(weerbaar_cli.app, ["importeer", source, str(DATA / f"{source}.csv")], env=cli_env)
        assert result.exit_code == 0, (source, result.output)
        assert re.search(rf"Nieuw\s*│\s*{EXPECTED[source][0]}\s", result.stdout), source
    bad = write(tmp_path / "energie_fout.csv", ENERGY_HEADER, [["1", "", "", "", "", "2026-01", "5", ""],
                                                                *energy_rows(2)])
    result = runner.invoke(weerbaar_cli.app, ["importeer", "energie", str(bad), "--organisatie",
                                              "Stroomnet Netbeheer", "--peildatum", "31-01-2026"], env=cli_env)
    assert result.exit_code == 0, result.output
    for label, value in (("Gelezen", 3), ("Geaccepteerd", 2), ("In quarantaine", 1), ("Nieuw", 2),
                         ("Gewijzigd", 0), ("Ongewijzigd", 0)):
        assert re.search(rf"{label}\s*│\s*{value}\s", result.stdout), label
    assert "weerbaar quarantaine lijst --bron energie" in " ".join(result.stdout.split())
    stored = list(current(runtime, "energie", world.orgs["netbeheer"].id).values())
    assert len(stored) == 2 and {r.extract_date for r in stored} == {date(2026, 1, 31)}
    again = runner.invoke(weerbaar_cli.app, ["importeer", "energie", str(bad), "--organisatie",
                                             "Stroomnet Netbeheer", "--peildatum", "2026-01-31"], env=cli_env)
    assert re.search(r"Ongewijzigd\s*│\s*2\s", again.stdout) and "al eerder ingelezen" in again.stdout

    listed = runner.invoke(weerbaar_cli.app, ["quarantaine", "lijst", "--formaat", "csv", "--bron", "energie"],
                           env=cli_env)
    assert listed.exit_code == 0, listed.output
    assert list(csv.reader(listed.stdout.splitlines())) == [
        ["bron", "bestand", "regel", "kolom", "reden"],
        ["energie", "energie_fout.csv", "2", "ean", quarantined(runtime)[0][3]]]


def test_cli_errors_are_dutch_with_exit_codes(runtime, world, tmp_path, cli_env):
    runner = CliRunner()
    before = stored_state(runtime)
    path = str(DATA / "personen.csv")
    cases = [
        (["importeer", "personen", path, "--peildatum", "gisteren"], "--peildatum: Ongeldige datum 'gisteren'"),
        (["importeer", "personen", path, "--organisatie", "Gemeente Zandhoven"], "hoort niet bij uw gemeente"),
        (["importeer", "energie", path], "De verplichte kolommen ontbreken"),
        (["importeer", "personen", str(tmp_path / "weg.csv")], "bestaat niet"),
        (["importeer", "personen", path, "--mapping", str(tmp_path / "weg.yaml")], "niet te lezen"),
    ]
    for args, message in cases:
        result = runner.invoke(weerbaar_cli.app, args, env=cli_env)
        assert result.exit_code == 2, (args, result.output)
        assert message in " ".join(result.stderr.split()), (args, result.stderr)
    partner = {**cli_env, "WEERBAAR_GEBRUIKER": world["woco"].user.email}
    refused = runner.invoke(weerbaar_cli.app, ["importeer", "personen", path], env=partner)
    assert refused.exit_code == 2 and "mag geen bronbestanden importeren" in refused.stderr
    assert stored_state(runtime) == before


def _login(client, actor) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/inloggen").text
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    r = client.post("/inloggen", data={"csrf": token, "email": actor.user.email, "wachtwoord": PASSWORD},
                    follow_redirects=False)
    assert r.status_code == 303, r.text


def test_web_quarantine_page_for_who_may_import(runtime, world, app_client, tmp_path):
    path = write(tmp_path / "personen_fout.csv", ["persoon_id", "bsn"], [["P-1", "999990001"], ["P-2", ""]])
    import_source(runtime, "personen", path, world["coordinator"].principal)
    _login(app_client, world["coordinator"])
    home = app_client.get("/").text
    assert 'href="/quarantaine"' in home
    page = app_client.get("/quarantaine?bron=personen")
    assert page.status_code == 200
    assert "personen_fout.csv" in page.text and "elfproef" in page.text and ">bsn<" in page.text
    assert "De quarantaine is leeg voor deze bron" in app_client.get("/quarantaine?bron=energie").text
    assert app_client.get("/quarantaine?bron=onzin").status_code == 422
    with runtime.db.session() as s:
        listed = s.scalars(select(AccessLogEntry).where(AccessLogEntry.object_type == "quarantaine")).all()
    assert [e.details["regels"] for e in listed] == [1, 0]

    partner = app_client.__class__(app_client.app)
    _login(partner, world["woco"])
    assert 'href="/quarantaine"' not in partner.get("/").text
    assert partner.get("/quarantaine").status_code == 403

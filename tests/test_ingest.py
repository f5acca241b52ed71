"""Bulk import of signals from CSV: reader, mapping, quarantine, idempotency, atomicity, CLI.

Files are written from Python into tmp_path, in the encodings and delimiters partners use.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from typer.testing import CliRunner

from weerbaar.access import logbook
from weerbaar.access.models import AccessLogEntry
from weerbaar.cli import importeer as importeer_cli
from weerbaar.cli import main as weerbaar_cli
from weerbaar.cli import quarantaine as quarantaine_cli
from weerbaar.core.errors import Forbidden
from weerbaar.ingest import cells
from weerbaar.ingest.csvfile import FileRefused, open_csv
from weerbaar.ingest.models import ImportedAttributes, ImportRun, QuarantinedRow
from weerbaar.ingest.parties import party_from_text
from weerbaar.ingest.signals import CHANGED, import_signals
from weerbaar.intake.models import Signal

HEADER = [
    "signaal_id", "datum", "organisatie", "fenomeen", "indicatoren", "omschrijving", "adres_id",
    "postcode", "huisnummer", "toevoeging", "betrokkenen", "dossiernummer",
]
WOCO = "Woonstichting Thuisvast"


def row(**values: str) -> list[str]:
    good = {
        "signaal_id": "WS-1", "datum": "2026-10-14", "organisatie": WOCO, "fenomeen": "hennepteelt",
        "indicatoren": "HT-01|HT-03", "omschrijving": "Ramen afgeplakt, zoemend geluid.",
        "adres_id": "", "postcode": "9991 aa", "huisnummer": "1", "toevoeging": "",
        "betrokkenen": "Pieter van der Wal | Groeimaat B.V. | AB-123-C", "dossiernummer": "000123",
    }
    good.update(values)
    return [good[c] for c in HEADER]


def write_csv(
    path: Path, rows: list[list[str]], header: list[str] = HEADER, delimiter: str = ",",
    encoding: str = "utf-8", bom: bool = False,
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + data)
    return path


def count(runtime, model, *where) -> int:  # type: ignore[no-untyped-def]
    with runtime.db.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


def stored_state(runtime) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {
        "signalen": count(runtime, Signal),
        "runs": count(runtime, ImportRun),
        "quarantaine": count(runtime, QuarantinedRow),
        "attributen": count(runtime, ImportedAttributes),
        "logboek": count(runtime, AccessLogEntry),
    }


def quarantine(runtime) -> list[tuple[int, str | None, str]]:  # type: ignore[no-untyped-def]
    with runtime.db.session() as s:
        rows = s.scalars(select(QuarantinedRow).order_by(QuarantinedRow.line, QuarantinedRow.id))
        return [(q.line, q.column, q.reason) for q in rows]


def signal_by_key(runtime, key: str) -> Signal:  # type: ignore[no-untyped-def]
    with runtime.db.session() as s:
        signal = s.scalars(select(Signal).where(Signal.source_key == key)).one()
        _ = signal.parties, signal.indicators
        return signal


# --- import: good rows in, bad rows quarantined -------------------------------------------------


def test_good_rows_imported_and_bad_rows_quarantined_with_line_column_reason(runtime, world, tmp_path):
    path = write_csv(tmp_path / "signalen_woco.csv", [
        row(),                                                          # 2 good
        row(signaal_id="WS-2", fenomeen="onbekend"),                    # 3
        row(signaal_id="WS-3", datum="31-02-2026"),                     # 4
        row(signaal_id="WS-4", postcode="12345"),                       # 5
        row(signaal_id="WS-5", organisatie="Bestaat Niet BV"),          # 6
        row(signaal_id=""),                                             # 7
        row(signaal_id="WS-6", postcode="9991AB", huisnummer="12a-2",   # 8 good
            betrokkenen="Renée de Jong", dossiernummer=""),
        row(signaal_id="WS-7", datum="2030-01-01", indicatoren="WF-01"),  # 9: two problems
        row(signaal_id="WS-8", betrokkenen="Jan " + "x" * 250),         # 10
    ], bom=True)

    summary = import_signals(runtime, path, world["coordinator"].principal)

    assert summary.counts() == {"gelezen": 9, "geaccepteerd": 2, "in_quarantaine": 7, "nieuw": 2,
                                "gewijzigd": 0, "ongewijzigd": 0}
    assert (summary.encoding, summary.delimiter) == ("UTF-8 met BOM", ",")
    got = quarantine(runtime)
    assert [(line, column) for line, column, _ in got] == [
        (3, "fenomeen"), (4, "datum"), (5, "postcode"), (6, "organisatie"), (7, "signaal_id"),
        (9, "datum"), (9, "indicatoren"), (10, "betrokkenen"),
    ]
    reasons = {(line, column): reason for line, column, reason in got}
    assert reasons[(3, "fenomeen")].startswith("Onbekend fenomeen 'onbekend'")
    assert reasons[(4, "datum")] == "De datum '31-02-2026' bestaat niet."
    assert "postcode" in reasons[(5, "postcode")].lower()
    assert reasons[(6, "organisatie")].startswith("Onbekende organisatie 'Bestaat Niet BV'")
    assert "toekomst" in reasons[(9, "datum")]
    assert "WF-01" in reasons[(9, "indicatoren")]
    assert reasons[(10, "betrokkenen")].startswith("Betrokkene 1 (geslachtsnaam): Te lang")
    with runtime.db.session() as s:
        raw = s.scalars(select(QuarantinedRow.raw).where(QuarantinedRow.line == 6)).one()
    assert raw["signaal_id"] == "WS-5" and raw["dossiernummer"] == "000123"

    first = signal_by_key(runtime, "WS-1")
    assert first.organisation_id == world.orgs["woco"].id
    assert (first.channel, first.source_file, first.reporter_id) == ("bulk", "signalen_woco.csv", None)
    assert first.address_id == "9990200000000001" and first.neighbourhood_code == "BU99900101"
    assert [i.code for i in first.indicators] == ["HT-01", "HT-03"]
    assert [(p.kind, p.given_names, p.surname_prefix, p.surname, p.company_name, p.plate)
            for p in first.parties] == [
        ("persoon", "Pieter", "van der", "Wal", None, None),
        ("bedrijf", None, None, None, "Groeimaat B.V.", None),
        ("voertuig", None, None, None, None, "AB123C"),
    ]
    sixth = signal_by_key(runtime, "WS-6")
    assert (sixth.postcode, sixth.house_number, sixth.house_letter, sixth.addition) == ("9991AB", 12, "A", "2")
    with runtime.db.session() as s:
        extras = s.scalars(select(ImportedAttributes)).all()
    assert [(e.object_id, e.line, e.attributes) for e in extras] == [(first.id, 2, {"dossiernummer": "000123"})]
    imports = count(runtime, AccessLogEntry, AccessLogEntry.action == logbook.IMPORT)
    creates = count(runtime, AccessLogEntry, AccessLogEntry.action == logbook.CREATE,
                    AccessLogEntry.object_type == "signaal")
    assert (imports, creates) == (1, 2)


def test_windows_1252_with_semicolons_dutch_dates_and_free_header_order(runtime, world, tmp_path):
    header = [" Omschrijving ", "DATUM", "Signaal_ID", "organisatie", "betrokkenen", "huisnummer",
              "Postcode", "Bron systeem"]
    rows = [
        ["Café met afgeplakte ramen", "14-10-2026", "0042", "woonstichting thuisvast",
         "Renée van Dijk | Zoë Brouwer-Öztürk", "12", "9991AB", "Woningbeheer"],
        ["Nog een melding; met puntkomma", "1-2-2026", "0043", WOCO, "", "", "", ""],
    ]
    path = write_csv(tmp_path / "export.csv", rows, header=header, delimiter=";", encoding="cp1252")
    assert "é".encode("cp1252") in path.read_bytes()

    summary = import_signals(runtime, path, world["analist"].principal)

    assert (summary.encoding, summary.delimiter, summary.nieuw, summary.in_quarantaine) == (
        "Windows-1252", ";", 2, 0)
    first = signal_by_key(runtime, "0042")  # the leading zeros are kept
    assert first.description == "Café met afgeplakte ramen"
    assert first.observed_on == date(2026, 10, 14)
    assert [(p.given_names, p.surname_prefix, p.surname) for p in first.parties] == [
        ("Renée", "van", "Dijk"), ("Zoë", None, "Brouwer-Öztürk"),
    ]
    second = signal_by_key(runtime, "0043")
    assert second.observed_on == date(2026, 2, 1) and second.description == "Nog een melding; met puntkomma"
    with runtime.db.session() as s:
        extras = s.scalars(select(ImportedAttributes.attributes).order_by(ImportedAttributes.line)).all()
    assert extras == [{"bron systeem": "Woningbeheer"}]


def test_quoted_multiline_field_keeps_the_line_number_where_the_record_starts(runtime, world, tmp_path):
    path = write_csv(tmp_path / "meerregelig.csv", [
        row(omschrijving="Eerste regel\nTweede regel\r\nDerde regel"),  # lines 2-4
        row(signaal_id="WS-2", omschrijving="Nog\neen"),                 # lines 5-6
        row(signaal_id="WS-3", datum="gisteren"),                         # line 7
    ])
    with open_csv(path) as f:
        assert [(r.line, r.cells["signaal_id"]) for r in f] == [(2, "WS-1"), (5, "WS-2"), (7, "WS-3")]

    import_signals(runtime, path, world["coordinator"].principal)

    assert signal_by_key(runtime, "WS-1").description == "Eerste regel\nTweede regel\r\nDerde regel"
    assert quarantine(runtime) == [
        (7, "datum", "Ongeldige datum 'gisteren'; gebruik JJJJ-MM-DD of DD-MM-JJJJ.")]


def test_row_with_unquoted_separator_is_quarantined_whole(runtime, world, tmp_path):
    path = tmp_path / "scheef.csv"
    path.write_text(
        "signaal_id;datum;organisatie;omschrijving\n"
        f"A-1;2026-10-01;{WOCO};Goede regel\n"
        f"A-2;2026-10-01;{WOCO};Tekst; met een puntkomma\n"
        "A-3;2026-10-01\n",
        encoding="utf-8",
    )
    summary = import_signals(runtime, path, world["coordinator"].principal)
    assert (summary.nieuw, summary.in_quarantaine) == (1, 2)
    got = quarantine(runtime)
    assert [(line, column) for line, column, _ in got] == [(3, None), (4, None)]
    assert "5 velden maar de kopregel 4" in got[0][2] and "2 velden maar de kopregel 4" in got[1][2]


def test_organisation_unknown_or_of_another_municipality_is_quarantined(runtime, world, tmp_path):
    path = write_csv(tmp_path / "org.csv", [
        row(organisatie="Onbekende Stichting"),
        row(signaal_id="WS-2", organisatie="Gemeente Zandhoven"),
        row(signaal_id="WS-3", organisatie=""),
        row(signaal_id="WS-4", organisatie="POLITIE BASISTEAM LINDEVEEN"),
    ])
    summary = import_signals(runtime, path, world["coordinator"].principal)
    assert (summary.nieuw, summary.in_quarantaine) == (1, 3)
    got = quarantine(runtime)
    assert [(line, column) for line, column, _ in got] == [(2, "organisatie"), (3, "organisatie"), (4, "organisatie")]
    assert "Onbekende organisatie 'Onbekende Stichting'" in got[0][2]
    assert "hoort niet bij uw gemeente" in got[1][2]
    assert signal_by_key(runtime, "WS-4").organisation_id == world.orgs["politie"].id


DATA = Path(__file__).parent / "data"


def test_fixture_files_as_partners_deliver_them(runtime, world):
    principal = world["coordinator"].principal
    utf8 = import_signals(runtime, DATA / "signalen_utf8_bom.csv", principal)
    excel = import_signals(runtime, DATA / "signalen_excel_cp1252.csv", principal)

    assert (utf8.encoding, utf8.delimiter, utf8.nieuw, utf8.in_quarantaine) == ("UTF-8 met BOM", ",", 3, 1)
    assert (excel.encoding, excel.delimiter, excel.nieuw, excel.in_quarantaine) == ("Windows-1252", ";", 2, 1)
    assert quarantine(runtime) == [
        (4, "indicatoren", "Onbekende indicator(en): HT-99."),
        (5, "datum", "De datum '31-11-2026' bestaat niet."),
    ]
    cafe = signal_by_key(runtime, "0101")
    assert cafe.description == "Café met afgeplakte ramen;\r\nveel bezoek 's nachts."
    assert [(p.given_names, p.surname_prefix, p.surname) for p in cafe.parties] == [
        ("Renée", "de", "Boër"), ("Zoë", "van der", "Meer")]
    assert (cafe.postcode, cafe.house_number, cafe.house_letter) == ("9991AB", 12, "A")
    assert signal_by_key(runtime, "WS-2026-004").parties[0].kind == "bedrijf"
    assert signal_by_key(runtime, "WS-2026-004").addition == "2"


# --- idempotency and changes ------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(runtime, world, tmp_path):
    path = write_csv(tmp_path / "week41.csv", [
        row(), row(signaal_id="WS-2", omschrijving="Tweede"), row(signaal_id="WS-3", datum="bad"),
    ])
    principal = world["coordinator"].principal
    first = import_signals(runtime, path, principal)
    before = stored_state(runtime)
    copy = tmp_path / "week41-kopie.csv"  # same content under another name: the same file
    copy.write_bytes(path.read_bytes())

    second = import_signals(runtime, copy, principal)

    assert (first.nieuw, first.in_quarantaine, first.seen_before) == (2, 1, False)
    assert (second.nieuw, second.ongewijzigd, second.gewijzigd, second.in_quarantaine, second.seen_before) == (
        0, 2, 0, 1, True)
    assert second.run_id == first.run_id
    after = stored_state(runtime)
    # Only the logboek grows: the second attempt is itself recorded as an import.
    assert {**after, "logboek": before["logboek"]} == before
    assert after["logboek"] == before["logboek"] + 1


def test_newer_file_with_changed_row_quarantines_it_and_keeps_the_signal(runtime, world, tmp_path):
    principal = world["coordinator"].principal
    import_signals(runtime, write_csv(tmp_path / "v1.csv", [row(), row(signaal_id="WS-2")]), principal)
    newer = write_csv(tmp_path / "v2.csv", [
        row(),                                                   # same content
        row(signaal_id="WS-2", omschrijving="Aangepaste tekst"),  # changed
        row(signaal_id="WS-9"),                                  # new
    ])

    summary = import_signals(runtime, newer, principal)

    assert summary.counts() == {"gelezen": 3, "geaccepteerd": 2, "in_quarantaine": 1, "nieuw": 1,
                                "gewijzigd": 1, "ongewijzigd": 1}
    assert signal_by_key(runtime, "WS-2").description == "Ramen afgeplakt, zoemend geluid."
    assert quarantine(runtime) == [(3, "signaal_id", CHANGED)]
    assert count(runtime, Signal) == 3
    again = import_signals(runtime, newer, principal)
    assert (again.nieuw, again.gewijzigd, again.ongewijzigd) == (0, 1, 2)
    assert len(quarantine(runtime)) == 1


def test_same_signaal_id_for_two_organisations_are_two_signals(runtime, world, tmp_path):
    path = write_csv(tmp_path / "twee.csv", [row(), row(organisatie="Stroomnet Netbeheer")])
    summary = import_signals(runtime, path, world["coordinator"].principal)
    assert summary.nieuw == 2


# --- refusals: nothing stored -------------------------------------------------------------------


def test_missing_required_columns_refuse_the_whole_file_naming_each(runtime, world, tmp_path):
    header = ["signaal_id", "fenomeen", "omschrijving"]
    path = write_csv(tmp_path / "zonder.csv", [["WS-1", "hennepteelt", "tekst"]], header=header)
    before = stored_state(runtime)
    with pytest.raises(FileRefused) as caught:
        import_signals(runtime, path, world["coordinator"].principal)
    assert caught.value.problems == ["De verplichte kolommen ontbreken in de kopregel: 'datum', 'organisatie'."]
    assert stored_state(runtime) == before


UNREADABLE = {
    "leeg": (b"", "leeg"),
    "utf-16": (codecs.BOM_UTF16_LE + "signaal_id,datum\n".encode("utf-16-le"), "UTF-16"),
    "dubbele kolom": (b"signaal_id,Datum,datum,organisatie,omschrijving\n", "'datum' komt meer dan eens voor"),
    "open aanhalingsteken": (
        b"signaal_id,datum,organisatie,omschrijving\nA,2026-10-01,x,\"" + b"y" * 200_000, "Regel 2:"),
}


def test_unreadable_files_are_refused_in_dutch(runtime, world, tmp_path):
    before = stored_state(runtime)
    for name, (content, expected) in UNREADABLE.items():
        path = tmp_path / f"{name}.csv"
        path.write_bytes(content)
        with pytest.raises(FileRefused) as caught:
            import_signals(runtime, path, world["coordinator"].principal)
        assert expected in str(caught.value), name
    assert stored_state(runtime) == before


def test_import_is_atomic_when_it_fails_midway(runtime, world, tmp_path):
    path = write_csv(tmp_path / "groot.csv", [row(signaal_id=f"WS-{i}") for i in range(10)]
                     + [row(signaal_id="WS-X", datum="fout")])
    before = stored_state(runtime)
    calls = []

    def progress(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 6:  # five signals are flushed to the database by now
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_signals(runtime, path, world["coordinator"].principal, progress)
    assert stored_state(runtime) == before
    # And the same file then imports in full: nothing of the failed attempt is in the way.
    assert import_signals(runtime, path, world["coordinator"].principal).nieuw == 10


def test_roles_without_the_import_right_are_refused(runtime, world, tmp_path):
    path = write_csv(tmp_path / "s.csv", [row()])
    before = stored_state(runtime)
    for actor in ("woco", "gemeente_partner", "beheerder", "privacy"):
        with pytest.raises(Forbidden) as caught:
            import_signals(runtime, path, world[actor].principal)
        assert "mag geen signalen importeren" in caught.value.reason, actor
    assert stored_state(runtime) == before


# --- command line -------------------------------------------------------------------------------


@pytest.fixture
def cli_env(runtime, world, tmp_path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"WEERBAAR_DATABASE_URL": runtime.db.url, "WEERBAAR_DATA": str(tmp_path),
            "WEERBAAR_GEBRUIKER": world["coordinator"].user.email}


def test_cli_import_then_quarantine_list_as_csv(runtime, world, tmp_path, cli_env):
    path = write_csv(tmp_path / "cli.csv", [row(), row(signaal_id="WS-2", postcode="0000XX"),
                                            row(signaal_id="WS-3", fenomeen="", indicatoren="")])
    runner = CliRunner()
    result = runner.invoke(weerbaar_cli.app, ["importeer", "signalen", str(path)], env=cli_env)
    assert result.exit_code == 0, result.output
    assert re.search(r"Nieuw\s*│\s*2", result.stdout) and re.search(r"In quarantaine\s*│\s*1", result.stdout)

    listed = runner.invoke(weerbaar_cli.app, ["quarantaine", "lijst", "--formaat", "csv", "--bron", "signalen"],
                           env=cli_env)
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert lines[0] == "bron,bestand,regel,kolom,reden"
    assert list(csv.reader(lines[1:])) == [
        ["signalen", "cli.csv", "3", "postcode", quarantine(runtime)[0][2]]]

    out = tmp_path / "quarantaine.csv"
    exported = runner.invoke(quarantaine_cli.app, ["lijst", "-f", "csv", "--uitvoer", str(out)], env=cli_env)
    assert exported.exit_code == 0, exported.output
    assert out.read_text(encoding="utf-8").splitlines()[0] == "bron,bestand,regel,kolom,reden"
    with runtime.db.session() as s:
        entry = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == logbook.EXPORT)).one()
    assert (entry.user_id, entry.channel, entry.details["regels"]) == (world["coordinator"].user.id, "cli", 1)


def test_cli_quarantine_shows_only_the_own_organisations_imports(runtime, world, tmp_path, cli_env):
    path = write_csv(tmp_path / "a.csv", [row(datum="fout")])
    import_signals(runtime, path, world["coordinator"].principal)
    other = {**cli_env, "WEERBAAR_GEBRUIKER": world["buur_coordinator"].user.email}
    listed = CliRunner().invoke(quarantaine_cli.app, ["lijst", "--formaat", "csv"], env=other)
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines() == ["bron,bestand,regel,kolom,reden"]
    partner = {**cli_env, "WEERBAAR_GEBRUIKER": world["woco"].user.email}
    refused = CliRunner().invoke(quarantaine_cli.app, ["lijst"], env=partner)
    assert refused.exit_code == 2 and "mag de quarantaine niet inzien" in refused.stderr


def test_cli_refuses_file_with_missing_columns_and_unknown_user(runtime, world, tmp_path, cli_env):
    path = write_csv(tmp_path / "kop.csv", [["x"]], header=["signaal_id"])
    before = stored_state(runtime)
    result = CliRunner().invoke(importeer_cli.app, ["signalen", str(path)], env=cli_env)
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())  # Rich wraps at the terminal width
    assert "'datum', 'organisatie', 'omschrijving'" in message and "niets opgeslagen" in message
    nobody = {**cli_env, "WEERBAAR_GEBRUIKER": "niemand@nergens.example"}
    result = CliRunner().invoke(importeer_cli.app, ["signalen", str(path)], env=nobody)
    assert result.exit_code == 2 and "geen gebruiker met e-mailadres" in result.stderr
    missing = CliRunner().invoke(importeer_cli.app, ["signalen", str(tmp_path / "weg.csv")], env=cli_env)
    assert missing.exit_code == 2 and "bestaat niet" in " ".join(missing.stderr.split())
    assert stored_state(runtime) == before


# --- the reader and cell parsers, without a database --------------------------------------------

# Windows-1252 text can happen to be valid UTF-8 too ("Ã©" is the UTF-8 of "é"); real exports
# don't read like that, so the cp1252 alphabet leaves out the characters that make it possible
# (those encoded as UTF-8 continuation bytes 0x80-0xBF).
CP1252_TEXT = st.text(
    alphabet=st.characters(codec="cp1252").filter(lambda c: c < "\x80" or c.encode("cp1252")[0] >= 0xC0),
    max_size=30,
)
UTF8_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)


@st.composite
def csv_files(draw):  # type: ignore[no-untyped-def]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    texts = CP1252_TEXT if encoding == "cp1252" else UTF8_TEXT
    cell_text = texts.filter(lambda t: "\x00" not in t)
    rows = draw(st.lists(st.lists(cell_text, min_size=3, max_size=3), max_size=8))
    return encoding, draw(st.sampled_from([",", ";"])), rows


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_files())
def test_reader_round_trips_what_pythons_csv_module_writes(case):
    encoding, delimiter, rows = case
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["Eerste", "tweede", " DERDE "])
    expected = []
    for values in rows:
        start = len(re.findall(r"\r\n|\r|\n", buffer.getvalue())) + 1
        writer.writerow(values)
        if any(v.strip() for v in values):  # rows of nothing but separators carry no data
            expected.append((start, dict(zip(["eerste", "tweede", "derde"], values, strict=True))))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.csv"
        path.write_bytes(buffer.getvalue().encode(encoding))
        with open_csv(path) as f:
            assert f.delimiter == delimiter
            records = list(f)
    assert all(r.problem is None for r in records)
    assert [(r.line, r.cells) for r in records] == expected


def test_cp1252_undefined_bytes_read_as_latin1():
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "l1.csv"
        path.write_bytes(b"a;b\nx\x81y;\xe9\n")
        with open_csv(path) as f:
            assert [r.cells for r in f] == [{"a": "x\x81y", "b": "é"}]
            assert f.encoding == "Windows-1252"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-10-14", date(2026, 10, 14)), ("14-10-2026", date(2026, 10, 14)), ("1-2-2026", date(2026, 2, 1)),
     (" 2026-1-5 ", date(2026, 1, 5)), ("", None)],
)
def test_dates(text, expected):
    assert cells.parse_date(text) == expected


@pytest.mark.parametrize("text", ["14/10/2026", "2026-13-01", "30-02-2026", "gisteren", "14-10-26"])
def test_bad_dates(text):
    with pytest.raises(cells.CellError):
        cells.parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1234,56", "1234.56"), ("1234.56", "1234.56"), ("1.234,56", "1234.56"), ("1,234.56", "1234.56"),
     ("€ 350.000", "350.000"), ("1.250.000", "1250000"), ("-12,5", "-12.5"), ("", None)],
)
def test_amounts(text, expected):
    assert cells.parse_amount(text) == (Decimal(expected) if expected else None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", (12, None, None)), ("12a", (12, "A", None)), ("12 A", (12, "A", None)),
     ("12-2", (12, None, "2")), ("12a-2", (12, "A", "2")), ("12hs", (12, None, "HS")),
     ("12 bis", (12, None, "BIS")), ("12A3", (12, "A", "3"))],
)
def test_house_numbers(text, expected):
    house = cells.parse_house_number(text)
    assert (house.number, house.letter, house.addition) == expected


@pytest.mark.parametrize("text", ["abc", "0", "123456", "12--2", "12 abcde"])
def test_bad_house_numbers(text):
    with pytest.raises(cells.CellError):
        cells.parse_house_number(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [("Groeimaat B.V.", "bedrijf"), ("Jansen & Zn", "bedrijf"), ("V.O.F. De Gouden Leeuw", "bedrijf"),
     ("Holding Noord", "bedrijf"), ("Stichting Vrije Tijd", "bedrijf"), ("Kapsalon Salma", "bedrijf"),
     ("Bakker Vastgoed", "bedrijf"), ("Groeimaat BV", "bedrijf"), ("Bouwbedrijf N.V.", "bedrijf"),
     ("AB-123-C", "voertuig"), ("12-ABC-3", "voertuig"),
     ("B.V. de Wit", "persoon"), ("Jan de Vries", "persoon"), ("Bakker", "persoon"), ("Zoë El Amrani", "persoon")],
)
def test_party_classification(text, kind):
    assert party_from_text(text)["soort"] == kind


def test_person_names_are_split_into_dutch_parts():
    assert party_from_text("Sanne  van den Berg") == {
        "soort": "persoon", "voornamen": "Sanne", "tussenvoegsel": "van den", "geslachtsnaam": "Berg"}

"""Declarative mappings (--mapping FILE) for extracts in another layout."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from typer.testing import CliRunner

from weerbaar.cli import main as weerbaar_cli
from weerbaar.ingest.mapping import MappingInvalid, load_mapping, parse_mapping
from weerbaar.ingest.models import QuarantinedRow, SourceRecord
from weerbaar.ingest.records import import_source

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "voorbeelden" / "mapping-personen.yaml"
DATA = Path(__file__).parent / "data" / "bronnen"
OWN_LAYOUT = DATA / "personen_eigen_indeling.csv"


def stored(runtime) -> dict[str, SourceRecord]:  # type: ignore[no-untyped-def]
    with runtime.db.session() as s:
        return {r.record_key: r for r in s.scalars(select(SourceRecord).where(SourceRecord.superseded_at.is_(None)))}


def quarantined(runtime) -> list[tuple[int, str | None, str]]:  # type: ignore[no-untyped-def]
    with runtime.db.session() as s:
        rows = s.scalars(select(QuarantinedRow).order_by(QuarantinedRow.line, QuarantinedRow.id))
        return [(q.line, q.column, q.reason) for q in rows]


def test_the_documented_example_maps_a_partner_layout_onto_personen(runtime, world):
    summary = import_source(runtime, "personen", OWN_LAYOUT, world["coordinator"].principal, mapping=EXAMPLE)
    assert (summary.gelezen, summary.nieuw, summary.in_quarantaine) == (3, 2, 1)
    records = stored(runtime)
    assert records["R-17"].data == {
        "persoon_id": "R-17", "bsn": "999990032", "voornamen": "Jan Pieter", "tussenvoegsel": "van der",
        "geslachtsnaam": "Wal", "geboortedatum": "1985-06-07", "geslacht": "M", "adres_id": "9990200000000001",
        "datum_inschrijving": "2019-03-01", "datum_uitschrijving": None,
    }
    assert records["R-17"].extras == {"klantsegment": "A"}  # columns the mapping does not name are kept
    fatima = records["R-18"].data
    # Standard date forms still work; value maps ignore case.
    assert (fatima["geboortedatum"], fatima["datum_inschrijving"], fatima["geslacht"]) == (
        "1990-11-12", "2021-02-01", "V")
    # Problems are reported on the partner's own columns.
    got = quarantined(runtime)
    assert [(line, column) for line, column, _ in got] == [
        (4, "burgerservicenummer"), (4, "geb.datum"), (4, "geslacht")]
    assert "elfproef" in got[0][2]
    assert "31/02/1970" in got[1][2] and "%d/%m/%Y" in got[1][2]
    assert "Onbekende waarde 'Kater'" in got[2][2]


def test_mapping_with_joined_columns_constants_and_per_field_date_formats(runtime, world, tmp_path):
    mapping = {
        "bron": "functionarissen",
        "kolommen": {"kvk_nummer": "KvK", "voornamen": ["Voorletters"], "geslachtsnaam": "Naam",
                     "datum_aanvang": "Sinds"},
        "vast": {"functie": "bestuurder"},
        "datumformaten": {"datum_aanvang": ["%Y%m%d"]},
    }
    (tmp_path / "m.yaml").write_text(yaml.safe_dump(mapping), encoding="utf-8")
    (tmp_path / "f.csv").write_text("KvK,Voorletters,Naam,Sinds\n12345678,J.P.,Wal,20200115\n", encoding="utf-8")
    summary = import_source(runtime, "functionarissen", tmp_path / "f.csv", world["coordinator"].principal,
                            mapping=tmp_path / "m.yaml")
    assert summary.nieuw == 1
    (record,) = stored(runtime).values()
    assert (record.data["functie"], record.data["datum_aanvang"], record.data["voornamen"]) == (
        "bestuurder", "2020-01-15", "J.P.")
    assert record.record_key == "12345678|j.p. wal||bestuurder|2020-01-15"


def test_a_wrong_mapping_is_refused_naming_every_problem():
    document = {
        "bron": "energie",
        "kolommen": {"periode": "Maand", "stroom": "kWh", "gas_m3": ["Gas", 3]},
        "waarden": {"onbekend_veld": {"a": "b"}, "periode": "x"},
        "datumformaten": ["%Y"],
        "vast": {"periode": "2026-01"},
        "extra": True,
    }
    with pytest.raises(MappingInvalid) as caught:
        parse_mapping(document, "fout.yaml", source="personen")
    problems = caught.value.problems
    expected = [
        "Onbekend onderdeel 'extra'",
        "mapping is voor bron 'energie', maar u importeert 'personen'",
        "'kolommen' noemt het onbekende veld 'stroom'",
        "'kolommen.gas_m3' moet een kolomnaam zijn",
        "'periode' staat zowel in 'kolommen' als in 'vast'",
        "verplichte veld 'elektriciteit_kwh'",
        "minstens ean of adres_id of postcode+huisnummer",
        "'waarden' noemt het onbekende veld 'onbekend_veld'",
        "'waarden.periode' moet een tabel zijn",
    ]
    assert len(problems) == len(expected), problems
    for problem, part in zip(problems, expected, strict=True):
        assert problem.startswith("Mapping 'fout.yaml': ") and part in problem, (problem, part)


def test_bad_date_formats_and_unreadable_files(tmp_path):
    base = {"bron": "personen", "kolommen": {"persoon_id": "id"}}
    with pytest.raises(MappingInvalid, match="datumformaat '%Y-%m' is ongeldig"):
        parse_mapping({**base, "datumformaten": ["%Y-%m"]})
    with pytest.raises(MappingInvalid, match="'bsn', maar dat is geen datumveld"):
        parse_mapping({**base, "datumformaten": {"bsn": ["%d-%m-%Y"]}})
    with pytest.raises(MappingInvalid, match="Onbekende of ontbrekende bron 'kvk'"):
        parse_mapping({"bron": "kvk", "kolommen": {}})
    (tmp_path / "kapot.yaml").write_text("bron: [personen\n", encoding="utf-8")
    with pytest.raises(MappingInvalid, match="geen geldige YAML"):
        load_mapping(tmp_path / "kapot.yaml")
    assert parse_mapping({**base, "datumformaten": "%d %B %Y"}).date_formats == {}  # no date column mapped


def test_mapping_naming_columns_the_file_lacks_refuses_the_file(runtime, world, tmp_path):
    (tmp_path / "p.csv").write_text("Nummer,Achternaam\nR-1,Jansen\n", encoding="utf-8")
    runner = CliRunner()
    env = {"WEERBAAR_DATABASE_URL": runtime.db.url, "WEERBAAR_DATA": str(tmp_path),
           "WEERBAAR_GEBRUIKER": world["coordinator"].user.email, "COLUMNS": "200"}
    result = runner.invoke(weerbaar_cli.app, ["importeer", "personen", str(tmp_path / "p.csv"),
                                              "--mapping", str(EXAMPLE)], env=env)
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "noemt kolommen die niet in de kopregel staan: 'bag-id', 'burgerservicenummer'" in message
    assert "niets opgeslagen" in message
    wrong_source = runner.invoke(weerbaar_cli.app, ["importeer", "energie", str(OWN_LAYOUT),
                                                    "--mapping", str(EXAMPLE)], env=env)
    assert wrong_source.exit_code == 2
    assert "mapping is voor bron 'personen', maar u importeert 'energie'" in " ".join(wrong_source.stderr.split())
    ok = runner.invoke(weerbaar_cli.app, ["importeer", "personen", str(OWN_LAYOUT), "--mapping", str(EXAMPLE)],
                       env=env)
    assert ok.exit_code == 0, ok.output
    assert len(stored(runtime)) == 2

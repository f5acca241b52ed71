"""FollowTheMoney: mentions of imported FtM entities, and the exports — `weerbaar exporteer
ftm` (every line a valid FtM entity, references resolved, ids stable) and `weerbaar
exporteer subjecten` (bron,sleutel,subject_id with the key rules per source)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from followthemoney import model
from followthemoney.exc import InvalidData
from sqlalchemy import select
from typer.testing import CliRunner

from weerbaar.access import logbook
from weerbaar.access.models import AccessLogEntry
from weerbaar.cli import exporteer as exporteer_cli
from weerbaar.resolve.ftm import ftm_mentions, ftm_relations, strip_titles
from weerbaar.resolve.models import ID_PREFIX, Subject

from .er_rows import KVK, Linked, add_record, build_linked, link


@pytest.fixture
def linked(world) -> Linked:  # type: ignore[no-untyped-def]
    return build_linked(world)


@pytest.fixture
def cli_env(runtime, world, tmp_path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"WEERBAAR_DATABASE_URL": runtime.db.url, "WEERBAAR_DATA": str(tmp_path),
            "WEERBAAR_GEBRUIKER": world["analist"].user.email}


def export(cli_env: dict[str, str], *args: str) -> Any:
    return CliRunner().invoke(exporteer_cli.app, list(args), env=cli_env, prog_name="weerbaar exporteer")


def read_ftm(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def assert_valid_ftm(entities: list[dict[str, Any]]) -> None:
    """What the followthemoney library accepts, plus what it does not check itself:
    required properties present and every entity reference pointing into the file."""
    ids = [e["id"] for e in entities]
    assert len(ids) == len(set(ids)), "dubbele ids"
    for data in entities:
        proxy = model.get_proxy(data)
        try:
            proxy.schema.validate(data)
        except InvalidData as exc:  # pragma: no cover - the assertion message is the point
            raise AssertionError(f"{data}: {exc.errors}") from exc
        for required in proxy.schema.required:
            assert proxy.has(required), f"{data['schema']} {data['id']} mist {required}"
        assert proxy.to_dict()["properties"] == data["properties"], "waarden die de bibliotheek anders leest"
        for prop in proxy.schema.properties.values():
            if prop.type.name == "entity":
                for ref in proxy.get(prop):
                    assert ref in set(ids), f"{data['id']}.{prop.name} verwijst naar onbekende {ref}"


# --- mentions of FtM entities --------------------------------------------------------------


def test_ftm_mentions_by_schema():
    person = {"id": "p", "schema": "Person", "properties": {
        "name": ["Frau Dr. Irene Nierstenhöfer"], "birthDate": ["1961-04-03", "1961"]}}
    assert [(m.role, m.kind, m.fields) for m in ftm_mentions(7, person)] == [("entiteit", "persoon", {
        "voornamen": "Irene", "tussenvoegsel": None, "geslachtsnaam": "Nierstenhöfer", "geboortedatum": "1961-04-03",
        "bsn": None, "adres_id": None})]
    split = {"id": "q", "schema": "Person", "properties": {"firstName": ["Herr Jan"], "lastName": ["van der Berg"]}}
    [m] = ftm_mentions(1, split)
    assert (m.fields["voornamen"], m.fields["tussenvoegsel"], m.fields["geslachtsnaam"]) == ("Jan", "van der", "Berg")
    company = {"id": "c", "schema": "Company",
               "properties": {"name": ["Daimler AG"], "registrationNumber": ["HRB 19360"]}}
    assert [m.fields for m in ftm_mentions(2, company)] == [
        {"kvk_nummer": None, "naam": "Daimler AG", "adres_id": None}]
    dutch = {"id": "d", "schema": "LegalEntity",
             "properties": {"name": ["Groeimaat"], "registrationNumber": ["1234 5678"]}}
    assert [m.fields["kvk_nummer"] for m in ftm_mentions(3, dutch)] == ["12345678"]
    german = {"id": "a", "schema": "Address", "properties": {"full": ["Schillerstraße 19, 76135 Karlsruhe"],
                                                             "country": ["de"]}}
    [m] = ftm_mentions(4, german)
    assert (m.kind, m.fields["adres_tekst"], m.fields["postcode"]) == (
        "adres", "schillerstrasse 19, 76135 karlsruhe", None)
    nl = {"id": "n", "schema": "Address", "properties": {"street": ["Havenstraat 12a-2"], "postalCode": ["9991 aa"],
                                                         "city": ["Lindeveen"], "country": ["nl"]}}
    [m] = ftm_mentions(5, nl)
    assert (m.fields["postcode"], m.fields["huisnummer"], m.fields["huisletter"], m.fields["toevoeging"]) == (
        "9991AA", 12, "A", "2")
    assert "adres_tekst" not in m.fields
    payment = {"id": "x", "schema": "Payment", "properties": {"payer": ["p"], "beneficiary": ["c"]}}
    assert list(ftm_mentions(6, payment)) == []
    assert strip_titles("Prof. Dr. med. Hans Meier") == "Hans Meier" and strip_titles("Dr.") == "Dr."


def test_ftm_mentions_and_relations_on_the_real_donations(shared_dir):
    entities = [json.loads(line) for line in (shared_dir / "data/ftm/donations.ijson").read_text().splitlines()]
    kinds: dict[str, int] = {}
    for i, entity in enumerate(entities):
        for m in ftm_mentions(i, entity):
            kinds[m.kind] = kinds.get(m.kind, 0) + 1
            if m.kind == "persoon":
                assert m.fields["geslachtsnaam"] and "Frau" not in (m.fields["voornamen"] or "")
    schemas = [e["schema"] for e in entities]
    assert kinds == {"persoon": schemas.count("Person"), "adres": schemas.count("Address"),
                     "bedrijf": schemas.count("Company") + schemas.count("Organization")}
    relations = list(ftm_relations(entities))
    payments = [r for r in relations if r.type == "betaling"]
    assert len(payments) == schemas.count("Payment") == 290
    assert all(r.start and r.amount_eur for r in payments)
    assert {r.type for r in relations} == {"betaling", "bewoning", "vestiging"}


# --- exporteer ftm -------------------------------------------------------------------------


def test_export_ftm_is_valid_and_holds_subjects_and_dated_relations(cli_env, linked, tmp_path, runtime, world):
    out = tmp_path / "export.ijson"
    result = export(cli_env, "ftm", "--uitvoer", str(out))
    assert result.exit_code == 0, result.output
    entities = read_ftm(out)
    assert_valid_ftm(entities)
    by_id = {e["id"]: e for e in entities}
    subject_ids = {e["id"] for e in entities if e["schema"] in ("Person", "Company", "Address")}
    assert subject_ids == {f"weerbaar-{s}" for s in ("P-000001", "P-000003", "B-000001", "B-000002", "A-000001",
                                                     "A-000002", "A-000003")}  # not merged, not Zandhoven's
    jan = by_id["weerbaar-P-000001"]["properties"]
    assert jan["name"] == ["Jan de Vries"] and jan["birthDate"] == ["1985-06-07"]
    assert jan["alias"] == ["Johannes de Vries"]  # how another source wrote the name
    assert (jan["firstName"][0], jan["lastName"][0]) == ("Jan", "de Vries")
    assert sorted(jan["addressEntity"]) == ["weerbaar-A-000001", "weerbaar-A-000003"]  # current residence
    assert "bsn" not in json.dumps(jan).lower() and "999990019" not in out.read_text()
    company = by_id["weerbaar-B-000001"]["properties"]
    assert company["registrationNumber"] == [KVK] and company["addressEntity"] == ["weerbaar-A-000002"]
    assert (company["name"], company["alias"]) == (["Groeimaat B.V."], ["Groeimaat BV"])
    address = by_id["weerbaar-A-000001"]["properties"]
    assert address["full"] == ["Havenstraat 1, 9991 AA Lindeveen"] and address["country"] == ["nl"]

    def edges(schema: str) -> list[dict[str, list[str]]]:
        return [e["properties"] for e in entities if e["schema"] == schema]

    [director, officer] = sorted(edges("Directorship"), key=lambda p: p["director"])
    assert (director["director"], director["organization"], director["role"]) == (
        ["weerbaar-P-000001"], ["weerbaar-B-000001"], ["bestuurder"])
    assert (director["startDate"], director["endDate"]) == (["2019-01-01"], ["2021-06-30"])
    assert officer["director"] == ["weerbaar-P-000003"] and "endDate" not in officer
    owners = sorted((p["owner"][0], p["startDate"][0], by_id[p["asset"][0]]["properties"]["addressEntity"][0])
                    for p in edges("Ownership"))
    assert owners == [("weerbaar-B-000001", "2018-04-01", "weerbaar-A-000002"),
                      ("weerbaar-P-000001", "2014-12-01", "weerbaar-A-000001")]
    links = sorted((p["role"][0], p["subject"][0], p["object"][0], p.get("startDate", [""])[0])
                   for p in edges("UnknownLink"))
    assert links == [("bewoning", "weerbaar-P-000001", "weerbaar-A-000001", "2015-01-01"),
                     ("bewoning", "weerbaar-P-000001", "weerbaar-A-000003", ""),
                     ("huur", "weerbaar-P-000001", "weerbaar-A-000001", "2016-03-01"),
                     ("vestiging", "weerbaar-B-000001", "weerbaar-A-000002", "2018-05-05")]
    [payment] = edges("Payment")
    assert (payment["payer"], payment["beneficiary"], payment["date"], payment["amountEur"]) == (
        ["weerbaar-P-000001"], ["weerbaar-B-000002"], ["2021-12-29"], ["100000"])

    again = tmp_path / "again.ijson"
    assert export(cli_env, "ftm", "-o", str(again)).exit_code == 0
    assert again.read_text() == out.read_text()  # stable ids, stable order
    with runtime.db.session() as s:
        entry = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == logbook.EXPORT)).first()
        assert (entry.user_id, entry.channel, entry.details["formaat"], entry.details["subjecten"]) == (
            world["analist"].user.id, "cli", "ftm", 7)


def test_export_ftm_of_the_real_donations(cli_env, world, runtime, tmp_path, shared_dir):
    """Real FtM data, one subject per mention: every payment comes out between subjects."""
    entities = [json.loads(line) for line in (shared_dir / "data/ftm/donations.ijson").read_text().splitlines()]
    linked = Linked()
    counters = {"persoon": 0, "bedrijf": 0, "adres": 0}
    with runtime.db.transaction() as s:
        for line, entity in enumerate(entities, start=1):
            record = add_record(s, linked, entity["id"], "ftm", entity["id"], entity, org_id=world.orgs["gemeente"].id,
                                line=line)
            for m in ftm_mentions(record.id, entity):
                counters[m.kind] += 1
                sid = f"{ID_PREFIX[m.kind]}-{counters[m.kind]:06d}"
                s.add(Subject(id=sid, kind=m.kind, municipality_code="GM9990", label=sid))
                s.flush()
                link(s, sid, record.id, m.role)
    out = tmp_path / "donaties.ijson"
    result = export(cli_env, "ftm", "--uitvoer", str(out))
    assert result.exit_code == 0, result.output
    exported = read_ftm(out)
    assert_valid_ftm(exported)
    schemas = [e["schema"] for e in exported]
    assert schemas.count("Payment") == 290
    assert schemas.count("Person") + schemas.count("Company") + schemas.count("Address") == sum(counters.values())


def test_export_refuses_partners_and_bad_format(cli_env, linked, world):
    partner = {**cli_env, "WEERBAAR_GEBRUIKER": world["woco"].user.email}
    for args in (("ftm",), ("subjecten",)):
        result = export(partner, *args)
        assert result.exit_code == 2 and "mag geen subjecten exporteren" in result.stderr
    result = export(cli_env, "subjecten", "--formaat", "xlsx")
    assert result.exit_code == 2 and "Onbekend formaat 'xlsx'" in result.stderr


# --- exporteer subjecten -------------------------------------------------------------------


def test_export_subjects_csv_key_rules(cli_env, linked, world, runtime, tmp_path):
    gem = world.orgs["gemeente"].id
    with runtime.db.transaction() as s:
        # A newer version of a person record, not linked yet: the old version is history.
        old = add_record(s, linked, "v1", "personen", "PRS-9", {"persoon_id": "PRS-9", "geslachtsnaam": "Oud"},
                         org_id=gem, line=4)
        new = add_record(s, linked, "v2", "personen", "PRS-9", {"persoon_id": "PRS-9", "geslachtsnaam": "Nieuw"},
                         org_id=gem, line=4, version=2)
        old.superseded_at, old.superseded_by = datetime.now(UTC), new.id
    result = export(cli_env, "subjecten", "--formaat", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [
        ["bron", "sleutel", "subject_id"],
        ["functionarissen", "2", "P-000001"],  # line of the data row (header = line 1)
        ["functionarissen", "5", "P-000003"],
        ["huurcontracten", "HC-1", "P-000001"],
        ["personen", "PRS-1", "P-000001"],
        ["personen", "PRS-7", "P-000001"],
        ["personen", "PRS-9", ""],  # current version only; not linked until the next analysis
        ["transacties", "TR-1", "P-000001"],  # TR-2 has a company as buyer: no person record
    ]
    out = tmp_path / "subjecten.csv"
    assert export(cli_env, "subjecten", "--uitvoer", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").splitlines()[0] == "bron,sleutel,subject_id"
    with runtime.db.session() as s:
        entries = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == logbook.EXPORT)).all()
        assert [e.details["regels"] for e in entries] == [7, 7]
    other = {**cli_env, "WEERBAAR_GEBRUIKER": world["buur_coordinator"].user.email}
    rows = list(csv.reader(io.StringIO(export(other, "subjecten").stdout)))
    assert rows == [["bron", "sleutel", "subject_id"], ["personen", "PRS-1", "P-000009"]]

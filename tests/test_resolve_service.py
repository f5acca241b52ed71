"""The linking run end to end on the real database: records -> subjects, stable ids,
judgements that override the model, signals linked to subjects, matching at intake."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from weerbaar.core.errors import Forbidden
from weerbaar.ingest.models import ImportRun, SourceRecord
from weerbaar.intake.schemas import parse_signal
from weerbaar.intake.service import Provenance, register_signal
from weerbaar.resolve import incremental
from weerbaar.resolve.cards import explanation_lines
from weerbaar.resolve.models import MatchJudgement, ReviewPair, SignalSubject, Subject, SubjectLink
from weerbaar.resolve.service import run_resolution

from .world import World, signal_body

A1, A2 = "9990200000000001", "9990200000000002"


def add_records(world: World, source: str, rows: list[dict[str, Any]], key: str) -> list[int]:
    """Source records as an import would store them (the import itself is tested elsewhere)."""
    org = world.orgs["gemeente"]
    with world.runtime.db.transaction() as s:
        run = ImportRun(source=source, file_name=f"{source}.csv", file_hash=hashlib.sha256(
            json.dumps(rows, sort_keys=True).encode()).hexdigest(), organisation_id=org.id,
            extract_date=date(2026, 11, 1), by_user_id=world["coordinator"].user.id, counts={})
        s.add(run)
        s.flush()
        ids = []
        for line, row in enumerate(rows, start=2):
            record = SourceRecord(
                source=source, organisation_id=org.id, municipality_code="GM9990",
                record_key=str(row.get(key) or line), version=1,
                content_hash=hashlib.sha256(json.dumps(row, sort_keys=True).encode()).hexdigest(),
                data=row, extras={}, run_id=run.id, file_name=f"{source}.csv", line=line,
                extract_date=date(2026, 11, 1),
            )
            s.add(record)
            s.flush()
            ids.append(record.id)
    return ids


def person(pid: str, first: str, particle: str | None, surname: str, born: str | None, **extra: Any) -> dict:
    return {"persoon_id": pid, "voornamen": first, "tussenvoegsel": particle, "geslachtsnaam": surname,
            "geboortedatum": born, **extra}


def populate(world: World) -> dict[str, list[int]]:
    ids = {
        "adressen": add_records(world, "adressen", [
            {"adres_id": A1, "postcode": "9991AA", "huisnummer": 1, "straat": "Havenstraat"},
            {"adres_id": A2, "postcode": "9991AB", "huisnummer": 12, "straat": "Molenweg"},
        ], "adres_id"),
        "personen": add_records(world, "personen", [
            person("1", "Pieter Jan", "van der", "Wal", "1985-06-07", bsn="999990019", adres_id=A1),
            person("2", "Anouk", None, "Bakker", "1990-03-12", adres_id=A2),
            person("3", "Anouk", None, "Bakker", "1961-11-30", adres_id=A1),
        ], "persoon_id"),
        "huurcontracten": add_records(world, "huurcontracten", [
            {"contract_id": "H1", "adres_id": A1, "voornamen": "P.J.", "tussenvoegsel": None,
             "geslachtsnaam": "VAN DER WAL", "geboortedatum": "1985-07-06"},
        ], "contract_id"),
        "functionarissen": add_records(world, "functionarissen", [
            {"kvk_nummer": "12345678", "voornamen": "Pieter", "tussenvoegsel": None, "geslachtsnaam": "Wal, van der",
             "geboortedatum": "1985-06-07", "functie": "bestuurder"},
        ], "kvk_nummer"),
        "bedrijven": add_records(world, "bedrijven", [
            {"kvk_nummer": "12345678", "handelsnaam": "Groeimaat B.V.", "adres_id": A2},
        ], "kvk_nummer"),
        "transacties": add_records(world, "transacties", [
            {"transactie_id": "T1", "adres_id": A2, "koper_type": "rechtspersoon", "koper_naam": "Groeimaat BV",
             "koper_kvk_nummer": None, "datum": "2026-01-05"},
        ], "transactie_id"),
    }
    return ids


def run(world: World, actor: str = "coordinator") -> Any:
    with world.runtime.db.transaction() as s:
        return run_resolution(s, world[actor].principal)


def subject_of(world: World, record_id: int, role: str) -> str:
    with world.runtime.db.session() as s:
        found = s.scalar(select(SubjectLink.subject_id).where(SubjectLink.record_id == record_id,
                                                               SubjectLink.role == role))
    assert found is not None, f"no link for {record_id}:{role}"
    return found


def test_records_link_into_subjects(world: World) -> None:
    ids = populate(world)
    figures = run(world)
    pieter = subject_of(world, ids["personen"][0], "persoon")
    assert pieter.startswith("P-")
    # Initials + upper case + particle inside the surname + swapped day and month.
    assert subject_of(world, ids["huurcontracten"][0], "huurder") == pieter
    # "Wal, van der" with the particle behind the surname.
    assert subject_of(world, ids["functionarissen"][0], "functionaris") == pieter
    # Same name, different birth dates: two people.
    assert subject_of(world, ids["personen"][1], "persoon") != subject_of(world, ids["personen"][2], "persoon")
    # Company by KvK number, and by trade name without legal form when the buyer had no KvK number.
    company = subject_of(world, ids["bedrijven"][0], "bedrijf")
    assert subject_of(world, ids["functionarissen"][0], "onderneming") == company
    assert subject_of(world, ids["transacties"][0], "koper") == company
    # Addresses by adres_id, whatever record they appear in.
    assert subject_of(world, ids["adressen"][0], "adres") == subject_of(world, ids["personen"][0], "adres")
    assert figures.counts["persoon"]["subjecten"] == 3
    assert figures.counts["bedrijf"]["subjecten"] == 1
    assert figures.counts["adres"]["subjecten"] == 2
    with world.runtime.db.session() as s:
        link = s.scalar(select(SubjectLink).where(SubjectLink.record_id == ids["huurcontracten"][0]))
        assert link is not None and link.explanation["bron"] in ("model", "sleutel")
        assert explanation_lines(link.explanation), "every link carries its explanation"


def test_ids_are_stable_across_runs_and_new_data(world: World) -> None:
    populate(world)
    run(world)
    with world.runtime.db.session() as s:
        before = dict(s.execute(select(SubjectLink.record_id, SubjectLink.subject_id)
                                .where(SubjectLink.role != "adres")).all())
    run(world)
    more = add_records(world, "personen", [person("4", "Kees", None, "Visser", "1970-01-01", adres_id=A2)],
                       "persoon_id")
    run(world)
    with world.runtime.db.session() as s:
        after = dict(s.execute(select(SubjectLink.record_id, SubjectLink.subject_id)
                               .where(SubjectLink.role != "adres")).all())
    assert {r: after[r] for r in before} == before
    assert after[more[0]] not in before.values()


def test_judgements_override_the_model(world: World) -> None:
    ids = populate(world)
    run(world)
    coordinator = world["coordinator"]
    brp, tenant = ids["personen"][0], ids["huurcontracten"][0]
    bakker_a, bakker_b = ids["personen"][1], ids["personen"][2]
    with world.runtime.db.transaction() as s:
        s.add(MatchJudgement(kind="persoon", record_a=brp, role_a="persoon", record_b=tenant, role_b="huurder",
                             verdict="verschillend", reason="andere persoon", by_user_id=coordinator.user.id,
                             organisation_id=coordinator.user.organisation_id))
        s.add(MatchJudgement(kind="persoon", record_a=bakker_a, role_a="persoon", record_b=bakker_b,
                             role_b="persoon", verdict="zelfde", reason="geboortedatum fout in BRP",
                             by_user_id=coordinator.user.id, organisation_id=coordinator.user.organisation_id))
    run(world)
    assert subject_of(world, brp, "persoon") != subject_of(world, tenant, "huurder")
    assert subject_of(world, bakker_a, "persoon") == subject_of(world, bakker_b, "persoon")
    # The officer still links to one of them, never to both (a negative judgement blocks).
    officer = subject_of(world, ids["functionarissen"][0], "functionaris")
    assert officer in (subject_of(world, brp, "persoon"), subject_of(world, tenant, "huurder"))
    with world.runtime.db.session() as s:
        judged_in_queue = s.scalars(select(ReviewPair).where(
            ReviewPair.record_a.in_([brp, tenant]), ReviewPair.record_b.in_([brp, tenant]))).all()
        assert judged_in_queue == []
        merged_bakker = s.scalars(select(Subject).where(Subject.merged_into.is_not(None))).all()
        assert len(merged_bakker) == 1, "the absorbed subject keeps a pointer to where it went"


def test_signals_are_linked_to_subjects_at_run_and_at_intake(world: World) -> None:
    ids = populate(world)
    cat = world.runtime.catalogue
    coordinator = world["coordinator"].principal
    body = signal_body(betrokkenen=[
        {"soort": "persoon", "voornamen": "Pieter", "tussenvoegsel": "van der", "geslachtsnaam": "Wal",
         "geboortedatum": "1985-06-07"},
        {"soort": "bedrijf", "naam": "Groeimaat B.V.", "kvkNummer": "12345678"},
    ])
    with world.runtime.db.transaction() as s:
        first = register_signal(s, coordinator, parse_signal(body, cat), cat, Provenance("api")).id
    run(world)
    pieter = subject_of(world, ids["personen"][0], "persoon")
    company = subject_of(world, ids["bedrijven"][0], "bedrijf")
    with world.runtime.db.session() as s:
        linked = set(s.scalars(select(SignalSubject.subject_id).where(SignalSubject.signal_id == first)))
    assert {pieter, company, subject_of(world, ids["adressen"][0], "adres")} <= linked
    # A new signal after the run is matched at intake.
    later = signal_body(locatie={"adresId": A2}, betrokkenen=[
        {"soort": "persoon", "voornamen": "P.", "geslachtsnaam": "van der Wal", "geboortedatum": "1985-06-07"}])
    with world.runtime.db.transaction() as s:
        second = register_signal(s, coordinator, parse_signal(later, cat), cat, Provenance("api"))
        incremental.link_signal(s, second)
        second_id = second.id
    with world.runtime.db.session() as s:
        linked = set(s.scalars(select(SignalSubject.subject_id).where(SignalSubject.signal_id == second_id)))
    assert linked == {pieter, subject_of(world, ids["adressen"][1], "adres")}


def test_only_the_municipality_may_run(world: World) -> None:
    populate(world)
    with pytest.raises(Forbidden):
        run(world, "woco")
    # Another municipality's run sees none of Lindeveen's records.
    figures = run(world, "buur_coordinator")
    assert figures.counts["persoon"]["vermeldingen"] == 0


def test_father_and_son_with_different_bsns_stay_two_people(world: World) -> None:
    """Same name, same address, a tenancy that names only "J. de Vries": two BSNs are two people."""
    ids = {
        "adressen": add_records(world, "adressen", [
            {"adres_id": A1, "postcode": "9991AA", "huisnummer": 1, "straat": "Havenstraat"}], "adres_id"),
        "personen": add_records(world, "personen", [
            person("10", "Jan", "de", "Vries", "1960-04-02", bsn="111222333", adres_id=A1),
            person("11", "Jan", "de", "Vries", "1992-04-02", bsn="123456782", adres_id=A1),
        ], "persoon_id"),
        "huurcontracten": add_records(world, "huurcontracten", [
            {"contract_id": "H9", "adres_id": A1, "voornamen": "J.", "tussenvoegsel": "de",
             "geslachtsnaam": "Vries", "geboortedatum": None}], "contract_id"),
    }
    run(world)
    father, son = (subject_of(world, i, "persoon") for i in ids["personen"])
    assert father != son
    # The lease could be either: it joins neither, and a coordinator is asked.
    lease = ids["huurcontracten"][0]
    assert subject_of(world, lease, "huurder") not in (father, son)
    with world.runtime.db.session() as s:
        asked = s.scalars(select(ReviewPair).where(ReviewPair.record_a.in_([lease]) | ReviewPair.record_b.in_([lease]))
                          ).all()
    assert {p.record_a for p in asked} | {p.record_b for p in asked} >= {lease, *ids["personen"]}


def test_meter_readings_link_as_groups_and_judgements_still_hold(world: World) -> None:
    """Energy records are linked per group of equal address fields (one mention stands for a
    year of readings); every record still gets its link, ids stay stable, and a record named
    in a judgement is linked on its own."""
    ids = populate(world)
    by_id = add_records(world, "energie", [
        {"sleutel": f"11-{m}", "ean": "871000000000000011", "adres_id": A1, "periode": f"2026-{m:02d}",
         "elektriciteit_kwh": 250} for m in range(1, 7)], "sleutel")
    # A grid operator writing the huisletter as toevoeging, without BAG id: linked on postcode + number.
    by_postcode = add_records(world, "energie", [
        {"sleutel": f"28-{m}", "ean": "871000000000000028", "postcode": "9991 ab", "huisnummer": 12,
         "periode": f"2026-{m:02d}", "elektriciteit_kwh": 900} for m in range(1, 4)], "sleutel")
    first = run(world)
    bag_a1 = subject_of(world, ids["adressen"][0], "adres")
    bag_a2 = subject_of(world, ids["adressen"][1], "adres")
    assert {subject_of(world, r, "adres") for r in by_id} == {bag_a1}
    assert {subject_of(world, r, "adres") for r in by_postcode} == {bag_a2}
    # The counts are of records, not of groups.
    assert first.counts["adres"]["vermeldingen"] == 2 + 3 + 1 + 1 + 1 + 6 + 3
    with world.runtime.db.session() as s:
        link = s.scalar(select(SubjectLink).where(SubjectLink.record_id == by_id[-1]))
        assert link is not None and link.probability == 1.0
        assert link.explanation["bron"] == "sleutel" and link.explanation["via"]["bronregistratie"] in by_id
    coordinator = world["coordinator"]
    with world.runtime.db.transaction() as s:
        s.add(MatchJudgement(kind="adres", record_a=ids["adressen"][0], role_a="adres", record_b=by_id[2],
                             role_b="adres", verdict="verschillend", reason="verkeerde aansluiting",
                             by_user_id=coordinator.user.id, organisation_id=coordinator.user.organisation_id))
    run(world)
    assert subject_of(world, ids["adressen"][0], "adres") == bag_a1, "the BAG record keeps its subject"
    assert subject_of(world, by_id[2], "adres") != bag_a1
    assert {subject_of(world, r, "adres") for r in by_id if r != by_id[2]} == {bag_a1}
    assert {subject_of(world, r, "adres") for r in by_postcode} == {bag_a2}

"""A small linked municipality written straight into the database: source records of every
kind, the subjects an analysis run would make of them, links with explanations, a review
pair — the real tables, for the tests of cards, review and export."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from weerbaar.ingest.models import ImportRun, SourceRecord
from weerbaar.resolve.models import ReviewPair, Subject, SubjectLink

from .world import World

ADDRESS_1 = "0999200000000001"
ADDRESS_2 = "0999200000000002"
KVK = "12345678"
PEILDATUM = date(2026, 9, 1)

MODEL_EXPLANATION = {
    "bron": "model", "matchgewicht": 9.3,
    "bijdragen": [
        {"vergelijking": "achternaam", "niveau": "gelijk", "gewicht": 5.1},
        {"vergelijking": "voornamen", "niveau": "gelijk", "gewicht": 3.4},
        {"vergelijking": "geboortedatum", "niveau": "dag en maand verwisseld", "gewicht": -1.2},
    ],
}


@dataclass
class Linked:
    """Record ids by short name; subject ids are fixed (P-000001 …)."""

    records: dict[str, int] = field(default_factory=dict)
    runs: dict[str, str] = field(default_factory=dict)
    pair_id: str = ""


def _run(s: Session, linked: Linked, source: str, org_id: str, file_name: str) -> str:
    if source not in linked.runs:
        run = ImportRun(source=source, file_name=file_name, file_hash=f"hash-{source}", organisation_id=org_id,
                        extract_date=PEILDATUM)
        s.add(run)
        s.flush()
        linked.runs[source] = run.id
    return linked.runs[source]


def add_record(
    s: Session, linked: Linked, name: str, source: str, key: str, data: dict[str, Any], *, org_id: str,
    line: int, municipality: str = "GM9990", version: int = 1,
) -> SourceRecord:
    file_name = f"{source}_2026-09.csv" if source != "ftm" else "donaties.ijson"
    record = SourceRecord(
        source=source, organisation_id=org_id, municipality_code=municipality, record_key=key, version=version,
        content_hash=f"{name}-{version}", data=data, extras={}, run_id=_run(s, linked, source, org_id, file_name),
        file_name=file_name, line=line, extract_date=PEILDATUM,
    )
    s.add(record)
    s.flush()
    linked.records[name] = record.id
    return record


def link(s: Session, subject: str, record: int, role: str, probability: float | None = 1.0,
         explanation: dict[str, Any] | None = None) -> None:
    s.add(SubjectLink(subject_id=subject, record_id=record, role=role, probability=probability,
                      explanation=explanation or {"bron": "alleen"}))


def jan(prefix: str = "") -> dict[str, Any]:
    return {f"{prefix}voornamen": "Jan", f"{prefix}tussenvoegsel": "de", f"{prefix}geslachtsnaam": "Vries",
            f"{prefix}geboortedatum": "1985-06-07"}


def build_linked(world: World) -> Linked:
    """Jan de Vries (P-000001) lives at and rents Havenstraat 1 (A-000001), bought it, and
    directed Groeimaat B.V. (B-000001, seated at Molenweg 12, A-000002); P-000002 was merged
    into P-000001; Piet Jansen (P-000003) is a second officer. FtM: Jan paid a party
    (B-000002). In Zandhoven a separate person P-000009."""
    linked = Linked()
    gem, woco = world.orgs["gemeente"].id, world.orgs["woco"].id
    buur = world.orgs["buurgemeente"].id
    with world.runtime.db.transaction() as s:
        rec = lambda *a, **k: add_record(s, linked, *a, **k)  # noqa: E731
        rec("adres1", "adressen", ADDRESS_1, {"adres_id": ADDRESS_1, "straat": "Havenstraat", "huisnummer": 1,
                                              "postcode": "9991AA", "woonplaats": "Lindeveen"}, org_id=gem, line=2)
        rec("adres2", "adressen", ADDRESS_2, {"adres_id": ADDRESS_2, "straat": "Molenweg", "huisnummer": 12,
                                              "postcode": "9991AB", "woonplaats": "Lindeveen"}, org_id=gem, line=3)
        rec("pers1", "personen", "PRS-1", {"persoon_id": "PRS-1", "bsn": "999990019", **jan(), "adres_id": ADDRESS_1,
                                           "datum_inschrijving": "2015-01-01"}, org_id=gem, line=2)
        rec("pers_old", "personen", "PRS-7", {"persoon_id": "PRS-7", "voornamen": "Johannes",
                                              "geslachtsnaam": "Vries", "tussenvoegsel": "de"}, org_id=gem, line=3)
        rec("huur1", "huurcontracten", "HC-1", {"contract_id": "HC-1", **jan(), "adres_id": ADDRESS_1,
                                                "datum_ingang": "2016-03-01"}, org_id=woco, line=2)
        rec("func1", "functionarissen", f"{KVK}-2", {"kvk_nummer": KVK, **jan(), "functie": "bestuurder",
                                                     "datum_aanvang": "2019-01-01", "datum_einde": "2021-06-30"},
            org_id=gem, line=2)
        rec("func2", "functionarissen", f"{KVK}-5", {"kvk_nummer": KVK, "voornamen": "Piet", "geslachtsnaam": "Jansen",
                                                     "functie": "vennoot", "datum_aanvang": "2020-02-02"},
            org_id=gem, line=5)
        rec("bedr1", "bedrijven", KVK, {"kvk_nummer": KVK, "handelsnaam": "Groeimaat B.V.", "adres_id": ADDRESS_2,
                                        "datum_inschrijving": "2018-05-05"}, org_id=gem, line=2)
        rec("trans1", "transacties", "TR-1", {"transactie_id": "TR-1", "adres_id": ADDRESS_1, "datum": "2014-12-01",
                                              "koopsom": 250000, "koper_type": "natuurlijk_persoon", **jan("koper_")},
            org_id=gem, line=2)
        rec("trans2", "transacties", "TR-2", {"transactie_id": "TR-2", "adres_id": ADDRESS_2, "datum": "2018-04-01",
                                              "koper_type": "rechtspersoon", "koper_kvk_nummer": KVK,
                                              "koper_naam": "Groeimaat BV"}, org_id=gem, line=3)
        # FtM: Jan (with a German title) paid a party; his FtM address is abroad.
        rec("ftm_p", "ftm", "ftm-jan", {"id": "ftm-jan", "schema": "Person", "properties": {
            "name": ["Herr Jan de Vries"], "addressEntity": ["ftm-adres"]}}, org_id=gem, line=1)
        rec("ftm_a", "ftm", "ftm-adres", {"id": "ftm-adres", "schema": "Address", "properties": {
            "full": ["Schillerstraße 19, 76135 Karlsruhe"], "country": ["de"]}}, org_id=gem, line=2)
        rec("ftm_o", "ftm", "ftm-partij", {"id": "ftm-partij", "schema": "Organization", "properties": {
            "name": ["Partij voor Lindeveen"]}}, org_id=gem, line=3)
        rec("ftm_pay", "ftm", "ftm-betaling", {"id": "ftm-betaling", "schema": "Payment", "properties": {
            "payer": ["ftm-jan"], "beneficiary": ["ftm-partij"], "date": ["2021-12-29"], "amountEur": ["100000"]}},
            org_id=gem, line=4)
        rec("buur1", "personen", "PRS-1", {"persoon_id": "PRS-1", **jan()}, org_id=buur, line=2, municipality="GM9991")
        r = linked.records

        subjects = [
            ("P-000001", "persoon", "Jan de Vries (1985-06-07)", None),
            ("P-000002", "persoon", "Johannes de Vries", "P-000001"),
            ("P-000003", "persoon", "Piet Jansen", None),
            ("B-000001", "bedrijf", f"Groeimaat B.V. (KvK {KVK})", None),
            ("B-000002", "bedrijf", "Partij voor Lindeveen", None),
            ("A-000001", "adres", "9991AA 1", None),
            ("A-000002", "adres", "9991AB 12", None),
            ("A-000003", "adres", "schillerstrasse 19, 76135 karlsruhe", None),
        ]
        for sid, kind, label, merged in subjects:
            s.add(Subject(id=sid, kind=kind, municipality_code="GM9990", label=label, merged_into=merged))
        s.add(Subject(id="P-000009", kind="persoon", municipality_code="GM9991", label="Jan de Vries (1985-06-07)"))
        s.flush()
        via = {"via": {"bronregistratie": r["pers1"], "rol": "persoon"}}
        link(s, "P-000001", r["pers1"], "persoon", None)
        link(s, "P-000001", r["huur1"], "huurder", 0.97, {**MODEL_EXPLANATION, **via})
        link(s, "P-000001", r["func1"], "functionaris", 0.91, {**MODEL_EXPLANATION, **via})
        link(s, "P-000001", r["trans1"], "koper", 0.88, {**MODEL_EXPLANATION, **via})
        link(s, "P-000001", r["pers_old"], "persoon", 0.62, {**MODEL_EXPLANATION, **via})
        link(s, "P-000001", r["ftm_p"], "entiteit", 0.71, {**MODEL_EXPLANATION, **via})
        link(s, "P-000003", r["func2"], "functionaris", None)
        key = {"bron": "sleutel", "sleutel": "kvk",  # as a run writes it; the reason is read from KEY_REASONS
               "via": {"bronregistratie": r["bedr1"], "rol": "bedrijf"}}
        link(s, "B-000001", r["bedr1"], "bedrijf", None)
        for name, role in (("func1", "onderneming"), ("func2", "onderneming"), ("trans2", "koper")):
            link(s, "B-000001", r[name], role, 1.0, key)
        link(s, "B-000002", r["ftm_o"], "entiteit", None)
        addr = {"bron": "sleutel",  # as earlier runs wrote it: the contributions spelled out
                "bijdragen": [{"vergelijking": "adres_id", "niveau": "zelfde BAG-adres-id", "gewicht": None}],
                "via": {"bronregistratie": r["adres1"], "rol": "adres"}}
        link(s, "A-000001", r["adres1"], "adres", None)
        for name in ("pers1", "huur1", "trans1"):
            link(s, "A-000001", r[name], "adres", 1.0, addr)
        link(s, "A-000002", r["adres2"], "adres", None)
        for name in ("bedr1", "trans2"):
            via_register = {"via": {"bronregistratie": r["adres2"], "rol": "adres"}}
            link(s, "A-000002", r[name], "adres", 1.0, {**addr, **via_register})
        link(s, "A-000003", r["ftm_a"], "entiteit", None)
        link(s, "P-000009", r["buur1"], "persoon", None)
        pair = ReviewPair(kind="persoon", municipality_code="GM9990", record_a=r["pers1"], role_a="persoon",
                          record_b=r["pers_old"], role_b="persoon", probability=0.62,
                          explanation={**MODEL_EXPLANATION, "zelfdeSubject": True}, run_id="run-1")
        s.add(pair)
        s.flush()
        linked.pair_id = pair.id
    return linked

"""A small town for the detection tests: partner extracts written as CSV files in the standard
layout, imported through the real import, linked and analysed through the real run.

Dates are relative to today, as the analysis' peildatum is today: `months_ago(3)` is the first
day of the month three months back. Energy is given per month for the last twelve complete
months, oldest first.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import select

from weerbaar.core import clock
from weerbaar.core.catalogue import load_catalogue
from weerbaar.core.config import PACKAGE_DIR
from weerbaar.core.rules import TABLES, create_tables
from weerbaar.detect.frames import Frames
from weerbaar.detect.indicators import Hit, run_rules
from weerbaar.detect.models import IndicatorHit, RiskScore
from weerbaar.detect.pipeline import run_analysis
from weerbaar.ingest.records import import_source

from .world import World

COLUMNS: dict[str, list[str]] = {
    "adressen": ["adres_id", "straat", "huisnummer", "huisletter", "toevoeging", "postcode", "woonplaats",
                 "gemeentecode", "wijkcode", "buurtcode", "gebruiksdoel", "oppervlakte_m2", "bouwjaar", "vakantiepark"],
    "personen": ["persoon_id", "bsn", "voornamen", "tussenvoegsel", "geslachtsnaam", "geboortedatum", "adres_id",
                 "datum_inschrijving", "datum_uitschrijving"],
    "bedrijven": ["kvk_nummer", "handelsnaam", "rechtsvorm", "sbi_code", "adres_id", "datum_inschrijving",
                  "datum_uitschrijving"],
    "functionarissen": ["kvk_nummer", "voornamen", "tussenvoegsel", "geslachtsnaam", "geboortedatum", "functie",
                        "datum_aanvang", "datum_einde"],
    "energie": ["ean", "adres_id", "periode", "elektriciteit_kwh", "gas_m3"],
    "transacties": ["transactie_id", "adres_id", "datum", "koopsom", "koper_type", "koper_voornamen",
                    "koper_tussenvoegsel", "koper_geslachtsnaam", "koper_geboortedatum", "koper_kvk_nummer",
                    "koper_naam", "hypotheek", "verkoper_naam"],
    "huurcontracten": ["contract_id", "adres_id", "voornamen", "tussenvoegsel", "geslachtsnaam", "geboortedatum",
                       "datum_ingang", "datum_einde"],
}
ORDER = ("adressen", "personen", "bedrijven", "functionarissen", "energie", "transacties", "huurcontracten")
BUURT = "BU99900101"  # an Area of tests/world.py
GAS = [150, 130, 100, 60, 30, 15, 10, 10, 25, 60, 100, 140]  # m³ per calendar month for a typical home


def today() -> date:
    return clock.today()


def months_ago(n: int) -> date:
    day = today().replace(day=1)
    for _ in range(n):
        day = (day - timedelta(days=1)).replace(day=1)
    return day


def periods() -> list[date]:
    """The last twelve complete months, oldest first."""
    return [months_ago(n) for n in range(12, 0, -1)]


def iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def years_ago(years: float) -> date:
    return today() - timedelta(days=int(years * 365.25))


@dataclass
class Town:
    folder: Path
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {s: [] for s in ORDER})
    _number: int = 0
    _ean: int = 0

    def address(self, adres_id: str, *, use: str = "woonfunctie", m2: int = 80, park: str = "",
                street: str = "Havenstraat", buurt: str = BUURT) -> str:
        self._number += 1
        self.rows["adressen"].append({
            "adres_id": adres_id, "straat": street, "huisnummer": self._number, "postcode": "9991AA",
            "woonplaats": "Lindeveen", "gemeentecode": "GM9990", "wijkcode": "WK999001", "buurtcode": buurt,
            "gebruiksdoel": use, "oppervlakte_m2": m2, "bouwjaar": 1975, "vakantiepark": park,
        })
        return adres_id

    def person(self, pid: str, first: str, surname: str, born: date, adres_id: str, since: date,
               until: date | None = None, particle: str = "", bsn: str = "") -> None:
        self.rows["personen"].append({
            "persoon_id": pid, "bsn": bsn, "voornamen": first, "tussenvoegsel": particle, "geslachtsnaam": surname,
            "geboortedatum": iso(born), "adres_id": adres_id, "datum_inschrijving": iso(since),
            "datum_uitschrijving": iso(until),
        })

    def household(self, prefix: str, adres_id: str, size: int, *, since: date | None = None,
                  adults: int | None = None) -> None:
        """`size` people registered at the address; the first `adults` (default: min(size, 2)) are adults."""
        adults = min(size, 2) if adults is None else adults
        for i in range(size):
            born = years_ago(40 + i) if i < adults else years_ago(8 + i % 10)
            self.person(f"{prefix}{i}", f"Voornaam{prefix}{i}", f"Achternaam{prefix}", born, adres_id,
                        since or years_ago(6))

    def energy(self, adres_id: str, kwh: list[float], gas: list[float] | None = None) -> None:
        assert len(kwh) == 12
        self._ean += 1
        ean = f"871{self._ean:015d}"
        for i, month in enumerate(periods()):
            self.rows["energie"].append({
                "ean": ean, "adres_id": adres_id, "periode": f"{month.year:04d}-{month.month:02d}",
                "elektriciteit_kwh": round(kwh[i]), "gas_m3": "" if gas is None else round(gas[i]),
            })

    def typical_energy(self, adres_id: str, kwh_per_month: float = 250, gas: bool = True) -> None:
        self.energy(adres_id, [kwh_per_month] * 12, [GAS[m.month - 1] for m in periods()] if gas else None)

    def company(self, kvk: str, name: str, sbi: str, adres_id: str, start: date, end: date | None = None,
                form: str = "bv") -> None:
        self.rows["bedrijven"].append({
            "kvk_nummer": kvk, "handelsnaam": name, "rechtsvorm": form, "sbi_code": sbi, "adres_id": adres_id,
            "datum_inschrijving": iso(start), "datum_uitschrijving": iso(end),
        })

    def officer(self, kvk: str, first: str, surname: str, born: date, start: date, end: date | None = None,
                function: str = "bestuurder") -> None:
        self.rows["functionarissen"].append({
            "kvk_nummer": kvk, "voornamen": first, "tussenvoegsel": "", "geslachtsnaam": surname,
            "geboortedatum": iso(born), "functie": function, "datum_aanvang": iso(start), "datum_einde": iso(end),
        })

    def sale(self, tid: str, adres_id: str, day: date, price: int, mortgage: str, *,
             person: tuple[str, str, date] | None = None, company: tuple[str, str] | None = None,
             seller: str = "Fam. Verkoper") -> None:
        row: dict[str, Any] = {"transactie_id": tid, "adres_id": adres_id, "datum": iso(day), "koopsom": price,
                               "hypotheek": mortgage, "verkoper_naam": seller}
        if person is not None:
            first, surname, born = person
            row.update(koper_type="natuurlijk_persoon", koper_voornamen=first, koper_geslachtsnaam=surname,
                       koper_geboortedatum=iso(born))
        else:
            assert company is not None
            row.update(koper_type="rechtspersoon", koper_kvk_nummer=company[0], koper_naam=company[1])
        self.rows["transacties"].append(row)

    def tenancy(self, cid: str, adres_id: str, first: str, surname: str, born: date, start: date,
                end: date | None = None) -> None:
        self.rows["huurcontracten"].append({
            "contract_id": cid, "adres_id": adres_id, "voornamen": first, "tussenvoegsel": "",
            "geslachtsnaam": surname, "geboortedatum": iso(born), "datum_ingang": iso(start), "datum_einde": iso(end),
        })

    def write(self, tag: str = "") -> dict[str, Path]:
        self.folder.mkdir(parents=True, exist_ok=True)
        files = {}
        for source in ORDER:
            if not self.rows[source]:
                continue
            path = self.folder / f"{source}{tag}.csv"
            with path.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=COLUMNS[source], extrasaction="raise")
                writer.writeheader()
                for row in self.rows[source]:
                    writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
            files[source] = path
        return files

    def load(self, world: World, tag: str = "", actor: str = "coordinator") -> None:
        """Write every extract and import it as the coordinator would, each atomic."""
        for source, path in self.write(tag).items():
            summary = import_source(world.runtime, source, path, world[actor].principal,
                                    organisation="Gemeente Lindeveen")
            assert not summary.counts().get("in_quarantaine"), (source, summary.counts())


def analyse(world: World, actor: str = "coordinator") -> Any:
    with world.runtime.db.transaction() as s:
        return run_analysis(s, world[actor].principal, world.runtime.catalogue)


def hits(world: World, code: str) -> dict[str, IndicatorHit]:
    """The hits of one indicator, by target (BAG id for addresses, subject id otherwise)."""
    with world.runtime.db.session() as s:
        return {h.target_id: h for h in s.scalars(select(IndicatorHit).where(IndicatorHit.code == code))}


def scores(world: World, phenomenon: str | None = None) -> list[RiskScore]:
    with world.runtime.db.session() as s:
        query = select(RiskScore).order_by(RiskScore.score.desc())
        if phenomenon:
            query = query.where(RiskScore.phenomenon == phenomenon)
        return list(s.scalars(query))


def rule_hits(code: str, rows: dict[str, list[dict[str, Any]]]) -> dict[str, Hit]:
    """Run the shipped catalogue over analysis tables filled directly with `rows` (subjects already
    linked, as `detect/frames.py` leaves them) and return the hits of one indicator by target.
    For a rule's own logic, without the import and the linking in between."""
    con = duckdb.connect()
    create_tables(con)
    for table, records in rows.items():
        columns = [c for c, _, _ in TABLES[table]]
        con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' for _ in columns)})",
                        [[r.get(c) for c in columns] for r in records])
    catalogue = load_catalogue(PACKAGE_DIR / "catalogus")
    settings = catalogue.detection
    assert settings is not None
    for table, codes in (("kasintensief", settings.kasintensieve_sbi), ("zorg", settings.zorg_sbi),
                         ("uitzend", settings.uitzend_sbi)):
        con.executemany(f"INSERT INTO {table} VALUES (?)", [(c,) for c in codes])
    sources = ("personen", "energie", "bedrijven", "functionarissen", "transacties", "huurcontracten")
    counts = {"adressen": 1, **{f"bron:{s}": 1 for s in sources}}
    found, _ = run_rules(Frames(con, counts), catalogue, today())
    con.close()
    return {h.target_id: h for h in found if h.code == code}


def address_row(adres_id: str, use: str = "woonfunctie", m2: int = 80) -> dict[str, Any]:
    return {"adres_id": adres_id, "straat": "Havenstraat", "postcode": "9991AA", "huisnummer": 1,
            "buurtcode": BUURT, "wijkcode": "WK999001", "gebruiksdoel": use, "woonfunctie": "woonfunctie" in use,
            "oppervlakte_m2": m2, "bouwjaar": 1975, "vakantiepark": None}


def energy_rows(adres_id: str, kwh: list[float], gas: list[float] | None = None) -> list[dict[str, Any]]:
    return [{"adres_id": adres_id, "ean": f"871{adres_id}", "periode": month, "kwh": kwh[i],
             "gas_m3": None if gas is None else gas[i]} for i, month in enumerate(periods())]

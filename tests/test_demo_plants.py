"""Planted cases and decoys of the demo extracts: counts, disjointness, existence, and the
planted property as the raw CSV files show it (read with the importer's own reader and row
validation, never from the generator's objects)."""

from __future__ import annotations

import random
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from weerbaar.core.models import Address
from weerbaar.demo.extracts import ExtractSet, write_extracts
from weerbaar.demo.geography import Grid
from weerbaar.demo.plants import Target
from weerbaar.demo.register import build_addresses
from weerbaar.demo.residents import NAMES
from weerbaar.ingest.csvfile import open_csv
from weerbaar.ingest.sources import SPECS, validate

SEED = 2026
TODAY = date(2026, 3, 15)
CARE = {"8810", "8899"}
CASH = {"5610", "5630", "9602", "4520", "4777", "4711", "4932", "4742"}
# (cases, decoys) per phenomenon: inclusive ranges, from the brief of the evaluation.
RANGES = {
    "hennepteelt": ((12, 15), (26, 45)),
    "energiefraude": ((7, 9), (13, 17)),
    "woonfraude": ((20, 70), (17, 25)),
    "mensenhandel": ((5, 7), (3, 5)),
    "vakantieparken": ((10, 14), (5, 9)),
    "witwassen_vastgoed": ((10, 20), (13, 25)),
    "witwassen_bedrijven": ((7, 12), (6, 8)),
    "zorgfraude": ((3, 6), (3, 10)),
}
KINDS = {"witwassen_vastgoed": {"persoon", "bedrijf"}, "woonfraude": {"adres", "persoon"},
         "witwassen_bedrijven": {"persoon", "adres"}, "zorgfraude": {"bedrijf"}}


def _addresses(seed: int) -> list[Address]:
    rng = random.Random(f"{seed}-kaart")
    return build_addresses(rng, Grid(rng))


@pytest.fixture(scope="module")
def extracts(tmp_path_factory: pytest.TempPathFactory) -> ExtractSet:
    return write_extracts(tmp_path_factory.mktemp("plants"), SEED, TODAY, _addresses(SEED))


@dataclass
class Data:
    """The valid rows of the extracts, normalised as the importer normalises them."""

    addresses: dict[str, dict[str, Any]]
    persons: dict[str, list[dict[str, Any]]]  # adres_id -> BRP rows
    born: dict[str, date]  # pid -> birth date in the BRP
    kwh: dict[str, list[float]]  # adres_id -> twelve months of electricity, oldest first
    gas: dict[str, list[float | None]]
    companies: dict[str, dict[str, Any]]  # kvk -> row
    officers: dict[str, set[str]]  # pid -> kvk numbers
    officers_of: dict[str, set[str]]  # kvk -> pids
    roles: dict[str, list[dict[str, Any]]]  # pid -> officer rows (kvk_nummer, datum_aanvang, datum_einde)
    sales: list[dict[str, Any]]  # with "pid" (person buyer) and "kvk" (company buyer, by number or name)
    tenancies: list[dict[str, Any]]  # with "pid"


def _valid(path: Path, bron: str) -> list[tuple[int, dict[str, Any]]]:
    with open_csv(path) as f:
        rows = [(r.line, validate(SPECS[bron], r.cells)) for r in f]
    return [(line, data) for line, (data, problems) in rows if not problems]


def _name(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _load(extracts: ExtractSet) -> Data:
    files = {path.stem: path for path in extracts.files.values()}
    truth = extracts.truth
    addresses = {d["adres_id"]: d for _, d in _valid(files["bag_adressen"], "adressen")}
    by_house = {(d["postcode"], d["huisnummer"], d["huisletter"] or d["toevoeging"]): a for a, d in addresses.items()}
    persons: dict[str, list[dict[str, Any]]] = defaultdict(list)
    born: dict[str, date] = {}
    for _, d in _valid(files["brp_personen"], "personen"):
        persons[d["adres_id"]].append(d)
        if d["geboortedatum"]:
            born[truth["personen"][d["persoon_id"]]] = date.fromisoformat(d["geboortedatum"])
    kwh: dict[str, dict[str, float]] = defaultdict(dict)
    gas: dict[str, dict[str, float | None]] = defaultdict(dict)
    for _, d in _valid(files["stroomnet_verbruik"], "energie"):
        address = d["adres_id"] or by_house.get((d["postcode"], d["huisnummer"], d["huisletter"] or d["toevoeging"]))
        if address and len(d["ean"] or "") == 18:
            kwh[address][d["periode"]] = d["elektriciteit_kwh"]
            gas[address][d["periode"]] = d["gas_m3"]
    companies = {d["kvk_nummer"]: d for _, d in _valid(files["kvk_bedrijven"], "bedrijven")}
    by_name = {_name(d["handelsnaam"]): k for k, d in companies.items()}
    officers: dict[str, set[str]] = defaultdict(set)
    officers_of: dict[str, set[str]] = defaultdict(set)
    roles: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line, d in _valid(files["kvk_functionarissen"], "functionarissen"):
        pid = truth["functionarissen"].get(str(line))
        if pid:
            officers[pid].add(d["kvk_nummer"])
            officers_of[d["kvk_nummer"]].add(pid)
            roles[pid].append(d)
    sales = []
    for _, d in _valid(files["kadaster_transacties"], "transacties"):
        d["pid"] = truth["transacties"].get(d["transactie_id"])
        d["kvk"] = d["koper_kvk_nummer"] or by_name.get(_name(d["koper_naam"] or ""))
        sales.append(d)
    tenancies = []
    for _, d in _valid(files["thuisvast_huurcontracten"], "huurcontracten"):
        d["pid"] = truth["huurcontracten"].get(d["contract_id"])
        tenancies.append(d)
    return Data(addresses, persons, born, {a: [m[p] for p in sorted(m)] for a, m in kwh.items()},
                {a: [m[p] for p in sorted(m)] for a, m in gas.items()}, companies, officers, officers_of, roles,
                sales, tenancies)


@pytest.fixture(scope="module")
def data(extracts: ExtractSet) -> Data:
    return _load(extracts)


# Seed 509 once labelled a care company whose director left it before opening his snackbar, and
# tenants who had bought only months before: the answer key's timing is checked on it too.
@pytest.fixture(scope="module", params=[SEED, 509])
def keyed(request: pytest.FixtureRequest, extracts: ExtractSet, data: Data,
          tmp_path_factory: pytest.TempPathFactory) -> tuple[ExtractSet, Data]:
    if request.param == SEED:
        return extracts, data
    other = write_extracts(tmp_path_factory.mktemp("plants-other"), request.param, TODAY, _addresses(request.param))
    return other, _load(other)


def _current(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if not r["datum_uitschrijving"]]


def _days(row: dict[str, Any]) -> int:
    return (date.fromisoformat(row["datum_uitschrijving"]) - date.fromisoformat(row["datum_inschrijving"])).days


def _targets(extracts: ExtractSet, phenomenon: str, side: str, word: str = "") -> list[Target]:
    targets = (extracts.plants.cases if side == "cases" else extracts.plants.decoys)[phenomenon]
    return [t for t in targets if word in t.story]


# --- the answer key itself -------------------------------------------------------------------------


def test_counts_per_phenomenon_are_in_range(extracts: ExtractSet) -> None:
    plants = extracts.plants
    assert set(plants.cases) == set(plants.decoys) == set(RANGES)
    for phenomenon, ((c_low, c_high), (d_low, d_high)) in RANGES.items():
        cases, decoys = plants.cases[phenomenon], plants.decoys[phenomenon]
        assert c_low <= len(cases) <= c_high, (phenomenon, len(cases))
        assert d_low <= len(decoys) <= d_high, (phenomenon, len(decoys))
        kinds = KINDS.get(phenomenon, {"adres"})
        assert {t.kind for t in cases + decoys} <= kinds, phenomenon
        assert all(t.story for t in cases + decoys)
    as_dict = plants.as_dict()
    assert as_dict["cases"]["hennepteelt"][0].keys() == {"kind", "ref", "story"}


def test_cases_and_decoys_are_disjoint(extracts: ExtractSet) -> None:
    for phenomenon in RANGES:
        cases = [(t.kind, t.ref) for t in extracts.plants.cases[phenomenon]]
        decoys = [(t.kind, t.ref) for t in extracts.plants.decoys[phenomenon]]
        assert len(set(cases)) == len(cases) and len(set(decoys)) == len(decoys), phenomenon
        assert not set(cases) & set(decoys), phenomenon


def test_every_target_exists_in_the_extracts(extracts: ExtractSet, data: Data) -> None:
    person_ids = {pid for bron in ("personen", "transacties", "huurcontracten", "functionarissen")
                  for pid in extracts.truth[bron].values()}
    for side in (extracts.plants.cases, extracts.plants.decoys):
        for phenomenon, targets in side.items():
            for t in targets:
                known = {"adres": data.addresses, "bedrijf": data.companies, "persoon": person_ids}[t.kind]
                assert t.ref in known, (phenomenon, t)


def test_same_seed_same_plants_other_seed_other_plants(extracts: ExtractSet, tmp_path: Path) -> None:
    again = write_extracts(tmp_path / "a", SEED, TODAY, _addresses(SEED))
    assert again.plants.as_dict() == extracts.plants.as_dict()
    other = write_extracts(tmp_path / "b", SEED + 1, TODAY, _addresses(SEED + 1))
    for phenomenon in ("hennepteelt", "woonfraude", "witwassen_vastgoed"):
        assert ({t.ref for t in other.plants.cases[phenomenon]}
                != {t.ref for t in extracts.plants.cases[phenomenon]}), phenomenon


def test_cases_and_decoys_come_from_every_naming_tradition_alike(extracts: ExtractSet, data: Data) -> None:
    """SyRI lesson: no naming tradition is over- or under-represented among the planted people.
    Each target weighs one (its residents share the weight: a family shares its tradition)."""
    tradition = {name: key for key, (_, _, surnames) in NAMES.items() for _, name in surnames}

    def shares(groups: list[list[dict[str, Any]]]) -> dict[str, float]:
        weight: dict[str, float] = defaultdict(float)
        for rows in groups:
            for r in rows:
                weight[tradition.get(re.sub(r"ska$", "ski", r["geslachtsnaam"]), "?")] += 1 / len(rows)
        return {key: weight[key] / len(groups) for key in NAMES}

    everyone = [r for rows in data.persons.values() for r in rows]
    brp = {extracts.truth["personen"][r["persoon_id"]]: r for r in everyone}
    targets = {t.ref: t for side in (extracts.plants.cases, extracts.plants.decoys) for ts in side.values() for t in ts}
    groups = [rows for t in targets.values() if (rows := data.persons.get(t.ref, []) if t.kind == "adres"
                                        else [brp[t.ref]] if t.ref in brp else [])]
    assert len(groups) > 100
    planted, population = shares(groups), shares([[r] for r in everyone])
    for key, share in population.items():
        # About three standard errors for some 120 independent targets: a real preference shows.
        assert abs(planted[key] - share) < 0.15, (key, planted, population)


# --- the planted property, as the raw files show it -----------------------------------------------


def _norm(persons: int, area: int) -> float:
    """A generous yearly household use: 1,000 kWh, 800 per registered person, 10 per m2."""
    return 1000 + 800 * persons + 10 * area


def test_grow_rooms_use_more_than_anyone_registered_explains(extracts: ExtractSet, data: Data) -> None:
    sheds = [a for a, d in data.addresses.items() if d["gebruiksdoel"] == ["industriefunctie"]]
    lowest = min(sum(data.kwh[a]) / data.addresses[a]["oppervlakte_m2"] for a in sheds
                 if a not in {t.ref for t in _targets(extracts, "hennepteelt", "cases")})
    for t in _targets(extracts, "hennepteelt", "cases"):
        months = data.kwh[t.ref]
        address = data.addresses[t.ref]
        area = address["oppervlakte_m2"]
        since = int(re.search(r"sinds (\d+) maand", t.story)[1])  # type: ignore[index]
        if address["gebruiksdoel"] == ["industriefunctie"]:
            if since < 12:
                step = statistics.mean(months[12 - since:]) - statistics.mean(months[:12 - since])
                assert step >= 500, (t, months)
            else:
                assert sum(months) >= lowest * area + 6000, (t, months)
            continue
        persons = len(_current(data.persons.get(t.ref, [])))
        assert sum(months) > _norm(persons, area) or months[-1] >= statistics.median(months) + 500, (t, months)


def test_heat_pump_homes_stop_using_gas_and_big_families_live_large(extracts: ExtractSet, data: Data) -> None:
    heat_pumps = _targets(extracts, "hennepteelt", "decoys", "warmtepomp")
    assert len(heat_pumps) >= 12
    last_gas = [g[-1] for a, g in data.gas.items() if g[-1] is not None and a not in {t.ref for t in heat_pumps}
                and data.addresses[a]["gebruiksdoel"] == ["woonfunctie"]]
    assert statistics.median(last_gas) > 20
    for t in heat_pumps:
        last = data.gas[t.ref][-1]
        assert last is not None and last <= 3, (t, data.gas[t.ref])
    assert len(_targets(extracts, "hennepteelt", "decoys", "elektrische auto")) >= 12
    families = _targets(extracts, "hennepteelt", "decoys", "gezin")
    assert families
    for t in families + _targets(extracts, "woonfraude", "decoys", "gezin"):
        assert len(_current(data.persons[t.ref])) >= 6 and data.addresses[t.ref]["oppervlakte_m2"] >= 150, t


def test_meter_bypasses_meter_little_and_solar_homes_only_in_summer(extracts: ExtractSet, data: Data) -> None:
    for t in _targets(extracts, "energiefraude", "cases"):
        persons = len(_current(data.persons[t.ref]))
        assert 2 <= persons <= 5, t
        assert data.kwh[t.ref][-1] < 0.7 * (900 + 650 * persons) / 12, (t, data.kwh[t.ref])
    for t in _targets(extracts, "energiefraude", "decoys"):
        months = data.kwh[t.ref]  # March (oldest) to February
        summer = months[1:7]  # April to September
        assert min(summer) <= 0.4 * max(months), (t, months)
        assert max(months[8:]) > 2 * min(summer), (t, months)  # winter use is normal


def test_overcrowded_dwellings_sublets_and_their_look_alikes(extracts: ExtractSet, data: Data) -> None:
    recent = (TODAY - timedelta(days=731)).isoformat()
    crowded = _targets(extracts, "woonfraude", "cases", "inschrijvingen")
    assert 9 <= len(crowded) <= 11
    for t in crowded:
        rows = [r for r in data.persons[t.ref] if r["datum_inschrijving"] >= recent]
        short = [r for r in rows if r["datum_uitschrijving"] and _days(r) < 200]
        assert len(rows) >= 6 and data.addresses[t.ref]["oppervlakte_m2"] <= 65 and short, t
    sublets = _targets(extracts, "woonfraude", "cases", "onderverhuurd")
    assert sublets
    registered_at = {r["adres_id"] for rows in data.persons.values() for r in _current(rows)}
    for t in sublets:
        assert t.ref not in registered_at, t
        assert any(c["adres_id"] == t.ref and not c["datum_einde"] for c in data.tenancies), t
    students = _targets(extracts, "woonfraude", "decoys", "studentenhuis")
    assert 5 <= len(students) <= 7
    for t in students:
        current = _current(data.persons[t.ref])
        ages = [(TODAY - date.fromisoformat(r["geboortedatum"])).days // 365 for r in current]
        assert 5 <= len(current) <= 8 and all(18 <= age <= 26 for age in ages), (t, ages)
        assert 120 <= data.addresses[t.ref]["oppervlakte_m2"] <= 220
        ended = [r for r in data.persons[t.ref] if r["datum_uitschrijving"]]
        assert all(_days(r) >= 360 for r in ended), t


def test_tenants_who_bought_elsewhere_and_tenants_who_moved_out(keyed: tuple[ExtractSet, Data]) -> None:
    extracts, data = keyed

    def purchases(pid: str) -> list[str]:
        return [s["datum"] for s in data.sales if s["pid"] == pid]

    cases = [t for t in extracts.plants.cases["woonfraude"] if t.kind == "persoon"]
    decoys = [t for t in extracts.plants.decoys["woonfraude"] if t.kind == "persoon"]
    assert len(cases) >= 3 and len(decoys) >= 3
    # A case kept renting for at least eight months after buying: far longer than a move takes
    # (I-HU-01 allows 120 days), and longer than any decoy rented on.
    kept = (TODAY - timedelta(days=240)).isoformat()
    for t in cases:
        running = [c for c in data.tenancies if c["pid"] == t.ref and not c["datum_einde"]]
        assert any(c["datum_ingang"] < day <= kept for c in running for day in purchases(t.ref)), t
    for t in decoys:
        ended = [c for c in data.tenancies if c["pid"] == t.ref and c["datum_einde"]]
        assert not [c for c in data.tenancies if c["pid"] == t.ref and not c["datum_einde"]], t
        assert any(0 <= (date.fromisoformat(c["datum_einde"]) - date.fromisoformat(day)).days <= 92
                   for c in ended for day in purchases(t.ref)), t


def _agency_buyer(data: Data, address: str) -> dict[str, Any]:
    sales = [s for s in data.sales if s["adres_id"] == address and s["kvk"]
             and data.companies[s["kvk"]]["sbi_code"] == "7820"]
    assert sales, address
    return sales[0]


def test_agency_homes_crowded_with_short_stays_or_within_the_norm(extracts: ExtractSet, data: Data) -> None:
    for t in _targets(extracts, "mensenhandel", "cases"):
        bought = _agency_buyer(data, t.ref)["datum"]
        rows = [r for r in data.persons[t.ref] if r["datum_inschrijving"] >= bought]
        assert 8 <= len(rows) <= 14 and data.addresses[t.ref]["oppervlakte_m2"] <= 90, t
        assert all(55 <= _days(r) <= 275 for r in rows if r["datum_uitschrijving"]), t
    for t in _targets(extracts, "mensenhandel", "decoys"):
        _agency_buyer(data, t.ref)
        assert 2 <= len(_current(data.persons[t.ref])) <= 4 and data.addresses[t.ref]["oppervlakte_m2"] >= 90, t


def test_holiday_park_registrations_and_legal_look_alikes(extracts: ExtractSet, data: Data) -> None:
    for t in _targets(extracts, "vakantieparken", "cases"):
        address = data.addresses[t.ref]
        assert address["vakantiepark"] and address["gebruiksdoel"] == ["logiesfunctie"], t
        rows = data.persons[t.ref]
        assert rows and (_current(rows) or len(rows) >= 3), t
        if "opeenvolgende" in t.story:
            assert len(rows) >= 3, t
    managers = _targets(extracts, "vakantieparken", "decoys", "beheerderswoning")
    assert 2 <= len(managers) <= 3
    for t in managers:
        assert data.addresses[t.ref]["vakantiepark"] and "woonfunctie" in data.addresses[t.ref]["gebruiksdoel"]
        assert _current(data.persons[t.ref]), t
    weekend = _targets(extracts, "vakantieparken", "decoys", "recreatief")
    assert weekend
    for t in weekend:
        assert not data.persons.get(t.ref) and sum(data.kwh[t.ref]) >= 500, (t, data.kwh[t.ref])


def _age(data: Data, pid: str | None, on: str) -> int | None:
    born = data.born.get(pid or "")
    return (date.fromisoformat(on) - born).days // 365 if born else None


def _buurt_medians(data: Data) -> dict[str, float]:
    prices: dict[str, list[float]] = defaultdict(list)
    for s in data.sales:
        if s["adres_id"] in data.addresses and s["koopsom"]:
            prices[data.addresses[s["adres_id"]]["buurtcode"]].append(s["koopsom"])
    return {b: statistics.median(p) for b, p in prices.items()}


def _purchases(data: Data, t: Target) -> list[dict[str, Any]]:
    key = "pid" if t.kind == "persoon" else "kvk"
    return sorted((s for s in data.sales if s[key] == t.ref), key=lambda s: s["datum"])


def _serial(purchases: list[dict[str, Any]], mortgage: str) -> bool:
    days = [date.fromisoformat(s["datum"]) for s in purchases if s["hypotheek"] == mortgage]
    return any((days[i + 2] - days[i]).days <= 365 for i in range(len(days) - 2))


def _resold(data: Data, t: Target, low: int, high: int, rise: float) -> bool:
    """The target bought a property and sold it on `low` to `high` days later for at least `rise` times."""
    name = _name(data.companies[t.ref]["handelsnaam"]) if t.kind == "bedrijf" else None
    for first in _purchases(data, t):
        for later in data.sales:
            if later["adres_id"] != first["adres_id"] or later is first:
                continue
            days = (date.fromisoformat(later["datum"]) - date.fromisoformat(first["datum"])).days
            seller_ok = name is None or _name(later["verkoper_naam"] or "") == name
            if seller_ok and low <= days <= high and later["koopsom"] >= rise * first["koopsom"]:
                return True
    return False


def test_property_purchases_show_the_planted_pattern(extracts: ExtractSet, data: Data) -> None:
    medians = _buurt_medians(data)
    for t in extracts.plants.cases["witwassen_vastgoed"]:
        purchases = _purchases(data, t)
        young = [s for s in purchases if s["hypotheek"] == "nee" and (_age(data, s["pid"], s["datum"]) or 99) < 30
                 and (s["koopsom"] >= 1.5 * medians[data.addresses[s["adres_id"]]["buurtcode"]]
                      or s["koopsom"] > 450_000)]
        flip = t.kind == "bedrijf" and _resold(data, t, 80, 220, 1.2)
        assert young or _serial(purchases, "nee") or flip, (t, purchases)
    for t in extracts.plants.decoys["witwassen_vastgoed"]:
        purchases = _purchases(data, t)
        elderly = [s for s in purchases if s["hypotheek"] == "nee" and (_age(data, s["pid"], s["datum"]) or 0) >= 65]
        investor = len(purchases) >= 3 and all(s["hypotheek"] == "ja" for s in purchases)
        assert elderly or investor or _resold(data, t, 700, 1100, 1.0), (t, purchases)
        assert not _serial(purchases, "nee"), t


def test_straw_men_and_serial_entrepreneurs(extracts: ExtractSet, data: Data) -> None:
    def registered(kvk: str) -> date:
        return date.fromisoformat(data.companies[kvk]["datum_inschrijving"])

    at: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for company in data.companies.values():
        at[company["adres_id"]].append(company)
    for t in [t for t in extracts.plants.cases["witwassen_bedrijven"] if t.kind == "adres"]:
        churn = [c for c in at[t.ref] if registered(c["kvk_nummer"]) >= TODAY - timedelta(days=3 * 365 + 30)]
        ended = [c for c in churn if c["datum_uitschrijving"]]
        dwelling = data.addresses[t.ref]["gebruiksdoel"] == ["woonfunctie"]
        assert len(churn) >= (6 if dwelling else 3) and ended, t
    for t in [t for t in extracts.plants.decoys["witwassen_bedrijven"] if t.kind == "adres"]:
        assert data.addresses[t.ref]["gebruiksdoel"] == ["woonfunctie"] and 3 <= len(at[t.ref]) <= 4, t
        assert all(not c["datum_uitschrijving"] and registered(c["kvk_nummer"]) <= TODAY - timedelta(days=3 * 365)
                   for c in at[t.ref]), t
    for t in [t for t in extracts.plants.cases["witwassen_bedrijven"] if t.kind == "persoon"]:
        recent = [k for k in data.officers[t.ref] if registered(k) >= TODAY - timedelta(days=800)]
        gone = [k for k in recent if data.companies[k]["datum_uitschrijving"]]
        short = [k for k in recent if (date.fromisoformat(data.companies[k]["datum_uitschrijving"] or TODAY.isoformat())
                                       - registered(k)).days <= 410]
        assert len(short) >= 5 and gone, t  # five or more short-lived (or still young) companies
    for t in [t for t in extracts.plants.decoys["witwassen_bedrijven"] if t.kind == "persoon"]:
        old = [k for k in data.officers[t.ref] if registered(k) <= TODAY - timedelta(days=3 * 365)
               and data.companies[k]["rechtsvorm"] == "bv" and not data.companies[k]["datum_uitschrijving"]]
        assert len(old) >= 4, t


def test_care_companies_and_the_trades_of_their_officers(keyed: tuple[ExtractSet, Data]) -> None:
    extracts, data = keyed

    def cash_links(kvk: str) -> set[str]:
        return {k for pid in data.officers_of[kvk] for k in data.officers[pid]
                if data.companies[k]["sbi_code"] in CASH}

    def active(kvk: str) -> bool:
        return not data.companies[kvk]["datum_uitschrijving"] or data.companies[kvk]["datum_uitschrijving"] > today

    def concurrent_links(kvk: str) -> set[str]:
        """Active cash businesses an officer of the care company runs today and ran while in the care
        role, a role held today or left less than two years ago."""
        out = set()
        for pid in data.officers_of[kvk]:
            for care in [r for r in data.roles[pid] if r["kvk_nummer"] == kvk
                         and (not r["datum_einde"] or r["datum_einde"] > recent)]:
                out |= {r["kvk_nummer"] for r in data.roles[pid]
                        if r["kvk_nummer"] != kvk and data.companies[r["kvk_nummer"]]["sbi_code"] in CASH
                        and active(r["kvk_nummer"]) and (not r["datum_einde"] or r["datum_einde"] > today)
                        and r["datum_aanvang"] <= (care["datum_einde"] or today)}
        return out

    today, recent = TODAY.isoformat(), (TODAY - timedelta(days=730)).isoformat()
    for t in extracts.plants.cases["zorgfraude"]:
        assert data.companies[t.ref]["sbi_code"] in CARE and active(t.ref) and concurrent_links(t.ref), t
    for t in extracts.plants.decoys["zorgfraude"]:
        others = {k for pid in data.officers_of[t.ref] for k in data.officers[pid]} - {t.ref}
        assert data.companies[t.ref]["sbi_code"] in CARE and others and not cash_links(t.ref), t

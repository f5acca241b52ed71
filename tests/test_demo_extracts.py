"""The demo's partner extracts: standard layout, partner quirks, answer key, broken rows."""

from __future__ import annotations

import functools
import random
import re
from collections import defaultdict
from datetime import date
from pathlib import Path
from time import perf_counter

import pytest

from weerbaar.core import identifiers
from weerbaar.core.catalogue import load_catalogue
from weerbaar.core.config import PACKAGE_DIR
from weerbaar.core.errors import ValidationFailed
from weerbaar.core.models import Address
from weerbaar.core.names import fold, surname_core
from weerbaar.demo.cast import ORGANISATIONS
from weerbaar.demo.extracts import ExtractSet, write_extracts
from weerbaar.demo.geography import Grid
from weerbaar.demo.register import build_addresses
from weerbaar.ingest import cells, rows
from weerbaar.ingest.csvfile import CP1252, open_csv
from weerbaar.intake.schemas import parse_signal

SEED = 2026
TODAY = date(2026, 3, 15)
ORDER = ["adressen", "personen", "bedrijven", "functionarissen", "energie", "transacties", "huurcontracten",
         "signalen"]
PERSON_SOURCES = {"personen": ("persoon_id", ""), "functionarissen": (None, ""), "transacties": ("transactie_id",
                  "koper_"), "huurcontracten": ("contract_id", "")}


def _addresses(seed: int = SEED) -> list[Address]:
    rng = random.Random(f"{seed}-kaart")
    return build_addresses(rng, Grid(rng))


@pytest.fixture(scope="module")
def extracts(tmp_path_factory: pytest.TempPathFactory) -> tuple[ExtractSet, float]:
    addresses = _addresses()
    started = perf_counter()
    result = write_extracts(tmp_path_factory.mktemp("extracten"), SEED, TODAY, addresses)
    return result, perf_counter() - started


@functools.cache
def _records(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line, cells) of every data row, read with the importer's own CSV reader (read once per file)."""
    with open_csv(path) as f:
        return [(r.line, r.cells) for r in f]


def _spec_columns(spec: str) -> dict[str, list[str]]:
    """Column names per source type, read from the tables of the shared specification."""
    columns: dict[str, list[str]] = {}
    current = None
    for line in spec.splitlines():
        if m := re.match(r"## (\w+) \(", line):
            current = m[1]
            columns[current] = []
        elif current and line.startswith("| ") and not line.startswith("| column"):
            columns[current] += [c.strip() for c in line.split("|")[1].split(",")]
    return columns


def test_order_and_organisations(extracts: tuple[ExtractSet, float]) -> None:
    result, _ = extracts
    assert list(result.files) == ORDER
    known = {o.name for o in ORGANISATIONS}
    assert set(result.organisations.values()) <= known
    assert result.organisations["huurcontracten"] == "Woonstichting Thuisvast"
    assert result.organisations["energie"] == "Stroomnet Netbeheer"


def test_headers_follow_the_specification(extracts: tuple[ExtractSet, float], shared_dir: Path) -> None:
    result, _ = extracts
    spec = _spec_columns((shared_dir / "spec" / "source-formats.md").read_text(encoding="utf-8"))
    assert set(spec) == set(ORDER)
    for bron, path in result.files.items():
        with open_csv(path) as f:
            header = f.header
        expected = spec[bron] + (["complexnummer"] if bron == "huurcontracten" else [])
        assert sorted(header) == sorted(expected), bron


def test_sizes_match_a_small_municipality(extracts: tuple[ExtractSet, float]) -> None:
    result, _ = extracts
    addresses = _addresses()
    data = {bron: [c for _, c in _records(p)] for bron, p in result.files.items()}
    assert {bron: len(r) for bron, r in data.items()} == result.counts
    assert len(data["adressen"]) == len(addresses) + result.broken["adressen"]
    assert any(r["gebruiksdoel"] == "woonfunctie|winkelfunctie" for r in data["adressen"])
    assert any(r["vakantiepark"] for r in data["adressen"])
    dwellings = sum(1 for r in data["adressen"] if "woonfunctie" in r["gebruiksdoel"].split("|"))
    registered = [r for r in data["personen"] if not r["datum_uitschrijving"]]
    assert 1.6 <= len(registered) / dwellings <= 2.0
    assert any(r["datum_uitschrijving"] for r in data["personen"])
    assert 240 <= len(data["bedrijven"]) <= 270
    assert 280 <= len(data["transacties"]) <= 320
    assert 900 <= len(data["huurcontracten"]) <= 1200
    assert 25 <= len(data["signalen"]) <= 40
    assert len(data["energie"]) == 12 * len(addresses) + result.broken["energie"]
    # Every valid reserved test BSN is handed out, each once.
    bsns = [r["bsn"] for r in data["personen"] if r["bsn"]]
    valid = [b for b in bsns if _valid(identifiers.bsn, b)]
    assert len(valid) == len(set(valid)) > 850


def test_housing_corporation_exports_like_excel(extracts: tuple[ExtractSet, float]) -> None:
    result, _ = extracts
    path = result.files["huurcontracten"]
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # accented names in Windows-1252
    with open_csv(path) as f:
        assert (f.facts.encoding, f.delimiter) == (CP1252, ";")
        records = list(f)
    dutch = re.compile(r"\d{2}-\d{2}-\d{4}")
    for r in records:
        for column in ("datum_ingang", "datum_einde", "geboortedatum"):
            assert r.cells[column] == "" or dutch.fullmatch(r.cells[column]), (r.line, column)
    assert all(r.cells["complexnummer"] for r in records)
    assert any("é" in r.cells["voornamen"] or "ö" in r.cells["geslachtsnaam"].lower() for r in records) or any(
        c in raw for c in (b"\xe9", b"\xf6", b"\xe7", b"\xfc"))


def _valid(check, value: str) -> bool:  # type: ignore[no-untyped-def]
    try:
        check(value)
        return True
    except (identifiers.InvalidIdentifier, cells.CellError):
        return False


_DATES = {
    "personen": ("geboortedatum", "datum_inschrijving", "datum_uitschrijving"),
    "bedrijven": ("datum_inschrijving", "datum_uitschrijving"),
    "functionarissen": ("geboortedatum", "datum_aanvang", "datum_einde"),
    "transacties": ("datum", "koper_geboortedatum"),
    "huurcontracten": ("geboortedatum", "datum_ingang", "datum_einde"),
    "signalen": ("datum",),
}
_IDS = {
    "adres_id": identifiers.bag_id, "bsn": identifiers.bsn, "kvk_nummer": identifiers.kvk_nummer,
    "koper_kvk_nummer": identifiers.kvk_nummer, "vestigingsnummer": identifiers.vestigingsnummer,
    "postcode": identifiers.postcode, "ean": identifiers.ean, "gemeentecode": identifiers.gemeentecode,
    "wijkcode": identifiers.wijkcode, "buurtcode": identifiers.buurtcode,
}
_REQUIRED = {
    "adressen": ("adres_id", "huisnummer", "postcode"), "personen": ("persoon_id",), "bedrijven": ("kvk_nummer",),
    "functionarissen": ("kvk_nummer", "geslachtsnaam"), "energie": ("periode", "elektriciteit_kwh"),
    "transacties": ("transactie_id",),
    "huurcontracten": ("contract_id",), "signalen": ("signaal_id", "datum", "organisatie", "omschrijving"),
}


def _problems(bron: str, row: dict[str, str]) -> list[str]:
    """What the standard layout says is wrong with a row (independent of the generator)."""
    problems = [f"{c} ontbreekt" for c in _REQUIRED[bron] if not row.get(c, "").strip()]
    for column, check in _IDS.items():
        if row.get(column, "").strip() and not _valid(check, row[column]):
            problems.append(column)
    for column in _DATES.get(bron, ()):
        if not _valid(cells.parse_date, row[column]):
            problems.append(column)
    if bron == "energie" and not row["adres_id"] and not (row["postcode"] and row["huisnummer"]):
        problems.append("adres ontbreekt")
    if bron == "energie" and row["periode"] and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", row["periode"]):
        problems.append("periode")
    if bron == "transacties" and not _valid(cells.parse_amount, row["koopsom"]):
        problems.append("koopsom")
    return problems


def test_broken_rows_are_exactly_those_counted(extracts: tuple[ExtractSet, float]) -> None:
    result, _ = extracts
    for bron, path in result.files.items():
        bad = [(line, p) for line, row in _records(path) if (p := _problems(bron, row))]
        assert len(bad) == result.broken[bron], (bron, bad)
        assert 2 <= result.broken[bron] <= 5, bron


def test_the_importer_quarantines_exactly_the_broken_rows(extracts: tuple[ExtractSet, float]) -> None:
    """Cross-check with the import's own row validation (ingest.sources), where it exists."""
    sources = pytest.importorskip("weerbaar.ingest.sources")
    result, _ = extracts
    for bron, path in result.files.items():
        if bron not in sources.SPECS:
            continue  # signalen: see the intake test below
        spec = sources.SPECS[bron]
        refused = [line for line, row in _records(path) if sources.validate(spec, row)[1]]
        assert len(refused) == result.broken[bron], bron


def test_signal_rows_pass_the_intake_validation(extracts: tuple[ExtractSet, float]) -> None:
    result, _ = extracts
    catalogue = load_catalogue(PACKAGE_DIR / "catalogus")
    known = {o.name for o in ORGANISATIONS}
    refused = []
    for line, row in _records(result.files["signalen"]):
        mapped = rows.map_row(row)
        try:
            parse_signal(mapped.body, catalogue)
        except ValidationFailed:
            refused.append(line)
            continue
        assert not mapped.problems and row["organisatie"] in known
        if not row["signaal_id"]:
            refused.append(line)  # a valid signal, but without the key the importer requires
    assert len(refused) == result.broken["signalen"]


def _person_rows(result: ExtractSet) -> dict[str, dict[str, dict[str, str]]]:
    """bron -> sleutel -> the person's fields (prefix removed), for rows that have a key in the answer key."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for bron, (key_column, prefix) in PERSON_SOURCES.items():
        out[bron] = {}
        for line, row in _records(result.files[bron]):
            key = str(line) if key_column is None else row[key_column]
            fields = {k[len(prefix):]: v for k, v in row.items() if k.startswith(prefix)}
            out[bron][key] = fields
    return out


def test_answer_key_matches_the_rows(extracts: tuple[ExtractSet, float]) -> None:
    result, _ = extracts
    person_rows = _person_rows(result)
    brp_by_pid = {result.truth["personen"][k]: person_rows["personen"][k] for k in result.truth["personen"]}
    assert len(brp_by_pid) == len(result.truth["personen"])  # one BRP row per person
    for bron, truth in result.truth.items():
        assert truth, bron
        written = person_rows[bron]
        assert set(truth) <= set(written), bron
        # Every valid person record has an answer; broken and company rows have none.
        valid_people = {k for k, f in written.items() if f.get("geslachtsnaam") and not _problems_for(bron, k, result)}
        assert valid_people == set(truth), bron
        # The answer is the person the row describes: the surname agrees with the BRP's, typos aside.
        agree = total = 0
        for key, pid in truth.items():
            if pid not in brp_by_pid:
                continue
            total += 1
            mine, brp = written[key], brp_by_pid[pid]
            agree += _similar(surname_core(mine["tussenvoegsel"], mine["geslachtsnaam"]),
                              surname_core(brp["tussenvoegsel"], brp["geslachtsnaam"]))
        assert total and agree / total > 0.9, (bron, agree, total)


_PROBLEM_CACHE: dict[str, set[str]] = {}


def _problems_for(bron: str, key: str, result: ExtractSet) -> bool:
    if bron not in _PROBLEM_CACHE:
        key_column = PERSON_SOURCES[bron][0]
        _PROBLEM_CACHE[bron] = {
            str(line) if key_column is None else row[key_column]
            for line, row in _records(result.files[bron]) if _problems(bron, row)
        }
    return key in _PROBLEM_CACHE[bron]


def _similar(a: str, b: str) -> bool:
    """Equal, or one typo apart (a letter dropped, doubled or two swapped)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    return sum(1 for x, y in zip(sorted(a), sorted(b), strict=False) if x != y) <= 2 or sorted(a) == sorted(b)


def test_same_person_across_sources_spelled_differently(extracts: tuple[ExtractSet, float]) -> None:
    result, _ = extracts
    person_rows = _person_rows(result)
    sources: dict[str, set[str]] = defaultdict(set)
    spellings: dict[str, set[tuple[str, str, str, str]]] = defaultdict(set)
    for bron, truth in result.truth.items():
        for key, pid in truth.items():
            f = person_rows[bron][key]
            sources[pid].add(bron)
            spellings[pid].add((f["voornamen"], f["tussenvoegsel"], f["geslachtsnaam"], f["geboortedatum"]))
    in_brp = set(result.truth["personen"].values())
    for bron in ("functionarissen", "transacties", "huurcontracten"):
        pids = set(result.truth[bron].values())
        assert len(pids & in_brp) / len(pids) > 0.6, bron
    across = [pid for pid, s in sources.items() if len(s) >= 3]
    assert len(across) >= 10
    differing = [pid for pid in sources if len(sources[pid]) >= 2 and len(spellings[pid]) >= 2]
    assert len(differing) >= 100
    # Noise of every kind occurs: upper case, initials, particle inside the surname, no birth date.
    noisy = [f for bron in ("functionarissen", "transacties", "huurcontracten") for f in person_rows[bron].values()]
    assert any(f["geslachtsnaam"].isupper() for f in noisy)
    assert any(re.fullmatch(r"([A-Z]\.)+", f["voornamen"]) for f in noisy)
    assert any(fold(f["geslachtsnaam"]).startswith(("van ", "de ", "ter ")) for f in noisy)
    assert any(f["geslachtsnaam"] and not f["geboortedatum"] for f in noisy)


def test_extract_story_hangs_together(extracts: tuple[ExtractSet, float]) -> None:
    result, _ = extracts
    data = {bron: [c for _, c in _records(p)] for bron, p in result.files.items()}
    address_ids = {r["adres_id"] for r in data["adressen"]}
    kvks = {r["kvk_nummer"] for r in data["bedrijven"]}
    for bron in ("personen", "bedrijven", "transacties", "huurcontracten"):
        referred = {r["adres_id"] for r in data[bron] if _valid(identifiers.bag_id, r["adres_id"])}
        assert referred <= address_ids, bron
    officers = [r for r in data["functionarissen"] if _valid(identifiers.kvk_nummer, r["kvk_nummer"])]
    assert {r["kvk_nummer"] for r in officers} <= kvks
    # Straw men: someone directs at least five companies, most of them already deregistered.
    per_person: defaultdict[str, set[str]] = defaultdict(set)
    for pid_line, pid in result.truth["functionarissen"].items():
        per_person[pid].add(data["functionarissen"][int(pid_line) - 2]["kvk_nummer"])
    ended = {r["kvk_nummer"] for r in data["bedrijven"] if r["datum_uitschrijving"]}
    straw = [k for k in per_person.values() if len(k) >= 5 and len(k & ended) >= 2]
    assert len(straw) >= 2
    # Company buyers: with a KvK number and a name, and some by name only.
    companies = [r for r in data["transacties"] if r["koper_type"] == "rechtspersoon"]
    assert any(r["koper_kvk_nummer"] in kvks and r["koper_naam"] for r in companies)
    assert any(not r["koper_kvk_nummer"] and r["koper_naam"] for r in companies)
    assert any("," in r["koopsom"] for r in data["transacties"])
    assert {r["hypotheek"] for r in data["transacties"]} == {"ja", "nee", ""}
    # Energy: every address by adres_id or by postcode and number; winter gas above summer gas.
    by_id = {r["adres_id"] for r in data["energie"] if r["adres_id"]}
    assert 0.85 * len(address_ids) < len(by_id) < len(address_ids)
    gas: defaultdict[str, int] = defaultdict(int)
    for r in data["energie"]:
        if r["gas_m3"].isdigit():
            gas[r["periode"][5:]] += int(r["gas_m3"])
    assert gas["01"] > 3 * gas["07"]
    demo_names = {o.name for o in ORGANISATIONS}
    assert {r["organisatie"] for r in data["signalen"]} <= demo_names


def test_deterministic_per_seed(tmp_path: Path) -> None:
    addresses = _addresses()
    first = write_extracts(tmp_path / "a", SEED, TODAY, addresses)
    again = write_extracts(tmp_path / "b", SEED, TODAY, addresses)
    other = write_extracts(tmp_path / "c", SEED + 1, TODAY, addresses)
    for bron in ORDER:
        assert first.files[bron].read_bytes() == again.files[bron].read_bytes(), bron
    assert first.truth == again.truth
    assert first.files["personen"].read_bytes() != other.files["personen"].read_bytes()

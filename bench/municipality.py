"""A large fictional municipality, Zandhoven (GM9991), as partner extracts in the standard layout.

A helper of `bench/pipeline.py`, not a benchmark: `bench/run.py` runs every `bench/*.py`
without arguments, and without arguments this file only says what it is.

For N addresses (default 100,000) it writes, seeded and in well under a minute:

- adressen: N objects in 10 wijken and 60 buurten; mostly dwellings, some shops, offices,
  industry and two holiday parks;
- personen: about 2.2 per address, with ended registrations of people who moved away,
  a few overcrowded dwellings and permanent residents of holiday homes;
- bedrijven (about 8 % of N) and functionarissen (their officers, often residents written
  another way; a few straw men who direct many companies);
- energie: 12 monthly rows per address (1.2 million for 100,000): most with EAN and
  adres_id, some with postcode + huisnummer + toevoeging only, as grid operators deliver;
  Dutch decimals, `;`; a few grow rooms and vacant homes;
- transacties (3 % of N) and huurcontracten (25 % of N), buyers and tenants spelled with the
  noise of `demo.noise.NameNoise`.

Names come from `demo.residents.NAMES` plus synthetic Dutch-sounding surnames, so that the
linking has real work; a handful of rows per file are broken on purpose (quarantine).

    .venv/bin/python bench/municipality.py --uit DIR [--adressen 100000] [--seed 4]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from weerbaar.core import clock  # noqa: E402
from weerbaar.demo.extracts import HEADERS as DEMO_HEADERS  # noqa: E402
from weerbaar.demo.noise import NameNoise  # noqa: E402
from weerbaar.demo.residents import NAMES, TRADITIONS  # noqa: E402

MUNICIPALITY = "GM9991"
TOWN = "Zandhoven"
WIJKEN = 10
BUURTEN_PER_WIJK = 6
PER_STREET = 150
# Relative to the clock, like the demo: twelve monthly periods up to and including this month.
TODAY = clock.today()
PERIODS = tuple(f"{(TODAY.year * 12 + TODAY.month - 12 + m) // 12}-{(TODAY.month - 12 + m) % 12 + 1:02d}"
                for m in range(12))
ORDER = ("adressen", "personen", "bedrijven", "functionarissen", "energie", "transacties", "huurcontracten")

# The standard delivery layout, as the demo writes it.
HEADERS: dict[str, list[str]] = {source: columns for source, columns in DEMO_HEADERS.items() if source in ORDER}
DELIMITER = {"energie": ";", "functionarissen": ";", "huurcontracten": ";"}

STREET_STEMS = ("Linde", "Eiken", "Beuken", "Berken", "Wilgen", "Populier", "Kastanje", "Esdoorn", "Iepen",
                "Hazel", "Molen", "Kerk", "Haven", "Dijk", "Veen", "Brink", "Akker", "Weide", "Zand", "Heide",
                "Vlier", "Meidoorn", "Rozen", "Tulp", "Lelie", "Merel", "Lijster", "Zwaluw", "Reiger", "Kievit")
STREET_KINDS = ("straat", "laan", "weg", "pad", "hof", "plein", "singel", "kade", "dreef", "gracht", "steeg",
                "erf", "baan", "park", "veld", "dal", "berg", "hoek", "wal", "zoom", "kamp", "akker", "donk", "wijk")
SURNAME_STEMS = ("Berg", "Hoog", "Kamp", "Veen", "Brink", "Wal", "Dijk", "Bos", "Hout", "Molen", "Beek", "Kerk",
                 "Zand", "Hof", "Linde", "Eik", "Wil", "Ter", "Roos", "Lam", "Stap", "Wes", "Oost", "Noord",
                 "Zuid", "Klein", "Groot", "Ruiter", "Smed", "Bakel")
SURNAME_ENDS = ("huis", "man", "sma", "stra", "inga", "ink", "kamp", "veld", "beek", "hof", "horst", "mans",
                "ing", "ema", "ens", "erink", "ers", "gaard")
PARTICLES = ("", "", "", "", "van", "de", "van der", "van den", "ter", "van de")
ALPHABET = "ABCDEFGHJKLMNPRTVWXZ"  # no S: SA, SD and SS are not used in postcodes
USES = (("woonfunctie", 9150), ("winkelfunctie", 300), ("kantoorfunctie", 200), ("industriefunctie", 150),
        ("bijeenkomstfunctie", 50), ("woonfunctie|winkelfunctie", 150))
PARKS = {WIJKEN * BUURTEN_PER_WIJK - 1: "Recreatiepark De Zandhoef",
         WIJKEN * BUURTEN_PER_WIJK - 7: "Bungalowpark Het Ven"}
BUSINESS = (("Kapsalon", "9602"), ("Autobedrijf", "4520"), ("Restaurant", "5610"), ("Bakkerij", "1071"),
            ("Installatiebedrijf", "4322"), ("Schoonmaakbedrijf", "8121"), ("Administratiekantoor", "6920"),
            ("Nagelstudio", "9602"), ("Shisha lounge", "5630"), ("Belwinkel", "4742"), ("Thuiszorg", "8810"),
            ("Bouwbedrijf", "4120"), ("Transport", "4941"), ("Adviesbureau", "7022"), ("Snackbar", "5610"))
LEGAL = (("eenmanszaak", 50), ("bv", 35), ("vof", 10), ("stichting", 5))
FUNCTIONS = ("bestuurder", "eigenaar", "vennoot", "gevolmachtigde", "aandeelhouder")


@dataclass
class Place:
    adres_id: str
    street: str
    number: int
    letter: str
    addition: str
    postcode: str
    buurt: int
    use: str
    area: int
    park: str
    residents: int = 0


@dataclass
class Person:
    pid: int
    first: str
    particle: str
    surname: str
    born: date
    sex: str
    bsn: str = ""


@dataclass
class Registration:
    person: Person
    place: Place
    start: date
    end: date | None = None


@dataclass
class World:
    places: list[Place] = field(default_factory=list)
    registrations: list[Registration] = field(default_factory=list)
    heads: list[Registration] = field(default_factory=list)  # one adult per household
    companies: list[tuple[str, str, str]] = field(default_factory=list)  # (kvk, name, start)
    grow_rooms: set[int] = field(default_factory=set)  # indices of places


def _write(path: Path, source: str, rows: Iterable[Sequence[object]], *, bom: bool = False) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=DELIMITER.get(source, ","), lineterminator="\n")
        writer.writerow(HEADERS[source])
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def _bsn(seed: int) -> str:
    """A 9-digit number passing the eleven-test, unique per seed (1 <= seed < 8e6)."""
    base = 10_000_000 + seed * 11
    while True:
        digits = [int(d) for d in f"{base:08d}"]
        check = sum(d * (9 - i) for i, d in enumerate(digits)) % 11
        if check < 10:
            return f"{base:08d}{check}"
        base += 1


def _day(rng: random.Random, low: date, high: date) -> date:
    return low + timedelta(days=rng.randrange(max(1, (high - low).days)))


class Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.traditions = [t for t, _ in TRADITIONS]
        self.weights = [w for _, w in TRADITIONS]
        synthetic = [("", s + e.lower() if s[-1] != e[0] else s + e[1:]) for s in SURNAME_STEMS for e in SURNAME_ENDS]
        self.surnames = {t: list(NAMES[t][2]) for t in self.traditions}
        self.surnames["nl"] += synthetic

    def family(self, tradition: str | None = None) -> tuple[str, str, str]:
        tradition = tradition or self.rng.choices(self.traditions, self.weights)[0]
        particle, surname = self.rng.choice(self.surnames[tradition])
        if tradition == "nl" and not particle and self.rng.random() < 0.15:
            particle = self.rng.choice(PARTICLES)
        return tradition, particle, surname

    def first(self, tradition: str, sex: str) -> str:
        male, female, _ = NAMES[tradition]
        names = male if sex == "M" else female
        given = self.rng.choice(names)
        if self.rng.random() < 0.35:
            given += " " + self.rng.choice(names)
        return given


def build_world(count: int, seed: int) -> World:
    rng = random.Random(seed)
    world = World()
    _places(world, rng, count)
    _people(world, rng)
    world.grow_rooms = set(rng.sample(range(len(world.places)), max(3, count // 3000)))
    return world


def _places(world: World, rng: random.Random, count: int) -> None:
    buurten = WIJKEN * BUURTEN_PER_WIJK
    uses, weights = [u for u, _ in USES], [w for _, w in USES]
    for n in range(count):
        street_no, number = divmod(n, PER_STREET)
        stem = STREET_STEMS[street_no % len(STREET_STEMS)]
        kind = STREET_KINDS[(street_no // len(STREET_STEMS)) % len(STREET_KINDS)]
        block = (street_no % 4) * 6 + number // 25
        postcode = f"{9100 + street_no // 4}{ALPHABET[block // len(ALPHABET)]}{ALPHABET[block % len(ALPHABET)]}"
        buurt = n * buurten // count
        park = PARKS.get(buurt, "")
        use = "logiesfunctie" if park else rng.choices(uses, weights)[0]
        letter = rng.choice("AB") if rng.random() < 0.03 else ""
        addition = str(rng.randint(1, 4)) if not letter and rng.random() < 0.05 else ""
        area = int(rng.gauss(110, 35)) if use.startswith("woon") else int(rng.uniform(60, 1500))
        world.places.append(Place(f"9991200{n:09d}", f"{stem}{kind}", number + 1, letter, addition, postcode,
                                  buurt, use, max(area, 18), park))


def _people(world: World, rng: random.Random) -> None:
    names = Names(rng)
    sizes, weights = [0, 1, 2, 3, 4, 5], [6, 32, 30, 13, 13, 6]
    pid = 0

    def person(tradition: str, particle: str, surname: str, born: date, sex: str | None = None) -> Person:
        nonlocal pid
        pid += 1
        sex = sex or rng.choice("MV")
        return Person(pid, names.first(tradition, sex), particle, surname, born, sex,
                      _bsn(pid) if rng.random() < 0.96 else "")

    for place in world.places:
        if "woonfunctie" in place.use:
            size = rng.choices(sizes, weights)[0]
        elif place.park:
            size = rng.choices([0, 1, 2], [80, 12, 8])[0]  # permanent habitation of holiday homes
        else:
            continue
        if rng.random() < 0.0004:
            size = rng.randint(9, 15)  # overcrowded: labour migrants registered at one small house
        tradition, particle, surname = names.family("pl" if size > 8 else None)
        moved_in = _day(rng, date(1985, 1, 1), TODAY - timedelta(days=30))
        for i in range(size):
            if size > 8:
                tradition, particle, surname = names.family("pl")
                born = _day(rng, date(1975, 1, 1), date(2004, 1, 1))
            else:
                born = (_day(rng, date(1940, 1, 1), date(2003, 1, 1)) if i < 2
                        else _day(rng, date(2004, 1, 1), date(2025, 1, 1)))
            someone = person(tradition, particle if i != 1 or rng.random() < 0.5 else "", surname, born)
            reg = Registration(someone, place, max(moved_in, born))
            world.registrations.append(reg)
            if i == 0:
                world.heads.append(reg)
        place.residents = size
        if rng.random() < 0.14:  # earlier residents who moved away
            tradition, particle, surname = names.family()
            left = moved_in - timedelta(days=rng.randint(1, 200))
            for _ in range(rng.randint(1, 2)):
                born = _day(rng, date(1945, 1, 1), date(2000, 1, 1))
                start = _day(rng, max(born + timedelta(days=6600), date(1970, 1, 1)), max(left, date(1971, 1, 1)))
                world.registrations.append(Registration(person(tradition, particle, surname, born), place,
                                                        start, max(left, start + timedelta(days=1))))


# --- the extracts ---------------------------------------------------------------------------------


def _adressen(world: World, rng: random.Random) -> Iterable[list[object]]:
    for i, p in enumerate(world.places):
        wijk, buurt = divmod(p.buurt, BUURTEN_PER_WIJK)
        row: list[object] = [p.adres_id, p.street, p.number, p.letter, p.addition, p.postcode, TOWN, MUNICIPALITY,
                             f"WK9991{wijk + 1:02d}", f"BU9991{wijk + 1:02d}{buurt + 1:02d}", p.use, p.area,
                             rng.randint(1900, 2024), p.park, f"{52.0 + i / 2e6:.6f}", f"{5.5 + (i % 997) / 2e4:.6f}"]
        if i % 20011 == 7:
            row[5] = "99XX1"  # broken postcode: quarantine
        yield row


def _personen(world: World, rng: random.Random) -> Iterable[list[object]]:
    for i, reg in enumerate(world.registrations):
        p = reg.person
        born = p.born.isoformat() if i % 7 else p.born.strftime("%d-%m-%Y")
        row: list[object] = [f"P{p.pid:07d}", p.bsn, p.first, p.particle, p.surname, born, p.sex, reg.place.adres_id,
                             reg.start.isoformat(), reg.end.isoformat() if reg.end else ""]
        if i % 50021 == 11:
            row[1] = "123456789"  # fails the eleven-test: quarantine
        yield row


def _bedrijven(world: World, rng: random.Random, count: int) -> Iterable[list[object]]:
    names = Names(rng)
    at_work = [p for p in world.places if "woonfunctie" not in p.use or "winkel" in p.use]
    homes = [p for p in world.places if p.use == "woonfunctie"]
    legal, legal_w = [k for k, _ in LEGAL], [w for _, w in LEGAL]
    for i in range(count):
        kvk = f"{60_000_000 + i * 7:08d}"
        business, sbi = rng.choice(BUSINESS)
        _, particle, surname = names.family()
        name = f"{business} {(particle + ' ').lstrip()}{surname}" if rng.random() < 0.7 else f"{surname} {business}"
        place = rng.choice(at_work) if rng.random() < 0.7 else rng.choice(homes)
        start = _day(rng, date(1990, 1, 1), TODAY)
        end = _day(rng, start, TODAY).isoformat() if rng.random() < 0.12 else ""
        world.companies.append((kvk, name, start.isoformat()))
        branch = f"{100_000_000_000 + i * 13:012d}" if rng.random() < 0.7 else ""
        row: list[object] = [kvk, branch, name, rng.choices(legal, legal_w)[0], sbi, place.adres_id,
                             start.isoformat(), end]
        if i % 4001 == 3:
            row[0] = kvk[:7]  # 7-digit KvK number: quarantine
        yield row


def _functionarissen(world: World, rng: random.Random) -> Iterable[list[object]]:
    noise = NameNoise(rng, rate=0.3)
    names = Names(rng)
    adults = [r.person for r in world.heads]
    straw = [rng.choice(adults) for _ in range(max(2, len(world.companies) // 1500))]
    for i, (kvk, _, start) in enumerate(world.companies):
        for n in range(rng.choices([1, 2, 3], [60, 30, 10])[0]):
            if i % 97 == 5 and n == 0:
                who = rng.choice(straw)  # one person directing many short-lived companies
            elif rng.random() < 0.65:
                who = rng.choice(adults)
            else:
                tradition, particle, surname = names.family()
                who = Person(0, names.first(tradition, "M"), particle, surname,
                             _day(rng, date(1950, 1, 1), date(2002, 1, 1)), "M")
            f = noise.person(who.first, who.particle, who.surname, who.born)
            end = _day(rng, date.fromisoformat(start), TODAY).isoformat() if rng.random() < 0.1 else ""
            yield [kvk, f["voornamen"], f["tussenvoegsel"], f["geslachtsnaam"], f["geboortedatum"],
                   FUNCTIONS[n % len(FUNCTIONS)] if n else rng.choice(FUNCTIONS[:2]), start, end]


def _monthly_kwh(place: Place, grow: bool, rng: random.Random) -> float:
    if "woonfunctie" in place.use or place.park:
        yearly = 900 + 650 * place.residents + 6 * place.area if place.residents else rng.uniform(60, 300)
    else:
        yearly = place.area * rng.uniform(40, 110)
    if grow:
        yearly = yearly * rng.uniform(5, 9) + 20_000
    return yearly / 12


def _energie(world: World, rng: random.Random) -> Iterable[list[object]]:
    season = (1.15, 1.2, 1.1, 1.0, 0.9, 0.8, 0.75, 0.75, 0.85, 0.95, 1.05, 1.15, 1.2)
    gas_share = (0.16, 0.17, 0.15, 0.12, 0.08, 0.04, 0.02, 0.02, 0.02, 0.04, 0.08, 0.12)
    for i, place in enumerate(world.places):
        base = _monthly_kwh(place, i in world.grow_rooms, rng)
        gas_year = 0.0 if place.park else place.area * rng.uniform(4, 14)
        mode = i % 10  # how the grid operator keys this connection
        ean = f"871687{i:012d}" if mode != 9 and mode != 8 else ""
        adres = place.adres_id if mode < 7 or mode == 8 else ""
        # Without adres_id: postcode, huisnummer and the huisletter written as toevoeging.
        pc, nr, add = ("", "", "") if adres else (place.postcode, str(place.number), place.letter + place.addition)
        noise = [rng.random() for _ in PERIODS]
        for m, period in enumerate(PERIODS):
            kwh = base * season[m] * (0.85 + 0.3 * noise[m])
            gas = gas_year * gas_share[m]
            yield [ean, adres, pc, nr, add, period, f"{kwh:.1f}".replace(".", ","),
                   f"{gas:.1f}".replace(".", ",") if gas else ""]


def _transacties(world: World, rng: random.Random, count: int) -> Iterable[list[object]]:
    noise = NameNoise(rng, rate=0.3)
    homes = [r for r in world.heads if r.place.use == "woonfunctie"]
    for i in range(count):
        reg = rng.choice(homes)
        price = int(rng.gauss(380_000, 120_000)) // 1000 * 1000
        when = _day(rng, date(2019, 1, 1), TODAY)
        row: list[object] = [f"T{i:06d}", reg.place.adres_id, when.isoformat(),
                             f"{max(price, 90_000):,}".replace(",", ".") + ",00" if i % 3 else max(price, 90_000)]
        if rng.random() < 0.12 and world.companies:
            kvk, name, _ = rng.choice(world.companies)
            row += ["rechtspersoon", "", "", "", "", kvk, name]
        else:
            who = reg.person
            f = noise.person(who.first, who.particle, who.surname, who.born)
            row += ["natuurlijk_persoon", f["voornamen"], f["tussenvoegsel"], f["geslachtsnaam"],
                    f["geboortedatum"], "", ""]
        row += [rng.choices(["ja", "nee", ""], [70, 25, 5])[0], "Particuliere verkoper"]
        if i % 1501 == 9:
            row[2] = "31-02-2024"  # no such date: quarantine
        yield row


def _huurcontracten(world: World, rng: random.Random, count: int) -> Iterable[list[object]]:
    noise = NameNoise(rng, rate=0.25)
    homes = [r for r in world.registrations if r.place.use == "woonfunctie" and r.person.born.year < 2004]
    for i, reg in enumerate(rng.sample(homes, min(count, len(homes)))):
        who = reg.person
        f = noise.person(who.first, who.particle, who.surname, who.born)
        complex_no = f"C{int(reg.place.adres_id) % 400:03d}"
        yield [f"H{i:06d}", complex_no, reg.place.adres_id, f["voornamen"], f["tussenvoegsel"], f["geslachtsnaam"],
               f["geboortedatum"], reg.start.isoformat(), reg.end.isoformat() if reg.end else "",
               rng.choices([0, 1, 2, 5], [90, 6, 3, 1])[0]]


def generate(directory: Path, addresses: int = 100_000, seed: int = 4) -> dict[str, tuple[Path, int]]:
    """Write the seven extracts into `directory`; source -> (file, rows written), in import order."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    world = build_world(addresses, seed)
    writers = {
        "adressen": lambda: _adressen(world, rng),
        "personen": lambda: _personen(world, rng),
        "bedrijven": lambda: _bedrijven(world, rng, max(10, addresses * 8 // 100)),
        "functionarissen": lambda: _functionarissen(world, rng),
        "energie": lambda: _energie(world, rng),
        "transacties": lambda: _transacties(world, rng, max(10, addresses * 3 // 100)),
        "huurcontracten": lambda: _huurcontracten(world, rng, max(10, addresses // 4)),
    }
    out: dict[str, tuple[Path, int]] = {}
    for source in ORDER:
        path = directory / f"{source}.csv"
        out[source] = (path, _write(path, source, writers[source](), bom=source == "bedrijven"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--uit", type=Path, help="map voor de CSV-bestanden")
    ap.add_argument("--adressen", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=4)
    args = ap.parse_args()
    if args.uit is None:
        print("Hulpmodule van bench/pipeline.py (geen benchmark); geef --uit MAP om een gemeente te maken.")
        return
    t = time.perf_counter()
    files = generate(args.uit, args.adressen, args.seed)
    for source, (path, rows) in files.items():
        print(f"{source:<16}{rows:>12,} rijen  {path.stat().st_size / 1e6:>8.1f} MB  {path}")
    print(f"gemaakt in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()

"""Partner extracts of the demo municipality Lindeveen, in the standard delivery layout
(shared/spec/source-formats.md): one CSV per source type, with the quirks real extracts have.

The files tell one story with the rest of the demo: the people of the signals are registered
in the BRP extract, tenants of the housing corporation and officers of the companies the
signals name; a few corporation homes are let to people registered elsewhere and use the
energy of a grow room; three straw men direct strings of short-lived companies.

Everything but the BRP extract spells people its own way (`demo.noise.NameNoise`): particles
inside the surname, initials, typos, capitals, swapped day and month. The answer key
(`ExtractSet.truth`) maps each person record back to the true person, for the linking
benchmark and tests. A handful of rows per file are broken on purpose (bad BSN, 7-digit KvK,
31 February, ...) so that the demo shows a quarantine; `ExtractSet.broken` counts them.

`ExtractSet.plants` is the second answer key (`demo.plants`): per phenomenon the addresses,
persons and companies planted as cases (grow rooms, meter bypasses, overcrowded dwellings,
agency homes, chalet residents, unexplained purchases, straw men, care companies linked to
cash businesses) and their legitimate look-alikes (heat pumps, electric cars, solar panels,
big families, student houses, park managers, elderly buyers paying cash, investors with
mortgages, holding structures), for evaluating the indicators.
"""

from __future__ import annotations

import csv
import math
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from weerbaar.core.catalogue import Catalogue, Indicator, load_catalogue
from weerbaar.core.config import PACKAGE_DIR
from weerbaar.core.models import Address
from weerbaar.demo.cast import ORGANISATIONS
from weerbaar.demo.economy import Economy, build_economy
from weerbaar.demo.geography import BUURTEN
from weerbaar.demo.noise import NameNoise
from weerbaar.demo.people import Company, Person, eleven_test, make_companies, make_people
from weerbaar.demo.plants import EnergyPlan, Plants, PopulationPlanter, plan_energy
from weerbaar.demo.residents import Population, Resident, build_population
from weerbaar.demo.signals import OBSERVERS
from weerbaar.demo.texts import Mention, describe

# Import order: addresses first (everything refers to them), signals last.
HEADERS: dict[str, list[str]] = {
    "adressen": ["adres_id", "straat", "huisnummer", "huisletter", "toevoeging", "postcode", "woonplaats",
                 "gemeentecode", "wijkcode", "buurtcode", "gebruiksdoel", "oppervlakte_m2", "bouwjaar",
                 "vakantiepark", "lat", "lon"],
    "personen": ["persoon_id", "bsn", "voornamen", "tussenvoegsel", "geslachtsnaam", "geboortedatum", "geslacht",
                 "adres_id", "datum_inschrijving", "datum_uitschrijving"],
    "bedrijven": ["kvk_nummer", "vestigingsnummer", "handelsnaam", "rechtsvorm", "sbi_code", "adres_id",
                  "datum_inschrijving", "datum_uitschrijving"],
    "functionarissen": ["kvk_nummer", "voornamen", "tussenvoegsel", "geslachtsnaam", "geboortedatum", "functie",
                        "datum_aanvang", "datum_einde"],
    "energie": ["ean", "adres_id", "postcode", "huisnummer", "toevoeging", "periode", "elektriciteit_kwh",
                "gas_m3"],
    "transacties": ["transactie_id", "adres_id", "datum", "koopsom", "koper_type", "koper_voornamen",
                    "koper_tussenvoegsel", "koper_geslachtsnaam", "koper_geboortedatum", "koper_kvk_nummer",
                    "koper_naam", "hypotheek", "verkoper_naam"],
    # `complexnummer` is the corporation's own column: not in the standard layout, kept as an extra.
    "huurcontracten": ["contract_id", "complexnummer", "adres_id", "voornamen", "tussenvoegsel", "geslachtsnaam",
                       "geboortedatum", "datum_ingang", "datum_einde", "overlastmeldingen"],
    "signalen": ["signaal_id", "datum", "organisatie", "fenomeen", "indicatoren", "omschrijving", "adres_id",
                 "postcode", "huisnummer", "toevoeging", "betrokkenen"],
}
SOURCES = tuple(HEADERS)
# Who delivers each extract (cast.ORGANISATIONS keys): the municipality holds the BRP, BAG,
# KvK and Kadaster extracts; the bulk signals are collected by its intake team.
DELIVERED_BY = {"adressen": "gemeente", "personen": "gemeente", "bedrijven": "gemeente",
                "functionarissen": "gemeente", "energie": "netbeheerder", "transacties": "gemeente",
                "huurcontracten": "woningcorporatie", "signalen": "gemeente"}
# (encoding, delimiter) as each partner's system writes it.
FORMATS = {"bedrijven": ("utf-8-sig", ","), "functionarissen": ("utf-8", ";"), "huurcontracten": ("cp1252", ";")}
FILE_NAMES = {"adressen": "bag_adressen", "personen": "brp_personen", "bedrijven": "kvk_bedrijven",
              "functionarissen": "kvk_functionarissen", "energie": "stroomnet_verbruik",
              "transacties": "kadaster_transacties", "huurcontracten": "thuisvast_huurcontracten",
              "signalen": "signalen_bulk"}
KEY_COLUMN = {"personen": "persoon_id", "transacties": "transactie_id", "huurcontracten": "contract_id"}

SIGNAL_PEOPLE = 180  # as build_demo draws them for its signals
GAS_SHARE = [17, 15, 12, 8, 4, 2, 2, 2, 4, 8, 12, 14]  # % of a year's gas per calendar month
KWH_PER_M2 = {"winkelfunctie": 70, "kantoorfunctie": 55, "industriefunctie": 45, "bijeenkomstfunctie": 110,
              "gezondheidszorgfunctie": 80, "sportfunctie": 40, "logiesfunctie": 30}


@dataclass
class ExtractSet:
    directory: Path
    files: dict[str, Path]  # bron -> file, in import order: adressen first, signalen last
    organisations: dict[str, str]  # bron -> name of the delivering demo organisation
    truth: dict[str, dict[str, str]]  # bron -> {sleutel -> true person id}; functionarissen: line number
    counts: dict[str, int]  # rows written per bron, broken rows included
    broken: dict[str, int]  # deliberately invalid rows per bron
    plants: Plants = field(default_factory=Plants)  # planted cases and decoys per phenomenon (demo.plants)


@dataclass
class _Row:
    cells: dict[str, str]
    pid: str | None = None  # the true person of a person record
    broken: bool = False


@dataclass
class _Sheet:
    rows: list[_Row] = field(default_factory=list)

    def add(self, cells: dict[str, str], pid: str | None = None) -> None:
        self.rows.append(_Row(cells, pid))


@dataclass
class _World:
    today: date
    addresses: list[Address]
    mixed: set[str]  # shops with a home above: gebruiksdoel woonfunctie|winkelfunctie
    profile: dict[str, str]  # adres_id -> buurt profile
    population: Population
    economy: Economy
    plants: Plants
    grow_rooms: list[Address] = field(default_factory=list)
    energy: dict[str, EnergyPlan] = field(default_factory=dict)  # adres_id -> planted change of use


def write_extracts(
    directory: Path, seed: int, today: date, addresses: list[Address], *,
    people: list[Person] | None = None, companies: dict[str, list[Company]] | None = None,
    catalogue: Catalogue | None = None,
) -> ExtractSet:
    """Write the eight extracts into `directory`; deterministic for (seed, today, addresses).

    `people` and `companies` are the demo's signal parties; by default they are drawn as
    `build_demo` draws them from the same seed, so that extracts and signals name the same ones.
    """
    if people is None or companies is None:
        rng_people = random.Random(f"{seed}-mensen")
        people = make_people(rng_people, SIGNAL_PEOPLE, today)
        companies = make_companies(rng_people)
    catalogue = catalogue or load_catalogue(PACKAGE_DIR / "catalogus")
    world = _world(seed, today, addresses, people, companies)
    sheets: dict[str, _Sheet] = {
        "adressen": _addresses(world),
        "personen": _persons(world),
        "bedrijven": _companies(world),
        "functionarissen": _officers(world, random.Random(f"{seed}-extracten-kvk")),
        "energie": _energy(world, random.Random(f"{seed}-extracten-energie")),
        "transacties": _sales(world, random.Random(f"{seed}-extracten-kadaster")),
        "huurcontracten": _tenancies(world, random.Random(f"{seed}-extracten-huur")),
        "signalen": _signals(world, random.Random(f"{seed}-extracten-signalen"), catalogue),
    }
    rng_broken = random.Random(f"{seed}-extracten-kapot")
    for bron, sheet in sheets.items():
        _break_some(rng_broken, bron, sheet, today)
    world.plants.settle()
    directory.mkdir(parents=True, exist_ok=True)
    names = {o.key: o.name for o in ORGANISATIONS}
    result = ExtractSet(directory, {}, {}, {}, {}, {}, world.plants)
    for bron, sheet in sheets.items():
        path = directory / f"{FILE_NAMES[bron]}.csv"
        _write(path, bron, sheet)
        result.files[bron] = path
        result.organisations[bron] = names[DELIVERED_BY[bron]]
        result.counts[bron] = len(sheet.rows)
        result.broken[bron] = sum(1 for r in sheet.rows if r.broken)
        if bron in KEY_COLUMN or bron == "functionarissen":
            result.truth[bron] = _answer_key(bron, sheet)
    return result


def _world(seed: int, today: date, addresses: list[Address], people: list[Person],
           companies: dict[str, list[Company]]) -> _World:
    rng = random.Random(f"{seed}-extracten-adressen")
    mixed = {a.id for a in addresses if a.use == "winkelfunctie" and a.house_letter is None and rng.random() < 0.35}
    profiles = {b.code: b.profile for b in BUURTEN}
    profile = {a.id: profiles.get(a.neighbourhood_code or "", "") for a in addresses}
    plants = Plants()
    planter = PopulationPlanter(random.Random(f"{seed}-extracten-plant-bewoners"), today, plants)
    population = build_population(random.Random(f"{seed}-extracten-bevolking"), today, addresses, mixed, people,
                                  planter)
    economy = build_economy(random.Random(f"{seed}-extracten-economie"), today, addresses, population, profile,
                            people, companies, plants, planter.agency_homes)
    world = _World(today, addresses, mixed, profile, population, economy, plants)
    for a in population.sublets:  # a home let to someone registered elsewhere: woonfraude
        plants.case("woonfraude", "adres", a.id, "huurwoning onderverhuurd: huurder elders ingeschreven, "
                                                 "niemand ingeschreven op het adres")
    world.energy, world.grow_rooms = plan_energy(random.Random(f"{seed}-extracten-plant-energie"), today, addresses,
                                                 population, planter.planted | mixed, plants)
    return world


# --- the files -------------------------------------------------------------------------------------


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _addresses(world: _World) -> _Sheet:
    sheet = _Sheet()
    for a in world.addresses:
        use = "woonfunctie|winkelfunctie" if a.id in world.mixed else (a.use or "")
        sheet.add({
            "adres_id": a.id, "straat": a.street or "", "huisnummer": str(a.house_number),
            "huisletter": a.house_letter or "", "toevoeging": a.addition or "", "postcode": a.postcode,
            "woonplaats": a.city or "", "gemeentecode": a.municipality_code or "", "wijkcode": a.district_code or "",
            "buurtcode": a.neighbourhood_code or "", "gebruiksdoel": use, "oppervlakte_m2": str(a.floor_area or ""),
            "bouwjaar": str(a.year_built or ""), "vakantiepark": a.holiday_park or "",
            "lat": f"{a.lat:.6f}" if a.lat is not None else "", "lon": f"{a.lon:.6f}" if a.lon is not None else "",
        })
    return sheet


def _persons(world: _World) -> _Sheet:
    sheet = _Sheet()
    for p in world.population.brp():
        sheet.add({
            "persoon_id": p.brp_id, "bsn": p.bsn, "voornamen": p.voornamen, "tussenvoegsel": p.tussenvoegsel,
            "geslachtsnaam": p.geslachtsnaam, "geboortedatum": _iso(p.geboortedatum), "geslacht": p.geslacht,
            "adres_id": p.adres_id or "", "datum_inschrijving": _iso(p.ingeschreven),
            "datum_uitschrijving": _iso(p.uitgeschreven),
        }, p.pid)
    return sheet


def _companies(world: _World) -> _Sheet:
    sheet = _Sheet()
    for f in sorted(world.economy.firms, key=lambda f: f.kvk):
        sheet.add({
            "kvk_nummer": f.kvk, "vestigingsnummer": f.vestigingsnummer, "handelsnaam": f.naam,
            "rechtsvorm": f.rechtsvorm, "sbi_code": f.sbi, "adres_id": f.adres_id,
            "datum_inschrijving": _iso(f.ingeschreven), "datum_uitschrijving": _iso(f.uitgeschreven),
        })
    return sheet


def _officers(world: _World, rng: random.Random) -> _Sheet:
    sheet = _Sheet()
    noise = NameNoise(rng, rate=0.35)
    for o in sorted(world.economy.officers, key=lambda o: (o.firm.kvk, o.aanvang)):
        name = noise.person(o.person.voornamen, o.person.tussenvoegsel, o.person.geslachtsnaam,
                            o.person.geboortedatum)
        sheet.add({
            "kvk_nummer": o.firm.kvk, **name, "functie": o.functie,
            "datum_aanvang": _iso(o.aanvang), "datum_einde": _iso(o.einde),
        }, o.person.pid)
    return sheet


def _periods(today: date) -> list[tuple[int, int]]:
    """The last twelve complete months, oldest first."""
    year, month = today.year, today.month
    out = []
    for _ in range(12):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append((year, month))
    return out[::-1]


def _energy(world: _World, rng: random.Random) -> _Sheet:
    """Monthly use per connection: by use, floor area, household and season; grow rooms stand out."""
    sheet = _Sheet()
    periods = _periods(world.today)
    eans = rng.sample(range(10**14, 10**15), len(world.addresses))
    sublet = {a.id for a in world.population.sublets}
    for a, ean in zip(world.addresses, eans, strict=True):
        household = world.population.households.get(a.id)
        persons = len(household.members) if household else (rng.randint(1, 3) if a.id in sublet else 0)
        kwh, gas = _yearly_use(rng, a, persons, a.id in world.mixed)
        by_address = rng.random() > 0.07
        postcode = a.postcode if by_address or rng.random() < 0.6 else f"{a.postcode[:4]} {a.postcode[4:].lower()}"
        plan = world.energy.get(a.id)
        for i, (year, month) in enumerate(periods):
            season = 1 + 0.2 * math.cos(2 * math.pi * (month - 1) / 12)
            month_kwh = kwh / 12 * season * rng.uniform(0.9, 1.1)
            gas_used = None if gas is None else gas * GAS_SHARE[month - 1] / 100 * rng.uniform(0.85, 1.15)
            if plan is not None:
                month_kwh, gas_used = plan.apply(rng, i, month, month_kwh, gas_used)
            month_gas = "" if gas_used is None else str(round(gas_used))
            sheet.add({
                "ean": f"871{ean}", "adres_id": a.id if by_address else "", "postcode": postcode,
                "huisnummer": str(a.house_number), "toevoeging": a.house_letter or a.addition or "",
                "periode": f"{year:04d}-{month:02d}", "elektriciteit_kwh": str(round(month_kwh)),
                "gas_m3": month_gas,
            })
    return sheet


def _yearly_use(rng: random.Random, a: Address, persons: int, mixed: bool) -> tuple[float, float | None]:
    """(kWh, m3 gas or None for an all-electric building) in a year."""
    area = a.floor_area or 80
    built = a.year_built or 1970
    if a.use == "woonfunctie" or mixed or (a.holiday_park and persons):
        kwh = (900 + 650 * persons + 6 * area) if persons else rng.uniform(150, 450)
        if mixed:
            kwh += area * KWH_PER_M2["winkelfunctie"] * 0.5
    else:
        kwh = area * KWH_PER_M2.get(a.use or "", 40) * rng.uniform(0.7, 1.3)
    if built >= 2018:
        return kwh, None
    per_m2 = 14 if built < 1945 else 11 if built < 1975 else 8 if built < 1995 else 6
    gas = area * per_m2 * rng.uniform(0.8, 1.2) + 120 * persons
    if a.holiday_park and not persons:
        gas *= 0.3
    return kwh, gas


def _sales(world: _World, rng: random.Random) -> _Sheet:
    sheet = _Sheet()
    noise = NameNoise(rng, rate=0.3)
    for n, s in enumerate(world.economy.sales, 1):
        cells = {
            "transactie_id": f"KAD-{s.day.year}-{n:05d}", "adres_id": s.address.id, "datum": _iso(s.day),
            "koopsom": _amount(rng, s.price), "hypotheek": s.mortgage, "verkoper_naam": s.seller,
            "koper_kvk_nummer": "", "koper_naam": "",
            "koper_voornamen": "", "koper_tussenvoegsel": "", "koper_geslachtsnaam": "", "koper_geboortedatum": "",
        }
        if s.person is not None:
            cells["koper_type"] = "natuurlijk_persoon"
            name = noise.person(s.person.voornamen, s.person.tussenvoegsel, s.person.geslachtsnaam,
                                s.person.geboortedatum)
            cells.update({f"koper_{k}": v for k, v in name.items()})
            sheet.add(cells, s.person.pid)
        else:
            assert s.firm is not None
            cells["koper_type"] = "rechtspersoon"
            cells["koper_kvk_nummer"] = s.firm.kvk if rng.random() < 0.85 else ""
            cells["koper_naam"] = _company_spelling(rng, s.firm.naam)
            sheet.add(cells)
    return sheet


def _amount(rng: random.Random, euros: int) -> str:
    """Amounts as different systems write them: 345000, 345000.00, 345000,00, 345.000,00."""
    style = rng.choices(range(4), weights=[70, 10, 12, 8])[0]
    if style == 0:
        return str(euros)
    if style == 1:
        return f"{euros}.00"
    if style == 2:
        return f"{euros},00"
    return f"{euros:,}".replace(",", ".") + ",00"


def _company_spelling(rng: random.Random, name: str) -> str:
    roll = rng.random()
    if roll < 0.15:
        return name.upper()
    if roll < 0.3 and "B.V." in name:
        return name.replace("B.V.", rng.choice(["BV", "B.V", "bv"]))
    return name


def _tenancies(world: _World, rng: random.Random) -> _Sheet:
    """The corporation's export: Excel, Windows-1252, `;`, Dutch dates, its own complexnummer."""
    sheet = _Sheet()
    noise = NameNoise(rng, rate=0.3)
    complexes: dict[tuple[str, str], str] = {}
    ordered = sorted(world.population.tenancies, key=lambda t: (t.start, t.address.id))
    for n, t in enumerate(ordered, 1):
        key = (t.address.neighbourhood_code or "", t.address.street or "")
        complexes.setdefault(key, f"{100 + 7 * len(complexes)}")
        tenant = t.tenant
        name = noise.person(tenant.roepnaam, tenant.tussenvoegsel, tenant.geslachtsnaam, tenant.geboortedatum)
        name["geboortedatum"] = _dutch_date(name["geboortedatum"])
        sheet.add({
            "contract_id": f"HC{200000 + n * 3}", "complexnummer": complexes[key], "adres_id": t.address.id,
            **name, "datum_ingang": _dutch(t.start), "datum_einde": _dutch(t.end),
            "overlastmeldingen": str(t.nuisance) if t.nuisance or rng.random() < 0.5 else "",
        }, tenant.pid)
    return sheet


def _dutch(day: date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else ""


def _dutch_date(text: str) -> str:
    """An ISO date as Excel shows it in a Dutch locale; other forms stay as they are."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return f"{text[8:10]}-{text[5:7]}-{text[:4]}"
    return text


# --- signals ---------------------------------------------------------------------------------------

REPORTER_ORG = {"handhaving": "gemeente", "analist": "gemeente"}
VOICE = {"analist": "gemeente"}


@dataclass
class _Story:
    reporter: str  # signals.OBSERVERS key
    phenomenon: str
    address: Address
    persons: list[Resident] = field(default_factory=list)
    firms: list[str] = field(default_factory=list)
    role: str = "betrokkene"


def _signals(world: _World, rng: random.Random, catalogue: Catalogue) -> _Sheet:
    sheet = _Sheet()
    names = {o.key: o.name for o in ORGANISATIONS}
    stories = _stories(world, rng)
    for n, story in enumerate(stories, 1):
        indicators = _indicators(rng, catalogue.phenomena[story.phenomenon].signaalkaart, story.reporter)
        people = [_written_name(rng, p) for p in story.persons]
        mentions = [Mention("persoon", name, story.role) for name in people]
        mentions += [Mention("bedrijf", firm) for firm in story.firms]
        home = story.address.use == "woonfunctie" or story.address.holiday_park is not None
        text = describe(rng, VOICE.get(story.reporter, story.reporter), story.phenomenon, indicators,
                        story.address.street, mentions, False, home=home)
        a = story.address
        by_id = rng.random() < 0.75
        classified = rng.random() < 0.85
        sheet.add({
            "signaal_id": f"LV-{world.today.year}-{n:03d}",
            "datum": _iso(world.today - timedelta(days=rng.randint(3, 150))),
            "organisatie": names[REPORTER_ORG.get(story.reporter, story.reporter)],
            "fenomeen": story.phenomenon if classified else "",
            "indicatoren": "|".join(i.code for i in indicators) if classified else "",
            "omschrijving": text,
            "adres_id": a.id if by_id else "",
            "postcode": "" if by_id else f"{a.postcode[:4]} {a.postcode[4:]}",
            "huisnummer": "" if by_id else f"{a.house_number}{a.house_letter or ''}",
            "toevoeging": "",
            "betrokkenen": " | ".join(people + story.firms),
        })
    return sheet


def _stories(world: _World, rng: random.Random) -> list[_Story]:
    """About thirty signals about what the extracts show: grow rooms, sublets, straw men, chalets."""
    population, economy = world.population, world.economy
    tenants = {t.address.id: t.tenant for t in population.tenancies if t.end is None}
    households = population.households
    stories: list[_Story] = []
    for a in world.grow_rooms:
        occupant = tenants.get(a.id) or (households[a.id].members[0] if a.id in households else None)
        reporter = "woningcorporatie" if a.id in tenants and rng.random() < 0.5 else rng.choice(
            ["netbeheerder", "netbeheerder", "politie"])
        stories.append(_Story(reporter, "hennepteelt", a, [occupant] if occupant else [], role="huurder"))
    for a in [s for s in population.sublets if s not in world.grow_rooms][:6]:
        stories.append(_Story("woningcorporatie", "woonfraude", a, [tenants[a.id]], role="huurder"))
    offices = {f.adres_id for f in economy.firms if f.straw}
    by_id = {a.id: a for a in world.addresses}
    for man in economy.straw_men:
        firms = [o.firm for o in economy.officers if o.person is man and o.firm.straw]
        picked = rng.sample(firms, min(2, len(firms)))
        office = by_id[picked[0].adres_id] if picked else by_id[sorted(offices)[0]]
        stories.append(_Story(rng.choice(["riec", "belastingdienst"]), "witwassen_bedrijven", office, [man],
                              [f.naam for f in picked], role="bestuurder"))
    for sale in economy.flips[:3]:
        stories.append(_Story(rng.choice(["riec", "analist"]), "witwassen_vastgoed", sale.address, [],
                              [sale.seller]))
    heads = {p.adres_id: p for p in reversed(population.chalet_dwellers)}
    for person in list(heads.values())[:3]:
        assert person.adres_id is not None
        stories.append(_Story("handhaving", "vakantieparken", by_id[person.adres_id], [person], role="bewoner"))
    named = list(economy.named.values())
    while len(stories) < 30:
        firm = rng.choice(named)
        officers = [o.person for o in economy.officers if o.firm is firm]
        phenomenon = {"5610": "horeca", "5630": "horeca", "8810": "zorgfraude", "7820": "mensenhandel"}.get(
            firm.sbi, "witwassen_bedrijven")
        reporter = {"horeca": "handhaving", "zorgfraude": "zorg", "mensenhandel": "politie"}.get(
            phenomenon, "belastingdienst")
        stories.append(_Story(reporter, phenomenon, by_id[firm.adres_id], officers[:1], [firm.naam],
                              role="bestuurder"))
    rng.shuffle(stories)
    return stories


def _indicators(rng: random.Random, card: list[Indicator], reporter: str) -> list[Indicator]:
    """One to three indicators, the reporter's own kind of observation first."""
    seen = OBSERVERS.get(reporter, set())
    own = [i for i in card if seen & set(i.waarnemers)] or list(card)
    first = rng.choice(own)
    rest = rng.sample([i for i in card if i is not first], rng.choice([0, 1, 1, 2]))
    return [first, *rest]


def _written_name(rng: random.Random, person: Resident) -> str:
    """A name as a professional types it in a signal: call name or initial, particles as heard."""
    surname = " ".join(p for p in (person.tussenvoegsel, person.geslachtsnaam) if p)
    if rng.random() < 0.3:
        return f"{person.roepnaam[0]}. {surname}"
    return f"{person.roepnaam} {surname}"


# --- deliberately broken rows ----------------------------------------------------------------------

Breaker = Callable[[dict[str, str]], None]


def _bad_bsn(cells: dict[str, str]) -> None:
    digits = cells["bsn"] or "999990019"
    last = int(digits[8])
    for delta in range(1, 10):
        candidate = digits[:8] + str((last + delta) % 10)
        if not eleven_test(candidate):
            cells["bsn"] = candidate
            return


def _company_buyer_with_short_kvk(cells: dict[str, str]) -> None:
    for column in ("koper_voornamen", "koper_tussenvoegsel", "koper_geslachtsnaam", "koper_geboortedatum"):
        cells[column] = ""
    cells.update(koper_type="rechtspersoon", koper_kvk_nummer="1234567", koper_naam="Veenpoort Beleggingen B.V.")


def _set(column: str, value: str) -> Breaker:
    def breaker(cells: dict[str, str]) -> None:
        cells[column] = value
    return breaker


def _breakers(bron: str, today: date) -> list[Breaker]:
    """One broken row per recipe: each fails exactly one check of the standard layout."""
    impossible = f"31-02-{today.year - 1}"
    bad_postcode = [_set("adres_id", ""), _set("postcode", "123AB")]
    return {
        "adressen": [_set("postcode", "123AB"), _set("adres_id", "")],
        "personen": [_bad_bsn, _set("geboortedatum", impossible), _set("persoon_id", "")],
        "bedrijven": [lambda c: c.update(kvk_nummer=c["kvk_nummer"][:7]), _set("kvk_nummer", ""),
                      _set("datum_inschrijving", impossible)],
        "functionarissen": [lambda c: c.update(kvk_nummer=c["kvk_nummer"][1:]), _set("datum_aanvang", impossible)],
        "energie": [lambda c: c.update(ean=c["ean"][:17]), lambda c: [b(c) for b in bad_postcode],
                    _set("periode", "")],
        "transacties": [_set("datum", impossible), _company_buyer_with_short_kvk, _set("transactie_id", "")],
        "huurcontracten": [_set("contract_id", ""), _set("datum_ingang", impossible),
                           lambda c: c.update(adres_id=c["adres_id"][1:])],
        "signalen": [_set("signaal_id", ""), _set("datum", impossible)],
    }[bron]


_FRESH_KEY = {"adressen": ("adres_id", "99902099999999{:02d}"), "personen": ("persoon_id", "1999999{:03d}"),
              "bedrijven": ("kvk_nummer", "999999{:02d}"), "transacties": ("transactie_id", "KAD-X-{:05d}"),
              "huurcontracten": ("contract_id", "HC9999{:02d}"), "signalen": ("signaal_id", "LV-X-{:03d}"),
              "energie": ("ean", "871999999999999{:03d}")}


def _break_some(rng: random.Random, bron: str, sheet: _Sheet, today: date) -> None:
    """Copies of good rows, each broken in one way, under a key of their own, spread through the file."""
    for n, breaker in enumerate(_breakers(bron, today), 1):
        template = rng.choice([r for r in sheet.rows if not r.broken])
        cells = dict(template.cells)
        if bron in _FRESH_KEY:
            column, pattern = _FRESH_KEY[bron]
            cells[column] = pattern.format(n)
        breaker(cells)
        sheet.rows.insert(rng.randrange(1, len(sheet.rows)), _Row(cells, None, broken=True))


# --- writing ---------------------------------------------------------------------------------------


def _answer_key(bron: str, sheet: _Sheet) -> dict[str, str]:
    truth: dict[str, str] = {}
    for line, row in enumerate(sheet.rows, start=2):  # no cell holds a line break: one row, one line
        if row.pid is None or row.broken:
            continue
        key = str(line) if bron == "functionarissen" else row.cells[KEY_COLUMN[bron]]
        truth[key] = row.pid
    return truth


def _cp1252(text: str) -> str:
    """What survives a Windows-1252 export: accents the code page has; others lose their mark (ş -> s)."""
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch)[0]
            out.append({"ı": "i", "ł": "l", "Ł": "L"}.get(ch, base if base.isascii() else "?"))
    return "".join(out)


def _write(path: Path, bron: str, sheet: _Sheet) -> None:
    encoding, delimiter = FORMATS.get(bron, ("utf-8", ","))
    header = HEADERS[bron]
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n" if encoding == "cp1252" else "\n")
        writer.writerow(header)
        for row in sheet.rows:
            values = [row.cells.get(column, "") for column in header]
            if encoding == "cp1252":
                values = [_cp1252(v) for v in values]
            writer.writerow(values)

"""Lindeveen's companies, their officers and three years of property sales: the ground truth
behind the KvK-like and Kadaster-like extracts.

The story the analysis should find: the named companies of the demo's signals, run by the
people the signals name; three to five straw men who each direct a string of short-lived
companies registered at a few office addresses; care companies whose directors also run
cash businesses; serial buyers paying without a mortgage, young buyers paying a high price
without one, employment agencies buying homes for their workers, companies reselling homes
within months at a much higher price. Beside them the look-alikes: entrepreneurs with a
holding of long-lived B.V.s, care companies beside a practice, investors with mortgages,
elderly buyers paying cash, ordinary resales. Each is recorded in `demo.plants.Plants`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import yaml

from weerbaar.core.config import PACKAGE_DIR
from weerbaar.core.models import Address
from weerbaar.demo.people import Company, Person
from weerbaar.demo.plants import AgencyHome, Plants, euros
from weerbaar.demo.residents import TRADITIONS, Population, Resident, Tenancy, day_between, weighted

YEARS_OF_SALES = 3
SALES_TARGET = 300
COMPANY_TARGET = 250

# Trade-name keyword -> (SBI code, kind of establishment address).
ACTIVITY: list[tuple[str, str, str]] = [
    ("Eetcafé", "5610", "horeca"), ("Grillroom", "5610", "horeca"), ("Shishalounge", "5630", "horeca"),
    ("Café", "5630", "horeca"), ("Lunchroom", "5610", "horeca"), ("Pizzeria", "5610", "horeca"),
    ("Partycentrum", "5629", "horeca"), ("Snackbar", "5610", "horeca"), ("Kapsalon", "9602", "winkel"),
    ("Autobedrijf", "4520", "bedrijf"), ("Belhuis", "4742", "winkel"), ("Nagelstudio", "9602", "winkel"),
    ("Taxi", "4932", "woning"), ("Barbershop", "9602", "winkel"), ("Autopoetsbedrijf", "4520", "bedrijf"),
    ("Minimarkt", "4711", "winkel"), ("Goud", "4777", "winkel"), ("Uitzend", "7820", "kantoor"),
    ("Personeel", "7820", "kantoor"), ("AgriWork", "7820", "kantoor"), ("Zorg", "8810", "zorg"),
    ("Begeleiding", "8899", "zorg"), ("Dagbesteding", "8810", "zorg"), ("Vastgoed", "6810", "kantoor"),
    ("Holding", "6420", "woning"), ("Beheer", "6820", "kantoor"), ("Projecten", "4110", "kantoor"),
    ("Recreatiepark", "5520", "chalet"), ("Chaletverhuur", "5520", "chalet"), ("Klussenbedrijf", "4399", "woning"),
    ("Bouwbedrijf", "4120", "bedrijf"), ("Installatie", "4321", "bedrijf"), ("Schoonmaak", "8121", "woning"),
    ("Transport", "4941", "bedrijf"), ("Sportbar", "5630", "sport"), ("Sportschool", "9313", "sport"),
    ("Growshop", "4776", "winkel"), ("Kwekerij", "0119", "boerderij"), ("Bakkerij", "1071", "winkel"),
    ("Schildersbedrijf", "4334", "woning"), ("Hoveniersbedrijf", "8130", "woning"),
    ("Administratiekantoor", "6920", "kantoor"), ("Consultancy", "7022", "woning"),
    ("Loonbedrijf", "0161", "boerderij"),
    ("Fysiotherapie", "8690", "zorg"), ("Tandartspraktijk", "8623", "zorg"), ("Rijschool", "8553", "woning"),
    ("Slagerij", "4722", "winkel"), ("Bloemenhuis", "4776", "winkel"), ("Fietsenmaker", "4764", "winkel"),
    ("Autohandel", "4511", "bedrijf"), ("Melkveebedrijf", "0141", "boerderij"), ("Fotografie", "7420", "woning"),
    ("Webdesign", "6201", "woning"), ("Coaching", "7022", "woning"), ("Kinderopvang", "8891", "kantoor"),
    ("Makelaardij", "6831", "kantoor"), ("Pedicure", "9609", "woning"), ("Dierenartspraktijk", "7500", "kantoor"),
    ("Trading", "4690", "kantoor"), ("Services", "7490", "kantoor"), ("Groep", "7010", "kantoor"),
    ("Handelsonderneming", "4690", "kantoor"), ("Logistics", "4941", "kantoor"), ("Invest", "6420", "kantoor"),
]
# Generated trade names: {S} surname of the owner, {F} first name, {P} a place in Lindeveen.
TEMPLATES = [
    "Kapsalon {F}", "Bakkerij {S}", "{S} Installatietechniek", "Schildersbedrijf {S}", "Hoveniersbedrijf {S}",
    "Administratiekantoor {S}", "{S} Consultancy", "{S} Holding B.V.", "Loonbedrijf {S}", "Fysiotherapie {P}",
    "Tandartspraktijk {P}", "Rijschool {S}", "Slagerij {S}", "Snackbar {P}", "Bloemenhuis {P}",
    "Fietsenmaker {S}", "{S} Transport", "Autohandel {S}", "{S} Bouw B.V.", "Melkveebedrijf {S}",
    "Fotografie {F} {S}", "{F} Webdesign", "Coaching {F} {S}", "Kinderopvang {P}", "{S} Makelaardij",
    "Pedicure {F}", "Klussenbedrijf {S}", "Dierenartspraktijk {P}", "Schoonmaakbedrijf {S}",
]
PLACES = ["Lindeveen", "De Linde", "Veenzijde", "Ganzenweide", "Molenakker", "Turfhaven", "Brinkstede",
          "Het Veen", "De Wildwal", "Zwanenwaard", "Rietkraag", "Klaverveld"]
STRAW_WORDS = ["Nova", "Prime", "Delta", "Atlas", "Zenith", "Orion", "Royal", "Golden", "Smart", "Euro",
               "Global", "Unity", "Apex", "Vertex", "Nexus", "Phoenix", "Sterling", "Trident", "Aurora", "Falcon",
               "Alpha", "Omega", "Titan", "Condor", "Summit", "Crown", "Eagle", "Meridian", "Pinnacle", "Quantum",
               "Stellar", "Vector", "Zephyr", "Horizon", "Infinity", "Legacy", "Matrix", "Pegasus", "Solid", "Vista"]
STRAW_FORMS = ["{W} Trading B.V.", "{W} Services", "{W} Groep B.V.", "{W} Handelsonderneming",
               "{W} Logistics B.V.", "{W} Invest B.V.", "{W} Bouw B.V.", "{W} Schoonmaak"]
# Care, cash-intensive trades (as the catalogue's indicators name them) and the planted companies.
CARE_SBI = {"8810", "8899"}
# A care company's officer who left it this recently still links it to his cash business (I-ZG-01).
CARE_RECENT_DAYS = 730


class _SbiList:
    """An SBI list as the catalogue writes it: a code belongs when it starts with a listed one."""

    def __init__(self, name: str) -> None:
        data = yaml.safe_load((PACKAGE_DIR / "catalogus" / "detectie.yaml").read_text(encoding="utf-8"))
        self.prefixes = tuple(str(code) for code in data[name])

    def __contains__(self, sbi: object) -> bool:
        return isinstance(sbi, str) and sbi.startswith(self.prefixes)


# The catalogue's own list (detectie.yaml), so that the answer key and the indicators agree on what
# a cash-intensive business is (a partycentrum is one).
CASH_SBI = _SbiList("kasintensieve_sbi")
CASH_FORMS = ["Shishalounge {P}", "Barbershop {F}", "Minimarkt {P}", "Goud & Zilver {S}", "Autopoetsbedrijf {S}",
              "Grillroom {P}", "Belhuis {P}", "Kapsalon {F} {S}", "Taxi {S}", "Snackbar {S}"]
CARE_FORMS = ["Thuiszorg {P}", "Zorgbureau {S}", "Begeleiding {S}", "Dagbesteding {P}", "Wijkzorg {S} B.V.",
              "Zorgcollectief {P}", "Begeleiding Thuis {P} B.V."]
CALM_FORMS = ["Fysiotherapie {S}", "Tandartspraktijk {S}", "Administratiekantoor {S}", "Dagbesteding {S}",
              "Begeleiding {F} {S}"]
HOLDING_FORMS = ["{S} Holding B.V.", "{S} Beheer B.V.", "{S} Vastgoed B.V.", "{S} Projecten B.V.",
                 "{S} Invest B.V.", "{S} Groep B.V.", "{S} Participaties B.V."]
LETTERBOX_FORMS = ["{S} Trading", "{S} Import Export", "{S} Handelsonderneming", "{S} Logistics", "{S} Services",
                   "{S} Bouw", "{S} Schoonmaak", "{S} Transport", "{S} Trading B.V.", "{S} Services B.V."]
FAMILY_FORMS = ["{S} Holding B.V.", "Klussenbedrijf {S}", "Coaching {F} {S}", "{F} Webdesign", "Fotografie {F} {S}",
                "Pedicure {F}", "{S} Consultancy", "Hoveniersbedrijf {S}", "Schildersbedrijf {S}"]
AGENCY_NAMES = ["Flexwerk Noord Personeel B.V.", "AgriWork Oost B.V.", "Euroflex Uitzendbureau B.V.",
                "Veenland Personeelsdiensten B.V."]
# A tenant who bought a home elsewhere this long ago and still rents is no longer moving: a move takes up
# to four months (I-HU-01), the decoys end their tenancy within three.
KEPT_RENTING_DAYS = 240
PRICE_PER_M2 = {"centrum": 4300, "oud": 3900, "naoorlogs": 3200, "nieuwbouw": 3900, "buitengebied": 3700,
                "bedrijven": 1400}


@dataclass
class Firm:
    kvk: str
    vestigingsnummer: str
    naam: str
    rechtsvorm: str
    sbi: str
    adres_id: str
    ingeschreven: date
    uitgeschreven: date | None = None
    straw: bool = False


@dataclass
class Officer:
    firm: Firm
    person: Resident
    functie: str
    aanvang: date
    einde: date | None = None


@dataclass
class Sale:
    address: Address
    day: date
    price: int
    person: Resident | None = None
    firm: Firm | None = None
    mortgage: str = ""  # ja | nee | ''
    seller: str = ""


@dataclass
class Economy:
    firms: list[Firm]
    officers: list[Officer]
    sales: list[Sale]
    straw_men: list[Resident]
    named: dict[str, Firm] = field(default_factory=dict)  # demo company name -> firm
    flips: list[Sale] = field(default_factory=list)  # resold within months at a large profit (planted)


def activity(name: str) -> tuple[str, str]:
    """(SBI code, kind of address) from the words of a trade name."""
    lowered = name.lower()
    for keyword, sbi, kind in ACTIVITY:
        if keyword.lower() in lowered:
            return sbi, kind
    return "7490", "kantoor"


def legal_form(rng: random.Random, name: str) -> str:
    if "B.V." in name:
        return "bv"
    if name.startswith("Stichting"):
        return "stichting"
    if "& Co" in name or "& Zn" in name:
        return "vof"
    return str(rng.choices(["eenmanszaak", "vof", "bv"], weights=[70, 20, 10])[0])


class _Builder:
    def __init__(self, rng: random.Random, today: date, addresses: list[Address], population: Population,
                 profile: dict[str, str]) -> None:
        self.rng = rng
        self.today = today
        self.population = population
        self.profile = profile
        self.adults = population.adults(today)
        self.kvks = iter(rng.sample(range(10_000_000, 100_000_000), 2 * COMPANY_TARGET))
        self.taken_kvk: set[str] = set()
        homes = {a.id for a in addresses if a.id in population.households}
        self.places: dict[str, list[Address]] = {
            "horeca": [a for a in addresses if a.use == "bijeenkomstfunctie" and a.street != "Sportlaan"],
            "winkel": [a for a in addresses if a.use == "winkelfunctie"],
            "bedrijf": [a for a in addresses if a.use == "industriefunctie"],
            "kantoor": [a for a in addresses if a.use == "kantoorfunctie" and a.street != "Raadhuisplein"],
            "zorg": [a for a in addresses if a.use == "gezondheidszorgfunctie"],
            "chalet": [a for a in addresses if a.holiday_park],
            "sport": [a for a in addresses if a.street == "Sportlaan"],
            "boerderij": [a for a in addresses if a.id in homes and profile.get(a.id) == "buitengebied"],
        }
        self.firms: list[Firm] = []
        self.officers: list[Officer] = []
        self.reserved: set[str] = set()  # pids of planted officers: never drawn for other companies

    def kvk(self) -> str:
        while True:
            number = str(next(self.kvks))
            if number not in self.taken_kvk:
                self.taken_kvk.add(number)
                return number

    def firm(self, name: str, registered: date, address_id: str, kvk: str | None = None,
             ended: date | None = None, straw: bool = False) -> Firm:
        rng = self.rng
        sbi, _ = activity(name)
        number = kvk or self.kvk()
        self.taken_kvk.add(number)
        branch = f"{rng.randint(10_000_000, 999_999_999):012d}" if rng.random() < 0.9 else ""
        firm = Firm(number, branch, name, legal_form(rng, name), sbi, address_id, registered, ended, straw)
        self.firms.append(firm)
        return firm

    def address_for(self, name: str, owner: Resident | None) -> str:
        _, kind = activity(name)
        if kind == "woning" and owner is not None and owner.adres_id:
            return owner.adres_id
        options = self.places.get(kind) or self.places["kantoor"]
        return self.rng.choice(options).id

    def registered(self, low_years: float, mean_years: float) -> date:
        years = low_years + self.rng.expovariate(1 / mean_years)
        return self.today - timedelta(days=int(min(years, 40) * 365))

    def adult(self, at: date) -> Resident:
        """A BRP adult of age at `at`; one in eight officers lives outside Lindeveen."""
        rng = self.rng
        if rng.random() < 0.12:
            tradition = weighted(rng, TRADITIONS)
            born = at - timedelta(days=rng.randint(24 * 365, 60 * 365))
            return self.population.factory.new(tradition, rng.random() < 0.3, born)
        while True:
            person = rng.choice(self.adults)
            if person.age_on(at) >= 21 and person.pid not in self.reserved:
                return person

    def someone(self, low: int, high: int, taken: set[str] | None = None) -> Resident:
        """A resident of Lindeveen aged `low` to `high` today, not planted elsewhere."""
        taken = taken or set()
        fits = [a for a in self.adults if low <= a.age_on(self.today) <= high
                and a.pid not in self.reserved and a.pid not in taken]
        person = self.rng.choice(fits)
        self.reserved.add(person.pid)
        return person

    def officer_since(self, firm: Firm, person: Resident, functie: str) -> None:
        """An officer from the company's registration to its end."""
        self.officers.append(Officer(firm, person, functie, firm.ingeschreven, firm.uitgeschreven))

    def name(self, form: str, person: Resident) -> str | None:
        """A trade name from a form, unique among the companies so far (None when taken)."""
        surname = " ".join(p for p in (person.tussenvoegsel, person.geslachtsnaam) if p)
        name = form.format(S=surname[0].upper() + surname[1:], F=person.roepnaam, P=self.rng.choice(PLACES))
        return None if any(f.naam == name for f in self.firms) else name

    def officers_for(self, firm: Firm, first: Resident | None = None) -> None:
        rng = self.rng
        count = {"eenmanszaak": 1, "vof": 2, "bv": rng.choice([1, 1, 2]), "stichting": rng.choice([2, 3])}
        function = {"eenmanszaak": "eigenaar", "vof": "vennoot", "bv": "bestuurder", "stichting": "bestuurder"}
        people = [first] if first is not None else []
        while len(people) < count.get(firm.rechtsvorm, 1):
            candidate = self.adult(firm.ingeschreven)
            if candidate not in people:
                people.append(candidate)
        for person in people:
            self.officer(firm, person, function.get(firm.rechtsvorm, "bestuurder"))
        if firm.rechtsvorm == "bv" and rng.random() < 0.3:
            self.officer(firm, self.adult(firm.ingeschreven), rng.choice(["aandeelhouder", "gevolmachtigde"]))

    def officer(self, firm: Firm, person: Resident, functie: str) -> None:
        rng = self.rng
        start = firm.ingeschreven + timedelta(days=rng.choice([0, 0, 0, rng.randint(1, 400)]))
        start = min(start, firm.uitgeschreven or self.today)
        end = firm.uitgeschreven
        if end is None and functie != "eigenaar" and rng.random() < 0.08:
            end = day_between(rng, start, self.today - timedelta(days=5))
        self.officers.append(Officer(firm, person, functie, start, end))


def build_economy(rng: random.Random, today: date, addresses: list[Address], population: Population,
                  profile: dict[str, str], signal_people: list[Person],
                  companies: dict[str, list[Company]], plants: Plants | None = None,
                  agency_homes: list[AgencyHome] | None = None) -> Economy:
    plants = plants if plants is not None else Plants()
    builder = _Builder(rng, today, addresses, population, profile)
    by_bsn = {r.bsn: r for r in population.residents if r.bsn}
    signal_residents = [by_bsn[p.bsn] for p in signal_people if p.bsn in by_bsn]
    named = _named_companies(builder, companies, signal_residents)
    straw_men = _straw_men(builder, signal_residents, plants)
    _holdings(builder, plants)
    _company_homes(builder, plants)
    decoy_care = _care(builder, named, plants)
    _generated_companies(builder)
    _label_care(builder, decoy_care, plants)
    economy = Economy(builder.firms, builder.officers, [], straw_men, named)
    _sales(rng, today, addresses, population, builder, economy, profile, plants, agency_homes or [])
    return economy


def _named_companies(builder: _Builder, companies: dict[str, list[Company]],
                     signal_residents: list[Resident]) -> dict[str, Firm]:
    """The companies of the signals, run by the people of the signals (the recurring core first)."""
    rng = builder.rng
    core = signal_residents[:20]
    named: dict[str, Firm] = {}
    for sector_companies in companies.values():
        for company in sector_companies:
            pool = core if rng.random() < 0.6 else signal_residents
            owner = rng.choice(pool) if pool else None
            registered = builder.registered(0.8, 6)
            if owner is not None and owner.age_on(registered) < 21:
                registered = owner.geboortedatum + timedelta(days=22 * 365)
            firm = builder.firm(company.name, registered, builder.address_for(company.name, owner), company.kvk)
            builder.officers_for(firm, owner)
            named[company.name] = firm
    return named


def _straw_men(builder: _Builder, signal_residents: list[Resident], plants: Plants) -> list[Resident]:
    """Three to five people who each direct five to seven short-lived companies, mostly at one office."""
    rng, today = builder.rng, builder.today
    adults = [a for a in builder.adults if 25 <= a.age_on(today) <= 60 and a not in signal_residents]
    count = rng.randint(3, 5)
    men = [signal_residents[0]] if signal_residents else []
    men += rng.sample(adults, count - len(men))
    builder.reserved.update(m.pid for m in men)
    words = rng.sample(STRAW_WORDS, len(STRAW_WORDS))
    offices = rng.sample(builder.places["kantoor"], 2)
    for man in men:
        firms = rng.randint(5, 7)
        for _ in range(firms):
            name = rng.choice(STRAW_FORMS).format(W=words.pop())
            start = today - timedelta(days=rng.randint(30, 760))
            end = start + timedelta(days=rng.randint(90, 400))
            firm = builder.firm(name, start, rng.choice(offices).id, ended=end if end < today - timedelta(days=7)
                                else None, straw=True)
            firm.rechtsvorm = "bv" if "B.V." in name else "eenmanszaak"
            builder.officer(firm, man, "bestuurder" if firm.rechtsvorm == "bv" else "eigenaar")
        plants.case("witwassen_bedrijven", "persoon", man.pid,
                    f"katvanger: bestuurder of eigenaar van {firms} kortlevende bedrijven in twee jaar")
    for office in offices:
        count = sum(1 for f in builder.firms if f.straw and f.adres_id == office.id)
        if count:
            plants.case("witwassen_bedrijven", "adres", office.id,
                        f"kantooradres van {count} kortlevende bedrijven van katvangers")
    return men


def _holdings(builder: _Builder, plants: Plants) -> None:
    """Serial entrepreneurs (decoys): director of four to six long-lived B.V.s of a holding structure."""
    rng, today = builder.rng, builder.today
    for _ in range(rng.randint(3, 4)):
        count = rng.randint(4, 6)
        person = builder.someone(42, 72)
        while sum(1 for form in HOLDING_FORMS if builder.name(form, person) is not None) < count:
            person = builder.someone(42, 72)
        founded = today - timedelta(days=rng.randint(8 * 365, 25 * 365))
        made = 0
        for form in rng.sample(HOLDING_FORMS, len(HOLDING_FORMS)):
            name = builder.name(form, person)
            if name is None:
                continue
            registered = founded if made == 0 else day_between(rng, founded, today - timedelta(days=3 * 365))
            firm = builder.firm(name, registered, builder.address_for(name, person))
            firm.rechtsvorm = "bv"
            builder.officer_since(firm, person, "bestuurder")
            made += 1
            if made == count:
                break
        plants.decoy("witwassen_bedrijven", "persoon", person.pid,
                     f"ondernemer met holdingstructuur: bestuurder van {made} B.V.'s, opgericht sinds "
                     f"{founded.year} en actief")


def _company_homes(builder: _Builder, plants: Plants) -> None:
    """Dwellings used as the address of many companies run by others, most short-lived (cases), and
    family homes from which the household runs a few long-standing businesses (decoys)."""
    rng, today = builder.rng, builder.today
    population = builder.population
    corporation = {a.id for a in population.corporation}
    homes = [h for h in population.households.values() if h.address.use == "woonfunctie"
             and h.address.holiday_park is None and h.address.id not in population.lodgings
             and h.address.id not in corporation and len(h.members) <= 5]
    chosen = rng.sample(homes, rng.randint(3, 4) + rng.randint(3, 4))
    cases, decoys = chosen[: len(chosen) // 2], chosen[len(chosen) // 2:]
    for household in cases:
        count, made = rng.randint(6, 11), 0
        while made < count:
            outside = rng.random() < 0.7
            person = (population.factory.new(weighted(rng, TRADITIONS), rng.random() < 0.3,
                                             today - timedelta(days=rng.randint(22 * 365, 60 * 365)))
                      if outside else builder.adult(today))
            name = builder.name(rng.choice(LETTERBOX_FORMS), person)
            if name is None:
                continue
            start = today - timedelta(days=rng.randint(30, 1100))
            end = start + timedelta(days=rng.randint(120, 500))
            firm = builder.firm(name, start, household.address.id,
                                ended=end if end < today - timedelta(days=7) and rng.random() < 0.7 else None)
            builder.officer_since(firm, person, "bestuurder" if firm.rechtsvorm == "bv" else "eigenaar")
            made += 1
        plants.case("witwassen_bedrijven", "adres", household.address.id,
                    f"woning als vestigingsadres van {count} bedrijven van anderen in drie jaar, de meeste kortlevend")
    for household in decoys:
        adults = [m for m in household.members[:2] if m.age_on(today) >= 25] or household.members[:1]
        count = rng.randint(3, 4)
        forms = rng.sample(FAMILY_FORMS, len(FAMILY_FORMS))
        made = 0
        for form in forms:
            person = rng.choice(adults)
            name = builder.name(form, person)
            if name is None:
                continue
            years = min(20, max(3, person.age_on(today) - 21))
            firm = builder.firm(name, today - timedelta(days=rng.randint(3 * 365, years * 365)), household.address.id)
            builder.officer_since(firm, person, "bestuurder" if firm.rechtsvorm == "bv" else "eigenaar")
            builder.reserved.add(person.pid)
            made += 1
            if made == count:
                break
        plants.decoy("witwassen_bedrijven", "adres", household.address.id,
                     f"gezin met {made} eigen bedrijven aan huis, al jaren actief")


def _cash_business(builder: _Builder, person: Resident) -> Firm:
    rng = builder.rng
    while True:
        name = builder.name(rng.choice(CASH_FORMS), person)
        if name is not None:
            break
    firm = builder.firm(name, builder.registered(1, 4), builder.address_for(name, person))
    builder.officer_since(firm, person, "bestuurder" if firm.rechtsvorm == "bv" else "eigenaar")
    return firm


def _care(builder: _Builder, named: dict[str, Firm], plants: Plants) -> list[Firm]:
    """Care companies whose director also runs a cash business (cases), and ones whose director
    runs other care or a practice (decoys). Returns the decoy care companies.

    A case's director is a current officer of the care company, and the cash business is one he
    runs now: the two roles overlap, as the phenomenon needs (a director who left the care company
    years before opening a snackbar is no case)."""
    rng = builder.rng
    care = [f for f in named.values() if f.sbi in CARE_SBI and f.uitgeschreven is None]
    wanted = rng.randint(3, 5)
    planted = 0
    for firm in rng.sample(care, min(wanted, len(care))):
        current = [o for o in builder.officers if o.firm is firm and _current(o, builder.today)]
        if not current:
            continue  # every officer has left: a new care company takes its place below
        officer = current[0]
        builder.reserved.add(officer.person.pid)
        if not _cash_links(builder.officers, officer, builder.today):
            _cash_business(builder, officer.person)
        planted += 1
    for _ in range(wanted - planted):  # more cases than the demo's named care companies
        owner = builder.someone(28, 62)
        firm = _new_firm(builder, CARE_FORMS, owner, CARE_SBI)
        _cash_business(builder, owner)
    decoys = []
    cash_officers = {o.person.pid for o in builder.officers if o.firm.sbi in CASH_SBI}
    for _ in range(rng.randint(3, 5)):
        owner = builder.someone(30, 64, cash_officers)
        decoys.append(_new_firm(builder, CARE_FORMS, owner, CARE_SBI))
        second = _new_firm(builder, CALM_FORMS, owner, None)
        if second.sbi in CARE_SBI:
            decoys.append(second)
    return decoys


def _current(officer: Officer, today: date) -> bool:
    """The officer holds the role today, at a company that still exists."""
    ended = [d for d in (officer.einde, officer.firm.uitgeschreven) if d is not None]
    return officer.aanvang <= today and all(d > today for d in ended)


def _cash_links(officers: list[Officer], care: Officer, today: date) -> list[Firm]:
    """The cash-intensive businesses the officer of a care company runs today and ran while in the
    care role: the care role is current or ended at most CARE_RECENT_DAYS ago (a director who just
    left may have left on paper only), the cash role is current and began before the care role ended."""
    if care.einde is not None and care.einde <= today - timedelta(days=CARE_RECENT_DAYS):
        return []
    return [o.firm for o in officers
            if o.person is care.person and o.firm is not care.firm and o.firm.sbi in CASH_SBI
            and _current(o, today) and o.aanvang <= (care.einde or today)]


def _new_firm(builder: _Builder, forms: list[str], owner: Resident, sbis: set[str] | None) -> Firm:
    rng = builder.rng
    while True:
        name = builder.name(rng.choice(forms), owner)
        if name is not None and (sbis is None or activity(name)[0] in sbis) and activity(name)[0] not in CASH_SBI:
            break
    firm = builder.firm(name, builder.registered(1, 5), builder.address_for(name, owner))
    builder.officer_since(firm, owner, "bestuurder" if firm.rechtsvorm in ("bv", "stichting") else "eigenaar")
    return firm


def _label_care(builder: _Builder, decoys: list[Firm], plants: Plants) -> None:
    """The answer key from the registers themselves: an active care company is a case when one of its
    officers runs a cash-intensive business at the same time (see `_cash_links`). A decoy's officers
    never ran a cash business at all; a care company whose officer ran one only outside his time there
    is neither."""
    today = builder.today
    ever_cash = {o.person.pid for o in builder.officers if o.firm.sbi in CASH_SBI}
    for firm in builder.firms:
        if firm.sbi not in CARE_SBI or (firm.uitgeschreven is not None and firm.uitgeschreven <= today):
            continue
        officers = [o for o in builder.officers if o.firm is firm]
        linked = [f for o in officers for f in _cash_links(builder.officers, o, today)]
        if linked:
            plants.case("zorgfraude", "bedrijf", firm.kvk,
                        f"zorgbedrijf; een bestuurder runt ook {linked[0].naam} (SBI {linked[0].sbi})")
        elif firm in decoys and not any(o.person.pid in ever_cash for o in officers):
            people = {o.person.pid for o in officers}
            others = [o.firm.naam for o in builder.officers if o.person.pid in people and o.firm is not firm]
            other = others[0] if others else "een ander bedrijf"
            plants.decoy("zorgfraude", "bedrijf", firm.kvk, f"zorgbedrijf; de bestuurder runt ook {other}")


def _generated_companies(builder: _Builder) -> None:
    rng = builder.rng
    names = {f.naam for f in builder.firms}
    while len(builder.firms) < COMPANY_TARGET:
        template = rng.choice(TEMPLATES)
        registered = builder.registered(0.3, 9)
        owner = builder.adult(registered)
        surname = " ".join(p for p in (owner.tussenvoegsel, owner.geslachtsnaam) if p)
        surname = surname[0].upper() + surname[1:]
        name = template.format(S=surname, F=owner.roepnaam, P=rng.choice(PLACES))
        if name in names:
            continue
        names.add(name)
        ended = None
        if rng.random() < 0.08:
            ended = day_between(rng, registered + timedelta(days=200), builder.today - timedelta(days=10))
        firm = builder.firm(name, registered, builder.address_for(name, owner), ended=ended)
        builder.officers_for(firm, owner)


def price(rng: random.Random, address: Address, profile: str, day: date, today: date) -> int:
    """Asking price from floor area and neighbourhood, about 7 % a year cheaper going back."""
    area = address.floor_area or 90
    if address.holiday_park:
        base = rng.uniform(55_000, 160_000)
    elif address.use == "woonfunctie":
        base = area * PRICE_PER_M2.get(profile, 3600) * rng.uniform(0.85, 1.2)
    else:
        base = area * PRICE_PER_M2["bedrijven"] * rng.uniform(0.7, 1.4)
    base *= 0.93 ** ((today - day).days / 365)
    return max(45_000, int(round(base, -3)))


def _mortgage(rng: random.Random, age: int) -> str:
    """Whether a person's purchase has a registered mortgage: the young nearly always do, the old often not."""
    weights = [90, 0, 10] if age < 30 else [50, 40, 10] if age >= 65 else [80, 10, 10]
    return str(rng.choices(["ja", "nee", ""], weights=weights)[0])


def _firm_mortgage(rng: random.Random) -> str:
    return str(rng.choices(["ja", "nee", ""], weights=[35, 50, 15])[0])


@dataclass
class _Market:
    rng: random.Random
    today: date
    horizon: date
    profile: dict[str, str]
    sold: set[str]

    def buy(self, pool: list[Address], day: date, person: Resident | None, firm: Firm | None, mortgage: str,
            factor: float = 1.0) -> Sale | None:
        a = next((a for a in (self.rng.choice(pool) for _ in range(20) if pool) if a.id not in self.sold), None)
        if a is None:  # the pool is nearly sold out: look at every address
            options = [a for a in pool if a.id not in self.sold]
            if not options:
                return None
            a = self.rng.choice(options)
        self.sold.add(a.id)
        amount = price(self.rng, a, self.profile.get(a.id, ""), day, self.today) * factor
        return Sale(a, day, int(round(amount, -3)), person, firm, mortgage)

    def series(self, pool: list[Address], count: int, earliest: date, span: int, person: Resident | None,
               firm: Firm | None, mortgage: str) -> list[Sale]:
        """`count` purchases by one buyer within `span` days from a day after `earliest`."""
        start = day_between(self.rng, max(earliest, self.horizon + timedelta(days=20)),
                            self.today - timedelta(days=100))
        end = min(start + timedelta(days=span), self.today - timedelta(days=3))
        days = sorted(day_between(self.rng, start, end) for _ in range(count))
        return [s for day in days if (s := self.buy(pool, day, person, firm, mortgage)) is not None]


def _sales(rng: random.Random, today: date, addresses: list[Address], population: Population,
           builder: _Builder, economy: Economy, profile: dict[str, str], plants: Plants,
           agency_homes: list[AgencyHome]) -> None:
    """Three years of sales: owner-occupiers and small investors in the background, planted buyers
    (serial cash buyers, young buyers paying a high price without mortgage, employment agencies),
    their look-alikes (investors with mortgages, elderly buyers paying cash), quick resales."""
    horizon = today - timedelta(days=YEARS_OF_SALES * 365)
    corporation = {a.id for a in population.corporation}
    background: list[Sale] = []
    # Owner-occupiers who moved in during the last three years bought their home shortly before.
    for household in population.households.values():
        a = household.address
        if (a.id in corporation or a.holiday_park or a.id in population.lodgings
                or not horizon + timedelta(days=45) < household.since < today):
            continue
        day = household.since - timedelta(days=rng.randint(0, 45))
        buyer = household.members[0]
        background.append(Sale(a, day, price(rng, a, profile.get(a.id, ""), day, today), person=buyer,
                               mortgage=_mortgage(rng, buyer.age_on(day))))
    market = _Market(rng, today, horizon, profile, {s.address.id for s in background}
                     | {h.address.id for h in agency_homes})
    rented = [a for a in addresses if a.id not in corporation and a.id not in market.sold
              and a.use == "woonfunctie" and a.holiday_park is None and a.id not in population.lodgings]
    commercial = [a for a in addresses if a.use in ("winkelfunctie", "kantoorfunctie", "industriefunctie")]
    builder.reserved.update(s.person.pid for s in background if s.person is not None)
    # Corporation tenants buy no homes on the side, except those planted to (woonfraude).
    builder.reserved.update(t.tenant.pid for t in population.tenancies if t.end is None)
    planted = _agency_sales(builder, market, agency_homes)
    cash_buyers, mortgaged = _serial_buyers(builder, economy, market, rented, commercial, plants)
    planted += cash_buyers + mortgaged
    young = _young_buyers(builder, population, market, rented)
    planted += _tenants_buying(builder, population, market, rented)
    planted += young
    labelled = {id(s.firm) for s in cash_buyers + mortgaged + planted if s.firm is not None}
    flips = _flips(builder, market, rented, labelled, plants)
    economy.flips = flips[1::2]
    planted += flips + _resales(builder, market, rented, labelled, plants)
    labelled |= {id(s.firm) for s in planted if s.firm is not None}
    background += _background_investors(rng, today, builder, market, rented, commercial, labelled)
    room = max(0, SALES_TARGET - len(planted))
    if len(background) > room:
        keep = set(rng.sample(range(len(background)), room))
        background = [s for i, s in enumerate(background) if i in keep]
    _elderly_cash(rng, background, plants)
    _tenants_moving_out(rng, today, population, background, plants)
    sales = background + planted
    _label_young(rng, young, sales, plants)
    for s in sales:
        if not s.seller:
            s.seller = _seller(rng, builder)
    sales.sort(key=lambda s: (s.day, s.address.id))
    economy.sales = sales
    _label_tenants_buying(today, population, sales, plants)


def _background_investors(rng: random.Random, today: date, builder: _Builder, market: _Market,
                          rented: list[Address], commercial: list[Address], labelled: set[int]) -> list[Sale]:
    """Private landlords buying one home, straw companies buying one, firms buying their own premises
    (none of them a planted buyer)."""
    out: list[Sale] = []
    landlords = rng.sample([a for a in builder.adults if a.pid not in builder.reserved], 12)
    builder.reserved.update(p.pid for p in landlords)
    for person in landlords:
        day = day_between(rng, market.horizon, today - timedelta(days=6))
        sale = market.buy(rented, day, person, None, _mortgage(rng, person.age_on(day)))
        out += [sale] if sale else []
    for firm in [f for f in builder.firms if f.straw][::2]:
        day = day_between(rng, max(market.horizon, firm.ingeschreven),
                          min(today, firm.uitgeschreven or today) - timedelta(days=6))
        sale = market.buy(rented, day, None, firm, "nee")
        out += [sale] if sale else []
    own_premises = [f for f in builder.firms if not f.straw and f.adres_id not in builder.population.households
                    and f.sbi not in CARE_SBI and f.uitgeschreven is None and id(f) not in labelled]
    for firm in rng.sample(own_premises, min(18, len(own_premises))):
        day = day_between(rng, max(market.horizon, firm.ingeschreven), today - timedelta(days=6))
        sale = market.buy([a for a in commercial if a.id == firm.adres_id], day, None, firm, _firm_mortgage(rng))
        out += [sale] if sale else []
    return out


def _agency_sales(builder: _Builder, market: _Market, homes: list[AgencyHome]) -> list[Sale]:
    """Dwellings bought by employment agencies (SBI 7820) to house their workers."""
    rng = builder.rng
    agencies = [f for f in builder.firms if f.sbi == "7820" and f.uitgeschreven is None]
    rng.shuffle(agencies)
    names = iter(rng.sample(AGENCY_NAMES, len(AGENCY_NAMES)))
    chosen: dict[bool, list[Firm]] = {True: agencies[:2], False: agencies[2:3]}
    out = []
    for home in homes:
        fits = [f for f in chosen[home.case] if f.ingeschreven < home.bought - timedelta(days=60)]
        if not fits:
            name = next(names)
            registered = home.bought - timedelta(days=rng.randint(200, 3000))
            firm = builder.firm(name, registered, rng.choice(builder.places["kantoor"]).id)
            builder.officers_for(firm)
            chosen[home.case].append(firm)
            fits = [firm]
        firm = rng.choice(fits)
        a = home.address
        out.append(Sale(a, home.bought, price(rng, a, market.profile.get(a.id, ""), home.bought, market.today),
                        None, firm, _firm_mortgage(rng)))
    return out


def _serial_buyers(builder: _Builder, economy: Economy, market: _Market, rented: list[Address],
                   commercial: list[Address], plants: Plants) -> tuple[list[Sale], list[Sale]]:
    """Serial buyers: three or more purchases without mortgage within a year (cases), and
    investors buying three or more with mortgages (decoys)."""
    rng, named = builder.rng, economy.named
    cash: list[Sale] = []
    count = rng.randint(3, 5)
    firms = [named[n] for n in ("Veenstaete Vastgoed B.V.", "Stichting Beheer Zuiderdiep") if n in named]
    buyers: list[tuple[Resident | None, Firm | None]] = [(None, f) for f in firms[:rng.randint(1, 2)]]
    buyers += [(economy.straw_men[0], None)] if economy.straw_men else []
    while len(buyers) < count:
        buyers.append((builder.someone(30, 65), None))
    for person, firm in buyers:
        earliest = firm.ingeschreven + timedelta(days=30) if firm else market.horizon
        bought = market.series(rented, rng.randint(3, 5), earliest, rng.randint(60, 330), person, firm, "nee")
        cash += bought
        months = max(1, round((bought[-1].day - bought[0].day).days / 30.4))
        _mark(plants.case, person, firm, f"{len(bought)} aankopen zonder hypotheek binnen {months} maanden")
    mortgaged: list[Sale] = []
    firms = [named[n] for n in ("Lindehof Holding B.V.", "Brinkpoort Beheer B.V.", "Turfhaven Projecten B.V.")
             if n in named]
    firms += [f for f in builder.firms if f.naam.endswith(" Vastgoed B.V.") and f not in named.values()][:1]
    count = rng.randint(4, 6)
    lenders: list[tuple[Resident | None, Firm | None]] = [(None, f) for f in rng.sample(firms, min(3, len(firms)))]
    while len(lenders) < count:
        lenders.append((builder.someone(35, 70), None))
    for person, firm in lenders:
        pool = commercial if firm is not None and firm.sbi == "4110" else rented
        earliest = firm.ingeschreven + timedelta(days=30) if firm else market.horizon
        bought = market.series(pool, rng.randint(3, 5), earliest, rng.randint(120, 800), person, firm, "ja")
        mortgaged += bought
        _mark(plants.decoy, person, firm, f"belegger: {len(bought)} aankopen, alle met hypotheek")
    return cash, mortgaged


def _mark(add: Callable[[str, str, str, str], None], person: Resident | None, firm: Firm | None, story: str) -> None:
    if firm is not None:
        add("witwassen_vastgoed", "bedrijf", firm.kvk, story)
    elif person is not None:
        add("witwassen_vastgoed", "persoon", person.pid, story)


def _young_buyers(builder: _Builder, population: Population, market: _Market, rented: list[Address]) -> list[Sale]:
    """Residents under thirty buying a large home without a mortgage, paying over the odds."""
    rng = builder.rng
    young = [r for h in population.households.values() if h.address.id not in population.lodgings
             for r in h.members if 22 <= r.age_on(market.today) <= 31 and r.pid not in builder.reserved]
    large = [a for a in rented if (a.floor_area or 0) >= 120] or rented
    out = []
    for _ in range(rng.randint(4, 6)):
        day = day_between(rng, market.horizon + timedelta(days=30), market.today - timedelta(days=10))
        fits = [r for r in young if 21 <= r.age_on(day) <= 29 and r.pid not in builder.reserved]
        if not fits:
            continue
        person = rng.choice(fits)
        builder.reserved.add(person.pid)
        sale = market.buy(large, day, person, None, "nee", rng.uniform(1.05, 1.35))
        out += [sale] if sale else []
    return out


def _tenants_buying(builder: _Builder, population: Population, market: _Market, rented: list[Address]
                    ) -> list[Sale]:
    """Corporation tenants who bought a home elsewhere and kept their tenancy: the purchase lies at
    least KEPT_RENTING_DAYS before today, far longer than a move takes."""
    rng = builder.rng
    households = population.households
    latest = builder.today - timedelta(days=KEPT_RENTING_DAYS)
    tenants = [t for t in population.tenancies if t.end is None and t.address.id in households
               and households[t.address.id].members[0] is t.tenant and t.tenant.age_on(builder.today) >= 25
               and max(market.horizon, t.start) + timedelta(days=60) < latest - timedelta(days=60)]
    out = []
    for tenancy in rng.sample(tenants, min(rng.randint(3, 5), len(tenants))):
        day = day_between(rng, max(market.horizon, tenancy.start) + timedelta(days=60), latest)
        sale = market.buy(rented, day, tenancy.tenant, None, _mortgage(rng, tenancy.tenant.age_on(day)))
        out += [sale] if sale else []
    return out


def _label_tenants_buying(today: date, population: Population, sales: list[Sale], plants: Plants) -> None:
    """From the data: a current tenant of the corporation who bought a home after the tenancy began, at
    least KEPT_RENTING_DAYS ago. One who bought more recently may still be moving (a move takes up to
    four months): neither case nor decoy."""
    current = {t.tenant.pid: t for t in population.tenancies if t.end is None}
    for sale in sales:
        tenancy = current.get(sale.person.pid) if sale.person is not None else None
        if (tenancy is not None and sale.person is not None and tenancy.start < sale.day
                <= today - timedelta(days=KEPT_RENTING_DAYS)):
            plants.case("woonfraude", "persoon", sale.person.pid,
                        f"huurt sinds {tenancy.start.year} een corporatiewoning en kocht in "
                        f"{sale.day.year} een woning elders; het huurcontract loopt door")


def _tenants_moving_out(rng: random.Random, today: date, population: Population, background: list[Sale],
                        plants: Plants) -> None:
    """Decoys: buyers who rented from the corporation until shortly after buying, then moved."""
    households = population.households
    corporation = {a.id: a for a in population.corporation}
    earlier = {t.address.id for t in population.tenancies if t.end is not None}
    since = {t.address.id: t.start for t in population.tenancies if t.end is None}
    renting = {t.tenant.pid for t in population.tenancies if t.end is None}
    buyers = [s for s in background if s.person is not None and s.address.id in households
              and households[s.address.id].members[0] is s.person and s.person.pid not in renting
              and s.day < today - timedelta(days=150)]
    count = rng.randint(4, 6)
    for sale in rng.sample(buyers, len(buyers)):
        assert sale.person is not None
        end = sale.day + timedelta(days=rng.randint(5, 90))
        homes = [a for a, start in since.items() if a not in earlier and a in corporation
                 and end + timedelta(days=10) < start < end + timedelta(days=240)]
        if not homes:
            continue
        home = rng.choice(homes)
        earlier.add(home)
        start = end - timedelta(days=rng.randint(700, 5000))
        population.tenancies.append(Tenancy(corporation[home], sale.person, start, end, 0))
        plants.decoy("woonfraude", "persoon", sale.person.pid,
                     f"kocht in {sale.day.year} een woning en zegde de huur van de corporatiewoning binnen drie "
                     "maanden op")
        count -= 1
        if count == 0:
            break


def _label_young(rng: random.Random, young: list[Sale], sales: list[Sale], plants: Plants) -> None:
    """A young buyer pays a high price: at least half again the buurt's median, or over 450,000 euros."""
    by_buurt: dict[str, list[int]] = {}
    for s in sales:
        by_buurt.setdefault(s.address.neighbourhood_code or "", []).append(s.price)
    for sale in young:
        assert sale.person is not None
        prices = sorted(by_buurt[sale.address.neighbourhood_code or ""])
        median = prices[len(prices) // 2]
        if sale.price < 1.5 * median and sale.price <= 450_000:
            sale.price = int(round(median * rng.uniform(1.5, 2.1), -3))
        plants.case("witwassen_vastgoed", "persoon", sale.person.pid,
                    f"koper van {sale.person.age_on(sale.day)} jaar betaalt {euros(sale.price)} zonder hypotheek")


def _elderly_cash(rng: random.Random, background: list[Sale], plants: Plants) -> None:
    """Elderly owner-occupiers who sold a larger home and pay the next one without a mortgage."""
    elderly = [s for s in background if s.person is not None and s.firm is None and s.person.age_on(s.day) >= 65
               and s.address.use == "woonfunctie"]
    for sale in rng.sample(elderly, min(rng.randint(8, 12), len(elderly))):
        assert sale.person is not None
        sale.mortgage = "nee"
        plants.decoy("witwassen_vastgoed", "persoon", sale.person.pid,
                     f"koper van {sale.person.age_on(sale.day)} jaar betaalt {euros(sale.price)} zonder hypotheek "
                     "(kleiner wonen)")


def _traders(builder: _Builder, labelled: set[int], count: int) -> list[Firm]:
    """Active companies that might trade in homes (building, property, holding, trade), not planted otherwise."""
    trades = {"4110", "4120", "4399", "6810", "6820", "6831", "6420", "4690", "7490", "7010"}
    firms = [f for f in builder.firms if f.sbi in trades and not f.straw and f.uitgeschreven is None
             and id(f) not in labelled and f.ingeschreven < builder.today - timedelta(days=400)]
    chosen = builder.rng.sample(firms, min(count, len(firms)))
    labelled.update(id(f) for f in chosen)
    return chosen


def _flips(builder: _Builder, market: _Market, rented: list[Address], labelled: set[int],
           plants: Plants) -> list[Sale]:
    """Homes bought by a company and sold on within three to seven months for a good deal more
    (the purchase and the resale, in pairs)."""
    rng, today = builder.rng, builder.today
    out: list[Sale] = []
    for firm in _traders(builder, labelled, rng.randint(5, 7)):
        low = max(market.horizon, firm.ingeschreven + timedelta(days=30))
        bought = day_between(rng, low, today - timedelta(days=100))
        sold = min(bought + timedelta(days=rng.randint(90, 215)), today - timedelta(days=3))
        first = market.buy(rented, bought, None, firm, _firm_mortgage(rng), rng.uniform(0.8, 0.95))
        if first is None:
            continue
        rise = rng.uniform(1.25, 1.6)
        amount = int(round(first.price * rise, -3))
        if rng.random() < 0.5:
            person = builder.adult(sold)
            resale = Sale(first.address, sold, amount, person, None, _mortgage(rng, person.age_on(sold)), firm.naam)
        else:
            buyers = [f for f in builder.firms if f.uitgeschreven is None and not f.straw and id(f) not in labelled]
            resale = Sale(first.address, sold, amount, None, rng.choice(buyers), _firm_mortgage(rng), firm.naam)
        out += [first, resale]
        months = round((sold - bought).days / 30.4)
        plants.case("witwassen_vastgoed", "bedrijf", firm.kvk,
                    f"kocht {first.address.street} {first.address.house_number} en verkocht na {months} maanden "
                    f"met {round((amount / first.price - 1) * 100)} % winst")
    return out


def _resales(builder: _Builder, market: _Market, rented: list[Address], labelled: set[int],
             plants: Plants) -> list[Sale]:
    """Ordinary resales (decoys): a home sold after two years or more at about the market's rise."""
    rng, today = builder.rng, builder.today
    late = today - timedelta(days=3)
    out: list[Sale] = []
    count = rng.randint(3, 5)
    sellers: list[tuple[Resident | None, Firm | None]] = [(None, f) for f in _traders(builder, labelled, 2)]
    while len(sellers) < count:
        sellers.append((builder.someone(30, 75), None))
    for person, firm in sellers:
        low = max(market.horizon, firm.ingeschreven if firm else market.horizon)
        bought = day_between(rng, low, late - timedelta(days=760))
        mortgage = _firm_mortgage(rng) if firm else _mortgage(rng, person.age_on(bought) if person else 50)
        first = market.buy(rented, bought, person, firm, mortgage)
        if first is None:
            continue
        sold = bought + timedelta(days=rng.randint(730, max(730, min(1060, (late - bought).days))))
        years = (sold - bought).days / 365
        amount = int(round(first.price * 1.065 ** years * rng.uniform(0.95, 1.08), -3))
        seller = firm.naam if firm else _person_name(rng, person) if person else ""
        buyer = builder.adult(sold)
        out += [first, Sale(first.address, sold, amount, buyer, None, _mortgage(rng, buyer.age_on(sold)), seller)]
        story = f"gewone doorverkoop na {years:.1f} jaar met {round((amount / first.price - 1) * 100)} % " \
                "(marktstijging)"
        _mark(plants.decoy, person, firm, story.replace(".", ","))
    return out


def _person_name(rng: random.Random, person: Resident) -> str:
    initials = ".".join(n[0] for n in person.voornamen.split()) + "."
    surname = " ".join(p for p in (person.tussenvoegsel, person.geslachtsnaam) if p)
    return rng.choice([f"{initials} {surname}", f"{person.roepnaam} {surname}"])


def _seller(rng: random.Random, builder: _Builder) -> str:
    person = rng.choice(builder.adults)
    initials = ".".join(n[0] for n in person.voornamen.split()) + "."
    surname = " ".join(p for p in (person.tussenvoegsel, person.geslachtsnaam) if p)
    return rng.choice([f"{initials} {surname}", f"Erven {surname}", f"Fam. {surname}",
                       f"{person.roepnaam} {surname}"])

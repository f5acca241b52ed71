"""Lindeveen's companies, their officers and three years of property sales: the ground truth
behind the KvK-like and Kadaster-like extracts.

The story the analysis should find: the named companies of the demo's signals, run by the
people the signals name; three straw men who each direct a string of short-lived companies
registered at the same office address; investors and property companies buying homes, a
few of them resold within months at a higher price.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from weerbaar.core.models import Address
from weerbaar.demo.people import Company, Person
from weerbaar.demo.residents import TRADITIONS, Population, Resident, day_between, weighted

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
               "Global", "Unity", "Apex", "Vertex", "Nexus", "Phoenix", "Sterling", "Trident", "Aurora", "Falcon"]
STRAW_FORMS = ["{W} Trading B.V.", "{W} Services", "{W} Groep B.V.", "{W} Handelsonderneming",
               "{W} Logistics B.V.", "{W} Invest B.V.", "{W} Bouw B.V.", "{W} Schoonmaak"]
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
            if person.age_on(at) >= 21:
                return person

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
                  companies: dict[str, list[Company]]) -> Economy:
    builder = _Builder(rng, today, addresses, population, profile)
    by_bsn = {r.bsn: r for r in population.residents if r.bsn}
    signal_residents = [by_bsn[p.bsn] for p in signal_people if p.bsn in by_bsn]
    named = _named_companies(builder, companies, signal_residents)
    straw_men = _straw_men(builder, signal_residents)
    _generated_companies(builder)
    sales = _sales(rng, today, addresses, population, builder, straw_men, named, profile)
    return Economy(builder.firms, builder.officers, sales, straw_men, named)


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


def _straw_men(builder: _Builder, signal_residents: list[Resident]) -> list[Resident]:
    """Three people who each direct five to seven short-lived companies at the same office address."""
    rng, today = builder.rng, builder.today
    adults = [a for a in builder.adults if 25 <= a.age_on(today) <= 60 and a not in signal_residents]
    men = [signal_residents[0]] if signal_residents else []
    men += rng.sample(adults, 3 - len(men))
    words = rng.sample(STRAW_WORDS, len(STRAW_WORDS))
    offices = rng.sample(builder.places["kantoor"], 2)
    for man in men:
        for _ in range(rng.randint(5, 7)):
            name = rng.choice(STRAW_FORMS).format(W=words.pop())
            start = today - timedelta(days=rng.randint(60, YEARS_OF_SALES * 365))
            end = start + timedelta(days=rng.randint(120, 430))
            firm = builder.firm(name, start, rng.choice(offices).id, ended=end if end < today - timedelta(days=7)
                                else None, straw=True)
            firm.rechtsvorm = "bv" if "B.V." in name else "eenmanszaak"
            builder.officer(firm, man, "bestuurder" if firm.rechtsvorm == "bv" else "eigenaar")
    return men


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


def _sales(rng: random.Random, today: date, addresses: list[Address], population: Population,
           builder: _Builder, straw_men: list[Resident], named: dict[str, Firm],
           profile: dict[str, str]) -> list[Sale]:
    horizon = today - timedelta(days=YEARS_OF_SALES * 365)
    corporation = {a.id for a in population.corporation}
    sales: list[Sale] = []
    # Owner-occupiers who moved in during the last three years bought their home shortly before.
    for household in population.households.values():
        a = household.address
        if a.id in corporation or a.holiday_park or not horizon + timedelta(days=45) < household.since < today:
            continue
        day = household.since - timedelta(days=rng.randint(0, 45))
        sales.append(Sale(a, day, price(rng, a, profile.get(a.id, ""), day, today), person=household.members[0],
                          mortgage=rng.choices(["ja", "nee", ""], weights=[78, 12, 10])[0]))
    sold = {s.address.id for s in sales}
    rented = [a for a in addresses if a.id not in corporation and a.id not in sold and a.use == "woonfunctie"]
    commercial = [a for a in addresses if a.use in ("winkelfunctie", "kantoorfunctie", "industriefunctie")]
    investors = [*straw_men[:1], *rng.sample(population.adults(today), 14)]
    plan: list[tuple[Resident | None, Firm | None, list[Address], int]] = [
        (investors[0], None, rented, 3), (investors[1], None, rented, 6),
        *[(p, None, rented, 1) for p in investors[2:]],
    ]
    for name, count in (("Veenstaete Vastgoed B.V.", 8), ("Lindehof Holding B.V.", 5), ("Brinkpoort Beheer B.V.", 4),
                        ("Stichting Beheer Zuiderdiep", 3)):
        if name in named:
            plan.append((None, named[name], rented, count))
    if "Turfhaven Projecten B.V." in named:
        plan.append((None, named["Turfhaven Projecten B.V."], commercial, 4))
    for straw_firm in [f for f in builder.firms if f.straw][::2]:
        plan.append((None, straw_firm, rented, 1))
    own_premises = [f for f in builder.firms if not f.straw and f.adres_id not in population.households]
    for owner_firm in rng.sample(own_premises, min(18, len(own_premises))):
        plan.append((None, owner_firm, [a for a in commercial if a.id == owner_firm.adres_id], 1))
    for person, firm, pool, count in plan:
        for _ in range(count):
            options = [a for a in pool if a.id not in sold]
            if not options:
                break
            a = rng.choice(options)
            sold.add(a.id)
            low = max(horizon, firm.ingeschreven if firm else horizon)
            high = min(today - timedelta(days=3), firm.uitgeschreven or today if firm else today)
            day = day_between(rng, low, high - timedelta(days=3))
            mortgage = rng.choices(["ja", "nee", ""], weights=[35, 50, 15] if firm else [70, 20, 10])[0]
            sales.append(Sale(a, day, price(rng, a, profile.get(a.id, ""), day, today), person, firm,
                              "nee" if firm and firm.straw else mortgage))
    sales += _flips(rng, today, sales, builder)
    if len(sales) > SALES_TARGET:
        keep = set(rng.sample(range(len(sales)), SALES_TARGET))
        sales = [s for i, s in enumerate(sales) if i in keep]
    for s in sales:
        if not s.seller:
            s.seller = _seller(rng, builder)
    sales.sort(key=lambda s: (s.day, s.address.id))
    return sales


def _flips(rng: random.Random, today: date, sales: list[Sale], builder: _Builder) -> list[Sale]:
    """A few homes bought by a company and sold on within months for a good deal more."""
    flips: list[Sale] = []
    bought = [s for s in sales if s.firm is not None and s.day < today - timedelta(days=200)]
    for first in rng.sample(bought, min(6, len(bought))):
        assert first.firm is not None
        day = first.day + timedelta(days=rng.randint(90, 190))
        buyer_firm = rng.choice([f for f in builder.firms if f is not first.firm and f.uitgeschreven is None])
        to_person = rng.random() < 0.5
        flips.append(Sale(first.address, day, int(round(first.price * rng.uniform(1.25, 1.6), -3)),
                          builder.adult(day) if to_person else None, None if to_person else buyer_firm,
                          rng.choice(["ja", "nee"]), first.firm.naam))
    return flips


def _seller(rng: random.Random, builder: _Builder) -> str:
    person = rng.choice(builder.adults)
    initials = ".".join(n[0] for n in person.voornamen.split()) + "."
    surname = " ".join(p for p in (person.tussenvoegsel, person.geslachtsnaam) if p)
    return rng.choice([f"{initials} {surname}", f"Erven {surname}", f"Fam. {surname}",
                       f"{person.roepnaam} {surname}"])

"""The residents of Lindeveen: households in every dwelling, the people who moved away, and
the tenants of the housing corporation — the ground truth behind the partner extracts.

Every person has one true id (`pid`); each extract shows the same person under its own key
and its own spelling, and the answer key maps those keys back to `pid`. The 180 people who
figure in the demo's signals (`people.make_people`) live here too, with their own BSNs, so
that a signal, a registration and a tenancy can meet in one subject.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol, TypeVar

from weerbaar.core.models import Address
from weerbaar.demo.geography import BUURTEN
from weerbaar.demo.people import Person, reserved_bsns

T = TypeVar("T")

# Per naming tradition: male first names, female first names, surnames as (particle, name).
NAMES: dict[str, tuple[list[str], list[str], list[tuple[str, str]]]] = {
    "nl": (
        ["Jan", "Pieter", "Kees", "Henk", "Bram", "Daan", "Jeroen", "Mark", "Ruud", "Sander", "Thijs",
         "Wouter", "Roel", "Gert-Jan", "Johannes", "Cornelis", "Hendrik", "Willem", "Gerrit", "Dirk",
         "Martijn", "Bas", "Tom", "Lucas", "Sem", "Jesse", "Niels", "Erik", "Frank", "Rob", "Hans", "Gijs",
         "Koen", "Stijn", "Joost", "Arjen", "Marco", "Dennis", "Patrick", "Vincent", "Teun", "Luuk", "Finn"],
        ["Anouk", "Sanne", "Lotte", "Femke", "Marieke", "Ingrid", "Esther", "Petra", "Linda", "Ilse", "Joyce",
         "Kim", "Maaike", "Willemijn", "Johanna", "Maria", "Cornelia", "Hendrika", "Wilhelmina", "Anna",
         "Emma", "Julia", "Sophie", "Tess", "Fleur", "Eva", "Noor", "Lisa", "Iris", "Monique", "Sandra",
         "Annemieke", "Karin", "Mirjam", "Renate", "Yvonne", "Saskia", "Bianca", "Nicole", "Geertje"],
        [("van der", "Wal"), ("de", "Vries"), ("", "Jansen"), ("van", "Dijk"), ("", "Bakker"), ("", "Visser"),
         ("", "Smit"), ("de", "Boer"), ("van den", "Berg"), ("", "Mulder"), ("", "Kuipers"), ("ter", "Horst"),
         ("van 't", "Hek"), ("", "Hoekstra"), ("de", "Graaf"), ("van", "Leeuwen"), ("", "Brouwer"),
         ("in 't", "Veld"), ("van der", "Meulen"), ("", "Veenstra"), ("", "Timmermans"), ("op den", "Kamp"),
         ("", "Dekker"), ("van", "Beek"), ("de", "Jong"), ("", "Meijer"), ("de", "Wit"), ("", "Peters"),
         ("", "Hendriks"), ("", "Willems"), ("", "Schouten"), ("van der", "Linden"), ("", "Vos"),
         ("", "Prins"), ("", "Huisman"), ("", "Kok"), ("", "Post"), ("", "Koster"), ("de", "Haan"),
         ("", "Schipper"), ("van", "Vliet"), ("", "Vermeulen"), ("ten", "Brink"), ("", "Bosman"),
         ("van der", "Heijden"), ("", "Evers"), ("", "Hofman"), ("", "Groen"), ("", "Postma"),
         ("", "Zwart"), ("van", "Wijk"), ("te", "Velde"), ("", "Boersma"), ("", "Wolters"), ("", "Hermans"),
         ("de", "Ruiter"), ("", "Lammers"), ("van", "Rijn"), ("", "Scholten"), ("van 't", "Zand"),
         ("", "Nijhuis"), ("", "Kramer"), ("", "Verhoeven"), ("van den", "Bosch"), ("", "Molenaar"),
         ("", "Jacobs"), ("", "Bos"), ("van", "Doorn"), ("", "Blom"), ("", "Teunissen"), ("de", "Bruijn")],
    ),
    "ma": (
        ["Mohamed", "Youssef", "Soufiane", "Hamza", "Bilal", "Anouar", "Said", "Nordin", "Ayoub", "Rachid",
         "Karim", "Adam", "Ilias", "Zakaria"],
        ["Fatima", "Nadia", "Samira", "Khadija", "Ikram", "Latifa", "Yasmina", "Imane", "Naima", "Sara",
         "Hafsa", "Meryem", "Salma"],
        [("", "El Amrani"), ("", "Bouzid"), ("", "Azzouzi"), ("", "Benali"), ("el", "Idrissi"), ("", "Ouali"),
         ("", "Chaoui"), ("", "Boukhari"), ("", "Tahiri"), ("", "Amrani"), ("", "El Khatib"), ("", "Haddou"),
         ("", "Ait Taleb"), ("", "Bakkali"), ("el", "Hamdaoui"), ("", "Aarab"), ("", "Ziani")],
    ),
    "tr": (
        ["Mehmet", "Emre", "Burak", "Murat", "Kemal", "Serkan", "Ahmet", "Hakan", "Mustafa", "Ali", "Yusuf"],
        ["Ayşe", "Elif", "Zeynep", "Fatma", "Özlem", "Gül", "Esra", "Hatice", "Emine", "Büşra"],
        [("", "Yılmaz"), ("", "Kaya"), ("", "Demir"), ("", "Çelik"), ("", "Şahin"), ("", "Öztürk"),
         ("", "Aydın"), ("", "Arslan"), ("", "Doğan"), ("", "Koç"), ("", "Yıldız"), ("", "Polat"),
         ("", "Erdoğan"), ("", "Güneş"), ("", "Korkmaz")],
    ),
    "pl": (
        ["Piotr", "Tomasz", "Krzysztof", "Paweł", "Marek", "Łukasz", "Michał", "Jakub"],
        ["Katarzyna", "Agnieszka", "Magdalena", "Joanna", "Ewa", "Monika", "Aleksandra"],
        [("", "Kowalski"), ("", "Nowak"), ("", "Wiśniewski"), ("", "Wójcik"), ("", "Kamiński"),
         ("", "Lewandowski"), ("", "Zieliński"), ("", "Szymański"), ("", "Mazur"), ("", "Krawczyk")],
    ),
}
TRADITIONS = [("nl", 64), ("ma", 14), ("tr", 12), ("pl", 10)]
_FEMALE = {name for _, female, _ in NAMES.values() for name in female}

# Households per dwelling: 0 (vacant, or nobody registered) to 5 people; about 1.8 on average.
HOUSEHOLD_SIZES = [(0, 6), (1, 42), (2, 30), (3, 10), (4, 9), (5, 3)]
CORPORATION_SHARE = {"naoorlogs": 0.55, "oud": 0.30, "centrum": 0.12, "nieuwbouw": 0.10}
_PROFILE = {b.code: b.profile for b in BUURTEN}


@dataclass(eq=False)  # a person is themselves, not whoever has the same name and birth date
class Resident:
    """One real (fictional) person; `brp_id` is empty when the BRP extract does not hold them."""

    pid: str
    voornamen: str
    tussenvoegsel: str
    geslachtsnaam: str
    geboortedatum: date
    geslacht: str  # M | V
    bsn: str = ""
    brp_id: str = ""
    adres_id: str | None = None
    ingeschreven: date | None = None
    uitgeschreven: date | None = None

    @property
    def roepnaam(self) -> str:
        return self.voornamen.split()[0]

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.roepnaam, self.tussenvoegsel, self.geslachtsnaam) if p)

    def age_on(self, day: date) -> int:
        return (day - self.geboortedatum).days // 365


@dataclass
class Household:
    address: Address
    since: date
    members: list[Resident] = field(default_factory=list)  # adults first


@dataclass
class Tenancy:
    address: Address
    tenant: Resident
    start: date
    end: date | None
    nuisance: int = 0


@dataclass
class Population:
    residents: list[Resident]  # everyone, in order of creation; BRP rows are those with brp_id
    households: dict[str, Household]  # adres_id -> current household (absent: nobody registered)
    corporation: list[Address]  # dwellings owned by the housing corporation
    tenancies: list[Tenancy]
    sublets: list[Address]  # corporation dwellings let to someone registered elsewhere
    chalet_dwellers: list[Resident]  # registered at a holiday-park chalet
    factory: Factory  # draws persons who live elsewhere (officers, buyers) into `residents`
    lodgings: set[str] = field(default_factory=set)  # let per room or bed (demo.plants): no family home

    def brp(self) -> list[Resident]:
        return [r for r in self.residents if r.brp_id]

    def adults(self, today: date) -> list[Resident]:
        """Current heads of household and partners, 21 or older, in a stable order (lodgers left out)."""
        return [m for h in self.households.values() if h.address.id not in self.lodgings
                for m in h.members[:2] if m.age_on(today) >= 21]


class Factory:
    """Draws new persons with unique true ids."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.people: list[Resident] = []
        self.serial = 0  # never reused, also when a stand-in is replaced

    def _pid(self) -> str:
        self.serial += 1
        return f"persoon-{self.serial:05d}"

    def new(self, tradition: str, female: bool, born: date, surname: tuple[str, str] | None = None) -> Resident:
        rng = self.rng
        male_names, female_names, surnames = NAMES[tradition]
        pool = female_names if female else male_names
        given = rng.choice(pool)
        if tradition == "nl" and rng.random() < 0.45:
            second = rng.choice([n for n in pool if n != given and "-" not in n])
            given = f"{given} {second}"
        particle, name = surname or rng.choice(surnames)
        if female and tradition == "pl" and name.endswith("ski"):
            name = name[:-1] + "a"  # Polish surnames take the feminine form
        person = Resident(self._pid(), given, particle, name, born,
                          "V" if female else "M")
        self.people.append(person)
        return person

    def adopt(self, person: Person) -> Resident:
        """A person of the demo's signals, with their own name, birth date and BSN."""
        female = person.given_names in _FEMALE
        resident = Resident(self._pid(), person.given_names, person.prefix,
                            person.surname, person.birth_date, "V" if female else "M", bsn=person.bsn)
        self.people.append(resident)
        return resident

    def born(self, low_age: int, high_age: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low_age * 365, high_age * 365 + 364))


class Planter(Protocol):
    """Plants households (demo.plants.PopulationPlanter) once every dwelling has its own."""

    planted: set[str]  # adres_ids with a planted household: left alone afterwards
    lodgings: set[str]

    def __call__(self, factory: Factory, addresses: list[Address], homes: list[Address], owned: set[str],
                 households: dict[str, Household]) -> None: ...


def weighted(rng: random.Random, options: Sequence[tuple[T, int]]) -> T:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def dwellings(addresses: list[Address], mixed: set[str]) -> list[Address]:
    """Addresses people can live at: homes, and shops with a home (gebruiksdoel with woonfunctie)."""
    return [a for a in addresses if a.use == "woonfunctie" or a.id in mixed]


def build_population(rng: random.Random, today: date, addresses: list[Address], mixed: set[str],
                     signal_people: list[Person], planter: Planter | None = None) -> Population:
    homes = dwellings(addresses, mixed)
    corporation = _corporation_dwellings(rng, homes)
    owned = {a.id for a in corporation}
    factory = Factory(rng, today)
    households: dict[str, Household] = {}
    for address in homes:
        size = weighted(rng, HOUSEHOLD_SIZES)
        if address.id in mixed:
            size = min(size, 2)
        if size == 0:
            continue
        households[address.id] = _household(factory, address, size, address.id in owned)
    chalet_dwellers = _chalet_dwellers(factory, rng, addresses, households)
    planted: set[str] = set()
    lodgings: set[str] = set()
    if planter is not None:
        planter(factory, addresses, homes, owned, households)
        planted, lodgings = planter.planted, planter.lodgings
    _place_signal_people(factory, rng, signal_people, households, planted)
    tenancies, sublets = _tenancies(factory, rng, today, corporation, households, lodgings)
    _register(rng, factory.people)
    return Population(factory.people, households, corporation, tenancies, sublets, chalet_dwellers, factory,
                      lodgings)


def _corporation_dwellings(rng: random.Random, homes: list[Address]) -> list[Address]:
    out = []
    for a in homes:
        flat = a.house_letter is not None and a.use == "woonfunctie" and _PROFILE[a.neighbourhood_code or ""] in (
            "naoorlogs", "oud")
        if flat or rng.random() < CORPORATION_SHARE.get(_PROFILE[a.neighbourhood_code or ""], 0.0):
            out.append(a)
    return out


def _household(factory: Factory, address: Address, size: int, rented: bool) -> Household:
    rng, today = factory.rng, factory.today
    tradition = weighted(rng, TRADITIONS)
    # Owner-occupied homes change hands about once in 25 years; tenants move more often.
    years = min(rng.expovariate(1 / (7 if rented else 11)), 45)
    since = today - timedelta(days=int(years * 365) + rng.randint(0, 364))
    with_children = size >= 3
    low, high = (27, 52) if with_children else (20, 88)
    low = max(low, int(years) + 19)
    high = max(high, low + 2)
    first_female = rng.random() < (0.35 if size >= 2 else 0.55)
    first = factory.new(tradition, first_female, factory.born(low, high))
    members = [first]
    if size >= 2:
        partner_tradition = tradition if rng.random() < 0.85 else weighted(rng, TRADITIONS)
        partner_female = not first_female if rng.random() < 0.93 else first_female
        age = max(19, min(95, first.age_on(today) + rng.randint(-6, 6)))
        members.append(factory.new(partner_tradition, partner_female, factory.born(age, age)))
    if size >= 2 and not with_children and rng.random() < 0.15:
        with_children = True  # a single parent with one child
        members.pop()
    father = next((m for m in members if m.geslacht == "M"), first)
    youngest_parent = min(m.age_on(today) for m in members)
    while len(members) < size:
        age = rng.randint(0, max(0, min(22, youngest_parent - 20)))
        child = factory.new(tradition, rng.random() < 0.5, factory.born(age, age),
                            (father.tussenvoegsel, father.geslachtsnaam))
        members.append(child)
    for m in members:
        m.adres_id = address.id
        m.ingeschreven = max(since, m.geboortedatum)
    return Household(address, since, members)


def _chalet_dwellers(factory: Factory, rng: random.Random, addresses: list[Address],
                     households: dict[str, Household]) -> list[Resident]:
    """A dozen people registered at a holiday-park chalet: permanent habitation, not allowed there."""
    chalets = [a for a in addresses if a.holiday_park and a.use != "woonfunctie"]
    out: list[Resident] = []
    for address in rng.sample(chalets, min(9, len(chalets))):
        household = _household(factory, address, rng.choice([1, 1, 2]), rented=True)
        households[address.id] = household
        out += household.members
    return out


def _place_signal_people(factory: Factory, rng: random.Random, signal_people: list[Person],
                         households: dict[str, Household], planted: set[str]) -> None:
    """Each person of the signals heads a household of their own (replacing its first adult)."""
    candidates = [h for h in households.values() if h.address.holiday_park is None and h.address.id not in planted]
    stand_ins: set[int] = set()
    for person, household in zip(signal_people, rng.sample(candidates, len(signal_people)), strict=False):
        stand_in = household.members[0]
        stand_ins.add(id(stand_in))
        resident = factory.adopt(person)
        resident.adres_id = stand_in.adres_id
        resident.ingeschreven = max(household.since, resident.geboortedatum)
        household.members[0] = resident
    factory.people[:] = [p for p in factory.people if id(p) not in stand_ins]


def _tenancies(factory: Factory, rng: random.Random, today: date, corporation: list[Address],
               households: dict[str, Household], lodgings: set[str]) -> tuple[list[Tenancy], list[Address]]:
    tenancies: list[Tenancy] = []
    sublets: list[Address] = []
    owned = {a.id for a in corporation}
    used: set[str] = set()  # movers already given a previous tenancy
    heads = [h for h in households.values() if h.address.holiday_park is None and h.address.id not in lodgings]
    outsiders = [h.members[0] for h in heads if h.address.id not in owned and h.members[0].age_on(today) >= 23]
    heads.sort(key=lambda h: h.since)  # so that those who moved in after a day are one slice
    for address in corporation:
        household = households.get(address.id)
        start: date
        if household is not None:
            tenant = household.members[0]
            start = household.since - timedelta(days=rng.randint(0, 20))
            tenancies.append(Tenancy(address, tenant, start, None, _nuisance(rng)))
        elif rng.random() < 0.45 and outsiders:
            # Let to someone who stays registered at their own address: sublet or a grow house.
            tenant = outsiders.pop(rng.randrange(len(outsiders)))
            start = today - timedelta(days=rng.randint(200, 2400))
            tenancies.append(Tenancy(address, tenant, start, None, rng.choice([0, 1, 2, 3, 4])))
            sublets.append(address)
        else:
            start = today - timedelta(days=rng.randint(10, 150))  # vacant since the last tenant left
        if rng.random() < (0.30 if household is not None else 0.8):
            tenancies.append(_previous_tenancy(factory, rng, address, start, heads, used))
    return tenancies, sublets


def _previous_tenancy(factory: Factory, rng: random.Random, address: Address, next_start: date,
                      heads: list[Household], used: set[str]) -> Tenancy:  # heads: sorted by `since`
    """The tenant before: moved out of Lindeveen, moved within it, or gone before the BRP extract's horizon."""
    end = next_start - timedelta(days=rng.randint(1, 40))
    start = end - timedelta(days=rng.randint(400, 6000))
    roll = rng.random()
    tenant: Resident | None = None
    if roll < 0.35:
        later = heads[bisect_right(heads, end, key=lambda h: h.since):]
        movers = [h.members[0] for h in later
                  if h.address is not address and h.members[0].age_on(start) >= 19 and h.members[0].pid not in used]
        if movers:
            tenant = rng.choice(movers)  # moved within Lindeveen: now registered elsewhere
            used.add(tenant.pid)
    if tenant is None:
        tradition = weighted(rng, TRADITIONS)
        age_at_start = rng.randint(20, 70)
        born = start - timedelta(days=age_at_start * 365 + rng.randint(0, 364))
        tenant = factory.new(tradition, rng.random() < 0.5, born)
        if roll < 0.8:  # moved away: the BRP still holds the old registration, ended
            tenant.adres_id = address.id
            tenant.ingeschreven = start + timedelta(days=rng.randint(0, 14))
            tenant.uitgeschreven = end + timedelta(days=rng.randint(0, 14))
    return Tenancy(address, tenant, start, end, _nuisance(rng))


def _nuisance(rng: random.Random) -> int:
    return weighted(rng, [(0, 86), (1, 8), (2, 3), (3, 2), (5, 1)])


def _register(rng: random.Random, people: list[Resident]) -> None:
    """BRP keys for everyone registered (now or before), and the reserved test BSNs for as many as there are."""
    registered = [p for p in people if p.adres_id is not None]
    keys = rng.sample(range(1_000_000_000, 10_000_000_000), len(registered))
    taken = {p.bsn for p in people if p.bsn}
    free = [b for b in reserved_bsns() if b not in taken]
    rng.shuffle(free)
    without = [p for p in registered if not p.bsn]
    for person in rng.sample(without, min(len(free), len(without))):
        person.bsn = free.pop()
    for person, key in zip(registered, keys, strict=True):
        person.brp_id = str(key)


def day_between(rng: random.Random, low: date, high: date) -> date:
    if high <= low:
        return low
    return low + timedelta(days=rng.randint(0, (high - low).days))

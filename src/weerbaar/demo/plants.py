"""Planted cases and legitimate look-alikes (decoys) in the demo extracts, with their answer key.

The evaluation of the indicators (`bench/detectie.py`) needs to know, per phenomenon, which
addresses, persons and companies the generator made suspicious on purpose (cases) and which
it made look suspicious for an innocent reason (decoys: a heat pump, an electric car, solar
panels, a big family, a student house, an elderly buyer paying cash, an investor with
mortgages, a serial entrepreneur with a holding). Cases and decoys are drawn from the seed
with natural variation, from every naming tradition alike: a name never marks anyone.

This module holds the answer key (`Target`, `Plants`), the planted households
(`PopulationPlanter`, called while the population is built) and the planted energy use
(`EnergyPlan`, `plan_energy`). The planted companies and sales live in `demo.economy`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from weerbaar.core.models import Address
from weerbaar.demo.residents import TRADITIONS, Factory, Household, Population, Resident, weighted

PHENOMENA = ("hennepteelt", "energiefraude", "woonfraude", "mensenhandel", "vakantieparken",
             "witwassen_vastgoed", "witwassen_bedrijven", "zorgfraude")
# Share of a year's solar yield per calendar month (the Netherlands, south-facing roof).
SOLAR_SHARE = [2.5, 4.5, 8.0, 11.5, 13.5, 13.5, 13.5, 11.5, 9.0, 6.0, 4.0, 2.5]
# Share of a year's electricity at a chalet used for weekends and holidays.
RECREATION_SHARE = [4, 4, 6, 9, 10, 11, 15, 15, 9, 7, 4, 6]
KWH_PER_M3_GAS = 8.8  # useful heat from one m3 of gas in a condensing boiler
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]


@dataclass(frozen=True)
class Target:
    kind: str  # "adres" | "persoon" | "bedrijf"
    ref: str  # adres: BAG adres_id; persoon: the true person id (Resident.pid); bedrijf: KvK number
    story: str  # Dutch one-liner


@dataclass
class Plants:
    cases: dict[str, list[Target]] = field(default_factory=dict)  # phenomenon code -> planted cases
    decoys: dict[str, list[Target]] = field(default_factory=dict)  # phenomenon code -> legitimate look-alikes

    def case(self, phenomenon: str, kind: str, ref: str, story: str) -> None:
        _add(self.cases.setdefault(phenomenon, []), Target(kind, ref, story))

    def decoy(self, phenomenon: str, kind: str, ref: str, story: str) -> None:
        _add(self.decoys.setdefault(phenomenon, []), Target(kind, ref, story))

    def settle(self) -> None:
        """A case is never also a decoy of the same phenomenon; every phenomenon has both lists."""
        for phenomenon in PHENOMENA:
            cases = self.cases.setdefault(phenomenon, [])
            refs = {(t.kind, t.ref) for t in cases}
            self.decoys[phenomenon] = [t for t in self.decoys.get(phenomenon, []) if (t.kind, t.ref) not in refs]

    def as_dict(self) -> dict[str, dict[str, list[dict[str, str]]]]:
        def listing(targets: dict[str, list[Target]]) -> dict[str, list[dict[str, str]]]:
            return {p: [{"kind": t.kind, "ref": t.ref, "story": t.story} for t in ts]
                    for p, ts in sorted(targets.items())}
        return {"cases": listing(self.cases), "decoys": listing(self.decoys)}


def _add(targets: list[Target], target: Target) -> None:
    if all((t.kind, t.ref) != (target.kind, target.ref) for t in targets):
        targets.append(target)


def euros(amount: float) -> str:
    return "€ " + f"{round(amount):,}".replace(",", ".")


def number(amount: float) -> str:
    return f"{round(amount):,}".replace(",", ".")


def month_name(today: date, months_ago: int) -> str:
    """The Dutch name and year of the month `months_ago` complete months before today's month."""
    index = today.year * 12 + today.month - 1 - months_ago
    return f"{MONTHS[index % 12]} {index // 12}"


# --- energy --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnergyPlan:
    """What changes the metered use of one connection, from period `start` (0 = oldest of twelve)."""

    kind: str  # kwekerij | warmtepomp | laadpaal | zonnepanelen | omleiding | recreatie
    start: int = 0
    amount: float = 0.0  # kWh a month (kwekerij, laadpaal), kWh a year (zonnepanelen, recreatie),
    # metered share (omleiding), coefficient of performance (warmtepomp)

    def apply(self, rng: random.Random, index: int, month: int, kwh: float, gas: float | None
              ) -> tuple[float, float | None]:
        if self.kind == "recreatie":  # weekends and holidays, all year
            return self.amount * RECREATION_SHARE[month - 1] / 100 * rng.uniform(0.7, 1.3), gas
        if index < self.start:
            return kwh, gas
        if self.kind == "kwekerij":
            return kwh + self.amount * rng.uniform(0.9, 1.1), gas
        if self.kind == "laadpaal":
            return kwh + self.amount * rng.uniform(0.8, 1.2), gas
        if self.kind == "omleiding":
            return kwh * self.amount * rng.uniform(0.85, 1.15), gas
        if self.kind == "zonnepanelen":
            produced = self.amount * SOLAR_SHARE[month - 1] / 100 * rng.uniform(0.8, 1.2)
            return max(kwh * rng.uniform(0.02, 0.1), kwh - produced), gas
        if self.kind == "warmtepomp" and gas is not None:
            heat = gas * KWH_PER_M3_GAS
            return kwh + heat / self.amount, float(rng.choice([0, 0, 0, 1, 2]))
        return kwh, gas


def plan_energy(rng: random.Random, today: date, addresses: list[Address], population: Population,
                taken: set[str], plants: Plants) -> tuple[dict[str, EnergyPlan], list[Address]]:
    """Grow rooms (cases) and their look-alikes, meter bypasses and solar panels, chalets used at weekends.

    Returns the plan per adres_id and the grow rooms. `taken`: addresses planted otherwise.
    """
    households = population.households
    corporation = {a.id for a in population.corporation}
    used = set(taken)
    plans: dict[str, EnergyPlan] = {}

    def pick(pool: Sequence[Address], count: int) -> list[Address]:
        free = [a for a in pool if a.id not in used]
        chosen = rng.sample(free, min(count, len(free)))
        used.update(a.id for a in chosen)
        return chosen

    owned = [h.address for h in households.values() if h.address.id not in corporation
             and h.address.holiday_park is None and h.address.use == "woonfunctie"]
    with_gas = [a for a in owned if (a.year_built or 1970) < 2018]
    chalets = [a for a in addresses if a.holiday_park and a.use != "woonfunctie" and a.id not in households]
    small_sheds = sorted((a for a in addresses if a.use == "industriefunctie"), key=lambda a: a.floor_area or 0)
    sheds = small_sheds[: max(1, len(small_sheds) // 3)]
    count = rng.randint(12, 15)
    sublets, sheds_n = rng.randint(4, 6), rng.randint(1, 2)
    grow = (pick(population.sublets, sublets) + pick(chalets, 1) + pick(sheds, sheds_n))
    grow += pick(owned, count - len(grow))
    for a in grow:
        months = rng.randint(1, 12)
        kwh = rng.uniform(800, 4000)
        plans[a.id] = EnergyPlan("kwekerij", 12 - months, kwh)
        plants.case("hennepteelt", "adres", a.id,
                    f"kwekerij sinds {months} {'maand' if months == 1 else 'maanden'}, "
                    f"ca. {number(round(kwh, -2))} kWh per maand extra")
    for a in pick(with_gas, rng.randint(13, 17)):
        start, cop = rng.randint(0, 10), rng.uniform(3.0, 4.5)
        plans[a.id] = EnergyPlan("warmtepomp", start, cop)
        plants.decoy("hennepteelt", "adres", a.id, f"warmtepomp sinds {month_name(today, 12 - start)}: "
                                                   "geen gas meer, meer stroom in de winter")
    for a in pick(owned, rng.randint(13, 17)):
        start, kwh = rng.randint(0, 10), rng.uniform(150, 350)
        plans[a.id] = EnergyPlan("laadpaal", start, kwh)
        plants.decoy("hennepteelt", "adres", a.id, f"elektrische auto sinds {month_name(today, 12 - start)}, "
                                                   f"ca. {number(round(kwh, -1))} kWh per maand laden")
    bypass_pool = [h.address for h in households.values() if 2 <= len(h.members) <= 5
                   and h.address.holiday_park is None and h.address.id not in population.lodgings]
    for a in pick(bypass_pool, rng.randint(7, 9)):
        start = rng.choice([0, 0, 0, *range(1, 11)])
        share = rng.uniform(0.05, 0.30)
        since = "het hele jaar" if start == 0 else f"sinds {month_name(today, 12 - start)}"
        plans[a.id] = EnergyPlan("omleiding", start, share)
        plants.case("energiefraude", "adres", a.id, f"meter omzeild ({since}): ca. {round(share * 100)} % "
                                                    f"gemeten van wat {len(households[a.id].members)} bewoners "
                                                    "verbruiken")
    for a in pick(owned, rng.randint(13, 17)):
        start, kwh = rng.choice([0, 0, 0, 0, rng.randint(1, 6)]), rng.uniform(2200, 5200)
        plans[a.id] = EnergyPlan("zonnepanelen", start, kwh)
        plants.decoy("energiefraude", "adres", a.id,
                     f"zonnepanelen (ca. {number(round(kwh, -2))} kWh per jaar): laag nettoverbruik in de zomer")
    for a in pick(chalets, rng.randint(4, 6)):
        kwh = rng.uniform(900, 2200)
        plans[a.id] = EnergyPlan("recreatie", 0, kwh)
        plants.decoy("vakantieparken", "adres", a.id, f"recreatief gebruik in weekends en vakanties "
                                                      f"(ca. {number(round(kwh, -2))} kWh per jaar), niemand "
                                                      "ingeschreven")
    return plans, grow


# --- households ----------------------------------------------------------------------------------


@dataclass
class AgencyHome:
    """A dwelling an employment agency bought to house its workers."""

    address: Address
    bought: date
    case: bool  # overcrowded with short stays (case) or within the norm (decoy)


@dataclass
class PopulationPlanter:
    """Planted households, called by `residents.build_population` once every dwelling has its household."""

    rng: random.Random
    today: date
    plants: Plants
    agency_homes: list[AgencyHome] = field(default_factory=list)
    planted: set[str] = field(default_factory=set)  # adres_ids with a planted household
    lodgings: set[str] = field(default_factory=set)  # let per room or bed: no owner-occupier lives there

    def __call__(self, factory: Factory, addresses: list[Address], homes: list[Address], owned: set[str],
                 households: dict[str, Household]) -> None:
        rng = self.rng
        chalets_taken = {a for a, h in households.items() if h.address.holiday_park and h.address.use != "woonfunctie"}
        self.planted |= chalets_taken
        ordinary = [a for a in homes if a.use == "woonfunctie" and a.holiday_park is None]
        private = [a for a in ordinary if a.id not in owned]

        def pick(pool: Sequence[Address], count: int, fits: Callable[[Address], bool]) -> list[Address]:
            free = [a for a in pool if a.id not in self.planted and fits(a)]
            chosen = rng.sample(free, min(count, len(free)))
            self.planted.update(a.id for a in chosen)
            return chosen

        removed: set[int] = set()
        for a in pick(ordinary, rng.randint(9, 11), lambda a: (a.floor_area or 0) >= 150):
            removed |= _vacate(households, a)
            self._big_family(factory, a, households)
        for a in pick(private, rng.randint(5, 7), lambda a: 120 <= (a.floor_area or 0) <= 220):
            removed |= _vacate(households, a)
            self._student_house(factory, a, households)
        for a in pick(private, rng.randint(9, 11), lambda a: (a.floor_area or 0) <= 65):
            removed |= _vacate(households, a)
            self._crowded(factory, a, households)
        for a in pick(private, rng.randint(5, 7), lambda a: (a.floor_area or 0) <= 90):
            removed |= _vacate(households, a)
            self._workers(factory, a, households, case=True)
        for a in pick(private, rng.randint(3, 5), lambda a: (a.floor_area or 0) >= 90):
            removed |= _vacate(households, a)
            self._workers(factory, a, households, case=False)
        chalets = [a for a in addresses if a.holiday_park and a.use != "woonfunctie"]
        for a in pick(chalets, rng.randint(3, 4), lambda a: a.id not in households):
            self._chalet_churn(factory, a, households)
        for a in [a for a in addresses if a.holiday_park and a.use == "woonfunctie"]:
            self._park_manager(factory, a, households)
        for h in households.values():
            if h.address.id in chalets_taken and h.members:
                self.plants.case("vakantieparken", "adres", h.address.id,
                                 f"permanent bewoond chalet: {_people(len(h.members))} ingeschreven sinds "
                                 f"{h.since.year}")
        factory.people[:] = [p for p in factory.people if id(p) not in removed]

    def _person(self, factory: Factory, low: int, high: int, at: date | None = None,
                female_share: float = 0.5) -> Resident:
        rng = self.rng
        at = at or self.today
        born = at - timedelta(days=rng.randint(low * 365, high * 365 + 364))
        return factory.new(weighted(rng, TRADITIONS), rng.random() < female_share, born)

    def _settle(self, households: dict[str, Household], a: Address, stays: list[tuple[Resident, date, date]]
                ) -> int:
        """Register each (person, from, until) at `a`; those staying past today form the household."""
        current = []
        for person, start, end in stays:
            person.adres_id = a.id
            person.ingeschreven = max(start, person.geboortedatum)
            if end < self.today:
                person.uitgeschreven = end  # moved out of Lindeveen: the BRP keeps the ended registration
            else:
                current.append(person)
        if current:
            households[a.id] = Household(a, min(p.ingeschreven or self.today for p in current), current)
        return len(stays)

    def _big_family(self, factory: Factory, a: Address, households: dict[str, Household]) -> None:
        rng, today = self.rng, self.today
        size = rng.randint(6, 8)
        tradition = weighted(rng, TRADITIONS)
        age = rng.randint(36, 54)
        since = today - timedelta(days=rng.randint(2 * 365, min(age - 24, 18) * 365))
        father = factory.new(tradition, False, factory.born(age, age))
        mother = factory.new(tradition, True, factory.born(max(24, age - rng.randint(0, 5)), age))
        members = [father, mother]
        if rng.random() < 0.2:  # a grandparent lives in
            members.append(factory.new(tradition, rng.random() < 0.6, factory.born(age + 24, age + 34)))
        while len(members) < size:
            child_age = rng.randint(0, min(22, age - 22))
            members.append(factory.new(tradition, rng.random() < 0.5, factory.born(child_age, child_age),
                                       (father.tussenvoegsel, father.geslachtsnaam)))
        self._settle(households, a, [(m, since, date.max) for m in members])
        self.plants.decoy("woonfraude", "adres", a.id, f"groot gezin: {size} personen op {a.floor_area} m²")
        if rng.random() < 0.5:
            self.plants.decoy("hennepteelt", "adres", a.id,
                              f"groot gezin in een groot huis: {size} personen op {a.floor_area} m²")

    def _student_house(self, factory: Factory, a: Address, households: dict[str, Household]) -> None:
        rng, today = self.rng, self.today
        rooms = rng.randint(5, 8)
        stays: list[tuple[Resident, date, date]] = []
        for _ in range(rooms):
            since = today - timedelta(days=rng.randint(20, int(3.5 * 365)))
            stays.append((self._person(factory, 18, 22, since), since, date.max))
            end = since - timedelta(days=rng.randint(0, 30))
            while end > today - timedelta(days=3 * 365):  # the students before, one a year or so
                start = end - timedelta(days=rng.randint(365, 4 * 365))
                stays.append((self._person(factory, 18, 22, start), start, end))
                end = start - timedelta(days=rng.randint(0, 30))
        self.lodgings.add(a.id)
        self._settle(households, a, stays)
        self.plants.decoy("woonfraude", "adres", a.id,
                          f"studentenhuis: {rooms} studenten op {a.floor_area} m², verblijf van een tot vier jaar")

    def _crowded(self, factory: Factory, a: Address, households: dict[str, Household]) -> None:
        """Address fraud or overcrowding: many people registered for weeks or months."""
        rng, today = self.rng, self.today
        count = rng.randint(6, 12)
        stays: list[tuple[Resident, date, date]] = []
        for _ in range(count):
            start = today - timedelta(days=rng.randint(14, 730))
            days = rng.randint(14, 180) if rng.random() < 0.75 else rng.randint(180, 900)
            stays.append((self._person(factory, 19, 55, start, 0.4), start, start + timedelta(days=days)))
        _keep_one(stays, today)
        self.lodgings.add(a.id)
        self._settle(households, a, stays)
        self.plants.case("woonfraude", "adres", a.id,
                         f"{count} inschrijvingen in twee jaar op {a.floor_area} m², vooral kort verblijf")

    def _workers(self, factory: Factory, a: Address, households: dict[str, Household], case: bool) -> None:
        """Workers housed by an employment agency that bought the dwelling."""
        rng, today = self.rng, self.today
        stays: list[tuple[Resident, date, date]] = []
        if case:
            bought = today - timedelta(days=rng.randint(270, 900))
            count = rng.randint(8, 14)
            for _ in range(count):
                start = bought + timedelta(days=rng.randint(10, max(11, (today - bought).days - 20)))
                stays.append((self._person(factory, 19, 50, start, 0.3), start,
                              start + timedelta(days=rng.randint(60, 270))))
            story = f"{count} inschrijvingen op {a.floor_area} m² sinds de aankoop, verblijf van 2 tot 9 maanden"
        else:
            bought = today - timedelta(days=rng.randint(365, 1400))
            count = rng.randint(2, 4)
            for _ in range(count):
                start = bought + timedelta(days=rng.randint(10, max(11, (today - bought).days - 30)))
                stays.append((self._person(factory, 20, 55, start, 0.3), start, date.max))
            for _ in range(rng.randint(0, 2)):  # workers who left, after half a year or more
                start = bought + timedelta(days=rng.randint(10, 120))
                end = min(start + timedelta(days=rng.randint(240, 600)), today - timedelta(days=rng.randint(5, 60)))
                if end > start + timedelta(days=180):
                    stays.append((self._person(factory, 20, 55, start, 0.3), start, end))
            story = f"uitzendkrachten binnen de norm: {count} personen op {a.floor_area} m²"
        _keep_one(stays, today)
        self.lodgings.add(a.id)
        self._settle(households, a, stays)
        self.agency_homes.append(AgencyHome(a, bought, case))
        if case:
            self.plants.case("mensenhandel", "adres", a.id, story)
        else:
            self.plants.decoy("mensenhandel", "adres", a.id, story)

    def _chalet_churn(self, factory: Factory, a: Address, households: dict[str, Household]) -> None:
        rng, today = self.rng, self.today
        count = rng.randint(3, 6)
        start = today - timedelta(days=rng.randint(400, 900))
        stays: list[tuple[Resident, date, date]] = []
        for n in range(count):
            end = start + timedelta(days=rng.randint(30, 180))
            if (n == count - 1 and rng.random() < 0.5) or end > today:
                end = date.max
            stays.append((self._person(factory, 20, 70, start, 0.35), start, end))
            if end == date.max:
                break
            start = end + timedelta(days=rng.randint(0, 60))
        self.lodgings.add(a.id)
        self._settle(households, a, stays)
        self.plants.case("vakantieparken", "adres", a.id,
                         f"chalet met {len(stays)} opeenvolgende inschrijvingen van een tot zes maanden")

    def _park_manager(self, factory: Factory, a: Address, households: dict[str, Household]) -> None:
        rng, today = self.rng, self.today
        self.planted.add(a.id)
        if a.id not in households:
            tradition = weighted(rng, TRADITIONS)
            age = rng.randint(35, 60)
            since = today - timedelta(days=rng.randint(365, 12 * 365))
            members = [factory.new(tradition, rng.random() < 0.4, factory.born(age, age))]
            members.append(factory.new(tradition, members[0].geslacht == "M", factory.born(age - 3, age + 3)))
            self._settle(households, a, [(m, since, date.max) for m in members])
        household = households[a.id]
        self.plants.decoy("vakantieparken", "adres", a.id,
                          f"beheerderswoning op het park (woonfunctie): {_people(len(household.members))} "
                          "ingeschreven")


def _people(count: int) -> str:
    return "1 persoon" if count == 1 else f"{count} personen"


def _vacate(households: dict[str, Household], a: Address) -> set[int]:
    """Take the drawn household out of a dwelling that gets a planted one instead."""
    household = households.pop(a.id, None)
    return {id(m) for m in household.members} if household else set()


def _keep_one(stays: list[tuple[Resident, date, date]], today: date) -> None:
    """Someone is always registered at a dwelling that is let per bed: the latest arrival stays."""
    if stays and all(end < today for _, _, end in stays):
        latest = max(range(len(stays)), key=lambda i: stays[i][1])
        person, start, _ = stays[latest]
        stays[latest] = (person, start, date.max)

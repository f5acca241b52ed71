"""About 350 synthetic signals over 18 months, each written by a partner who would plausibly
see it, registered through the one real write path (`intake.service.register_signal`).

Planning and registering are separate: the plan is plain data drawn from the seed, so that
it can be adjusted (every buurt gets signals) before anything is written.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from weerbaar.access.principal import Principal
from weerbaar.core.catalogue import Catalogue, Indicator
from weerbaar.core.clock import AMSTERDAM, now
from weerbaar.core.models import Address, Organisation, User
from weerbaar.demo.geography import BUURTEN, Grid
from weerbaar.demo.people import Company, Person
from weerbaar.demo.texts import Mention, describe
from weerbaar.intake.lifecycle import StatusChange, change_status, flow_of
from weerbaar.intake.models import Signal
from weerbaar.intake.schemas import parse_signal
from weerbaar.intake.service import Provenance, register_signal, share_signal

SIGNAL_COUNT = 350
HISTORY_DAYS = 545  # about 18 months


@dataclass(frozen=True)
class Plan:
    """How a phenomenon shows up in Lindeveen: who reports it, where, and about whom."""

    weight: int
    reporters: list[tuple[str, int]]
    places: list[tuple[str, int]]
    person_chance: float = 0.0
    person_roles: tuple[str, ...] = ("bewoner",)
    sector: str | None = None
    company_chance: float = 0.0
    vehicle_chance: float = 0.0
    share_with: tuple[str, ...] = ()


PLANS: dict[str, Plan] = {
    "hennepteelt": Plan(18, [("woningcorporatie", 5), ("netbeheerder", 4), ("politie", 4), ("handhaving", 2),
                             ("coordinator", 1)],
                        [("woning", 80), ("bedrijfspand", 10), ("chalet", 6), ("boerderij", 4)],
                        0.55, ("huurder", "bewoner", "betrokkene"), "teelt", 0.05, 0.25,
                        ("woningcorporatie", "politie", "netbeheerder")),
    "woonfraude": Plan(16, [("woningcorporatie", 8), ("handhaving", 3), ("politie", 1), ("belastingdienst", 1)],
                       [("woning", 100)], 0.8, ("huurder", "bewoner"), None, 0.0, 0.0,
                       ("woningcorporatie", "belastingdienst", "politie")),
    "witwassen_vastgoed": Plan(9, [("riec", 3), ("belastingdienst", 3), ("analist", 2), ("politie", 1)],
                               [("woning", 85), ("winkel", 15)], 0.8, ("eigenaar", "betrokkene"),
                               "vastgoed", 0.45, 0.0, ("belastingdienst", "riec", "politie")),
    "witwassen_bedrijven": Plan(9, [("belastingdienst", 3), ("riec", 2), ("analist", 2), ("politie", 1),
                                    ("handhaving", 1)],
                                [("winkel", 50), ("kantoor", 20), ("woning", 30)], 0.7, ("bestuurder",),
                                "kasintensief", 0.9, 0.1, ("belastingdienst", "riec", "politie")),
    "energiefraude": Plan(9, [("netbeheerder", 7), ("politie", 2)], [("woning", 85), ("bedrijfspand", 15)],
                          0.4, ("bewoner", "huurder"), None, 0.0, 0.05, ("netbeheerder", "politie")),
    "synthetische_drugs": Plan(7, [("omgevingsdienst", 4), ("handhaving", 2), ("politie", 2)],
                               [("plek", 50), ("bedrijfspand", 30), ("boerderij", 20)], 0.15,
                               ("betrokkene", "eigenaar"), None, 0.0, 0.3, ("omgevingsdienst", "politie")),
    "vakantieparken": Plan(6, [("handhaving", 3), ("omgevingsdienst", 1), ("politie", 2), ("belastingdienst", 1)],
                           [("chalet", 100)], 0.4, ("bewoner", "betrokkene"), "recreatie", 0.2, 0.1,
                           ("politie", "belastingdienst", "omgevingsdienst")),
    "mensenhandel": Plan(6, [("politie", 3), ("zorg", 2), ("handhaving", 2), ("belastingdienst", 1)],
                         [("woning", 50), ("chalet", 25), ("bedrijfspand", 25)], 0.4, ("betrokkene", "bewoner"),
                         "uitzend", 0.6, 0.1, ("politie", "zorg")),
    "zorgfraude": Plan(6, [("zorg", 4), ("analist", 1), ("belastingdienst", 1)],
                       [("zorg", 45), ("kantoor", 15), ("woning", 40)], 0.5, ("bestuurder", "betrokkene"),
                       "zorg", 0.9, 0.0, ("zorg", "belastingdienst")),
    "horeca": Plan(5, [("handhaving", 3), ("politie", 2), ("belastingdienst", 1)], [("horeca", 80), ("winkel", 20)],
                   0.5, ("bestuurder", "betrokkene"), "horeca", 0.9, 0.1, ("politie", "belastingdienst")),
    "intimidatie": Plan(4, [("handhaving", 2), ("coordinator", 2), ("politie", 2)],
                        [("gemeentehuis", 50), ("notitie", 50)], 0.3, ("betrokkene",), None, 0.0, 0.2,
                        ("politie",)),
    "sport": Plan(3, [("handhaving", 2), ("politie", 2), ("coordinator", 1)], [("sport", 70), ("plek", 30)],
                  0.4, ("bestuurder", "betrokkene"), "sport", 0.3, 0.1, ("politie", "riec")),
}

# What each reporter is in a position to observe (matched against the signal card).
OBSERVERS: dict[str, set[str]] = {
    "woningcorporatie": {"woningcorporatie", "buurtbewoner"},
    "netbeheerder": {"netbeheerder", "monteur", "energieleverancier"},
    "politie": {"wijkagent", "buurtbewoner", "handhaver"},
    "handhaving": {"handhaver", "boa", "burgerzaken", "vergunningverlener", "toezichthouder",
                   "baliemedewerker", "ambtenaar", "parkbeheerder", "sportbestuurder"},
    "coordinator": {"analist", "ambtenaar", "burgemeester", "raadslid", "griffier", "jurist",
                    "integriteitscoördinator", "communicatieadviseur", "sportbestuurder"},
    "analist": {"analist", "burgerzaken", "vergunningverlener"},
    "omgevingsdienst": {"toezichthouder", "boa", "boswachter", "boer", "ondernemer", "handhaver"},
    "belastingdienst": {"accountant", "bank", "analist", "notaris"},
    "riec": {"analist", "notaris", "makelaar", "accountant", "bank"},
    "zorg": {"wmo-consulent", "hulpverlener", "familielid", "zorgkantoor", "toezichthouder"},
}
# Which opening sentences a reporter uses (texts.OPENINGS keys).
VOICE = {"coordinator": "gemeente", "analist": "gemeente"}
# Partners that know BSNs of the people they report about.
KNOWS_BSN = {"woningcorporatie", "politie", "handhaving", "coordinator", "analist", "belastingdienst",
             "zorg", "riec"}

PLACE_NOTES = {
    "plek": [
        "bospad achter de Wildwal", "sloot langs de Wildwalseweg, ter hoogte van de stuw",
        "parkeerplaats aan de Heideweg bij het fietspad", "weiland achter de boerderijen aan de Ganzendijk",
        "doodlopend zandpad bij de Schaapsdrift", "bosrand langs de Hazelaarsdijk",
        "parkeerterrein van sportpark De Koppel",
    ],
    "notitie": [
        "woning van een wethouder (adres bekend bij het intaketeam)",
        "privéwoning van een handhaver (adres bekend bij het intaketeam)",
        "sociale media en e-mail aan de gemeente",
        "balie van het gemeentehuis",
    ],
}
SHARE_REASONS = [
    "Gedeeld op grond van het convenant integrale aanpak ondermijning Lindeveen: voorbereiding van een "
    "gezamenlijke controle.",
    "Gedeeld voor een hit/no-hit-bevraging in de eigen registratie; grondslag: convenant RIEC Midden-Lindeveen.",
    "Gedeeld om huurrechtelijke maatregelen te kunnen beoordelen (hennepconvenant).",
    "Gedeeld ter voorbereiding van het casusoverleg; doel: afstemmen van de interventies.",
    "Gedeeld zodat de partner eigen toezicht kan inzetten; grondslag: convenant, artikel 5.",
]


@dataclass
class Planned:
    phenomenon: str
    reporter: str
    place: str
    address: Address | None
    note: str | None = None
    point: tuple[float, float] | None = None
    observed: date = date(2000, 1, 1)
    body: dict[str, Any] = field(default_factory=dict)


@dataclass
class SignalStats:
    signals: int = 0
    shares: int = 0
    moved: int = 0  # signals the intake team has taken a step with
    cases: int = 0  # cases opened from weighed signals
    persons: int = 0
    bsns: list[str] = field(default_factory=list)


class _Places:
    """Candidate addresses per kind of place, weighted towards a few hotspot buurten."""

    def __init__(self, rng: random.Random, addresses: list[Address]) -> None:
        self.rng = rng
        rural = {b.code for b in BUURTEN if b.profile == "buitengebied"}
        homes = [a for a in addresses if a.use == "woonfunctie"]
        self.kinds: dict[str, list[Address]] = {
            "woning": [a for a in homes if a.neighbourhood_code not in rural],
            "boerderij": [a for a in homes if a.neighbourhood_code in rural],
            "bedrijfspand": [a for a in addresses if a.use == "industriefunctie"],
            "chalet": [a for a in addresses if a.holiday_park],
            "winkel": [a for a in addresses if a.use == "winkelfunctie"],
            "horeca": [a for a in addresses if a.use == "bijeenkomstfunctie" and a.street != "Sportlaan"],
            "zorg": [a for a in addresses if a.use == "gezondheidszorgfunctie"],
            "kantoor": [a for a in addresses if a.use == "kantoorfunctie" and a.street != "Raadhuisplein"],
            "sport": [a for a in addresses if a.street == "Sportlaan"],
            "gemeentehuis": [a for a in addresses if a.street == "Raadhuisplein" and a.house_number == 1],
        }
        hotspots = set(rng.sample([b.code for b in BUURTEN if b.profile in ("naoorlogs", "oud")], 2))
        self.weights = {
            kind: [3.0 if a.neighbourhood_code in hotspots else 1.0 for a in options]
            for kind, options in self.kinds.items()
        }

    def pick(self, kind: str) -> Address:
        return self.rng.choices(self.kinds[kind], weights=self.weights[kind])[0]


def _weighted(rng: random.Random, options: list[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _indicators(rng: random.Random, card: list[Indicator], reporter: str) -> list[Indicator]:
    """1-4 indicators; the reporter's own kind of observation first, others less often."""
    count = rng.choices([1, 2, 3, 4], weights=[30, 38, 22, 10])[0]
    seen = OBSERVERS[reporter]
    own = [i for i in card if seen & set(i.waarnemers)]
    first = rng.choice(own or list(card))
    pool = [i for i in card if i is not first]
    weights = [4.0 if i in own else 1.0 for i in pool]
    chosen = [first]
    for _ in range(min(count - 1, len(pool))):
        i = rng.choices(range(len(pool)), weights=weights)[0]
        chosen.append(pool.pop(i))
        weights.pop(i)
    return chosen


def _mix(rng: random.Random) -> list[str]:
    """Phenomena in proportion to their weights (largest remainder), in random order."""
    total = sum(p.weight for p in PLANS.values())
    exact = {code: SIGNAL_COUNT * p.weight / total for code, p in PLANS.items()}
    counts = {code: int(x) for code, x in exact.items()}
    short = SIGNAL_COUNT - sum(counts.values())
    for code in sorted(exact, key=lambda c: exact[c] - counts[c], reverse=True)[:short]:
        counts[code] += 1
    mix = [code for code, n in counts.items() for _ in range(n)]
    rng.shuffle(mix)
    return mix


def plan_signals(rng: random.Random, addresses: list[Address], grid: Grid, today: date) -> list[Planned]:
    places = _Places(rng, addresses)
    plans: list[Planned] = []
    for code in _mix(rng):
        plan = PLANS[code]
        place = _weighted(rng, plan.places)
        planned = Planned(code, _weighted(rng, plan.reporters), place, None)
        if place in PLACE_NOTES:
            planned.note = rng.choice(PLACE_NOTES[place])
            if place == "plek":
                buurt = rng.choice([b for b in BUURTEN if b.profile == "buitengebied"])
                lon, lat = grid.point(rng.choice(buurt.cells), rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9))
                planned.point = (lon, lat)
        else:
            planned.address = places.pick(place)
        # More signals in recent months: partners got used to reporting.
        planned.observed = today - timedelta(days=int(rng.triangular(1, HISTORY_DAYS, HISTORY_DAYS * 0.3)))
        plans.append(planned)
    _cover_every_buurt(rng, plans, places)
    return plans


def _cover_every_buurt(rng: random.Random, plans: list[Planned], places: _Places) -> None:
    """Move a few home-based signals so that every buurt has at least one."""
    def counts() -> Counter[str]:
        return Counter(p.address.neighbourhood_code or "" for p in plans if p.address is not None)

    for buurt in BUURTEN:
        if counts()[buurt.code]:
            continue
        busiest = counts().most_common(1)[0][0]
        movable = [p for p in plans if p.place == "woning" and p.address is not None
                   and p.address.neighbourhood_code == busiest]
        homes = [a for a in places.kinds["woning"] + places.kinds["boerderij"] if a.neighbourhood_code == buurt.code]
        if movable and homes:
            rng.choice(movable).address = rng.choice(homes)


class Parties:
    """Who the signals are about: a pool of people, some of whom turn up again and again."""

    def __init__(self, rng: random.Random, people: list[Person], companies: dict[str, list[Company]],
                 plates: list[str]) -> None:
        self.rng = rng
        self.people = people
        self.core = people[:20]  # a small network that keeps appearing
        self.companies = companies
        self.plates = plates

    def for_signal(self, plan: Plan, reporter: str) -> tuple[list[dict[str, Any]], list[Mention]]:
        rng = self.rng
        bodies: list[dict[str, Any]] = []
        mentions: list[Mention] = []
        if rng.random() < plan.person_chance:
            count = 1 if rng.random() < 0.75 else 2
            chosen: list[Person] = []
            while len(chosen) < count:
                person = rng.choice(self.core if rng.random() < 0.3 else self.people)
                if person not in chosen:
                    chosen.append(person)
            for person in chosen:
                role = rng.choice(plan.person_roles)
                body: dict[str, Any] = {"soort": "persoon", "rol": role, "voornamen": person.given_names,
                                        "tussenvoegsel": person.prefix or None, "geslachtsnaam": person.surname}
                if rng.random() < 0.75:
                    body["geboortedatum"] = person.birth_date.isoformat()
                if rng.random() < (0.7 if reporter in KNOWS_BSN else 0.15):
                    body["bsn"] = person.bsn
                bodies.append(body)
                mentions.append(Mention("persoon", person.full_name, role))
        if plan.sector and rng.random() < plan.company_chance:
            company = rng.choice(self.companies[plan.sector])
            body = {"soort": "bedrijf", "rol": "onderneming", "naam": company.name}
            if rng.random() < 0.85:
                body["kvkNummer"] = company.kvk
            bodies.append(body)
            mentions.append(Mention("bedrijf", company.name))
        if rng.random() < plan.vehicle_chance:
            plate = rng.choice(self.plates)
            bodies.append({"soort": "voertuig", "rol": "gezien bij het adres", "kenteken": plate})
            mentions.append(Mention("voertuig", plate))
        return bodies, mentions


def _grading(rng: random.Random, reporter: str, shielded: bool) -> dict[str, str]:
    if shielded and rng.random() < 0.5:
        return {"betrouwbaarheid": "F", "informatie": rng.choice("236")}
    if reporter in ("politie", "netbeheerder"):
        return {"betrouwbaarheid": rng.choice("AABBC"), "informatie": rng.choice("11223")}
    return {"betrouwbaarheid": rng.choice("BBCCCDF"), "informatie": rng.choice("2233346")}


def _confidentiality(rng: random.Random, phenomenon: str, reporter: str, has_people: bool) -> str:
    if phenomenon == "intimidatie" or (reporter == "politie" and rng.random() < 0.6):
        return "vertrouwelijk"
    if not has_people and rng.random() < 0.25:
        return "intern"
    return "vertrouwelijk" if rng.random() < 0.15 else "zaakvertrouwelijk"


def compose(rng: random.Random, planned: Planned, catalogue: Catalogue, parties: Parties) -> dict[str, Any]:
    """The signal as a partner would send it to the API."""
    plan = PLANS[planned.phenomenon]
    card = catalogue.phenomena[planned.phenomenon].signaalkaart
    indicators = _indicators(rng, card, planned.reporter)
    bodies, mentions = parties.for_signal(plan, planned.reporter)
    shielded = rng.random() < 0.15
    street = planned.address.street if planned.address is not None else None
    voice = VOICE.get(planned.reporter, planned.reporter)
    location: dict[str, Any]
    if planned.address is not None:
        location = {"adresId": planned.address.id}
    else:
        location = {"omschrijving": planned.note}
        if planned.point is not None:
            location.update(lon=planned.point[0], lat=planned.point[1])
    return {
        "fenomeen": planned.phenomenon,
        "indicatoren": [i.code for i in indicators],
        "omschrijving": describe(rng, voice, planned.phenomenon, indicators, street, mentions, shielded,
                                 home=planned.place in ("woning", "chalet", "boerderij")),
        "waargenomenOp": planned.observed.isoformat(),
        "locatie": location,
        "betrokkenen": bodies,
        "bron": _grading(rng, planned.reporter, shielded),
        "vertrouwelijkheid": _confidentiality(rng, planned.phenomenon, planned.reporter, bool(bodies)),
        "melderAfgeschermd": shielded,
    }


def _registered_at(rng: random.Random, observed: date, moment: datetime) -> datetime:
    """A working-day moment shortly after the observation, never in the future."""
    delay = rng.choices([0, 1, 2, 3, 5, 8], weights=[30, 30, 15, 10, 10, 5])[0]
    local = datetime.combine(observed + timedelta(days=delay), time(8, 0), tzinfo=AMSTERDAM)
    local += timedelta(minutes=rng.randint(0, 9 * 60 + 30))
    registered = local.astimezone(UTC)
    return min(registered, moment - timedelta(minutes=rng.randint(5, 600)))


def register_all(
    session: Session,
    catalogue: Catalogue,
    rng: random.Random,
    plans: list[Planned],
    users: dict[str, User],
    orgs: dict[str, Organisation],
    parties: Parties,
    progress: Any = None,
) -> SignalStats:
    stats = SignalStats()
    moment = now()
    principals = {key: Principal.of(user, catalogue, channel="web") for key, user in users.items()}
    api_principals = {key: Principal.of(user, catalogue, channel="api") for key, user in users.items()}
    keys: Counter[str] = Counter()
    registered: list[tuple[Signal, Planned]] = []
    for n, planned in enumerate(plans, 1):
        body = compose(rng, planned, catalogue, parties)
        data = parse_signal(body, catalogue)  # the demo passes the same validation as everyone
        via_api = planned.reporter in ("netbeheerder", "belastingdienst") and rng.random() < 0.55
        if via_api:
            keys[planned.reporter] += 1
            source_key = f"{planned.reporter[:4].upper()}-{planned.observed.year}-{keys[planned.reporter]:05d}"
            provenance = Provenance("api", source_key=source_key)
            principal = api_principals[planned.reporter]
        else:
            provenance = Provenance("formulier")
            principal = principals[planned.reporter]
        at = _registered_at(rng, planned.observed, moment)
        signal = register_signal(session, principal, data, catalogue, provenance, at=at)
        registered.append((signal, planned))
        stats.signals += 1
        stats.persons += sum(1 for b in body["betrokkenen"] if b["soort"] == "persoon")
        stats.bsns += [b["bsn"] for b in body["betrokkenen"] if b.get("bsn")]
        if progress is not None:
            progress(n, len(plans))
    stats.shares = _share_some(session, catalogue, rng, registered, principals["coordinator"], orgs, moment)
    # Its own generator: the draws of `rng` after this point (and so the rest of the demo) stay as they were.
    stats.moved = _move_some(session, catalogue, random.Random(f"signaalverloop:{stats.signals}:{stats.persons}"),
                             registered, principals["coordinator"], moment)
    # Its own generator too; the cases come from the signals the intake team passed on.
    from weerbaar.demo.cases import build_cases

    stats.cases = build_cases(
        session, catalogue, random.Random(f"casussen:{stats.signals}:{stats.persons}"),
        [s for s, _ in registered], principals["coordinator"], orgs,
        {o.id: o.contact_name or o.name for o in orgs.values()},
        {code: plan.share_with for code, plan in PLANS.items()}, moment)
    return stats


# Older signals have been through the intake team: (outcome of the weighing, share of them).
OUTCOMES = [("doorzetten_riec", 3), ("intern_beleggen", 4), ("verder_onderzoeken", 3), ("geen_actie", 2)]


def _move_some(
    session: Session, catalogue: Catalogue, rng: random.Random, registered: list[tuple[Signal, Planned]],
    coordinator: Principal, moment: datetime,
) -> int:
    """The intake team's work so far: most signals older than three weeks had their intake check,
    most of those were weighed, and some of the weighed ones are closed; newer ones wait."""
    yes = {"ondermijning": True, "gemeentelijkeTaak": True, "grondgebied": True}
    moved = 0
    for signal, _planned in registered:
        age = (moment - signal.registered_at).days
        if age < 21 or signal.channel == "analyse" or rng.random() < 0.2:
            continue
        at = signal.registered_at + timedelta(days=rng.randint(2, 9))
        if rng.random() < 0.08:
            no = {**yes, "ondermijning": False}
            change_status(session, coordinator, catalogue, signal.id, StatusChange(
                "intake_negatief", "Geen ondermijning: een burenruzie zonder aanwijzingen.", intake=no), at=at)
            moved += 1
            continue
        change_status(session, coordinator, catalogue, signal.id, StatusChange(
            "intake_positief", "Past bij het fenomeen; gemeentelijke taak; in de gemeente.", intake=yes), at=at)
        moved += 1
        if age < 35 or rng.random() < 0.25:
            continue
        outcome = _weighted(rng, OUTCOMES)
        scores = {"ernst": rng.randint(1, 3), "concreetheid": rng.randint(1, 3), "relevantie": rng.randint(1, 3)}
        at += timedelta(days=rng.randint(3, 12))
        change_status(session, coordinator, catalogue, signal.id, StatusChange(
            "wegen", f"Gewogen aan de intaketafel: {flow_of(catalogue).weging.uitkomsten[outcome].lower()}.",
            scores=scores, outcome=outcome), at=at)
        if outcome != "geen_actie" and age > 90 and rng.random() < 0.4:
            change_status(session, coordinator, catalogue, signal.id, StatusChange(
                "afsluiten", "Opgepakt en afgerond; geen nieuwe signalen sindsdien."),
                at=at + timedelta(days=rng.randint(20, 60)))
    session.flush()
    return moved


def _share_some(
    session: Session, catalogue: Catalogue, rng: random.Random, registered: list[tuple[Signal, Planned]],
    coordinator: Principal, orgs: dict[str, Organisation], moment: datetime,
) -> int:
    """The coordinator shares about one signal in ten with the partner who can act on it."""
    shared = 0
    for signal, planned in registered:
        if rng.random() >= 0.10:
            continue
        targets = [k for k in PLANS[planned.phenomenon].share_with if orgs[k].id != signal.organisation_id]
        if not targets:
            continue
        target = orgs[rng.choice(targets)]
        share = share_signal(session, coordinator, catalogue, signal.id, target.id, rng.choice(SHARE_REASONS))
        share.at = min(signal.registered_at + timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 6)),
                       moment - timedelta(minutes=1))
        shared += 1
    session.flush()
    return shared

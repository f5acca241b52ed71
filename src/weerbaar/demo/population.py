"""Fictional Dutch people at any scale, with realistic name distributions.

Surnames: the most common real Dutch surnames with frequencies close to the real ones
(de Jong, Jansen and de Vries each around half a percent), a long tail of about 1,700 built
Dutch surnames (Hoogeveen, van der Brink, ...) and Moroccan, Turkish, Polish and Surinamese
surnames, about 2,000 in all, drawn with a Zipf-like skew. First names: several hundred,
per naming tradition, also skewed. Birth dates: ages 18 to 90.

BSNs come only from the test range 999990000-999999999 that passes the elfproef: that range
holds just 909 valid numbers, so only the first 909 people of a population get a BSN (the
rest have none); nothing is ever reused, so a BSN always identifies one fictional person.
A million people are generated in about ten seconds.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from weerbaar.demo.noise import NameNoise
from weerbaar.demo.people import reserved_bsns

# Common Dutch surnames (particle, name, approximate bearers per million inhabitants).
COMMON_NL: tuple[tuple[str, str, int], ...] = (
    ("de", "Jong", 5000), ("", "Jansen", 4700), ("de", "Vries", 4500), ("van den", "Berg", 3500),
    ("van", "Dijk", 3400), ("", "Bakker", 3300), ("", "Janssen", 3200), ("", "Visser", 3000),
    ("", "Smit", 2900), ("", "Meijer", 2700), ("de", "Boer", 2500), ("", "Mulder", 2400),
    ("de", "Groot", 2300), ("", "Bos", 2300), ("", "Vos", 2200), ("", "Peters", 2100),
    ("", "Hendriks", 2100), ("van", "Leeuwen", 2000), ("", "Dekker", 1900), ("", "Brouwer", 1900),
    ("de", "Wit", 1800), ("", "Dijkstra", 1800), ("", "Smits", 1700), ("de", "Graaf", 1700),
    ("van der", "Meer", 1700), ("van der", "Linden", 1600), ("", "Kok", 1600), ("", "Jacobs", 1500),
    ("de", "Haan", 1500), ("", "Vermeulen", 1500), ("van den", "Heuvel", 1400), ("van der", "Veen", 1400),
    ("van den", "Broek", 1400), ("de", "Bruijn", 1400), ("de", "Bruin", 1300), ("van der", "Heijden", 1300),
    ("", "Schouten", 1300), ("van", "Beek", 1300), ("", "Willems", 1300), ("van", "Vliet", 1200),
    ("van de", "Ven", 1200), ("", "Hoekstra", 1200), ("", "Maas", 1200), ("", "Verhoeven", 1200),
    ("", "Koster", 1200), ("van", "Dam", 1100), ("van der", "Wal", 1100), ("", "Prins", 1100),
    ("", "Blom", 1100), ("", "Huisman", 1100), ("", "Peeters", 1000), ("de", "Jonge", 1000),
    ("", "Kuipers", 1000), ("van", "Veen", 1000), ("", "Post", 1000), ("", "Kuiper", 1000),
    ("", "Veenstra", 1000), ("", "Kramer", 950), ("van den", "Brink", 950), ("", "Scholten", 950),
    ("van", "Wijk", 950), ("", "Postma", 900), ("", "Martens", 900), ("", "Vink", 900),
    ("de", "Ruiter", 900), ("", "Timmermans", 850), ("", "Groen", 850), ("", "Gerritsen", 850),
    ("", "Jonker", 850), ("van", "Loon", 800), ("", "Boer", 800), ("van der", "Velde", 800),
    ("", "Willemsen", 800), ("", "Smeets", 800), ("de", "Lange", 800), ("de", "Vos", 750),
    ("", "Bosch", 750), ("van", "Dongen", 750), ("", "Schipper", 750), ("de", "Koning", 750),
    ("van der", "Laan", 750), ("", "Koning", 700), ("van der", "Velden", 700), ("", "Driessen", 700),
    ("van", "Doorn", 700), ("", "Hermans", 700), ("", "Evers", 700), ("van den", "Bosch", 700),
    ("van der", "Meulen", 700), ("", "Hofman", 700), ("", "Bosman", 650), ("", "Wouters", 650),
    ("", "Sanders", 650), ("van der", "Zee", 650), ("", "Molenaar", 650), ("", "Hoogendoorn", 650),
    ("van", "Rijn", 600), ("", "Bakkers", 600), ("", "Verbeek", 600), ("ter", "Horst", 600),
    ("van 't", "Hof", 500), ("in 't", "Veld", 500), ("op den", "Kamp", 400), ("van", "Beek", 400),
    ("", "van Houten", 300), ("", "Vanderbilt", 50),
)

_ROOTS = (
    "berg", "dijk", "veen", "bosch", "hoek", "kamp", "brink", "horst", "wal", "meer", "broek", "hout", "heide",
    "laar", "beek", "rode", "weg", "hof", "huis", "man", "stra", "ma", "ing", "kes", "sen", "mans", "enga",
    "holt", "dorp", "burg", "steen", "water", "vaart", "akker", "weide", "velde", "laan", "donk", "hage",
)
_STEMS = (
    "Hoog", "Laag", "Groot", "Klein", "Oost", "West", "Noord", "Zuid", "Nieuw", "Oud", "Ver", "Ten", "Roze",
    "Wester", "Ooster", "Bouw", "Hart", "Kuiper", "Molen", "Smeden", "Bleek", "Zand", "Linde", "Eike",
    "Berken", "Wilge", "Haver", "Rog", "Gerst", "Vlas", "Klaver", "Heester", "Graven", "Kerk", "Schaap",
    "Koe", "Paarde", "Ganze", "Vossen", "Hazen", "Leeuwen", "Brug", "Sluis", "Dam", "Dieper", "Hamer",
)
_PARTICLE_CHOICE = ("", "", "", "", "", "van", "van de", "van der", "van den", "de", "ter", "ten", "te")

MOROCCAN = (
    "El Amrani", "Bouzid", "Azzouzi", "Benali", "El Idrissi", "Ouali", "Chaoui", "Boukhari", "Tahiri", "Amrani",
    "El Khatib", "Bakkali", "El Hamdaoui", "Ait Taleb", "Boulahrouz", "Ziani", "El Ouali", "Bouali",
    "Haddouchi", "Mansouri", "El Ghazaoui", "Belhaj", "Aboutaleb", "Azarkan", "Bouchtaoui", "El Moussaoui",
    "Chakir", "Kaddouri", "Lamrani", "Messaoudi", "Ouhadi", "Rachidi", "Saidi", "Tahtah", "Yahyaoui",
    "Zarouali", "El Bouazzaoui", "Abarkan", "Achahbar", "Ait Hssain", "Akkouh", "Aouragh", "Benhaddou",
    "Bouharrou", "Dahri", "El Hadioui", "Fadili", "Ghoulam", "Hajji", "Kasmi", "Louah", "Marzouki",
    "Nouri", "Oulad Ali", "Rifi", "Sabri", "Taouil", "Wahbi", "Zaouali", "El Yassini",
)
TURKISH = (
    "Yılmaz", "Kaya", "Demir", "Çelik", "Şahin", "Öztürk", "Aydın", "Arslan", "Doğan", "Koç", "Kılıç", "Aslan",
    "Çetin", "Kara", "Kurt", "Özdemir", "Yıldız", "Yıldırım", "Özkan", "Şimşek", "Polat", "Erdoğan", "Güneş",
    "Aksoy", "Tekin", "Korkmaz", "Keskin", "Ünal", "Acar", "Bulut", "Türk", "Kaplan", "Akın", "Uçar",
    "Karaca", "Güler", "Sarı", "Işık", "Bozkurt", "Avcı", "Özer", "Taş", "Coşkun", "Erdem", "Başaran",
    "Gündoğdu", "Altun", "Akbulut", "Eren", "Yavuz", "Sönmez", "Toprak", "Çakır", "Aktaş", "Duman",
)
POLISH = (
    "Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Szymański",
    "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk", "Piotrowski",
    "Grabowski", "Nowakowski", "Pawłowski", "Michalski", "Nowicki", "Adamczyk", "Dudek", "Zając",
    "Wieczorek", "Jabłoński", "Król", "Majewski", "Olszewski", "Jaworski", "Wróbel", "Malinowski",
    "Pawlak", "Witkowski", "Walczak", "Stępień", "Górski", "Rutkowski", "Michalak", "Sikora",
)
SURINAMESE = (
    "Ramdin", "Biharie", "Kanhai", "Sewdien", "Ramkisoen", "Jagernath", "Bhagwandin", "Lachmon", "Sitaldin",
    "Bouterse", "Pinas", "Vreden", "Amafo", "Wijngaarde", "Rozenblad", "Tjon-A-Fat", "Liauw", "Sabajo",
)

FIRST_NL_M = (
    "Jan", "Pieter", "Kees", "Henk", "Bram", "Daan", "Jeroen", "Mark", "Ruud", "Sander", "Thijs", "Wouter",
    "Johannes", "Cornelis", "Hendrik", "Willem", "Gerrit", "Jacobus", "Dirk", "Adrianus", "Petrus", "Theodorus",
    "Antonius", "Hubertus", "Gerardus", "Wilhelmus", "Martinus", "Franciscus", "Albert", "Arie", "Bas", "Bert",
    "Bob", "Casper", "Chris", "Dennis", "Dick", "Erik", "Frank", "Frits", "Gijs", "Hans", "Harm", "Jaap",
    "Jasper", "Jelle", "Joost", "Jos", "Joris", "Kevin", "Koen", "Lars", "Luuk", "Maarten", "Martijn", "Matthijs",
    "Michiel", "Niels", "Nick", "Paul", "Peter", "Piet", "Remco", "Rick", "Rob", "Robert", "Roel", "Ronald",
    "Rutger", "Sem", "Stefan", "Sjoerd", "Teun", "Tim", "Tom", "Vincent", "Wim", "Yannick", "Noah", "Lucas",
    "Finn", "Levi", "Milan", "Jesse", "Thomas", "Ruben", "Stijn", "Max", "Julian", "Gert-Jan", "Jan-Willem",
    "Evert", "Klaas", "Sietse", "Sybren", "Tjeerd", "Wiebe", "Hidde", "Douwe", "Folkert", "Geert", "Hessel",
    "Ids", "Jurre", "Marnix", "Olivier", "Quinten", "Reinier", "Siem", "Timo", "Valentijn", "Ward", "Xander",
)
FIRST_NL_F = (
    "Anouk", "Sanne", "Lotte", "Femke", "Marieke", "Ingrid", "Esther", "Petra", "Linda", "Ilse", "Joyce", "Kim",
    "Maaike", "Willemijn", "Maria", "Johanna", "Cornelia", "Elisabeth", "Wilhelmina", "Hendrika", "Geertruida",
    "Catharina", "Adriana", "Anna", "Annemarie", "Astrid", "Bianca", "Carla", "Chantal", "Daniëlle", "Debby",
    "Eline", "Els", "Emma", "Eva", "Fleur", "Floor", "Hanna", "Iris", "Jacqueline", "Janneke", "Jolanda",
    "Judith", "Julia", "Karin", "Laura", "Lieke", "Lisa", "Manon", "Marloes", "Marjolein", "Mirjam", "Monique",
    "Nicole", "Noor", "Patricia", "Renée", "Rianne", "Romy", "Saskia", "Sophie", "Suzanne", "Tessa", "Wendy",
    "Yvonne", "Zoë", "Mila", "Tess", "Sara", "Nina", "Evi", "Lynn", "Fenna", "Isa", "Liv", "Roos", "Anne",
    "Ans", "Gerda", "Hilde", "Ineke", "Jannie", "Marga", "Nel", "Riet", "Sjoukje", "Trijntje", "Wietske",
    "Aaltje", "Baukje", "Dieuwke", "Froukje", "Geeske", "Hiske", "Jikke", "Lysbeth", "Mieke", "Nienke",
)
FIRST_MA = (
    "Mohamed", "Youssef", "Soufiane", "Hamza", "Bilal", "Anouar", "Said", "Nordin", "Ahmed", "Mustafa", "Rachid",
    "Karim", "Khalid", "Abdelkader", "Hassan", "Hicham", "Ilias", "Ismail", "Jamal", "Mounir", "Nabil", "Omar",
    "Redouan", "Samir", "Tarik", "Yassine", "Zakaria", "Adam", "Ayoub", "Mehdi", "Fatima", "Nadia", "Samira",
    "Khadija", "Ikram", "Latifa", "Yasmina", "Imane", "Aicha", "Amal", "Asmae", "Btissam", "Dounia", "Hafsa",
    "Hanane", "Houda", "Karima", "Loubna", "Malika", "Meryem", "Naima", "Nora", "Rajae", "Salma", "Siham",
    "Soumaya", "Wafae", "Zineb", "Zohra", "Hajar",
)
FIRST_TR = (
    "Mehmet", "Emre", "Burak", "Murat", "Kemal", "Serkan", "Ahmet", "Ali", "Hasan", "Hüseyin", "İbrahim", "Mustafa",
    "Osman", "Yusuf", "Cem", "Deniz", "Erkan", "Fatih", "Gökhan", "Hakan", "Kaan", "Levent", "Onur", "Selim",
    "Tolga", "Volkan", "Ayşe", "Elif", "Zeynep", "Fatma", "Özlem", "Gül", "Emine", "Hatice", "Merve", "Büşra",
    "Derya", "Ebru", "Esra", "Gizem", "Hülya", "Melek", "Nur", "Sibel", "Songül", "Tuğba", "Yasemin", "Zehra",
)
FIRST_PL = (
    "Piotr", "Tomasz", "Krzysztof", "Paweł", "Marek", "Michał", "Andrzej", "Jakub", "Łukasz", "Grzegorz",
    "Wojciech", "Mateusz", "Adam", "Marcin", "Dariusz", "Katarzyna", "Agnieszka", "Magdalena", "Joanna", "Ewa",
    "Anna", "Małgorzata", "Monika", "Barbara", "Dorota", "Aleksandra", "Beata", "Karolina", "Natalia", "Iwona",
)
FIRST_SR = ("Ravi", "Anil", "Sunita", "Shanti", "Rajesh", "Kavita", "Errol", "Clarence", "Germaine", "Ruth")

# Share of the population per naming tradition (roughly the Dutch population by origin).
TRADITIONS = (("nl", 80), ("ma", 6), ("tr", 6), ("pl", 5), ("sr", 3))


@dataclass(frozen=True)
class Person:
    """One fictional person. `id` is unique and dense (0..n-1); `bsn` may be empty."""

    id: int
    voornamen: str
    tussenvoegsel: str
    geslachtsnaam: str
    geboortedatum: date
    bsn: str
    tradition: str

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.voornamen, self.tussenvoegsel, self.geslachtsnaam) if p)


def _built_surnames(count: int) -> list[tuple[str, str]]:
    """Plausible Dutch surnames from stems and roots, deterministic (no randomness)."""
    out: list[tuple[str, str]] = []
    seen = {n.lower() for _, n, _ in COMMON_NL}
    for i, (stem, root) in enumerate(itertools.product(_STEMS, _ROOTS)):
        name = stem + root
        if name.lower() in seen:
            continue
        seen.add(name.lower())
        out.append((_PARTICLE_CHOICE[(i * 7) % len(_PARTICLE_CHOICE)], name))
        if len(out) == count:
            break
    random.Random(7).shuffle(out)  # so that the frequent ones are not all "Hoog..."
    return out


def _zipf(n: int, total: float, s: float = 0.9, offset: int = 10) -> list[float]:
    raw = [1 / (k + offset) ** s for k in range(n)]
    scale = total / sum(raw)
    return [w * scale for w in raw]


def surname_table() -> dict[str, tuple[list[tuple[str, str]], list[float]]]:
    """Per tradition: surnames (particle, name) and cumulative weights for rng.choices."""
    nl_built = _built_surnames(1720)
    common_total = sum(w for _, _, w in COMMON_NL)
    nl_names = [(p, n) for p, n, _ in COMMON_NL] + nl_built
    # Real Dutch: the top hundred names cover about 12% of people; the built tail shares the rest.
    nl_weights = [w / common_total * 0.12 for _, _, w in COMMON_NL] + _zipf(len(nl_built), 0.88, s=0.6, offset=200)
    table = {"nl": (nl_names, nl_weights)}
    for key, names in (("ma", MOROCCAN), ("tr", TURKISH), ("pl", POLISH), ("sr", SURINAMESE)):
        pairs = [("el", n[3:]) if n.startswith("El ") and key == "ma" and i % 3 == 0 else ("", n)
                 for i, n in enumerate(names)]
        table[key] = (pairs, _zipf(len(pairs), 1.0, s=0.7, offset=8))
    return {k: (names, list(itertools.accumulate(w))) for k, (names, w) in table.items()}


def first_name_table() -> dict[str, tuple[list[str], list[float]]]:
    groups = {"nl": FIRST_NL_M + FIRST_NL_F, "ma": FIRST_MA, "tr": FIRST_TR, "pl": FIRST_PL, "sr": FIRST_SR}
    return {k: (list(v), list(itertools.accumulate(_zipf(len(v), 1.0, s=0.8, offset=5)))) for k, v in groups.items()}


def surname_count() -> int:
    return sum(len(names) for names, _ in surname_table().values())


def first_name_count() -> int:
    return sum(len(names) for names, _ in first_name_table().values())


class Population:
    """Generator of fictional people; the same seed gives the same people."""

    def __init__(self, seed: int = 1, today: date = date(2026, 1, 1)) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.surnames = surname_table()
        self.first_names = first_name_table()
        self.bsns = reserved_bsns()
        self.rng.shuffle(self.bsns)
        self._traditions = [t for t, _ in TRADITIONS]
        self._tradition_cum = list(itertools.accumulate(w for _, w in TRADITIONS))

    def _given_names(self, tradition: str) -> str:
        names, cum = self.first_names[tradition]
        count = 1
        if tradition == "nl":
            count = self.rng.choices((1, 2, 3), cum_weights=(45, 85, 100))[0]
        picked = self.rng.choices(names, cum_weights=cum, k=count)
        return " ".join(dict.fromkeys(picked))

    def people(self, count: int) -> Iterator[Person]:
        rng = self.rng
        start = self.today.toordinal()
        for i in range(count):
            tradition = rng.choices(self._traditions, cum_weights=self._tradition_cum)[0]
            names, cum = self.surnames[tradition]
            particle, surname = rng.choices(names, cum_weights=cum)[0]
            born = date.fromordinal(start - rng.randint(18 * 365, 90 * 365))
            yield Person(i, self._given_names(tradition), particle, surname, born,
                         self.bsns[i] if i < len(self.bsns) else "", tradition)


def make_population(count: int, seed: int = 1) -> list[Person]:
    return list(Population(seed).people(count))


def random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


# --- Noisy person records for the entity-resolution benchmarks and tests --------------------

_LETTERS = "ABCDEFGHJKLMNPRSTVWXZ"


def _address(rng: random.Random) -> tuple[str, str]:
    return (f"{rng.randint(1000, 9999)}{rng.choice(_LETTERS)}{rng.choice(_LETTERS)}", str(rng.randint(1, 250)))


def with_relatives(people: list[Person], rng: random.Random, share: float = 0.3
                   ) -> tuple[list[Person], dict[int, int]]:
    """Add family members who share a surname (and later an address): a child born 20-40
    years after the parent, with other given names - the hard negatives of name matching."""
    pop = Population(rng.randint(0, 10**9))
    out = list(people)
    parents: dict[int, int] = {}
    for parent in people:
        if rng.random() < share:
            born = parent.geboortedatum + timedelta(days=rng.randint(20 * 365, 40 * 365))
            if born >= pop.today:
                born = parent.geboortedatum - timedelta(days=rng.randint(20 * 365, 40 * 365))
            out.append(Person(len(out), pop._given_names(parent.tradition), parent.tussenvoegsel,
                              parent.geslachtsnaam, born, "", parent.tradition))
            parents[len(out) - 1] = parent.id
    return out, parents


def _record(uid: str, source: str, person: Person, noise: NameNoise, *, bsn: str = "",
            address: tuple[str, str] | None = None) -> dict[str, str | None]:
    fields = noise.person(person.voornamen, person.tussenvoegsel, person.geslachtsnaam, person.geboortedatum)
    return {
        "unique_id": uid, "source_dataset": source,
        "voornamen": fields["voornamen"] or None, "tussenvoegsel": fields["tussenvoegsel"] or None,
        "geslachtsnaam": fields["geslachtsnaam"] or None, "geboortedatum": fields["geboortedatum"] or None,
        "bsn": bsn or None, "straat": None, "huisnummer": address[1] if address else None,
        "postcode": address[0] if address else None, "woonplaats": None, "cluster": str(person.id),
    }


def dutch_sources(people_count: int, seed: int = 1) -> list[dict[str, str | None]]:
    """Persons as four partner sources deliver them, with no shared key, plus the answer key
    (`cluster` = the person's id): personen (register: BSN, address, little noise),
    functionarissen (no BSN, no address, sometimes several rows), transacties buyers (no
    address) and huurcontracten (the home address). Relatives share surname and address."""
    rng = random.Random(seed)
    people, parents = with_relatives(make_population(people_count, seed), rng)
    homes: dict[int, tuple[str, str]] = {}
    clean, noisy = NameNoise(rng, 0.08), NameNoise(rng, 0.4)
    records: list[dict[str, str | None]] = []
    for person in people:
        parent = parents.get(person.id)
        homes[person.id] = homes[parent] if parent is not None and rng.random() < 0.5 else _address(rng)
    for person in people:
        home = homes[person.id]
        shown = False
        if rng.random() < 0.85:
            records.append(_record(f"personen:{len(records)}", "personen", person, clean, bsn=person.bsn,
                                   address=home))
            shown = True
        for _ in range(rng.choice((0, 0, 0, 0, 0, 1, 1, 2, 3)) if rng.random() < 0.3 else 0):
            records.append(_record(f"functionarissen:{len(records)}", "functionarissen", person, noisy))
            shown = True
        if rng.random() < 0.15:
            records.append(_record(f"transacties:{len(records)}", "transacties", person, noisy))
            shown = True
        if rng.random() < 0.25 or not shown:
            records.append(_record(f"huurcontracten:{len(records)}", "huurcontracten", person, noisy,
                                   address=home if rng.random() < 0.8 else _address(rng)))
    return records


def duplicated_records(count: int, seed: int = 1, duplicate_share: float = 0.3) -> Iterator[dict[str, str | None]]:
    """`count` person records of which about `duplicate_share` are noisy extra copies of a
    person already written (up to three copies), for the scale benchmark. Streams."""
    rng = random.Random(seed)
    noise = NameNoise(rng, 0.4)
    pop = Population(seed)
    written = 0
    for person in pop.people(count):
        if written >= count:
            return
        home = _address(rng) if rng.random() < 0.7 else None
        yield _record(str(written), "personen", person, noise, bsn=person.bsn, address=home)
        written += 1
        copies = 0
        while written < count and rng.random() < duplicate_share / (1 - duplicate_share) / (1 + copies) * 0.9:
            yield _record(str(written), "overig", person, noise, address=home if rng.random() < 0.6 else None)
            written += 1
            copies += 1

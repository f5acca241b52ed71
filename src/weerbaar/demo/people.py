"""Fictional people, companies and vehicles for the demo, with valid-format identifiers.

BSNs pass the eleven-test and come from the range 999990000-999999999 that the RvIG keeps
for test persons, so a demo BSN can never be a real person's number.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

# (first names, surnames as (particle, name)) per naming tradition.
_NAMES: dict[str, tuple[list[str], list[tuple[str, str]]]] = {
    "nl": (
        ["Jan", "Pieter", "Kees", "Henk", "Bram", "Daan", "Jeroen", "Mark", "Ruud", "Sander",
         "Thijs", "Wouter", "Anouk", "Sanne", "Lotte", "Femke", "Marieke", "Ingrid", "Esther",
         "Petra", "Linda", "Ilse", "Joyce", "Kim", "Roel", "Gert-Jan", "Maaike", "Willemijn"],
        [("van der", "Wal"), ("de", "Vries"), ("", "Jansen"), ("van", "Dijk"), ("", "Bakker"),
         ("", "Visser"), ("", "Smit"), ("de", "Boer"), ("van den", "Berg"), ("", "Mulder"),
         ("", "Kuipers"), ("ter", "Horst"), ("van 't", "Hek"), ("", "Hoekstra"), ("de", "Graaf"),
         ("van", "Leeuwen"), ("", "Brouwer"), ("in 't", "Veld"), ("van der", "Meulen"),
         ("", "Veenstra"), ("", "Timmermans"), ("op den", "Kamp"), ("", "Dekker"), ("van", "Beek")],
    ),
    "ma": (
        ["Mohamed", "Youssef", "Soufiane", "Hamza", "Bilal", "Anouar", "Said", "Nordin",
         "Fatima", "Nadia", "Samira", "Khadija", "Ikram", "Latifa", "Yasmina", "Imane"],
        [("", "El Amrani"), ("", "Bouzid"), ("", "Azzouzi"), ("", "Benali"), ("el", "Idrissi"),
         ("", "Ouali"), ("", "Chaoui"), ("", "Boukhari"), ("", "Tahiri"), ("", "Amrani")],
    ),
    "tr": (
        ["Mehmet", "Emre", "Burak", "Murat", "Kemal", "Serkan", "Ayşe", "Elif", "Zeynep",
         "Fatma", "Özlem", "Gül"],
        [("", "Yılmaz"), ("", "Kaya"), ("", "Demir"), ("", "Çelik"), ("", "Şahin"),
         ("", "Öztürk"), ("", "Aydın"), ("", "Arslan"), ("", "Doğan"), ("", "Koç")],
    ),
    "pl": (
        ["Piotr", "Tomasz", "Krzysztof", "Paweł", "Marek", "Katarzyna", "Agnieszka",
         "Magdalena", "Joanna", "Ewa"],
        [("", "Kowalski"), ("", "Nowak"), ("", "Wiśniewski"), ("", "Wójcik"),
         ("", "Kamiński"), ("", "Lewandowski"), ("", "Zieliński"), ("", "Szymański")],
    ),
}
_TRADITION_WEIGHTS = [("nl", 62), ("ma", 15), ("tr", 13), ("pl", 10)]

_PLATE_LETTERS = "BDFGHJKLNPRSTVXZ"  # Dutch plates use no vowels (and no C, Q)
_PLATE_FORMATS = ["99-XX-XX", "XX-99-XX", "99-XXX-9", "9-XXX-99", "XX-999-X", "X-999-XX", "XXX-99-X"]


@dataclass(frozen=True)
class Person:
    given_names: str
    prefix: str
    surname: str
    birth_date: date
    bsn: str

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.prefix, self.surname) if p)


@dataclass(frozen=True)
class Company:
    name: str
    kvk: str
    sector: str


def eleven_test(digits: str) -> bool:
    """The BSN eleven-test (elfproef): weights 9..2 and -1 sum to a multiple of 11."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


def reserved_bsns() -> list[str]:
    """Every valid BSN in the range reserved for test persons."""
    return [s for s in (str(n) for n in range(999990000, 1_000_000_000)) if eleven_test(s)]


def make_people(rng: random.Random, count: int, today: date) -> list[Person]:
    bsns = rng.sample(reserved_bsns(), count)
    people: list[Person] = []
    seen: set[tuple[str, str]] = set()
    while len(people) < count:
        tradition = rng.choices([t for t, _ in _TRADITION_WEIGHTS], weights=[w for _, w in _TRADITION_WEIGHTS])[0]
        firsts, surnames = _NAMES[tradition]
        first = rng.choice(firsts)
        prefix, surname = rng.choice(surnames)
        if (first, surname) in seen:
            continue
        seen.add((first, surname))
        age_days = rng.randint(19 * 365, 68 * 365)
        people.append(Person(first, prefix, surname, today - timedelta(days=age_days), bsns[len(people)]))
    return people


def make_plates(rng: random.Random, count: int) -> list[str]:
    plates: set[str] = set()
    while len(plates) < count:
        fmt = rng.choice(_PLATE_FORMATS)
        plates.add("".join(
            rng.choice(_PLATE_LETTERS) if ch == "X" else str(rng.randint(0, 9)) if ch == "9" else ch
            for ch in fmt
        ))
    return sorted(plates)


COMPANIES: dict[str, list[str]] = {
    "horeca": ["Eetcafé De Linde", "Grillroom Veenzicht", "Shishalounge Nour", "Café 't Turfschip",
               "Lunchroom Brinkzicht", "Pizzeria Da Lindo", "Partycentrum De Waag"],
    "kasintensief": ["Kapsalon Fresh Fade", "Autobedrijf Veenrand", "Belhuis Connect Lindeveen",
                     "Nagelstudio Glamour", "Taxi Lindeveen Direct", "Barbershop Kings",
                     "Autopoetsbedrijf Shine", "Minimarkt Anadolu", "Goud & Zilver Inkoop Lindeveen"],
    "uitzend": ["Flex Uitzend Partners B.V.", "Tempo Personeelsdiensten", "AgriWork Solutions B.V.",
                "Oost-West Personeel B.V."],
    "zorg": ["Zorgbureau Hartelijk B.V.", "Thuiszorg Samen Sterk", "Begeleiding Op Maat Lindeveen",
             "Zorggroep De Helpende Hand B.V.", "Dagbesteding De Zonnebloem"],
    "vastgoed": ["Veenstaete Vastgoed B.V.", "Lindehof Holding B.V.", "Brinkpoort Beheer B.V.",
                 "Turfhaven Projecten B.V.", "Stichting Beheer Zuiderdiep"],
    "recreatie": ["Recreatiepark De Wildwal B.V.", "Chaletverhuur Wildwal"],
    "bouw": ["Klussenbedrijf Hamer & Co", "Bouwbedrijf Veenstra & Zn.", "Installatiebedrijf Stroomlijn",
             "Schoonmaakbedrijf Glans", "Transportbedrijf De Snelle Vaart"],
    "sport": ["Sportbar De Koppel", "Sportschool Ironforce"],
    "teelt": ["Growshop Groene Vingers", "Kwekerij Hazelaar"],
}


def make_companies(rng: random.Random) -> dict[str, list[Company]]:
    numbers = rng.sample(range(10_000_000, 100_000_000), sum(len(v) for v in COMPANIES.values()))
    out: dict[str, list[Company]] = {}
    i = 0
    for sector, names in COMPANIES.items():
        out[sector] = []
        for name in names:
            out[sector].append(Company(name, str(numbers[i]), sector))
            i += 1
    return out

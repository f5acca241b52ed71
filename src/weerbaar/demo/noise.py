"""The noise real partner extracts carry, applied to a person's name and birth date.

A partner writes the same person as "Jan Pieter van der Berg, 1970-03-05" in one extract and
"J.P. BERG, VAN DER, 03-05-1970" in another. `NameNoise.person` returns the fields as such a
partner would deliver them: at `rate` a record gets one variation (sometimes two):

- particle inside the surname field ("van der Berg" in geslachtsnaam) or after it ("Berg, van der")
- initials only ("J.P.") or the first given name only
- a typo in the surname or first name (two letters swapped, one dropped, one doubled)
- UPPER CASE
- day and month swapped (only when the day is 12 or less, else it would not be a date)
- missing birth date
- a title before the given names ("Dhr.", "Mevr.", "Dr.")

Dates come out as ISO or, for some extracts, Dutch DD-MM-YYYY (always a valid date).
"""

from __future__ import annotations

import random
from datetime import date

KINDS = ("particle_inside", "particle_after", "initials", "first_only", "typo_surname", "typo_first",
         "upper", "swap_day_month", "no_birth_date", "title")
_WEIGHTS = (10, 5, 14, 12, 14, 6, 10, 8, 12, 5)
TITLES = ("Dhr.", "Mevr.", "Dr.", "Mw.", "Ir.", "Drs.")


def typo(rng: random.Random, word: str) -> str:
    """Swap two neighbouring letters, drop one or double one (never the first letter)."""
    if len(word) < 4:
        return word + word[-1]
    i = rng.randint(1, len(word) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == 1:
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def initials(voornamen: str) -> str:
    return "".join(f"{w[0].upper()}." for w in voornamen.replace("-", " ").split() if w)


class NameNoise:
    def __init__(self, rng: random.Random, rate: float = 0.3) -> None:
        self.rng = rng
        self.rate = rate

    def kinds(self) -> list[str]:
        """The variations for one record (none, one, or at a tenth of noisy records two)."""
        if self.rng.random() >= self.rate:
            return []
        count = 2 if self.rng.random() < 0.1 else 1
        return list(dict.fromkeys(self.rng.choices(KINDS, weights=_WEIGHTS, k=count)))

    def person(self, voornamen: str, tussenvoegsel: str, geslachtsnaam: str,
               geboortedatum: date | None) -> dict[str, str]:
        rng = self.rng
        kinds = self.kinds()
        first, particle, surname = voornamen, tussenvoegsel, geslachtsnaam
        if "typo_surname" in kinds:
            surname = typo(rng, surname)
        if "typo_first" in kinds and first:
            words = first.split()
            words[0] = typo(rng, words[0])
            first = " ".join(words)
        if "initials" in kinds:
            first = initials(first)
        elif "first_only" in kinds:
            first = first.split()[0] if first else first
        if "title" in kinds:
            first = f"{rng.choice(TITLES)} {first}".strip()
        if particle and "particle_inside" in kinds:
            surname, particle = f"{particle} {surname}", ""
        elif particle and "particle_after" in kinds:
            surname, particle = f"{surname}, {particle}", ""
        if "upper" in kinds:
            first, particle, surname = first.upper(), particle.upper(), surname.upper()
        return {
            "voornamen": first,
            "tussenvoegsel": particle,
            "geslachtsnaam": surname,
            "geboortedatum": self._date(geboortedatum, kinds),
        }

    def _date(self, born: date | None, kinds: list[str]) -> str:
        if born is None or "no_birth_date" in kinds:
            return ""
        if "swap_day_month" in kinds and born.day <= 12:
            born = date(born.year, born.day, born.month)
        if self.rng.random() < 0.3:
            return born.strftime("%d-%m-%Y")
        return born.isoformat()

"""Dutch personal names: particles (tussenvoegsels), case and accents, for matching and search.

`Jan van der Berg`, `J. VAN DER BERG`, `Berg, J. van der` and `Jan Vanderberg` must meet.
"""

from __future__ import annotations

import re
import unicodedata

# Longest first so that "van der" wins over "van".
PARTICLES: tuple[str, ...] = (
    "van de", "van der", "van den", "van het", "van 't", "in de", "in het", "in 't", "op de",
    "op den", "op het", "uit de", "uit den", "aan de", "aan den", "bij de", "over de", "onder de",
    "de la", "de le", "de los", "von der", "von dem", "van", "de", "der", "den", "het", "'t", "te",
    "ten", "ter", "in", "op", "uit", "von", "zu", "la", "le", "du", "des", "di", "da", "dos",
    "el", "al", "d'", "l'", "o'", "vd", "v/d", "v.d.",
)
_PARTICLE_WORDS = {word for p in PARTICLES for word in p.split()}


def fold(text: str) -> str:
    """Lowercase, strip accents, collapse whitespace: a comparable form of any text."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("ß", "ss").replace("ø", "o").replace("ł", "l").replace("æ", "ae")
    return re.sub(r"\s+", " ", plain.lower()).strip()


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


def surname_core(tussenvoegsel: str | None, geslachtsnaam: str) -> str:
    """The surname without particles, particles inside or outside the surname field."""
    words = [w for w in tokens(f"{tussenvoegsel or ''} {geslachtsnaam}")]
    core = [w for w in words if w not in _PARTICLE_WORDS]
    return "".join(core) if core else "".join(words)


def split_full_name(full: str) -> tuple[str, str, str]:
    """Best-effort split of a free-text name into (voornamen, tussenvoegsel, geslachtsnaam).

    Handles "Jan de Vries", "J. van der Berg", "Vries, Jan de" and "Mohamed El Amrani".
    """
    text = re.sub(r"\s+", " ", full.strip())
    if "," in text:
        last, first = (part.strip() for part in text.split(",", 1))
        first_words = first.split(" ")
        particle: list[str] = []
        while first_words and first_words[-1].lower() in _PARTICLE_WORDS and len(first_words) > 1:
            particle.insert(0, first_words.pop())
        return " ".join(first_words), " ".join(particle), last
    words = text.split(" ")
    if len(words) == 1:
        return "", "", words[0]
    # Surname = last word; particles are the lowercase particle words right before it.
    surname = [words.pop()]
    particle = []
    while len(words) > 1 and words[-1].lower() in _PARTICLE_WORDS:
        particle.insert(0, words.pop())
    return " ".join(words), " ".join(particle), " ".join(surname)


def display_name(voornamen: str | None, tussenvoegsel: str | None, geslachtsnaam: str | None) -> str:
    return " ".join(p for p in (voornamen, tussenvoegsel, geslachtsnaam) if p)


def name_matches(query: str, voornamen: str | None, tussenvoegsel: str | None, geslachtsnaam: str | None) -> bool:
    """Does a free-text name query match a stored name? Every non-particle query word must
    occur; a single letter matches an initial of a first name."""
    stored_words = tokens(display_name(voornamen, tussenvoegsel, geslachtsnaam))
    joined_surname = surname_core(tussenvoegsel, geslachtsnaam or "")
    query_words = [w for w in tokens(query) if w not in _PARTICLE_WORDS] or tokens(query)
    for word in query_words:
        if word in stored_words or word == joined_surname:
            continue
        if len(word) == 1 and any(s.startswith(word) for s in tokens(voornamen or "")):
            continue
        return False
    return bool(query_words)

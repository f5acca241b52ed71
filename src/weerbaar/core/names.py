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
    # Lowercase before replacing, so that Ø, Ł and Æ are folded too.
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = plain.replace("ß", "ss").replace("ø", "o").replace("ł", "l").replace("æ", "ae")
    return re.sub(r"\s+", " ", plain).strip()


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


# "v/d", "v.d." and "v. d." are written for "van de(r/n)"; tokens() would split them into
# the letters v and d, which then pass for initials.
_ABBREVIATED_PARTICLE = re.compile(r"\bv\s*[./]\s*d\b\.?")


def query_words(query: str) -> list[str]:
    """The words of a name query that must each match: particles dropped (unless the query
    is nothing but particles), abbreviated particles recognised."""
    words = tokens(_ABBREVIATED_PARTICLE.sub(" vd ", fold(query)))
    return [w for w in words if w not in _PARTICLE_WORDS] or words


def joined_surname(tussenvoegsel: str | None, geslachtsnaam: str | None) -> str:
    """The surname with its particles written as one word: "van der Berg" -> "vanderberg"."""
    return "".join(tokens(f"{tussenvoegsel or ''} {geslachtsnaam or ''}"))


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
    # Surname = last word; particles are the particle words right before it. A name that
    # starts with particles ("Van der Wal") has no first names.
    surname = [words.pop()]
    particle = []
    while words and words[-1].lower() in _PARTICLE_WORDS and (
        len(words) > 1 or all(w.lower() in _PARTICLE_WORDS for w in words)
    ):
        particle.insert(0, words.pop())
    return " ".join(words), " ".join(particle), " ".join(surname)


def display_name(voornamen: str | None, tussenvoegsel: str | None, geslachtsnaam: str | None) -> str:
    return " ".join(p for p in (voornamen, tussenvoegsel, geslachtsnaam) if p)


def name_matches(query: str, voornamen: str | None, tussenvoegsel: str | None, geslachtsnaam: str | None) -> bool:
    """Does a free-text name query match a stored name? Every non-particle query word must
    occur; a single letter matches an initial of a first name."""
    stored_words = tokens(display_name(voornamen, tussenvoegsel, geslachtsnaam))
    surnames = {surname_core(tussenvoegsel, geslachtsnaam or ""), joined_surname(tussenvoegsel, geslachtsnaam)}
    words = query_words(query)
    for word in words:
        if word in stored_words or word in surnames:
            continue
        if len(word) == 1 and any(s.startswith(word) for s in tokens(voornamen or "")):
            continue
        return False
    return bool(words)

"""Free-text names of those involved (betrokkenen) as structured parties.

A partner writes "Jan de Vries | Groeimaat B.V. | AB-123-C" in one cell. Each part is a
vehicle when it is a Dutch registration plate, a company when it carries a legal form or
ends in a business word, and otherwise a person, split into Dutch name parts.
"""

from __future__ import annotations

import re
from typing import Any

from weerbaar.core import identifiers
from weerbaar.core.names import fold, split_full_name

# Legal forms and company markers, matched as whole words after dots are removed
# ("B.V." -> "bv"). Anywhere in the name.
LEGAL_FORMS = frozenset({
    "bv", "nv", "vof", "cv", "holding", "holdings", "stichting", "vereniging", "cooperatie",
    "ua", "zn", "zonen", "ltd", "gmbh", "inc", "llc", "bvba", "sarl", "sa", "srl", "bvio",
    "eenmanszaak", "maatschap",
})
# Initials look like legal forms once dots go ("B.V. de Wit" is B. V. de Wit), so these
# short forms count as the first word only when written without dots ("BV Noord") or
# when no one has them as initials ("V.O.F.").
_SHORT_FORMS = frozenset({"bv", "nv", "cv", "vof", "sa", "ua"})
# Words a Dutch trade name typically ends in.
BUSINESS_WORDS = frozenset({
    "beheer", "vastgoed", "bouw", "bouwbedrijf", "aannemersbedrijf", "services", "service",
    "trading", "groep", "group", "handel", "handelsonderneming", "import", "export",
    "consultancy", "investments", "invest", "transport", "logistiek", "logistics",
    "autobedrijf", "autohandel", "garage", "kapsalon", "barbershop", "barber", "nagelstudio",
    "restaurant", "cafe", "snackbar", "shisha", "lounge", "automotive", "cars", "carwash",
    "bakkerij", "slagerij", "supermarkt", "minimarkt", "installatietechniek", "schoonmaak",
    "schoonmaakbedrijf", "uitzendbureau", "makelaardij", "makelaars", "verhuur", "exploitatie",
    "onderneming", "ondernemingen", "international", "company", "bedrijf", "bedrijven",
    "productions", "media", "store", "shop", "winkel", "belwinkel", "telecom", "coffeeshop",
    "growshop", "hotel", "pension", "camping", "vakantiepark", "recreatie", "fitness", "gym",
    "beveiliging", "security", "zorg", "thuiszorg", "projecten", "projectontwikkeling",
    "development", "ventures", "capital", "finance", "financieringen", "administratie",
})
# Shop and trade words that open a trade name ("Kapsalon Salma", "Autobedrijf Noord").
LEADING_BUSINESS_WORDS = frozenset({
    "kapsalon", "barbershop", "nagelstudio", "autobedrijf", "autohandel", "garage", "restaurant",
    "cafe", "snackbar", "bakkerij", "slagerij", "supermarkt", "minimarkt", "hotel", "pension",
    "camping", "coffeeshop", "growshop", "belwinkel", "bouwbedrijf", "aannemersbedrijf",
    "schoonmaakbedrijf", "uitzendbureau", "vakantiepark", "fitness", "shisha", "handelsonderneming",
    "makelaardij", "installatiebedrijf", "transportbedrijf", "loonbedrijf", "grillroom", "shoarma",
})
_PLATE_SHAPE = re.compile(r"[A-Za-z0-9]{1,3}([-\s]?[A-Za-z0-9]{1,3}){1,2}")


def _words(name: str) -> list[str]:
    return re.findall(r"[a-z0-9&]+", fold(name).replace(".", ""))


def is_plate(name: str) -> bool:
    if not _PLATE_SHAPE.fullmatch(name.strip()):
        return False
    try:
        identifiers.kenteken(name)
    except identifiers.InvalidIdentifier:
        return False
    return True


def _leading_form(name: str, word: str) -> bool:
    first = name.split(" ", 1)[0]
    return "." not in first or word == "vof"


def is_company(name: str) -> bool:
    words = _words(name)
    if not words:
        return False
    for position, word in enumerate(words):
        if word in LEGAL_FORMS and (
            position > 0 or word not in _SHORT_FORMS or len(words) == 1 or _leading_form(name, word)
        ):
            return True
    if words[0] in LEADING_BUSINESS_WORDS and len(words) > 1:
        return True
    return words[-1] in BUSINESS_WORDS or ("&" in words and words[-1] == "co")


def party_from_text(name: str) -> dict[str, Any]:
    """One betrokkene as the API takes it (intake.schemas.BetrokkeneIn)."""
    name = re.sub(r"\s+", " ", name.strip())
    if is_plate(name):
        return {"soort": "voertuig", "kenteken": name}
    if is_company(name):
        return {"soort": "bedrijf", "naam": name}
    given, particle, surname = split_full_name(name)
    party: dict[str, Any] = {"soort": "persoon", "geslachtsnaam": surname}
    if given:
        party["voornamen"] = given
    if particle:
        party["tussenvoegsel"] = particle
    return party

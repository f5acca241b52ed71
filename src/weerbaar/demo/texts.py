"""Descriptions of demo signals: the indicator texts of the signal card, woven into a short
report as a professional would write it. Openings depend on who reports; connecting
sentences, details and closings vary, so that no two descriptions read the same."""

from __future__ import annotations

import random
from dataclasses import dataclass

from weerbaar.core.catalogue import Indicator

# Openings per reporting organisation key (see cast.py); {aan_straat} is e.g. "aan de Molenweg".
OPENINGS: dict[str, list[str]] = {
    "woningcorporatie": [
        "Bij een woningschouw {aan_straat} zag onze huismeester het volgende.",
        "Een buurtbewoner belde onze klantenservice over een huurwoning {aan_straat}.",
        "Tijdens onderhoud aan de cv-installatie vielen onze monteur een paar dingen op.",
        "Onze wijkconsulent kreeg in korte tijd meerdere klachten over dit adres.",
        "Bij de jaarlijkse controle van onze woningen {aan_straat} kwam dit adres naar voren.",
    ],
    "netbeheerder": [
        "Onze netbewaking gaf een afwijking voor dit adres.",
        "Bij een storingsmelding {aan_straat} trof onze monteur het volgende aan.",
        "Uit de verbruiksanalyse van het afgelopen kwartaal kwam dit adres naar voren.",
        "Na een tip van een buurtbewoner hebben wij een netmeting uitgevoerd.",
    ],
    "politie": [
        "De wijkagent ontving meerdere meldingen over een adres {aan_straat}.",
        "Tijdens een avondsurveillance viel collega's het volgende op.",
        "Via Meld Misdaad Anoniem kwam een melding binnen over dit adres.",
        "Bij een verkeerscontrole in de buurt kwam dit adres ter sprake.",
        "Een buurtbewoner sprak de wijkagent aan over de situatie {aan_straat}.",
    ],
    "handhaving": [
        "Tijdens een controle door handhaving viel het volgende op.",
        "Via het meldpunt van de gemeente kwam een melding van een buurtbewoner binnen.",
        "Een boa zag tijdens de avondronde {aan_straat} het volgende.",
        "Een collega van burgerzaken meldde het volgende.",
        "Bij een vergunningcontrole kwamen de volgende punten naar voren.",
    ],
    "gemeente": [
        "Bij het bijwerken van het ondermijningsbeeld viel dit adres op.",
        "Uit een analyse van de basisregistraties kwam het volgende naar voren.",
        "Een ambtenaar van de gemeente meldde het volgende bij het intaketeam.",
    ],
    "omgevingsdienst": [
        "Tijdens een milieucontrole bij bedrijven in de omgeving viel het volgende op.",
        "Een toezichthouder van de omgevingsdienst meldde na een routinebezoek het volgende.",
        "Een boswachter schakelde ons in na een vondst in het buitengebied.",
    ],
    "belastingdienst": [
        "Bij een boekenonderzoek kwamen de volgende punten naar voren.",
        "Uit een vergelijking van aangiften en bankgegevens viel het volgende op.",
        "Een medewerker van de klantenbalie signaleerde het volgende.",
    ],
    "riec": [
        "Uit een RIEC-analyse van openbare bronnen en registers kwam het volgende naar voren.",
        "Een convenantpartner bracht dit onderwerp in bij het RIEC.",
        "Bij de voorbereiding van een casusoverleg stuitten wij op het volgende.",
    ],
    "zorg": [
        "Een wmo-consulent deed bij een huisbezoek de volgende waarnemingen.",
        "Bij de controle van declaraties viel het volgende op.",
        "Een cliënt vertelde zijn begeleider het volgende.",
    ],
}
# Some phenomena have their own way in, whoever reports them.
PHENOMENON_OPENINGS: dict[str, list[str]] = {
    "intimidatie": [
        "Een medewerker meldde het volgende bij het intaketeam.",
        "Kort na een handhavingsbesluit kwam het volgende binnen.",
        "Via de leidinggevende van de betrokken collega bereikte ons het volgende.",
    ],
    "sport": [
        "Een bestuurslid van een sportvereniging nam contact met ons op.",
        "Bij een gesprek met het bestuur van de voetbalclub kwam het volgende naar voren.",
        "Een vrijwilliger van sportpark De Koppel meldde het volgende.",
    ],
}

FIRST = ["{T}.", "{T}.", "Kern van de melding: {t}.", "Waargenomen: {t}."]
NEXT = [
    "Daarnaast: {t}.", "Ook viel op: {t}.", "Verder: {t}.", "Wat ook opviel: {t}.",
    "Bovendien werd gemeld: {t}.", "Een tweede punt: {t}.", "Tegelijk: {t}.",
]

TIMING = [
    "Dit speelt volgens de melder al enkele weken.",
    "De situatie is sinds ongeveer {maanden} maanden merkbaar.",
    "Het is de tweede melding hierover dit jaar.",
    "Eerder dit jaar was hier niets bijzonders aan de hand.",
]
# Only for homes (woning, chalet, farm).
TIMING_HOME = [
    "Het gaat vooral om de avonduren en het weekend.",
    "Buren merken dit sinds de vorige bewoner is vertrokken.",
    "Volgens de buren is het de laatste weken erger geworden.",
]

PERSON = {
    "bewoner": ["Op het adres staat {naam} ingeschreven.", "Volgens buren woont hier {naam}."],
    "huurder": ["De huurder, {naam}, reageert niet op brieven.",
                "Huurder van de woning is {naam}; die is bij ons niet eerder opgevallen."],
    "eigenaar": ["Eigenaar van het pand is {naam}.", "Het pand staat op naam van {naam}."],
    "bestuurder": ["Als bestuurder staat {naam} ingeschreven.", "{naam} is sinds kort bestuurder."],
    "betrokkene": ["Meerdere keren is {naam} bij het pand gezien.", "Genoemd wordt {naam}."],
}
COMPANY = ["Het gaat om {bedrijf}.", "{bedrijf} is op dit adres ingeschreven.",
           "De activiteiten lopen via {bedrijf}."]
VEHICLE = [
    "Een bestelbus met kenteken {kenteken} staat er regelmatig laat op de avond.",
    "Bij het pand is meerdere keren een auto met kenteken {kenteken} gezien.",
    "Het kenteken {kenteken} werd door een buurtbewoner genoteerd.",
]
SHIELD = ["De melder is bang voor represailles en wil anoniem blijven.",
          "De melder vraagt nadrukkelijk om afscherming van zijn of haar naam."]
CLOSINGS = [
    "Graag afstemming over een mogelijke gezamenlijke aanpak.",
    "Wij vragen of er bij andere partners meer bekend is.",
    "Ter informatie; zelf hebben wij nog geen actie ondernomen.",
    "Verzoek om dit te bespreken in het casusoverleg.",
    "Wij houden de situatie in de gaten en melden het als er iets verandert.",
]
CLOSINGS_HOME = [
    "Wij plannen een huisbezoek en horen graag of daar bezwaren tegen zijn.",
    "Graag afstemming over een mogelijke gezamenlijke controle.",
]
CLOSINGS_PHENOMENON = {
    "intimidatie": [
        "De betrokken collega is gewezen op de mogelijkheid van aangifte.",
        "Verzoek om dit met de politie te bespreken in het veiligheidsoverleg.",
        "Ter informatie; de betrokken collega wordt begeleid door de leidinggevende.",
    ],
}
# Names that keep their capital inside a sentence.
PROPER = ("Bibob", "Airbnb")


@dataclass
class Mention:
    """A party as the description mentions it."""

    kind: str  # persoon | bedrijf | voertuig
    text: str  # name, company name or plate
    role: str = "betrokkene"


def _lower_first(text: str) -> str:
    # Keep abbreviations and names as they are (e.g. "LBB", "Bibob"): only lowercase a
    # capital followed by a lowercase letter.
    if text.startswith(PROPER):
        return text
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def at_street(street: str) -> str:
    """'aan de Molenweg', 'aan het Waagplein', 'aan Achter de Kerk'."""
    if street.split()[0] in ("Achter", "Voor", "Over", "Bij"):
        return f"aan {street}"
    neuter = ("plein", "pad", "veld", "hof", "diep", "erf")
    return f"aan het {street}" if street.lower().endswith(neuter) else f"aan de {street}"


def describe(
    rng: random.Random,
    reporter: str,
    phenomenon: str,
    indicators: list[Indicator],
    street: str | None,
    mentions: list[Mention],
    shielded: bool,
    home: bool = False,
) -> str:
    sentences: list[str] = []
    openings = PHENOMENON_OPENINGS.get(phenomenon) or OPENINGS[reporter]
    openings = [o for o in openings if street or "{aan_straat}" not in o]
    if rng.random() < 0.85:
        sentences.append(rng.choice(openings).format(aan_straat=at_street(street) if street else ""))
    connectors = rng.sample(NEXT, k=len(NEXT))
    for i, indicator in enumerate(indicators):
        text = indicator.tekst.rstrip(".")
        template = rng.choice(FIRST) if i == 0 else connectors[(i - 1) % len(connectors)]
        sentences.append(template.format(T=text, t=_lower_first(text)))
    if rng.random() < 0.45:
        timing = TIMING + TIMING_HOME if home else TIMING
        sentences.append(rng.choice(timing).format(maanden=rng.randint(2, 8)))
    used: set[str] = set()
    for m in mentions:
        if m.kind == "persoon":
            # A second person gets another sentence, not the same one again.
            options = [t for t in PERSON.get(m.role, []) if t not in used]
            template = rng.choice(options or [t for t in PERSON["betrokkene"] if t not in used])
            used.add(template)
            sentences.append(template.format(naam=m.text))
        elif m.kind == "bedrijf":
            sentences.append(rng.choice(COMPANY).format(bedrijf=m.text))
        else:
            sentences.append(rng.choice(VEHICLE).format(kenteken=m.text))
    if shielded and rng.random() < 0.6:
        sentences.append(rng.choice(SHIELD))
    if rng.random() < 0.7:
        closings = CLOSINGS_PHENOMENON.get(phenomenon) or (CLOSINGS + CLOSINGS_HOME if home else CLOSINGS)
        sentences.append(rng.choice(closings))
    # A company name ending in "B.V." ends the sentence itself.
    return " ".join(s[:-1] if s.endswith("..") else s for s in sentences)

"""The demo address register: about 3,000 fictional BAG addresses in the buurten of Lindeveen.

Each buurt has a character (profile) that decides its streets, building years, sizes and
uses. Addresses of one street lie along a line inside their buurt, like a real street.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from weerbaar.core.models import Address
from weerbaar.demo.geography import BUURTEN, GEMEENTE_CODE, GEMEENTE_NAME, BuurtPlan, Grid

HOLIDAY_PARK = "Vakantiepark De Wildwal"

# Streets per buurt: (name, number of addresses, use mix key).
STREETS: dict[str, list[tuple[str, int, str]]] = {
    "BU99900101": [("Raadhuisplein", 14, "centrum"), ("Kerkbrink", 36, "centrum"),
                   ("Lindestraat", 60, "centrum"), ("Torenstraat", 44, "centrum"),
                   ("Achter de Kerk", 30, "wonen"), ("Kosterssteeg", 18, "wonen")],
    "BU99900102": [("Marktstraat", 70, "centrum"), ("Turfmarkt", 40, "centrum"),
                   ("Boterstraat", 46, "centrum"), ("Waagplein", 16, "centrum"),
                   ("Korte Veenstraat", 34, "wonen")],
    "BU99900103": [("Lindenlaan", 60, "wonen"), ("Kastanjelaan", 52, "wonen"),
                   ("Beukenlaan", 48, "wonen"), ("Eikenhof", 32, "wonen"),
                   ("Esdoornstraat", 40, "wonen")],
    "BU99900104": [("Turfhavenweg", 40, "bedrijven"), ("Ambachtsweg", 44, "bedrijven"),
                   ("Schippersweg", 36, "bedrijven"), ("Havenkade", 30, "gemengd")],
    "BU99900201": [("Veenkade", 64, "wonen"), ("Sluisstraat", 46, "wonen"),
                   ("Turfsteekersstraat", 52, "wonen"), ("Zuiderdiep", 40, "wonen"),
                   ("Brugsteeg", 20, "gemengd")],
    "BU99900202": [("Molenweg", 80, "wonen"), ("Merelstraat", 72, "flats"),
                   ("Lijsterstraat", 64, "flats"), ("Spreeuwstraat", 60, "wonen"),
                   ("Vinkenlaan", 56, "wonen"), ("Winkelhof Molenakker", 16, "centrum"),
                   ("Putterstraat", 48, "flats")],
    "BU99900203": [("Zwanenwaard", 70, "wonen"), ("Reigerhof", 56, "wonen"),
                   ("Futenkade", 48, "wonen"), ("Aalscholverstraat", 44, "wonen"),
                   ("Meeuwenpad", 36, "wonen")],
    "BU99900301": [("Espenlaan", 70, "flats"), ("Berkenstraat", 60, "wonen"),
                   ("Elzenstraat", 56, "flats"), ("Wilgenhof", 40, "wonen"),
                   ("Populierenstraat", 50, "wonen"), ("Gezondheidsplein", 12, "zorg")],
    "BU99900302": [("Rietkraag", 60, "wonen"), ("Lisdoddestraat", 48, "wonen"),
                   ("Kalmoeshof", 40, "wonen"), ("Biezenpad", 44, "wonen"),
                   ("Waterweegbree", 36, "wonen")],
    "BU99900303": [("Brinkstede", 54, "wonen"), ("Smidsstraat", 50, "flats"),
                   ("Kuiperslaan", 48, "wonen"), ("Wagenmakerstraat", 44, "wonen"),
                   ("Sportlaan", 10, "sport")],
    "BU99900304": [("Klaverveld", 56, "wonen"), ("Boterbloemstraat", 48, "wonen"),
                   ("Madeliefhof", 36, "wonen"), ("Pinksterbloemlaan", 44, "wonen"),
                   ("Zuringpad", 30, "wonen")],
    "BU99900401": [("Heidezoom", 26, "landelijk"), ("Ganzendijk", 22, "landelijk"),
                   ("Schaapsdrift", 18, "landelijk"), ("Heideweg", 20, "landelijk")],
    "BU99900402": [("Koppelweg", 24, "landelijk"), ("Koppelveld", 20, "landelijk"),
                   ("Stuwweg", 16, "landelijk"), ("Industrieweg Koppelveld", 20, "bedrijven")],
    "BU99900403": [("Wildwal", 150, "park"), ("Dennenpad", 40, "park"),
                   ("Wildwalseweg", 24, "landelijk"), ("Hazelaarsdijk", 16, "landelijk")],
}

# Uses (BAG gebruiksdoel) per mix, with weights.
USE_MIX: dict[str, list[tuple[str, int]]] = {
    "wonen": [("woonfunctie", 97), ("winkelfunctie", 1), ("kantoorfunctie", 1), ("gezondheidszorgfunctie", 1)],
    "flats": [("woonfunctie", 100)],
    "centrum": [("woonfunctie", 48), ("winkelfunctie", 32), ("bijeenkomstfunctie", 9),
                ("kantoorfunctie", 7), ("logiesfunctie", 2), ("gezondheidszorgfunctie", 2)],
    "gemengd": [("woonfunctie", 55), ("winkelfunctie", 15), ("kantoorfunctie", 15), ("industriefunctie", 15)],
    "bedrijven": [("industriefunctie", 72), ("kantoorfunctie", 18), ("winkelfunctie", 10)],
    "landelijk": [("woonfunctie", 84), ("industriefunctie", 12), ("logiesfunctie", 4)],
    "park": [("logiesfunctie", 100)],
    "zorg": [("gezondheidszorgfunctie", 70), ("kantoorfunctie", 30)],
    "sport": [("sportfunctie", 50), ("bijeenkomstfunctie", 50)],
}

YEARS = {
    "centrum": (1880, 1935), "oud": (1905, 1939), "naoorlogs": (1950, 1976),
    "nieuwbouw": (1994, 2021), "bedrijven": (1968, 2012), "buitengebied": (1870, 1990),
}

FLOOR_AREA = {
    "woonfunctie": (48, 160), "winkelfunctie": (40, 420), "bijeenkomstfunctie": (70, 320),
    "kantoorfunctie": (60, 900), "industriefunctie": (180, 4200), "logiesfunctie": (28, 75),
    "gezondheidszorgfunctie": (90, 600), "sportfunctie": (200, 1500),
}

_FORBIDDEN_LETTERS = {"SA", "SD", "SS"}  # never used in Dutch postcodes


@dataclass
class _PostcodeBook:
    """Hands out postcodes: four digits per buurt, a new letter pair per street stretch."""

    used: dict[int, int]

    def next(self, number: int) -> str:
        while True:
            n = self.used.get(number, 0)
            self.used[number] = n + 1
            letters = chr(ord("A") + n // 26) + chr(ord("A") + n % 26)
            if letters not in _FORBIDDEN_LETTERS:
                return f"{number}{letters}"


def _weighted(rng: random.Random, options: list[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def build_addresses(rng: random.Random, grid: Grid) -> list[Address]:
    addresses: list[Address] = []
    book = _PostcodeBook({})
    serial = 0
    for index, buurt in enumerate(BUURTEN):
        digits = 9990 + index % 10
        for street, count, mix in STREETS[buurt.code]:
            line = _street_line(rng, buurt)
            postcode = book.next(digits)
            for i in range(count):
                if i and i % 18 == 0:  # a postcode covers one stretch of a street
                    postcode = book.next(digits)
                serial += 1
                use = _use_for(rng, street, mix, i)
                addresses.append(
                    _address(rng, grid, buurt, serial, street, i, count, postcode, use, mix, line)
                )
    return addresses


def _use_for(rng: random.Random, street: str, mix: str, i: int) -> str:
    if street == "Raadhuisplein" and i == 0:
        return "kantoorfunctie"  # the town hall
    if street == "Sportlaan" and i == 0:
        return "sportfunctie"  # sportpark De Koppel
    use = _weighted(rng, USE_MIX[mix])
    return "woonfunctie" if mix == "park" and i == 0 else use  # the park manager's house


def _street_line(rng: random.Random, buurt: BuurtPlan) -> tuple[tuple[int, int], float, float, float, float]:
    cell = rng.choice(buurt.cells)
    u0, v0 = rng.uniform(0.08, 0.92), rng.uniform(0.08, 0.92)
    u1, v1 = rng.uniform(0.08, 0.92), rng.uniform(0.08, 0.92)
    return cell, u0, v0, u1, v1


def _address(
    rng: random.Random, grid: Grid, buurt: BuurtPlan, serial: int, street: str, i: int,
    count: int, postcode: str, use: str, mix: str, line: tuple[tuple[int, int], float, float, float, float],
) -> Address:
    cell, u0, v0, u1, v1 = line
    t = (i + 0.5) / count
    # Odd numbers on one side of the street, even on the other: a small sideways offset.
    side = 0.02 if i % 2 else -0.02
    u = min(0.96, max(0.04, u0 + t * (u1 - u0) + side + rng.uniform(-0.01, 0.01)))
    v = min(0.96, max(0.04, v0 + t * (v1 - v0) - side + rng.uniform(-0.01, 0.01)))
    lon, lat = grid.point(cell, u, v)
    number, letter = _house_number(mix, i)
    low, high = YEARS[buurt.profile]
    area_low, area_high = FLOOR_AREA[use]
    return Address(
        id=f"999020{serial:010d}",
        street=street,
        house_number=number,
        house_letter=letter,
        addition=None,
        postcode=postcode,
        city=GEMEENTE_NAME,
        municipality_code=GEMEENTE_CODE,
        district_code=buurt.wijk,
        neighbourhood_code=buurt.code,
        use=use,
        floor_area=int(rng.triangular(area_low, area_high, area_low + (area_high - area_low) / 3)),
        year_built=rng.randint(1972, 2012) if mix == "park" else rng.randint(low, high),
        holiday_park=HOLIDAY_PARK if mix == "park" else None,
        lat=lat,
        lon=lon,
    )


def _house_number(mix: str, i: int) -> tuple[int, str | None]:
    if mix == "flats":
        # Porch flats: four homes per entrance, numbered 1A-1D, 3A-3D, ...
        return 1 + 2 * (i // 4), "ABCD"[i % 4]
    if mix == "centrum" and i % 5 == 4:
        # Above a shop: the same number with letter A.
        return i, "A"
    return i + 1, None

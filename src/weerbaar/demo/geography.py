"""The map of the fictional municipality Lindeveen: wijken and buurten as GeoJSON polygons.

The territory is a 4 x 4 grid of cells whose corner points are jittered, so that borders
look drawn rather than ruled while neighbouring areas still share their edges exactly.
A wijk is a 2 x 2 block of cells; a buurt is one cell or two merged cells.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import pairwise

GEMEENTE_CODE = "GM9990"
GEMEENTE_NAME = "Lindeveen"

# South-west corner and cell size in degrees (a cell is roughly 900 m x 800 m).
_LON0, _LAT0 = 5.440, 52.055
_DLON, _DLAT = 0.0130, 0.0072
_GRID = 4


@dataclass(frozen=True)
class BuurtPlan:
    code: str
    name: str
    wijk: str
    profile: str  # centrum | oud | naoorlogs | nieuwbouw | bedrijven | buitengebied
    cells: tuple[tuple[int, int], ...]  # (row, column), row 0 is the south


@dataclass(frozen=True)
class WijkPlan:
    code: str
    name: str
    block: tuple[int, int]  # south-west cell (row, column) of its 2 x 2 block


WIJKEN = (
    WijkPlan("WK999001", "Lindeveen-Centrum", (0, 0)),
    WijkPlan("WK999002", "Veenzijde", (0, 2)),
    WijkPlan("WK999003", "Ganzenweide", (2, 0)),
    WijkPlan("WK999004", "Buitengebied De Wildwal", (2, 2)),
)

BUURTEN = (
    BuurtPlan("BU99900101", "Oude Kern", "WK999001", "centrum", ((1, 1),)),
    BuurtPlan("BU99900102", "Marktkwartier", "WK999001", "centrum", ((0, 1),)),
    BuurtPlan("BU99900103", "Lindehof", "WK999001", "oud", ((1, 0),)),
    BuurtPlan("BU99900104", "Turfhaven", "WK999001", "bedrijven", ((0, 0),)),
    BuurtPlan("BU99900201", "Veenkade", "WK999002", "oud", ((1, 2),)),
    BuurtPlan("BU99900202", "Molenakker", "WK999002", "naoorlogs", ((0, 2), (0, 3))),
    BuurtPlan("BU99900203", "Zwanenwaard", "WK999002", "nieuwbouw", ((1, 3),)),
    BuurtPlan("BU99900301", "Hoge Espen", "WK999003", "naoorlogs", ((2, 0),)),
    BuurtPlan("BU99900302", "Rietkraag", "WK999003", "nieuwbouw", ((2, 1),)),
    BuurtPlan("BU99900303", "Brinkstede", "WK999003", "naoorlogs", ((3, 0),)),
    BuurtPlan("BU99900304", "Klaverveld", "WK999003", "nieuwbouw", ((3, 1),)),
    BuurtPlan("BU99900401", "Heidezoom", "WK999004", "buitengebied", ((2, 2),)),
    BuurtPlan("BU99900402", "Koppelveld", "WK999004", "buitengebied", ((2, 3),)),
    BuurtPlan("BU99900403", "De Wildwal", "WK999004", "buitengebied", ((3, 2), (3, 3))),
)

Point = tuple[float, float]  # (lon, lat)


class Grid:
    """Jittered corner points; every polygon and every sampled point comes from them."""

    def __init__(self, rng: random.Random) -> None:
        self.vertices: list[list[Point]] = []
        for r in range(_GRID + 1):
            row: list[Point] = []
            for c in range(_GRID + 1):
                # Jitter below a fifth of a cell keeps every cell a convex quadrilateral.
                jx = rng.uniform(-0.18, 0.18) * _DLON
                jy = rng.uniform(-0.18, 0.18) * _DLAT
                row.append((round(_LON0 + c * _DLON + jx, 6), round(_LAT0 + r * _DLAT + jy, 6)))
            self.vertices.append(row)

    def ring(self, r0: int, c0: int, r1: int, c1: int) -> list[list[float]]:
        """Closed counter-clockwise ring around cells r0..r1-1 x c0..c1-1 (RFC 7946)."""
        v = self.vertices
        points = [v[r0][c] for c in range(c0, c1 + 1)]
        points += [v[r][c1] for r in range(r0 + 1, r1 + 1)]
        points += [v[r1][c] for c in range(c1 - 1, c0 - 1, -1)]
        points += [v[r][c0] for r in range(r1 - 1, r0, -1)]
        points.append(points[0])
        return [[lon, lat] for lon, lat in points]

    def polygon(self, cells: tuple[tuple[int, int], ...]) -> dict:
        rows = [r for r, _ in cells]
        cols = [c for _, c in cells]
        ring = self.ring(min(rows), min(cols), max(rows) + 1, max(cols) + 1)
        return {"type": "Polygon", "coordinates": [ring]}

    def point(self, cell: tuple[int, int], u: float, v: float) -> Point:
        """Bilinear point in a cell for u, v in (0, 1): inside, because cells are convex."""
        r, c = cell
        sw, se = self.vertices[r][c], self.vertices[r][c + 1]
        nw, ne = self.vertices[r + 1][c], self.vertices[r + 1][c + 1]
        lon = (1 - u) * (1 - v) * sw[0] + u * (1 - v) * se[0] + u * v * ne[0] + (1 - u) * v * nw[0]
        lat = (1 - u) * (1 - v) * sw[1] + u * (1 - v) * se[1] + u * v * ne[1] + (1 - u) * v * nw[1]
        return round(lon, 6), round(lat, 6)

    def wijk_polygon(self, wijk: WijkPlan) -> dict:
        r, c = wijk.block
        return {"type": "Polygon", "coordinates": [self.ring(r, c, r + 2, c + 2)]}

    def gemeente_polygon(self) -> dict:
        return {"type": "Polygon", "coordinates": [self.ring(0, 0, _GRID, _GRID)]}


def contains(polygon: dict, lon: float, lat: float) -> bool:
    """Ray casting over the exterior ring of a GeoJSON polygon."""
    ring = polygon["coordinates"][0]
    inside = False
    for (x1, y1), (x2, y2) in pairwise(ring):
        if (y1 > lat) != (y2 > lat):
            x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_cross:
                inside = not inside
    return inside

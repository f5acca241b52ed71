"""Real area boundaries (CBS gemeenten, wijken, buurten) into the `areas` table.

Reads GeoJSON FeatureCollections and TopoJSON topologies (arcs decoded here, quantized or
plain), in WGS84 or RD New (EPSG:28992, converted with the Schreutelkamp/Strang van Hees
polynomials, about 1 m accurate). Geometry is simplified lightly (Douglas-Peucker, 5 m) and
rounded to 6 decimals; only code, kind, name, parent and boundary are kept.

A file is refused as a whole when anything in it is wrong (every problem named, nothing
stored); otherwise it is stored in one transaction, updating areas by code, so that
importing the same file twice changes nothing. Pure Python: no GIS libraries.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from weerbaar.access import logbook, rights
from weerbaar.access.principal import Principal
from weerbaar.core.errors import Forbidden
from weerbaar.core.models import Area
from weerbaar.core.runtime import Runtime
from weerbaar.ingest.csvfile import FileRefused

Progress = Callable[[int, int], None]
Position = tuple[float, float]
Ring = list[Position]
Polygon = list[Ring]

KINDS = ("gemeente", "wijk", "buurt")
WGS84 = "WGS84"
RD_NEW = "RD New (EPSG:28992)"
DEMO_MUNICIPALITY = "GM9990"  # the fictional Lindeveen: its areas come from the demo only
TOLERANCE_M = 5.0
DECIMALS = 6

# Since 2016 Amsterdam's wijk and buurt parts hold letters too (WK0363AF, BU0363AF09).
_CODE = re.compile(r"^(GM\d{4}|WK\d{4}[0-9A-Z]{2}|BU\d{4}[0-9A-Z]{4})$")
_KIND_OF_PREFIX = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}
_PREFIX_OF_KIND = {v: k for k, v in _KIND_OF_PREFIX.items()}
_DIGITS = {"gemeente": 4, "wijk": 6, "buurt": 8}
# Property keys (lower case) holding a code, most specific first, with the kind they imply
# (None: the kind follows from the code's prefix) and the keys of the matching name.
_CODE_KEYS: tuple[tuple[str, str | None], ...] = (
    ("statcode", None), ("buurtcode", "buurt"), ("bu_code", "buurt"), ("wijkcode", "wijk"), ("wk_code", "wijk"),
    ("gemeentecode", "gemeente"), ("gm_code", "gemeente"), ("code", None),
)
_NAME_KEYS = {
    "buurt": ("statnaam", "buurtnaam", "bu_naam", "naam", "name"),
    "wijk": ("statnaam", "wijknaam", "wk_naam", "naam", "name"),
    "gemeente": ("statnaam", "gemeentenaam", "gm_naam", "naam", "name"),
}
_PARENT_KEYS = {"buurt": ("wijkcode", "wk_code"), "wijk": ("gemeentecode", "gm_code")}

# Ranges that tell the coordinate systems apart, and the Netherlands in WGS84 (with a margin
# for coastal water).
_WGS_LON, _WGS_LAT = (-180.0, 180.0), (-90.0, 90.0)
_RD_X, _RD_Y = (-7_000.0, 300_000.0), (280_000.0, 630_000.0)
_NL_LON, _NL_LAT = (2.5, 7.5), (50.5, 54.0)


@dataclass(frozen=True)
class ParsedArea:
    code: str
    kind: str
    name: str
    parent_code: str | None
    geometry: dict[str, Any] | None  # None: the file's boundary has no area left (coarse quantization)


@dataclass
class ReadResult:
    """What a file holds, ready to store: the areas kept, and what was left out and why."""

    file_name: str
    sha256: str
    format: str  # GeoJSON | TopoJSON
    crs: str
    features: int = 0
    areas: list[ParsedArea] = field(default_factory=list)
    other_municipality: int = 0  # valid areas outside --gemeente
    other_level: int = 0  # valid areas of another --niveau
    points_read: int = 0
    points_kept: int = 0
    degenerate_rings: int = 0  # rings that collapse to a line or point (coarse quantization)

    @property
    def without_boundary(self) -> list[ParsedArea]:
        """Areas whose every ring collapsed: stored without a boundary (a known one is kept)."""
        return [a for a in self.areas if a.geometry is None]


@dataclass
class GeoImportSummary:
    read: ReadResult
    gemeente: str | None
    niveau: str | None
    counts: dict[str, Counter[str]] = field(default_factory=dict)  # kind -> nieuw/gewijzigd/ongewijzigd
    parent_unknown: int = 0  # areas whose parent area is in neither the file nor the database

    def imported(self, kind: str) -> int:
        return sum(self.counts.get(kind, Counter()).values())

    def as_details(self) -> dict[str, Any]:
        r = self.read
        return {
            "bestand": r.file_name, "sha256": r.sha256, "formaat": r.format, "coordinatenstelsel": r.crs,
            "gemeente": self.gemeente, "niveau": self.niveau, "objecten": r.features,
            "andereGemeente": r.other_municipality, "anderNiveau": r.other_level,
            **{kind: dict(self.counts.get(kind, Counter())) for kind in KINDS},
        }


# --- RD New -> WGS84 ------------------------------------------------------------------------

# Schreutelkamp & Strang van Hees, "Benaderingsformules voor de transformatie tussen RD- en
# WGS84-kaartcoördinaten": (p, q, coefficient) with dX = (x - 155000) 1e-5, dY = (y - 463000) 1e-5.
_LAT_TERMS = (
    (0, 1, 3235.65389), (2, 0, -32.58297), (0, 2, -0.24750), (2, 1, -0.84978), (0, 3, -0.06550),
    (2, 2, -0.01709), (1, 0, -0.00738), (4, 0, 0.00530), (2, 3, -0.00039), (4, 1, 0.00033), (1, 1, -0.00012),
)
_LON_TERMS = (
    (1, 0, 5260.52916), (1, 1, 105.94684), (1, 2, 2.45656), (3, 0, -0.81885), (1, 3, 0.05594),
    (3, 1, -0.05607), (0, 1, 0.01199), (3, 2, -0.00256), (1, 4, 0.00128), (0, 2, 0.00022), (2, 0, -0.00022),
    (5, 0, 0.00026),
)
_LAT0, _LON0 = 52.15517440, 5.38720621


def rd_to_wgs84(x: float, y: float) -> tuple[float, float]:
    """RD New (x, y in metres) to WGS84 (lat, lon in degrees); about 1 m within the Netherlands."""
    dx, dy = (x - 155_000.0) * 1e-5, (y - 463_000.0) * 1e-5
    lat = sum(c * dx**p * dy**q for p, q, c in _LAT_TERMS)
    lon = sum(c * dx**p * dy**q for p, q, c in _LON_TERMS)
    return _LAT0 + lat / 3600.0, _LON0 + lon / 3600.0


# --- reading ----------------------------------------------------------------------------------


@dataclass
class _RawFeature:
    number: int  # 1-based position in the file, for messages
    ident: Any  # the feature's or geometry's own "id", a code when the properties hold none
    properties: dict[str, Any]
    geometry_type: str | None
    polygons: list[Polygon] | None  # None: the geometry could not be read (see problem)
    problem: str | None = None


class _Problems(list[str]):
    def feature(self, f: _RawFeature, label: str, reason: str) -> None:
        self.append(f"object {f.number}{label}: {reason}")


def read_areas(path: Path, gemeente: str | None = None, niveau: str | None = None,
               progress: Progress | None = None) -> ReadResult:
    """Every area of the file, converted and checked; FileRefused names every problem."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FileRefused([f"Het bestand '{path}' bestaat niet."]) from None
    except IsADirectoryError:
        raise FileRefused([f"'{path}' is een map, geen bestand."]) from None
    sha256 = hashlib.sha256(raw).hexdigest()
    data = _parse_json(raw, path.name)
    file_format, features, crs_member = _features(data)
    result = ReadResult(path.name[:300], sha256, file_format, "")
    result.features = len(features)
    if not features:
        raise FileRefused([f"Het bestand '{path.name}' bevat geen gebieden (geen features of geometrieën)."])
    result.crs = _detect_crs(crs_member, features)
    to_wgs84 = _converter(result.crs)

    problems = _Problems()
    seen: dict[str, int] = {}
    for done, f in enumerate(features, start=1):
        area = _area(f, result, problems, seen, gemeente, niveau, to_wgs84)
        if area is not None:
            result.areas.append(area)
        if progress is not None:
            progress(done, len(features))
    if problems:
        raise FileRefused([*problems, f"{len(problems)} van de {len(features)} objecten afgekeurd."])
    if not result.areas:
        scope = " en ".join(s for s in (gemeente and f"gemeente {gemeente}", niveau and f"niveau {niveau}") if s)
        raise FileRefused([f"Het bestand bevat geen gebieden van {scope}." if scope
                           else "Het bestand bevat geen gebieden."])
    return result


def _parse_json(raw: bytes, name: str) -> Any:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused([f"'{name}' is geen tekstbestand in UTF-8 (byte {exc.start}); verwacht GeoJSON of "
                           "TopoJSON."]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileRefused([f"'{name}' is geen geldige JSON (regel {exc.lineno}, kolom {exc.colno}: {exc.msg}); "
                           "verwacht GeoJSON of TopoJSON."]) from None


def _features(data: Any) -> tuple[str, list[_RawFeature], Any]:
    kind = data.get("type") if isinstance(data, dict) else None
    if kind == "FeatureCollection":
        items = data.get("features")
        if not isinstance(items, list):
            raise FileRefused(["De FeatureCollection heeft geen lijst 'features'."])
        return "GeoJSON", [_geojson_feature(i, item) for i, item in enumerate(items, start=1)], data.get("crs")
    if kind == "Feature":
        return "GeoJSON", [_geojson_feature(1, data)], data.get("crs")
    if kind == "Topology":
        return "TopoJSON", _topojson_features(data), data.get("crs")
    found = f"type '{kind}'" if isinstance(kind, str) else ("geen 'type'" if isinstance(data, dict) else
                                                           "geen JSON-object")
    raise FileRefused([f"Onbekend formaat ({found}): verwacht een GeoJSON FeatureCollection of een TopoJSON "
                       "Topology."])


def _geojson_feature(number: int, item: Any) -> _RawFeature:
    if not isinstance(item, dict):
        return _RawFeature(number, None, {}, None, None, "is geen GeoJSON-feature")
    props = _properties(item)
    ident = item.get("id")
    geometry = item.get("geometry")
    if geometry is None:
        return _RawFeature(number, ident, props, None, None, "lege geometrie")
    if not isinstance(geometry, dict):
        return _RawFeature(number, ident, props, None, None, "geometrie is geen object")
    gtype = geometry.get("type")
    coordinates = geometry.get("coordinates")
    try:
        if gtype == "Polygon":
            return _RawFeature(number, ident, props, gtype, [_polygon(coordinates)])
        if gtype == "MultiPolygon":
            if not isinstance(coordinates, list):
                raise ValueError
            return _RawFeature(number, ident, props, gtype, [_polygon(p) for p in coordinates])
    except ValueError:
        return _RawFeature(number, ident, props, gtype, None, "ongeldige coördinaten")
    return _RawFeature(number, ident, props, gtype if isinstance(gtype, str) else None, None, _not_an_area(gtype))


def _properties(item: dict[str, Any]) -> dict[str, Any]:
    props = item.get("properties")
    return props if isinstance(props, dict) else {}


def _not_an_area(gtype: Any) -> str:
    return f"geometrietype '{gtype}' is geen vlak (verwacht Polygon of MultiPolygon)"


def _polygon(rings: Any) -> Polygon:
    if not isinstance(rings, list) or not all(isinstance(ring, list) for ring in rings):
        raise ValueError
    return [[_position(p) for p in ring] for ring in rings]


def _position(p: Any) -> Position:
    if (not isinstance(p, list | tuple) or len(p) < 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in p[:2])):
        raise ValueError
    x, y = float(p[0]), float(p[1])
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError
    return x, y


def _topojson_features(data: dict[str, Any]) -> list[_RawFeature]:
    objects, arcs_raw = data.get("objects"), data.get("arcs")
    if not isinstance(objects, dict) or not isinstance(arcs_raw, list):
        raise FileRefused(["De TopoJSON Topology mist 'objects' of 'arcs'."])
    arcs = _decode_arcs(arcs_raw, data.get("transform"))
    features: list[_RawFeature] = []
    for obj in objects.values():
        geometries = obj.get("geometries") if isinstance(obj, dict) and obj.get("type") == "GeometryCollection" \
            else [obj]
        for geometry in geometries if isinstance(geometries, list) else []:
            features.append(_topojson_feature(len(features) + 1, geometry, arcs))
    return features


def _decode_arcs(arcs_raw: list[Any], transform: Any) -> list[Ring | None]:
    """Each arc as absolute positions; quantized arcs are delta-encoded (TopoJSON spec)."""
    scale: tuple[float, float] | None = None
    translate = (0.0, 0.0)
    if transform is not None:
        try:
            scale = _position(transform["scale"])
            translate = _position(transform["translate"])
        except (TypeError, KeyError, ValueError):
            raise FileRefused(["De TopoJSON 'transform' is ongeldig (verwacht 'scale' en 'translate' met twee "
                               "getallen)."]) from None
    decoded: list[Ring | None] = []
    for arc in arcs_raw:
        try:
            points = [_position(p) for p in arc] if isinstance(arc, list) else None
        except ValueError:
            points = None
        if points is not None and scale is not None:
            x = y = 0.0
            absolute: Ring = []
            for dx, dy in points:
                x, y = x + dx, y + dy
                absolute.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
            points = absolute
        decoded.append(points)
    return decoded


def _topojson_feature(number: int, geometry: Any, arcs: list[Ring | None]) -> _RawFeature:
    if not isinstance(geometry, dict):
        return _RawFeature(number, None, {}, None, None, "is geen TopoJSON-geometrie")
    props = _properties(geometry)
    ident = geometry.get("id")
    gtype = geometry.get("type")
    if gtype is None or (gtype in ("Polygon", "MultiPolygon") and not geometry.get("arcs")):
        return _RawFeature(number, ident, props, None, None, "lege geometrie")
    try:
        if gtype == "Polygon":
            return _RawFeature(number, ident, props, gtype, [_topo_polygon(geometry["arcs"], arcs)])
        if gtype == "MultiPolygon":
            return _RawFeature(number, ident, props, gtype, [_topo_polygon(p, arcs) for p in geometry["arcs"]])
    except (ValueError, TypeError):
        return _RawFeature(number, ident, props, gtype, None, "ongeldige verwijzing naar bogen ('arcs')")
    return _RawFeature(number, ident, props, gtype if isinstance(gtype, str) else None, None, _not_an_area(gtype))


def _topo_polygon(rings: Any, arcs: list[Ring | None]) -> Polygon:
    if not isinstance(rings, list):
        raise ValueError
    polygon: Polygon = []
    for ring_arcs in rings:
        ring: Ring = []
        for index in ring_arcs:
            if not isinstance(index, int) or isinstance(index, bool) or not -len(arcs) <= index < len(arcs):
                raise ValueError
            arc = arcs[index] if index >= 0 else arcs[~index]
            if arc is None:
                raise ValueError
            points = arc if index >= 0 else arc[::-1]  # a negative index is the arc ~index reversed
            ring.extend(points if not ring else points[1:])  # consecutive arcs share an end point
        polygon.append(ring)
    return polygon


# --- coordinate systems ------------------------------------------------------------------------


def _detect_crs(member: Any, features: list[_RawFeature]) -> str:
    if member is not None:
        name = ""
        if isinstance(member, dict):
            props = member.get("properties")
            name = str(props.get("name", "")) if isinstance(props, dict) else ""
        if "28992" in name:
            return RD_NEW
        if re.search(r"(EPSG::?4326|CRS84)$", name, re.IGNORECASE):
            return WGS84
        raise FileRefused([f"Onbekend coördinatenstelsel '{name or member}': verwacht WGS84 (EPSG:4326) of "
                           "RD New (EPSG:28992)."])
    xs = [x for f in features for x, _ in _positions(f)]
    ys = [y for f in features for _, y in _positions(f)]
    if not xs:
        raise FileRefused(["Het bestand bevat geen coördinaten."])
    (x0, x1), (y0, y1) = (min(xs), max(xs)), (min(ys), max(ys))
    if _WGS_LON[0] <= x0 and x1 <= _WGS_LON[1] and _WGS_LAT[0] <= y0 and y1 <= _WGS_LAT[1]:
        return WGS84
    if _RD_X[0] <= x0 and x1 <= _RD_X[1] and _RD_Y[0] <= y0 and y1 <= _RD_Y[1]:
        return RD_NEW
    raise FileRefused([f"Onbekend coördinatenstelsel: de coördinaten lopen van ({x0:g}, {y0:g}) tot ({x1:g}, "
                       f"{y1:g}); dat past niet bij WGS84 (lengte, breedte) of RD New (x 0–300000, "
                       "y 280000–630000)."])


def _positions(f: _RawFeature) -> Iterator[Position]:
    for polygon in f.polygons or ():
        for ring in polygon:
            yield from ring


def _converter(crs: str) -> Callable[[Position], Position]:
    if crs == RD_NEW:
        def from_rd(p: Position) -> Position:
            lat, lon = rd_to_wgs84(p[0], p[1])
            return lon, lat
        return from_rd
    return lambda p: p


# --- one feature ---------------------------------------------------------------------------------


def _lookup(props: dict[str, Any], keys: Iterable[str]) -> tuple[str, Any] | None:
    for key in keys:
        value = props.get(key)
        if value is not None and str(value).strip():
            return key, value
    return None


def _normal_code(value: Any, kind: str | None) -> str:
    """The code as CBS writes it; a plain number under a kind's own key gets its prefix."""
    text = str(value).strip().upper()
    if kind is not None and text.isdigit() and len(text) <= _DIGITS[kind]:
        return _PREFIX_OF_KIND[kind] + text.zfill(_DIGITS[kind])
    return text


def _invalid_code(code: str) -> str:
    return f"ongeldige code '{code}' (verwacht bijvoorbeeld GM0344, WK034401 of BU03440101)"


def _area(f: _RawFeature, result: ReadResult, problems: _Problems, seen: dict[str, int], gemeente: str | None,
          niveau: str | None, to_wgs84: Callable[[Position], Position]) -> ParsedArea | None:
    props = {str(k).lower(): v for k, v in f.properties.items()}
    found = next(((key, props[key], kind) for key, kind in _CODE_KEYS
                  if props.get(key) is not None and str(props[key]).strip()), None)
    if found is None and f.ident is not None and str(f.ident).strip():
        found = ("id", f.ident, None)
    if found is None:
        problems.feature(f, "", "geen gebiedscode (verwacht bijvoorbeeld 'statcode', 'buurtcode', 'wijkcode' of "
                         "'gemeentecode')" + (f"; ook {f.problem}" if f.problem else ""))
        return None
    code = _normal_code(found[1], found[2])
    if not _CODE.match(code):
        problems.feature(f, "", _invalid_code(code) + (f"; ook {f.problem}" if f.problem else ""))
        return None
    kind = _KIND_OF_PREFIX[code[:2]]
    if gemeente is not None and "GM" + code[2:6] != gemeente:
        result.other_municipality += 1
        return None
    if niveau is not None and kind != niveau:
        result.other_level += 1
        return None
    named = _lookup(props, _NAME_KEYS[kind])
    label = f" ({code}{' ' + repr(str(named[1]).strip()) if named else ''})"
    reasons: list[str] = []
    if code in seen:
        reasons.append(f"de code {code} komt ook voor bij object {seen[code]}")
    else:
        seen[code] = f.number
    if code[2:6] == DEMO_MUNICIPALITY[2:]:
        reasons.append(f"{DEMO_MUNICIPALITY} is de fictieve demogemeente Lindeveen; haar gebieden komen alleen uit "
                       "'weerbaar demo'")
    name = str(named[1]).strip() if named else ""
    if not name:
        reasons.append("geen naam")
    elif len(name) > 200:
        reasons.append("naam langer dan 200 tekens")
    parent = _parent(code, kind, props, reasons)
    geometry = None
    if f.problem is not None:
        reasons.append(f.problem)
    elif not any(True for _ in _positions(f)):
        reasons.append("lege geometrie (geen coördinaten)")
    else:
        geometry = _clean_geometry(f, to_wgs84, result, reasons)
    if reasons:
        problems.feature(f, label, "; ".join(reasons))
        return None
    return ParsedArea(code, kind, name, parent, geometry)


def _parent(code: str, kind: str, props: dict[str, Any], reasons: list[str]) -> str | None:
    if kind == "gemeente":
        return None
    parent_kind = "wijk" if kind == "buurt" else "gemeente"
    explicit = _lookup(props, _PARENT_KEYS[kind])
    if explicit is None:
        return _PREFIX_OF_KIND[parent_kind] + code[2:2 + _DIGITS[parent_kind]]
    parent = _normal_code(explicit[1], parent_kind)
    if not parent.startswith(_PREFIX_OF_KIND[parent_kind]) or not _CODE.match(parent):
        reasons.append(f"'{explicit[0]}': " + _invalid_code(parent))
        return None
    return parent


# --- geometry ---------------------------------------------------------------------------------


def _clean_geometry(f: _RawFeature, to_wgs84: Callable[[Position], Position], result: ReadResult,
                    reasons: list[str]) -> dict[str, Any] | None:
    polygons: list[list[list[list[float]]]] = []
    outside: list[Position] = []
    for polygon in f.polygons or ():
        rings: list[list[list[float]]] = []
        for i, ring in enumerate(polygon):
            result.points_read += len(ring)
            converted = [to_wgs84(p) for p in ring]
            outside += [p for p in converted if not _in_netherlands(p)]
            cleaned = _clean_ring(converted)
            if cleaned is None:
                result.degenerate_rings += 1
                if i == 0:  # without its outer ring, the polygon's holes mean nothing
                    break
                continue
            result.points_kept += len(cleaned)
            rings.append(cleaned)
        if rings:
            polygons.append(rings)
    if outside:
        lon, lat = outside[0]
        hint = " (lengte en breedte verwisseld?)" if _in_netherlands((lat, lon)) else ""
        reasons.append(f"{len(outside)} punt(en) buiten Nederland, bijvoorbeeld lengte {lon:.5f}, breedte "
                       f"{lat:.5f}{hint}")
        return None
    if not polygons:  # every ring collapsed: the area is stored without its boundary
        return None
    if f.geometry_type == "Polygon" and len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def _in_netherlands(p: Position) -> bool:
    return _NL_LON[0] <= p[0] <= _NL_LON[1] and _NL_LAT[0] <= p[1] <= _NL_LAT[1]


def _clean_ring(ring: Ring) -> list[list[float]] | None:
    """Simplified, rounded and closed; None when no area is left."""
    if len(ring) < 3:
        return None
    if ring[0] != ring[-1]:
        ring = [*ring, ring[0]]
    simplified = simplify(ring, TOLERANCE_M)
    rounded: list[list[float]] = []
    for lon, lat in simplified:
        point = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    if rounded[0] != rounded[-1]:
        rounded.append(rounded[0])
    if len(rounded) < 4 or _area2(rounded) == 0:
        return None
    return rounded


def _area2(ring: list[list[float]]) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in pairwise(ring))


def simplify(ring: Ring, tolerance_m: float) -> Ring:
    """Douglas-Peucker on a closed ring in WGS84, distances in metres (local flat projection).

    The ring is split at its first point and the point farthest from it, so that both
    halves have distinct end points; a ring that would collapse is returned as it was.
    """
    if len(ring) <= 4:
        return ring
    lat0 = math.radians(sum(p[1] for p in ring) / len(ring))
    kx, ky = 111_320.0 * math.cos(lat0), 110_574.0
    xy = [(p[0] * kx, p[1] * ky) for p in ring]
    far = max(range(len(xy)), key=lambda i: (xy[i][0] - xy[0][0]) ** 2 + (xy[i][1] - xy[0][1]) ** 2)
    if far == 0:
        return ring
    keep = [False] * len(xy)
    keep[0] = keep[far] = keep[-1] = True
    stack = [(0, far), (far, len(xy) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        (ax, ay), (bx, by) = xy[first], xy[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        best, best_d = -1, tolerance_m
        for i in range(first + 1, last):
            px, py = xy[i]
            d = (abs(dy * px - dx * py + bx * ay - by * ax) / length if length
                 else math.hypot(px - ax, py - ay))
            if d > best_d:
                best, best_d = i, d
        if best >= 0:
            keep[best] = True
            stack += [(first, best), (best, last)]
    kept = [p for p, k in zip(ring, keep, strict=True) if k]
    return kept if len(kept) >= 4 else ring


# --- storing ----------------------------------------------------------------------------------


def may_import(principal: Principal, gemeente: str | None) -> str | None:
    """The municipality the principal is confined to (None: all); Forbidden when none.

    Boundaries are installation data: the beheerder loads any; who may import source files
    for a municipality (coordinator, analist) loads that municipality's own areas only.
    """
    if principal.can(rights.ORGANISATIONS_MANAGE):
        return gemeente
    if principal.can(rights.SOURCES_IMPORT) and principal.municipality_code:
        own = principal.municipality_code
        if gemeente is not None and gemeente != own:
            raise Forbidden(f"U mag alleen de gebieden van uw eigen gemeente ({own}) importeren.")
        return own
    raise Forbidden("U heeft geen recht om gebiedsgrenzen te importeren.")


def check_options(gemeente: str | None, niveau: str | None) -> tuple[str | None, str | None]:
    problems = []
    if gemeente is not None:
        gemeente = gemeente.strip().upper()
        if not re.fullmatch(r"GM\d{4}", gemeente):
            problems.append(f"--gemeente: '{gemeente}' is geen gemeentecode (verwacht GM + 4 cijfers, bijv. GM0344).")
    if niveau is not None:
        niveau = niveau.strip().lower()
        if niveau not in KINDS:
            problems.append(f"--niveau: '{niveau}' is onbekend (kies buurt, wijk of gemeente).")
    if problems:
        raise FileRefused(problems)
    return gemeente, niveau


def import_areas(runtime: Runtime, path: Path, principal: Principal, gemeente: str | None = None,
                 niveau: str | None = None, progress: Progress | None = None) -> GeoImportSummary:
    """Read, check and store a boundary file in one transaction: all of it, or nothing."""
    gemeente, niveau = check_options(gemeente, niveau)
    gemeente = may_import(principal, gemeente)
    read = read_areas(path, gemeente, niveau, progress)
    with runtime.db.transaction() as session:
        return store_areas(session, read, principal, gemeente, niveau)


def store_areas(session: Session, read: ReadResult, principal: Principal, gemeente: str | None = None,
                niveau: str | None = None) -> GeoImportSummary:
    summary = GeoImportSummary(read, gemeente, niveau, {kind: Counter() for kind in KINDS})
    codes = [a.code for a in read.areas]
    existing: dict[str, tuple[str, str | None, Any]] = {}
    for start in range(0, len(codes), 500):
        rows = session.execute(select(Area.code, Area.name, Area.parent_code, Area.geometry)
                               .where(Area.code.in_(codes[start:start + 500])))
        existing.update({code: (name, parent, geometry) for code, name, parent, geometry in rows})
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for a in read.areas:
        before = existing.get(a.code)
        # A file without a usable boundary for an area does not erase the one already known.
        geometry = a.geometry if a.geometry is not None or before is None else before[2]
        row = {"code": a.code, "kind": a.kind, "name": a.name, "parent_code": a.parent_code, "geometry": geometry}
        if before is None:
            new.append(row)
            summary.counts[a.kind]["nieuw"] += 1
        elif before != (a.name, a.parent_code, geometry):
            changed.append(row)
            summary.counts[a.kind]["gewijzigd"] += 1
        else:
            summary.counts[a.kind]["ongewijzigd"] += 1
    if new:
        session.execute(insert(Area), new)
    if changed:
        session.execute(update(Area), changed)
    parents = {a.parent_code for a in read.areas if a.parent_code} - set(codes)
    known: set[str] = set()
    parent_list = sorted(parents)
    for start in range(0, len(parent_list), 500):
        known.update(session.scalars(select(Area.code).where(Area.code.in_(parent_list[start:start + 500]))))
    summary.parent_unknown = sum(1 for a in read.areas if a.parent_code in parents - known)
    logbook.record(session, principal, logbook.IMPORT, object_type="gebieden", object_id=read.sha256[:16],
                   purpose="import gebiedsgrenzen", details=summary.as_details())
    return summary

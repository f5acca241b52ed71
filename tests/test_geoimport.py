"""`weerbaar importeer gebieden`: real CBS boundaries (GeoJSON, TopoJSON; WGS84, RD New) into `areas`."""

from __future__ import annotations

import csv
import json
import math
import re
import shutil
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from weerbaar.access import logbook
from weerbaar.access.models import AccessLogEntry
from weerbaar.cli import main as weerbaar_cli
from weerbaar.core.errors import Forbidden
from weerbaar.core.models import Area
from weerbaar.ingest.csvfile import FileRefused
from weerbaar.picture.geoimport import RD_NEW, WGS84, import_areas, rd_to_wgs84, read_areas

GEO = Path(__file__).parent / "data" / "geo"
BUURTEN = GEO / "duiven_buurten_2014.topojson"
WIJKEN = GEO / "duiven_wijken_2014.topojson"
GEMEENTE = GEO / "duiven_gemeente_2023.geojson"


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance between two (lon, lat) points, flat approximation (fine for a few km)."""
    kx = 111_320.0 * math.cos(math.radians((a[1] + b[1]) / 2))
    return math.hypot((a[0] - b[0]) * kx, (a[1] - b[1]) * 110_574.0)


def rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [ring for polygon in polygons for ring in polygon]


def bbox(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    points = [p for ring in rings(geometry) for p in ring]
    return (min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points),
            max(p[1] for p in points))


def centroid(geometry: dict[str, Any]) -> tuple[float, float]:
    """Area-weighted centroid of the outer rings (shoelace)."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    total = cx = cy = 0.0
    for polygon in polygons:
        ring = polygon[0]
        for (x0, y0), (x1, y1) in pairwise(ring):
            cross = x0 * y1 - x1 * y0
            total += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    return cx / (3 * total), cy / (3 * total)


def feature(props: dict[str, Any], geometry: dict[str, Any] | None) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def square(lon: float, lat: float, size: float = 0.01) -> dict[str, Any]:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def areas_in_db(runtime) -> dict[str, Area]:
    """The imported areas (the test world's fictional Lindeveen and Zandhoven left out)."""
    with runtime.db.session() as s:
        return {a.code: a for a in s.scalars(select(Area)) if a.code[2:6] not in ("9990", "9991")}


# --- RD New -> WGS84 ---------------------------------------------------------------------------


def test_rd_to_wgs84_at_amersfoort_and_on_bag_addresses():
    lat, lon = rd_to_wgs84(155_000, 463_000)
    assert (round(lat, 5), round(lon, 5)) == (52.15517, 5.38721)
    with (GEO / "bag_amsterdam_sample.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    assert len(rows) >= 5
    for row in rows:
        lat, lon = rd_to_wgs84(float(row["x"]), float(row["y"]))
        assert metres((lon, lat), (float(row["lon"]), float(row["lat"]))) < 1.5, row["nummeraanduiding"]


# --- TopoJSON decoding ---------------------------------------------------------------------------


def _two_squares(quantized: bool) -> dict[str, Any]:
    """Two buurten side by side sharing arc 0 (the second one walks it backwards), the first with a hole."""
    # Absolute positions in a unit grid: 1 unit = 0.001 degree from (6.0, 52.0).
    shared = [(10, 0), (10, 10)]
    left = [(10, 10), (0, 10), (0, 0), (10, 0)]
    right = [(10, 0), (20, 0), (20, 10), (10, 10)]
    hole = [(3, 3), (3, 6), (6, 6), (6, 3), (3, 3)]
    arcs_abs = [shared, left, right, hole]
    if quantized:
        arcs = [[list(a[0])] + [[b[0] - p[0], b[1] - p[1]] for p, b in pairwise(a)]
                for a in arcs_abs]
        extra = {"transform": {"scale": [0.001, 0.001], "translate": [6.0, 52.0]}}
    else:
        arcs = [[[6.0 + x * 0.001, 52.0 + y * 0.001] for x, y in a] for a in arcs_abs]
        extra = {}
    return {"type": "Topology", **extra, "arcs": arcs, "objects": {"buurten": {"type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1], [3]],
                 "properties": {"BUURTCODE": "BU02260101", "BUURTNAAM": "Links", "wijkcode": "WK022601"}},
                {"type": "MultiPolygon", "arcs": [[[2, ~0]]], "id": "BU02260102",
                 "properties": {"statnaam": "Rechts", "aantalInwoners": 12}},
            ]}}}


@pytest.mark.parametrize("quantized", [True, False])
def test_topojson_arcs_are_decoded_with_shared_and_reversed_arcs_and_holes(tmp_path, quantized):
    read = read_areas(write(tmp_path / "t.json", _two_squares(quantized)))
    assert read.format == "TopoJSON" and read.crs == WGS84
    left, right = read.areas
    assert (left.code, left.kind, left.name, left.parent_code) == ("BU02260101", "buurt", "Links", "WK022601")
    assert left.geometry == {"type": "Polygon", "coordinates": [
        [[6.01, 52.0], [6.01, 52.01], [6.0, 52.01], [6.0, 52.0], [6.01, 52.0]],
        [[6.003, 52.003], [6.003, 52.006], [6.006, 52.006], [6.006, 52.003], [6.003, 52.003]],
    ]}
    # The code from the geometry's id; the parent from the code; the numeric property left out.
    assert (right.code, right.name, right.parent_code) == ("BU02260102", "Rechts", "WK022601")
    assert right.geometry == {"type": "MultiPolygon", "coordinates": [[
        [[6.01, 52.0], [6.02, 52.0], [6.02, 52.01], [6.01, 52.01], [6.01, 52.0]],
    ]]}


def test_simplification_drops_points_within_five_metres_and_rounds_to_six_decimals(tmp_path):
    # A 1 km square whose south edge has 99 points wobbling 1 m, and one real 50 m bump.
    south = [[5.0 + i * 0.0001463, 52.0 + (0.000009 if i % 2 else 0.0)] for i in range(100)]
    south[50][1] = 52.00045  # 50 m north
    ring = [*south, [5.01463, 52.0], [5.01463, 52.009], [5.0, 52.009], south[0]]
    geometry = {"type": "Polygon", "coordinates": [[[x + 1e-9, y] for x, y in ring]]}
    read = read_areas(write(tmp_path / "g.geojson", {"type": "FeatureCollection", "features": [
        feature({"gemeentecode": "GM0226", "gemeentenaam": "Duiven"}, geometry)]}))
    kept = read.areas[0].geometry["coordinates"][0]
    assert any(p[1] == 52.00045 for p in kept)  # the bump stays
    assert len(kept) < 12 and read.points_kept < read.points_read
    assert all(p == [round(p[0], 6), round(p[1], 6)] for p in kept)


# --- the sample of one real municipality --------------------------------------------------------


def test_duiven_sample_imports_with_the_right_hierarchy_and_places(runtime, world):
    beheerder = world["beheerder"].principal
    counts = {}
    for path in (GEMEENTE, WIJKEN, BUURTEN):
        summary = import_areas(runtime, path, beheerder)
        counts[path.name] = {k: summary.imported(k) for k in ("gemeente", "wijk", "buurt")}
        assert summary.read.without_boundary == [] and summary.parent_unknown == 0
    assert counts == {
        GEMEENTE.name: {"gemeente": 1, "wijk": 0, "buurt": 0},
        WIJKEN.name: {"gemeente": 0, "wijk": 6, "buurt": 0},
        BUURTEN.name: {"gemeente": 0, "wijk": 0, "buurt": 14},
    }
    areas = {code: a for code, a in areas_in_db(runtime).items() if code[2:6] == "0226"}
    assert len(areas) == 21
    gemeente = areas["GM0226"]
    assert (gemeente.kind, gemeente.name, gemeente.parent_code) == ("gemeente", "Duiven", None)
    assert set(gemeente.geometry) == {"type", "coordinates"}  # key figures such as aantalInwoners are left out
    centrum = areas["BU02260303"]
    assert (centrum.kind, centrum.name, centrum.parent_code) == ("buurt", "Centrum", "WK022603")
    assert areas["WK022603"].parent_code == "GM0226"
    # Duiven's centre (the church on the Dorpsplein) is at about 51.9472 N, 6.0198 E.
    assert metres(centroid(centrum.geometry), (6.0198, 51.9472)) < 800
    sx, sy = 0.008, 0.006
    for code, area in areas.items():
        assert all(3.3 < lon < 7.3 and 50.7 < lat < 53.6 for ring in rings(area.geometry) for lon, lat in ring)
        assert all(ring[0] == ring[-1] and len(ring) >= 4 for ring in rings(area.geometry)), code
        if area.kind == "buurt":
            # Each file is quantized on its own ~270 x 310 m grid: a buurt's box lies in its wijk's box give or
            # take a grid step from each file; its centroid lies inside that box outright.
            bx0, by0, bx1, by1 = bbox(area.geometry)
            wx0, wy0, wx1, wy1 = bbox(areas[area.parent_code].geometry)
            assert wx0 - sx <= bx0 and bx1 <= wx1 + sx and wy0 - sy <= by0 and by1 <= wy1 + sy, code
            cx, cy = centroid(area.geometry)
            assert wx0 <= cx <= wx1 and wy0 <= cy <= wy1, code
            assert areas[area.parent_code].parent_code == "GM0226"
    gx0, gy0, gx1, gy1 = bbox(gemeente.geometry)
    for code, area in areas.items():  # the 2023 boundary is exact, the 2014 files a grid step off at most
        ax0, ay0, ax1, ay1 = bbox(area.geometry)
        assert gx0 - sx <= ax0 and ax1 <= gx1 + sx and gy0 - sy <= ay0 and ay1 <= gy1 + sy, code
    with runtime.db.session() as s:
        logged = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == logbook.IMPORT,
                                                        AccessLogEntry.object_type == "gebieden")
                           .order_by(AccessLogEntry.at)).all()
    assert [e.details["bestand"] for e in logged] == [GEMEENTE.name, WIJKEN.name, BUURTEN.name]
    assert logged[-1].details["buurt"] == {"nieuw": 14} and logged[-1].user_email == beheerder.email


def test_reimport_updates_by_code_and_never_duplicates(runtime, world, tmp_path):
    beheerder = world["beheerder"].principal
    first = import_areas(runtime, BUURTEN, beheerder)
    again = import_areas(runtime, BUURTEN, beheerder)
    assert first.counts["buurt"] == {"nieuw": 14}
    assert again.counts["buurt"] == {"ongewijzigd": 14}
    data = json.loads(BUURTEN.read_text(encoding="utf-8"))
    data["objects"]["buurten"]["geometries"][0]["properties"]["statnaam"] = "Loo (Gld)"
    renamed = import_areas(runtime, write(tmp_path / "hernoemd.topojson", data), beheerder)
    assert renamed.counts["buurt"] == {"gewijzigd": 1, "ongewijzigd": 13}
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Area).where(Area.code.startswith("BU0226"))) == 14
        assert s.get(Area, "BU02260601").name == "Loo (Gld)"


# --- coordinate systems ----------------------------------------------------------------------------


@pytest.mark.parametrize("with_crs_member", [True, False])
def test_rd_new_files_are_recognised_and_converted(runtime, world, tmp_path, with_crs_member):
    with (GEO / "bag_amsterdam_sample.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    truth = {(float(r["x"]), float(r["y"])): (float(r["lon"]), float(r["lat"])) for r in rows}
    corners = [(122177.0, 487877.0), (122463.0, 487848.0), (122368.15127002979, 487594.874262184),
               (122015.0, 487614.0)]
    assert all(c in truth for c in corners)
    data: dict[str, Any] = {"type": "FeatureCollection", "features": [feature(
        {"buurtcode": "BU03630001", "buurtnaam": "Burgwallen-Nieuwe Zijde", "wijkcode": "WK036300"},
        {"type": "Polygon", "coordinates": [[list(c) for c in [*corners, corners[0]]]]})]}
    if with_crs_member:
        data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}
    summary = import_areas(runtime, write(tmp_path / "rd.geojson", data), world["beheerder"].principal,
                           gemeente="GM0363")
    assert summary.read.crs == RD_NEW and summary.counts["buurt"] == {"nieuw": 1}
    ring = areas_in_db(runtime)["BU03630001"].geometry["coordinates"][0]
    assert len(ring) == 5
    for point, corner in zip(ring, corners, strict=False):
        assert metres((point[0], point[1]), truth[corner]) < 1.5


# --- refusals --------------------------------------------------------------------------------------


def test_a_file_with_bad_features_is_refused_whole_naming_each_problem(runtime, world, tmp_path):
    good = feature({"buurtcode": "BU02260101", "buurtnaam": "Bedrijventerrein"}, square(6.05, 51.95))
    bad = write(tmp_path / "fout.geojson", {"type": "FeatureCollection", "features": [
        good,
        feature({"buurtnaam": "Zonder code"}, square(6.0, 51.9)),
        feature({"statcode": "BU12", "statnaam": "Te kort"}, square(6.0, 51.9)),
        feature({"statcode": "WK022601", "statnaam": "Leeg"}, None),
        feature({"statcode": "WK022602", "statnaam": "Punt"}, {"type": "Point", "coordinates": [6.0, 51.9]}),
        feature({"statcode": "BU02260101", "statnaam": "Dubbel"}, square(6.0, 51.9)),
        feature({"statcode": "WK022603", "statnaam": "Verwisseld"}, square(51.9, 6.0)),
        feature({"statcode": "WK022604"}, square(6.0, 51.9)),
        feature({"statcode": "WK999001", "statnaam": "Lindeveen-Centrum"}, square(5.44, 52.05)),
        feature({"statcode": "WK022605", "statnaam": "Kapot"}, {"type": "Polygon", "coordinates": [[["a", 1]]]}),
        feature({"statcode": "WK022606", "statnaam": "Geen punten"}, {"type": "Polygon", "coordinates": []}),
    ]})
    with pytest.raises(FileRefused) as refused:
        import_areas(runtime, bad, world["beheerder"].principal)
    problems = refused.value.problems
    expected = [
        r"^object 2: geen gebiedscode",
        r"^object 3: ongeldige code 'BU12'",
        r"^object 4 \(WK022601 'Leeg'\): lege geometrie$",
        r"^object 5 \(WK022602 'Punt'\): geometrietype 'Point' is geen vlak",
        r"^object 6 \(BU02260101 'Dubbel'\): de code BU02260101 komt ook voor bij object 1$",
        r"^object 7 \(WK022603 'Verwisseld'\): 5 punt\(en\) buiten Nederland.*lengte en breedte verwisseld\?",
        r"^object 8 \(WK022604\): geen naam$",
        r"^object 9 \(WK999001 'Lindeveen-Centrum'\): GM9990 is de fictieve demogemeente",
        r"^object 10 \(WK022605 'Kapot'\): ongeldige coördinaten$",
        r"^object 11 \(WK022606 'Geen punten'\): lege geometrie \(geen coördinaten\)$",
        r"^10 van de 11 objecten afgekeurd\.$",
    ]
    assert len(problems) == len(expected), problems
    for pattern, problem in zip(expected, problems, strict=True):
        assert re.search(pattern, problem), (pattern, problem)
    assert areas_in_db(runtime) == {}  # nothing stored, not even the good first feature


@pytest.mark.parametrize(("content", "message"), [
    (b"<kml></kml>", "geen geldige JSON"),
    (b"\xff\xfe\x00x", "geen tekstbestand in UTF-8"),
    (b'{"type": "GeometryCollection", "geometries": []}', "Onbekend formaat (type 'GeometryCollection')"),
    (b"[1, 2]", "Onbekend formaat (geen JSON-object)"),
    (b'{"type": "FeatureCollection", "features": []}', "bevat geen gebieden"),
    (b'{"type": "Topology", "objects": {}}', "mist 'objects' of 'arcs'"),
])
def test_files_that_are_not_boundaries_are_refused(tmp_path, content, message):
    path = tmp_path / "bestand.json"
    path.write_bytes(content)
    with pytest.raises(FileRefused) as refused:
        read_areas(path)
    assert message in refused.value.problems[0]


def test_unknown_coordinate_systems_are_refused(tmp_path):
    mercator = {"type": "FeatureCollection", "features": [
        feature({"statcode": "GM0226", "statnaam": "Duiven"}, square(670_000, 6_790_000, 1000))]}
    with pytest.raises(FileRefused) as by_range:
        read_areas(write(tmp_path / "a.geojson", mercator))
    assert "Onbekend coördinatenstelsel: de coördinaten lopen van (670000, 6.79e+06)" in by_range.value.problems[0]
    named = {**mercator, "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}}
    with pytest.raises(FileRefused) as by_name:
        read_areas(write(tmp_path / "b.geojson", named))
    assert by_name.value.problems == ["Onbekend coördinatenstelsel 'urn:ogc:def:crs:EPSG::3857': verwacht WGS84 "
                                      "(EPSG:4326) of RD New (EPSG:28992)."]


def test_a_boundary_that_collapses_is_stored_without_one_and_a_known_one_stays(runtime, world, tmp_path):
    beheerder = world["beheerder"].principal
    import_areas(runtime, BUURTEN, beheerder)
    before = areas_in_db(runtime)["BU02260303"].geometry
    # The same buurt quantized so coarsely that its ring becomes a line.
    coarse = {"type": "Topology", "transform": {"scale": [0.5, 0.5], "translate": [6.0, 51.9]},
              "arcs": [[[0, 0], [1, 0], [-1, 0]]],
              "objects": {"b": {"type": "GeometryCollection", "geometries": [
                  {"type": "Polygon", "arcs": [[0]], "properties": {"statcode": "BU02260303", "statnaam": "Centrum"}},
                  {"type": "Polygon", "arcs": [[0]], "properties": {"statcode": "BU02260399", "statnaam": "Nieuw"}},
              ]}}}
    summary = import_areas(runtime, write(tmp_path / "grof.json", coarse), beheerder)
    assert [a.code for a in summary.read.without_boundary] == ["BU02260303", "BU02260399"]
    assert summary.counts["buurt"] == {"ongewijzigd": 1, "nieuw": 1}
    stored = areas_in_db(runtime)
    assert stored["BU02260303"].geometry == before and stored["BU02260399"].geometry is None


# --- who may import, and which areas ---------------------------------------------------------------


def test_filters_and_rights(runtime, world, tmp_path):
    both = json.loads(BUURTEN.read_text(encoding="utf-8"))
    wijken = json.loads(WIJKEN.read_text(encoding="utf-8"))
    # One topology with both layers, each with its own copy of the arcs.
    offset = len(both["arcs"])
    for g in wijken["objects"]["wijken"]["geometries"]:
        g["arcs"] = [[i + offset if i >= 0 else ~(~i + offset) for i in ring] for ring in g["arcs"]]
    both["arcs"] += wijken["arcs"]
    both["objects"]["wijken"] = wijken["objects"]["wijken"]
    path = write(tmp_path / "beide.topojson", both)
    beheerder = world["beheerder"].principal

    only_wijken = import_areas(runtime, path, beheerder, niveau="wijk")
    assert only_wijken.counts["wijk"] == {"nieuw": 6} and only_wijken.read.other_level == 14
    with pytest.raises(FileRefused) as elsewhere:
        import_areas(runtime, path, beheerder, gemeente="gm0344")
    assert elsewhere.value.problems == ["Het bestand bevat geen gebieden van gemeente GM0344."]
    with pytest.raises(FileRefused) as options:
        import_areas(runtime, path, beheerder, gemeente="Duiven", niveau="straat")
    assert len(options.value.problems) == 2 and options.value.problems[1].startswith("--niveau: 'straat'")

    # A coordinator imports its own municipality's areas only (Lindeveen is not in this file).
    with pytest.raises(Forbidden):
        import_areas(runtime, path, world["coordinator"].principal, gemeente="GM0226")
    with pytest.raises(FileRefused) as own:
        import_areas(runtime, path, world["analist"].principal)
    assert own.value.problems == ["Het bestand bevat geen gebieden van gemeente GM9990."]
    with pytest.raises(Forbidden):
        import_areas(runtime, path, world["woco"].principal)
    assert len(areas_in_db(runtime)) == 6


# --- the command ---------------------------------------------------------------------------------------


def test_cli_imports_the_sample_and_refuses_a_bad_file(runtime, world, tmp_path):
    env = {"WEERBAAR_DATABASE_URL": runtime.db.url, "WEERBAAR_DATA": str(tmp_path),
           "WEERBAAR_GEBRUIKER": world["beheerder"].user.email, "COLUMNS": "200"}
    result = CliRunner().invoke(weerbaar_cli.app, ["importeer", "gebieden", str(BUURTEN)], env=env)
    assert result.exit_code == 0, result.output
    assert re.search(r"Buurten\s*│\s*14\s*│\s*0\s*│\s*0\s*│\s*14", result.stdout)
    assert "Formaat: TopoJSON; coördinatenstelsel: WGS84; 14 objecten gelezen." in result.stdout

    shutil.copy(GEMEENTE, tmp_path / "g.geojson")
    data = json.loads((tmp_path / "g.geojson").read_text(encoding="utf-8"))
    data["features"][0]["properties"]["gemeentecode"] = "Duiven"
    refused = CliRunner().invoke(weerbaar_cli.app, ["importeer", "gebieden", str(write(tmp_path / "g.geojson", data)),
                                                    "--niveau", "gemeente"], env=env)
    assert refused.exit_code == 2
    text = " ".join(refused.stderr.split())
    assert "object 1: ongeldige code 'DUIVEN'" in text and "er is niets opgeslagen" in text
    assert set(areas_in_db(runtime)) == {a for a in areas_in_db(runtime) if a.startswith("BU0226")}


# --- the real files in ../shared ------------------------------------------------------------------------


def test_real_cbs_files_import_whole(runtime, world, shared_dir):
    geo = shared_dir / "data" / "geo"
    beheerder = world["beheerder"].principal
    gemeenten = import_areas(runtime, geo / "gemeenten_2023_kerncijfers.geojson", beheerder)
    wijken = import_areas(runtime, geo / "Wijk_2014_layer_q1e3.json", beheerder)
    buurten = import_areas(runtime, geo / "Buurt_2014_layer_q1e3.json", beheerder)
    assert (gemeenten.imported("gemeente"), wijken.imported("wijk"), buurten.imported("buurt")) == (343, 2738, 11691)
    assert gemeenten.read.crs == wijken.read.crs == buurten.read.crs == WGS84
    # The 2014 files are quantized to ~300 m: the smallest buurten collapse and are stored without boundary.
    assert 0 < len(buurten.read.without_boundary) < 0.15 * 11691
    stored = areas_in_db(runtime)
    assert len(stored) == 343 + 2738 + 11691  # every code once
    with_boundary = [a for a in stored.values() if a.geometry is not None]
    assert all(3.3 < lon < 7.3 and 50.7 < lat < 53.6
               for a in with_boundary for ring in rings(a.geometry) for lon, lat in ring)
    dam = stored["BU03630001"]  # Burgwallen-Nieuwe Zijde, Amsterdam: the Dam is at 52.3731 N, 4.8924 E
    assert dam.name == "Burgwallen-Nieuwe Zijde" and dam.parent_code == "WK036300"
    assert metres(centroid(dam.geometry), (4.8924, 52.3731)) < 1000
    assert metres(centroid(stored["GM0363"].geometry), (4.90, 52.37)) < 10_000
    # A few 2014 buurten (e.g. Rivium, BU05992540) belong to a wijk the 2014 wijk file lacks; the summary says so.
    orphans = [a.code for a in stored.values() if a.kind == "buurt" and a.parent_code not in stored]
    assert 0 < buurten.parent_unknown == len(orphans) < 20 and "BU05992540" in orphans
    # 2014 wijken of municipalities merged away by 2023 (e.g. GM1921, De Friese Meren) have no gemeente here.
    gone = {a.parent_code for a in stored.values() if a.kind == "wijk" and a.parent_code not in stored}
    assert "GM1921" in gone and wijken.parent_unknown == sum(
        1 for a in stored.values() if a.kind == "wijk" and a.parent_code in gone)

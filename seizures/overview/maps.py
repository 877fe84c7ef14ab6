"""The overview's map: SVG drawn on the server from outlines shipped with the code
(`seizures/data/outlines/`, built by `manage.py build_outlines`), with no tile server and
no script. Subdivisions are shaded by kilograms and operations drawn as dots, on a
Mercator plane."""

import functools
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from seizures.overview.figures import MAP_DOTS, Figures, format_kg

OUTLINES = Path(__file__).resolve().parents[1] / "data" / "outlines" / "admin1.topo.json"
WORLD = 100_000  # width of the Mercator plane in map units: one unit is about 400 m at the equator
MAP_W, MAP_H = 600, 520  # about the drawing's size on a laptop screen, in CSS pixels


def mercator(lon: float, lat: float) -> tuple[float, float]:
    lat = max(-85.0, min(85.0, lat))
    y = (1 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / math.pi) / 2
    return (lon + 180) / 360 * WORLD, y * WORLD


def simplify(points: list, tolerance: float) -> list:
    """Douglas–Peucker with both ends kept; a closed line is first split at its farthest point."""
    if len(points) < 3:
        return points
    if points[0] == points[-1]:
        far = max(range(len(points)), key=lambda i: math.dist(points[0], points[i]))
        if far == 0:
            return points[:1] * 2
        return simplify(points[: far + 1], tolerance)[:-1] + simplify(points[far:], tolerance)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x0, y0), (x1, y1) = points[first], points[last]
        length = math.hypot(x1 - x0, y1 - y0)
        worst, index = 0.0, None
        for i in range(first + 1, last):
            x, y = points[i]
            d = abs((x1 - x0) * (y0 - y) - (x0 - x) * (y1 - y0)) / length if length else math.hypot(x - x0, y - y0)
            if d > worst:
                worst, index = d, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 on the Mercator plane (y grows southwards)


def _box_of(points) -> Box:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _lon_lat_box(extent) -> Box:
    (x0, y1), (x1, y0) = mercator(extent[0], extent[1]), mercator(extent[2], extent[3])
    return x0, y0, x1, y1


def _union(boxes) -> Box:
    x0s, y0s, x1s, y1s = zip(*boxes, strict=True)
    return min(x0s), min(y0s), max(x1s), max(y1s)


def _meets(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


@dataclass
class Area:
    code: str  # top-level ISO 3166-2, or "" for land with no code
    country: str
    name: str
    rings: list[list[int]]  # arcs of each ring, outer rings and holes alike (drawn with nonzero fill)
    box: Box
    extent: Box  # where to zoom for it: its main land, without far-off islands
    label: tuple[float, float]


class Outlines:
    """The shipped TopoJSON, decoded once per process onto the Mercator plane. Each arc is
    classed by what it separates: land from sea, two countries, or two subdivisions."""

    def __init__(self, topology: dict):
        (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
        self.arcs = []
        for encoded in topology["arcs"]:
            x = y = 0
            points = []
            for dx, dy in encoded:
                x, y = x + dx, y + dy
                px, py = mercator(x * sx + tx, y * sy + ty)
                points.append((round(px), round(py)))
            self.arcs.append(points)
        self.arc_boxes = [_box_of(points) for points in self.arcs]
        # The plane's size of the stored simplification, the base for coarser drawings.
        self.tolerance = sx * 2 / 360 * WORLD
        self.areas = []
        users = [[] for _ in self.arcs]
        for geometry in topology["objects"]["subdivisions"]["geometries"]:
            props = geometry["properties"]
            rings = [ring for polygon in geometry["arcs"] for ring in polygon]
            area = Area(
                code=geometry.get("id") or "",
                country=props["country"],
                name=props["name"],
                rings=rings,
                box=_union(self.arc_boxes[i if i >= 0 else ~i] for ring in rings for i in ring),
                extent=_lon_lat_box(props["extent"]),
                label=mercator(*props["label"]),
            )
            for ring in rings:
                for i in ring:
                    users[i if i >= 0 else ~i].append(len(self.areas))
            self.areas.append(area)
        self.by_code = {a.code: a for a in self.areas if a.code}
        self.country_extents = {code: _lon_lat_box(c["extent"]) for code, c in topology["countries"].items()}
        self.kinds = []
        self.arc_countries = [self.areas[around[0]].country if around else "" for around in users]
        for around in users:
            countries = {self.areas[a].country for a in around}
            if len(around) < 2:
                self.kinds.append("coast")
            elif len(countries) > 1:
                self.kinds.append("country")
            elif len(set(around)) > 1:
                self.kinds.append("subdivision")
            else:
                self.kinds.append("inner")  # between two Natural Earth units of one area

    @functools.cache  # noqa: B019 -- one Outlines per process, kept for its life
    def arcs_at(self, level: int) -> list[list[tuple[int, int]]]:
        """Arcs simplified for a drawing 2**level times coarser than the stored one. Arcs
        are shared, so neighbours still meet."""
        if level == 0:
            return self.arcs
        tolerance = self.tolerance * 2**level
        return [simplify(points, tolerance) for points in self.arcs]


@functools.cache
def outlines() -> Outlines:
    return Outlines(json.loads(OUTLINES.read_text(encoding="utf-8")))


def _path(points, close: bool) -> str:
    x0, y0 = points[0]
    deltas = " ".join(f"{x1 - x0} {y1 - y0}" for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False))
    return f"M{x0} {y0}l{deltas}{'z' if close else ''}"


def _ring(arcs, ring_arcs) -> list:
    points = []
    for i in ring_arcs:
        part = arcs[i] if i >= 0 else arcs[~i][::-1]
        points += part if not points else part[1:]
    return points


SHADES = ["#fff3d6", "#fdd49e", "#fc8d59", "#d7301f", "#7f0000"]  # kg classes, light to dark


def _shade_classes(peak_mg: int) -> list[tuple[int, str, str]]:
    """(lower bound in mg, colour, legend) of each class: a doubling scale under the
    largest figure, since one port often outweighs the rest of a country."""
    if not peak_mg:
        return [(0, SHADES[0], "weight not known")]
    bounds = [0, peak_mg // 8, peak_mg // 4, peak_mg // 2]
    classes = [(0, SHADES[0], "weight not known")]
    for i, low in enumerate(bounds):
        high = bounds[i + 1] if i + 1 < len(bounds) else None
        if high is None:
            legend = f"{format_kg(low)} kg or more"
        elif low == 0:
            legend = f"under {format_kg(high)} kg"
        else:
            legend = f"{format_kg(low)} to {format_kg(high)} kg"
        classes.append((max(low, 1), SHADES[i + 1], legend))
    return classes


def _whole_country(shapes: "Outlines", country: str, boxes: list[Box]) -> list[Box]:
    """Operations spanning most of a country's width or height show the whole country (the
    demo's five Peruvian operations show Peru); fewer show just where they are."""
    extent = shapes.country_extents.get(country)
    if extent is None:
        return boxes
    x0, y0, x1, y1 = _union(boxes)
    if x1 - x0 >= (extent[2] - extent[0]) / 2 or y1 - y0 >= (extent[3] - extent[1]) / 2:
        return [*boxes, extent]
    return boxes


def _fit(boxes: list[Box]) -> Box:
    """The view around `boxes`, padded, no smaller than a few degrees, in the map's shape."""
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    w, h = max(x1 - x0, WORLD / 90), max(y1 - y0, WORLD / 90)
    w, h = w * 1.15, h * 1.15
    if w / h < MAP_W / MAP_H:
        w = h * MAP_W / MAP_H
    else:
        h = w * MAP_H / MAP_W
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def operations_map(figures: Figures) -> dict | None:
    """The map: land and borders from the outlines, subdivisions shaded by kilograms, and
    the operations as dots, filled where they were reported with coordinates, hollow at
    their subdivision's centre where they were not."""
    if not figures.operations:
        return None
    shapes = outlines()
    dots, boxes, shaded = [], defaultdict(list), {}  # boxes by country
    peak_mg = max((row["mg"] or 0 for row in figures.subdivisions if row["subdivision"]), default=0)
    classes = _shade_classes(peak_mg)
    unmapped = 0
    for row in figures.subdivisions:
        area = shapes.by_code.get(row["subdivision"])
        if area is not None:
            shaded[area.code] = row
            boxes[row["country"]].append(area.extent)
            if row["unplaced"]:
                dots.append({"point": area.label, "mg": row["unplaced_mg"] or 0, "exact": False, "row": row})
        elif row["unplaced"]:
            if row["country"] in shapes.country_extents:
                boxes[row["country"]].append(shapes.country_extents[row["country"]])
            unmapped += row["unplaced"]
    for dot in figures.dots:
        try:
            point = mercator(float(dot["longitude"]), float(dot["latitude"]))
        except (TypeError, ValueError):
            continue
        dots.append({"point": point, "mg": dot["mg"] or 0, "exact": True, "row": dot})
        boxes[dot["country"]].append((point[0], point[1], point[0], point[1]))
    if not boxes:
        return {"unmapped": unmapped}
    view = _fit([box for country, found in boxes.items() for box in _whole_country(shapes, country, found)])
    per_px = (view[2] - view[0]) / MAP_W
    needed = per_px  # a pixel: finer detail than that is not seen
    level = max(0, math.floor(math.log2(needed / shapes.tolerance))) if needed > 2 * shapes.tolerance else 0
    arcs = shapes.arcs_at(min(level, 8))
    margin = per_px * 20
    window = (view[0] - margin, view[1] - margin, view[2] + margin, view[3] + margin)
    visible = [a for a in shapes.areas if _meets(a.box, window)]
    countries_with_operations = {row["country"] for row in figures.subdivisions}
    # Wide views keep subdivision borders for the countries with operations only.
    wide = view[2] - view[0] > WORLD / 9

    land = {}
    for area in visible:
        for ring in area.rings:
            points = _ring(arcs, ring)
            box = _box_of(points)
            if len(points) > 3 and (box[2] - box[0] > per_px or box[3] - box[1] > per_px):
                land.setdefault(area.country, []).append(_path(points, close=True))

    fills = []
    for code, row in shaded.items():
        area = shapes.by_code[code]
        colour = next(colour for low, colour, _ in reversed(classes) if (row["mg"] or 0) >= low)
        paths = [_path(p, close=True) for p in (_ring(arcs, r) for r in area.rings) if len(p) > 3]
        title = f"{row['subdivision_name']}: {_operations(row['operations'])}, {format_kg(row['mg'])} kg"
        fills.append({"d": "".join(paths), "colour": colour, "title": title})

    lines = {"coast": [], "country": []}
    subdivision_lines = defaultdict(list)  # by country
    for i, kind in enumerate(shapes.kinds):
        box = shapes.arc_boxes[i]
        if kind == "inner" or not _meets(box, window) or (box[2] - box[0] < per_px and box[3] - box[1] < per_px):
            continue
        if kind == "subdivision":
            if not wide or shapes.arc_countries[i] in countries_with_operations:
                subdivision_lines[shapes.arc_countries[i]].append(_path(arcs[i], close=False))
        else:
            lines[kind].append(_path(arcs[i], close=False))

    peak_dot = max((d["mg"] for d in dots), default=0) or 1
    circles = []
    for dot in sorted(dots, key=lambda d: -d["mg"]):
        radius = _radius(dot["mg"], peak_dot) * per_px
        row = dot["row"]
        if dot["exact"]:
            where = row["place"] or row["subdivision"] or "Operation"
            day = row["date_start"]
            title = f"{where}, {day.day} {day:%b %Y}: {format_kg(dot['mg'])} kg"
        else:
            title = (
                f"{row['subdivision_name']}: {_operations(row['unplaced'])} without coordinates, "
                f"{format_kg(row['unplaced_mg'])} kg"
            )
        circles.append(
            {
                "cx": f"{dot['point'][0]:.0f}",
                "cy": f"{dot['point'][1]:.0f}",
                "r": f"{radius:.1f}",
                "exact": dot["exact"],
                "title": title,
            }
        )
    # The busiest subdivisions are named, under their centre (and its hollow dot, if any).
    labels = []
    for code, row in sorted(shaded.items(), key=lambda item: -(item[1]["mg"] or 0))[:12]:
        x, y = shapes.by_code[code].label
        below = 4 + (_radius(row["unplaced_mg"] or 0, peak_dot) if row["unplaced"] else 0)
        labels.append({"x": f"{x:.0f}", "y": f"{y + below * per_px:.0f}", "text": row["subdivision_name"]})

    return {
        "width": MAP_W,
        "height": MAP_H,
        "view_box": " ".join(f"{v:.0f}" for v in (view[0], view[1], view[2] - view[0], view[3] - view[1])),
        "sea": {
            "x": f"{view[0]:.0f}",
            "y": f"{view[1]:.0f}",
            "w": f"{view[2] - view[0]:.0f}",
            "h": f"{view[3] - view[1]:.0f}",
        },
        "land": [{"country": country, "d": "".join(paths)} for country, paths in land.items()],
        "fills": fills,
        "coast": "".join(lines["coast"]),
        "country_borders": "".join(lines["country"]),
        "subdivision_borders": [
            {"country": country, "d": "".join(paths)} for country, paths in subdivision_lines.items()
        ],
        "dots": circles,
        "has_approximate": any(not d["exact"] for d in circles),
        "labels": labels,
        "font_size": f"{13 * per_px:.0f}",
        "halo": f"{3 * per_px:.0f}",
        "legend": [
            {"colour": colour, "text": text}
            for low, colour, text in classes
            if low or any(not (row["mg"] or 0) for row in shaded.values())
        ],
        "unmapped": unmapped,
        "capped": len(figures.dots) >= MAP_DOTS,
    }


def _radius(mg: int, peak_mg: int) -> float:
    """A dot's radius in pixels: its area grows with the weight."""
    return 4 + 14 * math.sqrt(mg / peak_mg)


def _operations(n: int) -> str:
    return f"{n:,} operation{'s' if n != 1 else ''}"

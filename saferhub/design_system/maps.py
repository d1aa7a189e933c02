"""Maps drawn on the server as SVG from GeoJSON: the geometry here, the markup in design_system/map.html.

The same drawing serves the page and the PDF (WeasyPrint draws inline SVG): no map tiles, no JavaScript and
no inline styles (the CSP forbids them), so the macro colours with SVG presentation attributes. Boundaries
come in as plain GeoJSON geometry dicts in longitude/latitude (WGS84); nothing here knows about wards or
partnerships.

A map is an image with a text alternative, and the macro always puts the table of its figures beside it, so
colour is never the only way to read a value (WCAG 1.4.1).
"""

import bisect
import hashlib
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Point = tuple[float, float]
Ring = list[Point]

MARGIN = 8  # px of the viewBox left clear around the map, so the outer boundary's stroke is not clipped
MAX_ASPECT = 1.25  # a tall area is drawn no taller than this times the width, and narrower instead
# Points closer than this (in px of the viewBox) are dropped, and Douglas–Peucker may move a line by at most
# this much: both are below what a screen or a printed page shows, and they shrink a district of ~30 wards
# from tens of thousands of characters of path data to a few thousand.
SIMPLIFY_PX = 0.5

BOUNDARY_COLOUR = "#0b0c0c"  # GOV.UK text colour: at least 3:1 against every fill below (WCAG 1.4.11)
BOUNDARY_WIDTH = 0.75
NO_DATA_COLOUR = "#f3f2f1"  # GOV.UK light grey, hatched with the mid grey below
NO_DATA_HATCH = "#505a5f"
NO_DATA_LABEL = "No data"

# ColorBrewer YlGnBu (colour-blind safe), light to dark, stopped before its darkest steps: every colour keeps
# a contrast of at least 3:1 with the dark boundaries, so two areas of neighbouring classes stay apart.
SEQUENTIAL_PALETTE: tuple[str, ...] = (
    "#ffffd9",
    "#edf8b1",
    "#c7e9b4",
    "#7fcdbb",
    "#41b6c4",
    "#1d91c0",
    "#225ea8",
)
MAX_CLASSES = len(SEQUENTIAL_PALETTE)

NOT_SIGNIFICANT = "Not significant"
# Getis–Ord Gi* classes, hottest first: ColorBrewer RdBu (colour-blind safe, diverging), its darkest red
# lightened to RdBu's five-class red so that it too keeps 3:1 against the cells' dark outlines.
HOTSPOT_PALETTE: tuple[tuple[str, str], ...] = (
    ("Hot spot, 99% confidence", "#ca0020"),
    ("Hot spot, 95% confidence", "#ef8a62"),
    ("Hot spot, 90% confidence", "#fddbc7"),
    (NOT_SIGNIFICANT, "#f7f7f7"),
    ("Cold spot, 90% confidence", "#d1e5f0"),
    ("Cold spot, 95% confidence", "#67a9cf"),
    ("Cold spot, 99% confidence", "#2166ac"),
)


@dataclass(frozen=True)
class MapArea:
    """An area to colour: its GeoJSON Polygon or MultiPolygon in lon/lat, and its value (None: no data)."""

    code: str
    name: str
    geometry: dict[str, Any]
    value: float | None


@dataclass(frozen=True)
class MapPath:
    code: str
    name: str
    d: str  # SVG path data in viewBox px; rings closed with Z, holes drawn with fill-rule evenodd
    fill: str
    value_label: str  # "15.9 per 1,000", or "No data"
    class_index: int | None  # None: no data


@dataclass(frozen=True)
class LegendEntry:
    label: str
    fill: str  # a colour: the key draws its own swatch, never a reference into the map's SVG
    hatched: bool = False  # the "No data" swatch, drawn grey with diagonal lines like the areas it stands for


@dataclass(frozen=True)
class TableRow:
    name: str
    value: float | None
    value_text: str  # the number alone: the column heading names the unit


@dataclass(frozen=True)
class Choropleth:
    id: str
    title: str
    description: str
    unit: str
    width: int
    height: int
    paths: tuple[MapPath, ...]
    legend: tuple[LegendEntry, ...]
    table: tuple[TableRow, ...]  # highest value first, areas with no data last

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def no_data_fill(self) -> str:
        return f"url(#{self.id}-no-data)"

    @property
    def has_no_data(self) -> bool:
        return any(path.class_index is None for path in self.paths)

    @property
    def value_heading(self) -> str:
        return self.unit[:1].upper() + self.unit[1:] if self.unit else "Value"


@dataclass(frozen=True)
class GridCell:
    """A square of a hotspot grid: its corners in lon/lat, its class label, and the count in it."""

    corners: Sequence[Point]
    label: str
    count: int
    name: str  # where it is, e.g. "Fox Lane, Castle ward (SK 588 046)": its street, ward and grid reference


@dataclass(frozen=True)
class GridPath:
    name: str
    d: str
    fill: str
    label: str
    count: int


@dataclass(frozen=True)
class GridRow:
    label: str
    count: int
    name: str


@dataclass(frozen=True)
class GridMap:
    id: str
    title: str
    description: str
    width: int
    height: int
    outline_d: str
    outline_fill: str  # the "Not significant" colour: those cells are not drawn, the area shows through
    cells: tuple[GridPath, ...]  # the significant cells only
    legend: tuple[LegendEntry, ...]
    table: tuple[GridRow, ...]  # the significant cells, in the order of the classes, then by count

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def choropleth(
    *,
    title: str,
    areas: Sequence[MapArea],
    unit: str,
    classes: int = 5,
    width: int = 640,
    map_id: str = "",
) -> Choropleth:
    """Areas coloured by their value in `classes` quantile classes (as many areas in each, as far as ties
    allow), in a sequential colour-blind-safe palette; areas with no value hatched grey as "No data".

    Quantiles rather than equal intervals because ward rates are skewed: one city-centre ward would otherwise
    take the darkest class alone and leave the rest of the district in one colour. `unit` follows each value:
    "per 1,000". `map_id` keeps the ids in the SVG apart when a page shows two maps with the same title.
    """
    if not 1 <= classes <= MAX_CLASSES:
        raise ValueError(f"a map has 1 to {MAX_CLASSES} classes")
    map_id = map_id or _map_id(title)
    polygons = [_polygons(area.geometry) for area in areas]
    project, height = _fit((point for area in polygons for polygon in area for point in polygon[0]), width)
    known = [area.value for area in areas if area.value is not None]
    decimals = _decimals(known)
    breaks = quantile_breaks(known, classes)
    fills = sequential_fills(len(breaks) + 1)

    def text(value: float) -> str:
        return f"{value:,.{decimals}f}"

    def label(value: float) -> str:
        return f"{text(value)} {unit}" if unit else text(value)

    paths = []
    for area, area_polygons in zip(areas, polygons, strict=True):
        index = bisect.bisect_right(breaks, area.value) if area.value is not None else None
        paths.append(
            MapPath(
                code=area.code,
                name=area.name,
                d=_polygons_path(area_polygons, project),
                fill=fills[index] if index is not None else f"url(#{map_id}-no-data)",
                value_label=label(area.value) if area.value is not None else NO_DATA_LABEL,
                class_index=index,
            )
        )
    legend = []
    for index, fill in enumerate(fills):
        members = [value for value in known if bisect.bisect_right(breaks, value) == index]
        if not members:  # no area has a value: the key holds "No data" alone
            continue
        low, high = text(min(members)), text(max(members))
        span = low if low == high else f"{low} to {high}"
        legend.append(LegendEntry(label=f"{span} {unit}" if unit else span, fill=fill))
    if len(known) < len(areas):
        legend.append(LegendEntry(label=NO_DATA_LABEL, fill=NO_DATA_COLOUR, hatched=True))
    ranked = sorted(areas, key=lambda area: (area.value is None, -(area.value or 0), area.name))
    return Choropleth(
        id=map_id,
        title=title,
        description=_choropleth_summary(ranked, label),
        unit=unit,
        width=width,
        height=height,
        paths=tuple(paths),
        legend=tuple(legend),
        table=tuple(
            TableRow(
                name=area.name,
                value=area.value,
                value_text=text(area.value) if area.value is not None else NO_DATA_LABEL,
            )
            for area in ranked
        ),
    )


def quantile_breaks(values: Sequence[float], classes: int) -> list[float]:
    """The lowest value of each class after the first, for `classes` quantile classes of `values`.

    A value belongs to class bisect_right(breaks, value). Equal values always share a class, so ties (or too
    few distinct values) give fewer classes than asked for, never an empty one.
    """
    ordered = sorted(values)
    if not ordered:
        return []
    breaks: list[float] = []
    for index in range(1, classes):
        candidate = ordered[index * len(ordered) // classes]
        if candidate > ordered[0] and (not breaks or candidate > breaks[-1]):
            breaks.append(candidate)
    return breaks


def sequential_fills(count: int) -> list[str]:
    """`count` colours of SEQUENTIAL_PALETTE, light to dark, as far apart as the palette allows.

    Fewer than all seven leave out the palette's near-white first step, which is hard to tell from the page.
    """
    if count == MAX_CLASSES:
        return list(SEQUENTIAL_PALETTE)
    if count == 1:
        return [SEQUENTIAL_PALETTE[4]]
    darker = SEQUENTIAL_PALETTE[1:]
    return [darker[round(index * (len(darker) - 1) / (count - 1))] for index in range(count)]


def grid_map(
    *,
    title: str,
    outline: Sequence[dict[str, Any]],
    cells: Sequence[GridCell],
    classes: Sequence[tuple[str, str]] = HOTSPOT_PALETTE,
    width: int = 640,
    map_id: str = "",
) -> GridMap:
    """Grid cells coloured by class (a hotspot analysis: HOTSPOT_PALETTE) inside the area's outline.

    Cells labelled "Not significant" are not drawn: the outline is filled in their colour instead, which keeps
    a fine grid's SVG small. The table lists the significant cells only.
    """
    fills = dict(classes)
    unknown = {cell.label for cell in cells} - fills.keys()
    if unknown:
        raise ValueError(f"cells in classes not given: {', '.join(sorted(unknown))}")
    map_id = map_id or _map_id(title)
    outline_polygons = [polygon for geometry in outline for polygon in _polygons(geometry)]
    corners = (point for cell in cells for point in cell.corners)
    outer = (point for polygon in outline_polygons for point in polygon[0])
    project, height = _fit([*outer, *corners], width)
    significant = [cell for cell in cells if cell.label != NOT_SIGNIFICANT]
    order = {label: index for index, (label, _fill) in enumerate(classes)}
    significant.sort(key=lambda cell: (order[cell.label], -cell.count, cell.name))
    return GridMap(
        id=map_id,
        title=title,
        description=_grid_summary(cells, significant, classes),
        width=width,
        height=height,
        outline_d=_polygons_path(outline_polygons, project),
        outline_fill=fills.get(NOT_SIGNIFICANT, "#ffffff"),
        cells=tuple(
            GridPath(
                name=cell.name,
                d=_polygons_path([[list(cell.corners)]], project),
                fill=fills[cell.label],
                label=cell.label,
                count=cell.count,
            )
            for cell in significant
        ),
        legend=tuple(LegendEntry(label=label, fill=fill) for label, fill in classes),
        table=tuple(GridRow(label=cell.label, count=cell.count, name=cell.name) for cell in significant),
    )


def _map_id(title: str) -> str:
    # Stable across renders, so the page and its PDF carry the same ids.
    return "map-" + hashlib.sha256(title.encode()).hexdigest()[:8]


def _polygons(geometry: dict[str, Any]) -> list[list[Ring]]:
    """The polygons of a GeoJSON Polygon or MultiPolygon, each a list of rings: the outer ring, then holes."""
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        polygons: list[Any] = [coordinates]
    elif kind == "MultiPolygon":
        polygons = coordinates
    else:
        raise ValueError(f"a map draws Polygon and MultiPolygon geometries, not {kind}")
    # A position may carry a height after lon and lat: it is ignored.
    return [[[(float(x), float(y)) for x, y, *_ in ring] for ring in rings] for rings in polygons if rings]


@dataclass(frozen=True)
class _Projection:
    """Equirectangular about the middle latitude: x = lon·cos(lat0), y = −lat, scaled into the viewBox.

    At the scale of a district this is indistinguishable from the British National Grid, needs no library,
    and keeps north up and shapes unsquashed.
    """

    cos_lat0: float
    west: float  # the projected x of the left edge
    north: float  # the latitude of the top edge
    scale: float  # px per projected degree
    left: float  # px: where the left edge is drawn
    top: float

    def __call__(self, point: Point) -> Point:
        lon, lat = point
        return (
            self.left + (lon * self.cos_lat0 - self.west) * self.scale,
            self.top + (self.north - lat) * self.scale,
        )


def _fit(points: Iterable[Point], width: int) -> tuple[_Projection, int]:
    """The projection that fits `points` to `width` px less the margin, and the height that gives."""
    lons, lats = [], []
    for lon, lat in points:
        lons.append(lon)
        lats.append(lat)
    if not lons:
        return _Projection(1.0, 0.0, 0.0, 1.0, MARGIN, MARGIN), width // 2
    cos_lat0 = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * cos_lat0, 1e-9)
    span_y = max(max(lats) - min(lats), 1e-9)
    inner = width - 2 * MARGIN
    scale = min(inner / span_x, (width * MAX_ASPECT - 2 * MARGIN) / span_y)
    height = math.ceil(span_y * scale + 2 * MARGIN)
    projection = _Projection(
        cos_lat0=cos_lat0,
        west=min(lons) * cos_lat0,
        north=max(lats),
        scale=scale,
        left=(width - span_x * scale) / 2,  # a tall area is centred across the width
        top=MARGIN,
    )
    return projection, height


def _polygons_path(polygons: Sequence[Sequence[Ring]], project: _Projection) -> str:
    """SVG path data for the polygons: each ring projected, simplified, rounded and closed."""
    parts: list[str] = []
    for polygon in polygons:
        rings = [simplify_ring([project(point) for point in ring]) for ring in polygon]
        if len(rings[0]) < 3:
            continue  # an island smaller than the tolerance: its holes go with it
        parts.extend(_ring_path(ring) for ring in rings if len(ring) >= 3)
    if not parts and polygons:
        # Every part is below a pixel: still draw the largest, rounded only, so the area can be hovered.
        largest = max((polygon[0] for polygon in polygons), key=len)
        ring = _rounded([project(point) for point in largest])
        parts.append(_ring_path(ring or [project(largest[0])]))
    return "".join(parts)


def simplify_ring(ring: Sequence[Point], tolerance: float = SIMPLIFY_PX) -> Ring:
    """A closed ring in px with fewer points: those within `tolerance` of the last kept point dropped, then
    Douglas–Peucker at the same tolerance, then rounded to 0.1 px. The closing point is left implicit (the
    path closes with Z); a ring that collapses returns fewer than three points."""
    points = list(ring)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    kept: Ring = []
    for point in points:
        if not kept or math.dist(kept[-1], point) >= tolerance:
            kept.append(point)
    if len(kept) > 1 and math.dist(kept[0], kept[-1]) < tolerance:
        kept.pop()
    if len(kept) > 3:
        # Douglas–Peucker keeps a segment's ends: split the ring at its first point and the point farthest
        # from it, so the two halves are simplified as open lines that meet again.
        far = max(range(len(kept)), key=lambda index: math.dist(kept[0], kept[index]))
        first = _douglas_peucker(kept[: far + 1], tolerance)
        second = _douglas_peucker([*kept[far:], kept[0]], tolerance)
        kept = first[:-1] + second[:-1]
    return _rounded(kept)


def _douglas_peucker(line: Sequence[Point], tolerance: float) -> Ring:
    # With an explicit stack: a boundary of thousands of points would exceed Python's recursion limit.
    keep = [False] * len(line)
    keep[0] = keep[-1] = True
    stack = [(0, len(line) - 1)]
    while stack:
        start, end = stack.pop()
        if end - start < 2:
            continue
        farthest, distance = start, 0.0
        for index in range(start + 1, end):
            gap = _segment_distance(line[index], line[start], line[end])
            if gap > distance:
                farthest, distance = index, gap
        if distance > tolerance:
            keep[farthest] = True
            stack.extend(((start, farthest), (farthest, end)))
    return [point for point, kept in zip(line, keep, strict=True) if kept]


def _segment_distance(point: Point, start: Point, end: Point) -> float:
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    if length == 0:
        return math.dist(point, start)
    along = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.dist(point, (ax + along * dx, ay + along * dy))


def _rounded(ring: Sequence[Point]) -> Ring:
    """Rounded to 0.1 px, with the repeats that rounding makes dropped."""
    rounded: Ring = []
    for x, y in ring:
        point = (round(x, 1), round(y, 1))
        if not rounded or point != rounded[-1]:
            rounded.append(point)
    if len(rounded) > 1 and rounded[0] == rounded[-1]:
        rounded.pop()
    return rounded


def _ring_path(ring: Sequence[Point]) -> str:
    first, *rest = ring
    line = "L" + " ".join(f"{_number(x)} {_number(y)}" for x, y in rest) if rest else ""
    return f"M{_number(first[0])} {_number(first[1])}{line}Z"


def _number(value: float) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _decimals(values: Sequence[float]) -> int:
    """Counts (ints) as they are; rates (floats) to one decimal place, even a rate that happens to be whole,
    or to more places below 1 so that small rates do not all print as 0.0."""
    if all(isinstance(value, int) for value in values):
        return 0
    largest = max(abs(value) for value in values)
    return max(1, min(3, 1 - math.floor(math.log10(largest)))) if largest else 1


def _choropleth_summary(ranked: Sequence[MapArea], label: Callable[[float], str]) -> str:
    known = [(area.name, area.value) for area in ranked if area.value is not None]
    missing = len(ranked) - len(known)
    if not known:
        return "No area has data."
    (highest, high), (lowest, low) = known[0], known[-1]
    if len(known) == 1:
        text = f"Only {highest} has data: {label(high)}"
        if missing:
            text += f"; {missing} other {'area has' if missing == 1 else 'areas have'} none"
        return text + "."
    text = f"Of {len(ranked)} areas, {highest} has the highest value ({label(high)}) and {lowest} the lowest"
    text += f" ({label(low)})"
    if missing:
        text += f"; {missing} {'has' if missing == 1 else 'have'} no data"
    return text + "."


def _grid_summary(
    cells: Sequence[GridCell], significant: Sequence[GridCell], classes: Sequence[tuple[str, str]]
) -> str:
    if not significant:
        return f"Of {len(cells):,} cells, none is significant."
    counts = [
        f"{count:,} {label}"
        for label, _fill in classes
        if (count := sum(1 for cell in significant if cell.label == label))
    ]
    return f"Of {len(cells):,} cells, {len(significant):,} are significant: {'; '.join(counts)}."

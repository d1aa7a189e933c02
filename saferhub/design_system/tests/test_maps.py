"""Server-drawn maps: areas projected north-up into the viewBox, coloured in quantile classes, simplified
small, and rendered as well-formed SVG with the key and the table of figures beside it."""

import json
import math
import re
import xml.etree.ElementTree as ET  # parses only markup the test itself rendered

import pytest
from django.conf import settings
from django.template import engines

from saferhub.design_system.maps import (
    BOUNDARY_COLOUR,
    HOTSPOT_PALETTE,
    NO_DATA_LABEL,
    SEQUENTIAL_PALETTE,
    GridCell,
    MapArea,
    choropleth,
    grid_map,
    quantile_breaks,
    sequential_fills,
    simplify_ring,
)

SVG = "{http://www.w3.org/2000/svg}"


def square(lon: float, lat: float, size: float = 0.01) -> list[list[float]]:
    return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]


def polygon(lon: float, lat: float, size: float = 0.01) -> dict:
    return {"type": "Polygon", "coordinates": [square(lon, lat, size)]}


def three_squares(values=(12.5, 3.25, 7.0)) -> list[MapArea]:
    return [
        MapArea(code=f"E0{index}", name=name, geometry=polygon(-1.2 + index * 0.01, 52.6), value=value)
        for index, (name, value) in enumerate(zip(("Abbey", "Castle", "Fosse"), values, strict=True))
    ]


def points(d: str) -> list[tuple[float, float]]:
    numbers = [float(number) for number in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def relative_luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(first: str, second: str) -> float:
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_three_areas_get_a_path_each_coloured_in_the_order_of_their_values():
    map_ = choropleth(title="Rate", areas=three_squares(), unit="per 1,000", classes=3)
    assert [path.code for path in map_.paths] == ["E00", "E01", "E02"]
    assert [path.class_index for path in map_.paths] == [2, 0, 1]
    shades = [SEQUENTIAL_PALETTE.index(path.fill) for path in map_.paths]
    assert shades[1] < shades[2] < shades[0]  # lightest for the lowest value, darkest for the highest
    assert [path.value_label for path in map_.paths] == ["12.5 per 1,000", "3.2 per 1,000", "7.0 per 1,000"]
    assert [entry.label for entry in map_.legend] == ["3.2 per 1,000", "7.0 per 1,000", "12.5 per 1,000"]
    assert [entry.fill for entry in map_.legend] == [
        map_.paths[1].fill,
        map_.paths[2].fill,
        map_.paths[0].fill,
    ]


def test_the_legend_gives_each_class_its_range_of_values():
    areas = [
        MapArea(code=str(value), name=str(value), geometry=polygon(value * 0.01, 52), value=value)
        for value in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
    ]
    map_ = choropleth(title="Count", areas=areas, unit="", classes=5)
    assert [entry.label for entry in map_.legend] == ["1 to 2", "3 to 4", "5 to 6", "7 to 8", "9 to 10"]
    assert len({entry.fill for entry in map_.legend}) == 5


def test_an_area_with_no_value_is_hatched_and_keyed_as_no_data():
    map_ = choropleth(title="Rate", areas=three_squares((4.0, None, 9.0)), unit="per 1,000")
    missing = map_.paths[1]
    assert (missing.class_index, missing.value_label) == (None, NO_DATA_LABEL)
    assert missing.fill == map_.no_data_fill == f"url(#{map_.id}-no-data)"
    assert map_.legend[-1].label == NO_DATA_LABEL and map_.legend[-1].hatched
    assert not any(entry.hatched for entry in map_.legend[:-1])
    assert "1 has no data" in map_.description


def test_the_table_runs_from_the_highest_value_down_with_no_data_last():
    map_ = choropleth(title="Rate", areas=three_squares((4.0, None, 9.0)), unit="per 1,000")
    assert [(row.name, row.value_text) for row in map_.table] == [
        ("Fosse", "9.0"),
        ("Abbey", "4.0"),
        ("Castle", "No data"),
    ]
    assert map_.value_heading == "Per 1,000"
    assert map_.description.startswith("Of 3 areas, Fosse has the highest value (9.0 per 1,000)")


def test_paths_lie_inside_the_view_box_north_up_and_unsquashed():
    # A 1° square at 52°N is cos(52°) as wide as it is tall on the ground, and so on the map.
    areas = [
        MapArea(code="sw", name="South-west", geometry=polygon(-2, 52, 0.5), value=1),
        MapArea(code="ne", name="North-east", geometry=polygon(-1.5, 52.5, 0.5), value=2),
    ]
    map_ = choropleth(title="t", areas=areas, unit="", width=400)
    drawn = [point for path in map_.paths for point in points(path.d)]
    assert all(0 <= x <= map_.width and 0 <= y <= map_.height for x, y in drawn)
    south_west, north_east = (points(path.d) for path in map_.paths)
    assert min(x for x, _ in north_east) >= max(x for x, _ in south_west) - 0.1  # east is to the right
    assert max(y for _, y in north_east) <= min(y for _, y in south_west) + 0.1  # north is up
    xs, ys = [x for x, _ in drawn], [y for _, y in drawn]
    ratio = (max(xs) - min(xs)) / (max(ys) - min(ys))
    assert ratio == pytest.approx(math.cos(math.radians(52.5)), rel=0.01)
    assert map_.view_box == f"0 0 400 {map_.height}"


def test_a_tall_area_is_drawn_no_taller_than_the_limit():
    tall = {"type": "Polygon", "coordinates": [[[0, 50], [0.01, 50], [0.01, 51], [0, 51], [0, 50]]]}
    map_ = choropleth(title="t", areas=[MapArea("a", "a", tall, 1)], unit="", width=400)
    assert map_.height <= 500
    assert all(0 <= x <= 400 and 0 <= y <= map_.height for x, y in points(map_.paths[0].d))


def test_coordinates_are_written_to_one_decimal_place():
    map_ = choropleth(title="t", areas=three_squares(), unit="")
    assert all(len(number.split(".")[1]) == 1 for number in re.findall(r"\d+\.\d+", map_.paths[0].d))


def circle(vertices: int, radius: float = 0.05) -> dict:
    # Round on the ground, so round on the map: a degree of longitude is cos(latitude) of one of latitude.
    stretch = 1 / math.cos(math.radians(52.6))
    angles = [2 * math.pi * i / vertices for i in range(vertices)]
    ring = [[-1.1 + radius * stretch * math.cos(a), 52.6 + radius * math.sin(a)] for a in angles]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def test_simplification_shrinks_a_dense_boundary_but_keeps_it_closed_and_round():
    map_ = choropleth(title="t", areas=[MapArea("c", "Circle", circle(10_000), 1)], unit="")
    d = map_.paths[0].d
    drawn = points(d)
    assert 20 < len(drawn) < 300
    assert d.startswith("M") and d.endswith("Z") and d.count("M") == d.count("Z") == 1
    xs, ys = [x for x, _ in drawn], [y for _, y in drawn]
    centre = ((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2)
    radius = (max(xs) - min(xs)) / 2
    assert all(abs(math.dist(point, centre) - radius) < 1.5 for point in drawn)
    assert len(d) < 4_000


def test_a_real_districts_wards_stay_small_and_inside_the_view_box():
    # Leicester's 21 wards, as the boundary files in the repository hold them (generalised to about 20 m).
    path = settings.BASE_DIR / "data" / "boundaries" / "ward" / "E06000016.geojson"
    features = json.loads(path.read_text())["features"]
    areas = [
        MapArea(
            code=feature["properties"]["WD25CD"],
            name=feature["properties"]["WD25NM"],
            geometry=feature["geometry"],
            value=float(index),
        )
        for index, feature in enumerate(features)
    ]
    map_ = choropleth(title="Leicester", areas=areas, unit="per 1,000")
    assert len(map_.paths) == 21
    assert sum(len(path.d) for path in map_.paths) < 15_000
    drawn = [point for path in map_.paths for point in points(path.d)]
    assert all(0 <= x <= map_.width and 0 <= y <= map_.height for x, y in drawn)
    assert [len([p for p in map_.paths if p.class_index == index]) for index in range(5)] == [4, 4, 4, 4, 5]


def test_a_ring_drops_its_closing_point_and_near_duplicates():
    ring = [(0.0, 0.0), (10.0, 0.0), (10.1, 0.1), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]
    assert simplify_ring(ring) == [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
    assert len(simplify_ring([(0.0, 0.0), (0.1, 0.0), (0.1, 0.1), (0.0, 0.0)])) < 3


def test_every_part_of_a_multipolygon_is_drawn_and_holes_too():
    parts = {"type": "MultiPolygon", "coordinates": [[square(-1.2, 52.6)], [square(-1.1, 52.6)]]}
    holed = {"type": "Polygon", "coordinates": [square(-1.2, 52.7, 0.05), square(-1.18, 52.72, 0.01)]}
    map_ = choropleth(
        title="t", areas=[MapArea("m", "Multi", parts, 1), MapArea("h", "Holed", holed, 2)], unit=""
    )
    assert map_.paths[0].d.count("M") == map_.paths[0].d.count("Z") == 2
    assert map_.paths[1].d.count("M") == 2


def test_other_geometries_are_refused():
    with pytest.raises(ValueError, match="Polygon and MultiPolygon"):
        choropleth(title="t", areas=[MapArea("p", "p", {"type": "Point", "coordinates": [0, 0]}, 1)], unit="")


def test_quantile_classes_keep_ties_together_and_are_never_empty():
    assert quantile_breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5) == [3, 5, 7, 9]
    assert quantile_breaks([5, 5, 5, 5], 5) == []  # one class
    assert quantile_breaks([1, 1, 1, 1, 1, 1, 1, 1, 2, 9], 5) == [2]
    assert quantile_breaks([], 5) == []
    map_ = choropleth(title="t", areas=three_squares((2.0, 2.0, 2.0)), unit="")
    assert [entry.label for entry in map_.legend] == ["2.0"]


def test_too_many_classes_are_refused():
    with pytest.raises(ValueError, match="1 to 7 classes"):
        choropleth(title="t", areas=three_squares(), unit="", classes=8)


@pytest.mark.parametrize("count", range(1, 8))
def test_each_class_has_its_own_colour_light_to_dark(count):
    fills = sequential_fills(count)
    assert len(set(fills)) == count
    assert [SEQUENTIAL_PALETTE.index(fill) for fill in fills] == sorted(
        SEQUENTIAL_PALETTE.index(f) for f in fills
    )


def test_boundaries_stand_out_against_every_fill():
    # WCAG 1.4.11: the dark boundary keeps 3:1 against every class colour, so neighbouring areas stay apart.
    for fill in (*SEQUENTIAL_PALETTE, *(fill for _label, fill in HOTSPOT_PALETTE)):
        assert contrast(fill, BOUNDARY_COLOUR) >= 3, fill


def test_the_hotspot_classes_are_named_exactly():
    assert [label for label, _fill in HOTSPOT_PALETTE] == [
        "Hot spot, 99% confidence",
        "Hot spot, 95% confidence",
        "Hot spot, 90% confidence",
        "Not significant",
        "Cold spot, 90% confidence",
        "Cold spot, 95% confidence",
        "Cold spot, 99% confidence",
    ]


def cell(row: int, column: int, label: str, count: int) -> GridCell:
    lon, lat = -1.2 + column * 0.005, 52.6 + row * 0.003
    corners = [(lon, lat), (lon + 0.005, lat), (lon + 0.005, lat + 0.003), (lon, lat + 0.003)]
    return GridCell(corners=corners, label=label, count=count, name=f"Cell {row}-{column}")


def hotspots():
    cells = [
        cell(0, 0, "Not significant", 3),
        cell(0, 1, "Cold spot, 95% confidence", 0),
        cell(1, 0, "Hot spot, 95% confidence", 12),
        cell(1, 1, "Hot spot, 99% confidence", 20),
        cell(2, 0, "Not significant", 4),
        cell(2, 1, "Hot spot, 95% confidence", 15),
    ]
    return grid_map(
        title="Burglary hot spots", outline=[polygon(-1.2, 52.6, 0.02)], cells=cells, classes=HOTSPOT_PALETTE
    )


def test_a_grid_map_draws_only_the_significant_cells_and_tables_them_hottest_first():
    map_ = hotspots()
    assert [path.name for path in map_.cells] == ["Cell 1-1", "Cell 2-1", "Cell 1-0", "Cell 0-1"]
    assert all(path.label != "Not significant" for path in map_.cells)
    assert [(row.label, row.count, row.name) for row in map_.table] == [
        ("Hot spot, 99% confidence", 20, "Cell 1-1"),
        ("Hot spot, 95% confidence", 15, "Cell 2-1"),
        ("Hot spot, 95% confidence", 12, "Cell 1-0"),
        ("Cold spot, 95% confidence", 0, "Cell 0-1"),
    ]
    assert [(entry.label, entry.fill) for entry in map_.legend] == list(HOTSPOT_PALETTE)
    assert map_.outline_fill == dict(HOTSPOT_PALETTE)["Not significant"]
    assert map_.cells[0].fill == dict(HOTSPOT_PALETTE)["Hot spot, 99% confidence"]
    assert map_.description.startswith("Of 6 cells, 4 are significant: 1 Hot spot, 99% confidence; 2 Hot")
    drawn = [point for path in map_.cells for point in points(path.d)] + points(map_.outline_d)
    assert all(0 <= x <= map_.width and 0 <= y <= map_.height for x, y in drawn)


def test_a_cell_in_a_class_not_given_is_refused():
    with pytest.raises(ValueError, match="Lukewarm"):
        grid_map(
            title="t",
            outline=[polygon(-1.2, 52.6)],
            cells=[cell(0, 0, "Lukewarm", 1)],
            classes=HOTSPOT_PALETTE,
        )


def macros():
    return engines["jinja2"].env.get_template("design_system/map.html").module


def test_the_choropleth_macro_renders_well_formed_svg_a_key_and_the_table():
    areas = three_squares((4.0, None, 9.0))
    areas[0] = MapArea(code="E00", name="Abbey <& Co>", geometry=areas[0].geometry, value=4.0)
    map_ = choropleth(title="Rate <by ward>", areas=areas, unit="per 1,000", map_id="rate")
    html = str(macros().choropleth_map(map_, caption_id="rate-caption"))
    figure = ET.fromstring(html)  # noqa: S314 - the figure, SVG and table together, must be well-formed
    assert figure.tag == "figure"
    assert figure.find("figcaption").get("id") == "rate-caption"
    svg = figure.find(f".//{SVG}svg[@role='img']")
    assert svg.get("aria-labelledby") == "rate-title rate-desc"
    assert svg.find(f"{SVG}title").text == "Rate <by ward>"
    assert svg.find(f"{SVG}desc").text == map_.description
    shapes = svg.findall(f".//{SVG}g/{SVG}path")
    assert [shape.get("fill") for shape in shapes] == [path.fill for path in map_.paths]
    assert [shape.find(f"{SVG}title").text for shape in shapes][:2] == [
        "Abbey <& Co>: 4.0 per 1,000",
        "Castle: No data",
    ]
    assert svg.find(f".//{SVG}pattern").get("id") == "rate-no-data"
    legend = figure.find(".//ul[@data-testid='map-legend']")
    assert [item.find("span").text for item in legend] == [entry.label for entry in map_.legend]
    rows = figure.findall(".//table[@class]/tbody/tr")
    assert [(row.find("th").text, row.find("td").text) for row in rows] == [
        ("Fosse", "9.0"),
        ("Abbey <& Co>", "4.0"),
        ("Castle", "No data"),
    ]
    assert "govuk-table" in figure.find(".//table").get("class")
    assert "style=" not in html and "<script" not in html


def test_the_grid_macro_renders_the_outline_the_significant_cells_and_their_table():
    map_ = hotspots()
    figure = ET.fromstring(str(macros().grid_map(map_)))  # noqa: S314 - our own markup
    svg = figure.find(f".//{SVG}svg[@role='img']")
    titled = [shape for shape in svg.iter(f"{SVG}path") if shape.find(f"{SVG}title") is not None]
    assert len(titled) == 4
    assert svg.findall(f".//{SVG}path")[0].get("fill") == map_.outline_fill
    rows = figure.findall(".//tbody/tr")
    assert [row.find("th").text for row in rows] == ["Cell 1-1", "Cell 2-1", "Cell 1-0", "Cell 0-1"]
    legend = figure.find(".//ul[@data-testid='map-legend']")
    assert len(legend) == 7


def test_a_map_where_no_area_has_a_value_keys_only_no_data():
    """A partnership whose wards have boundaries but no figures yet (no crime data imported)."""
    square = {"type": "Polygon", "coordinates": [[[0, 0], [0, 0.01], [0.01, 0.01], [0.01, 0], [0, 0]]]}
    drawn = choropleth(
        title="Robbery by ward",
        areas=[MapArea(code="W1", name="North", geometry=square, value=None)],
        unit="",
    )
    assert [entry.label for entry in drawn.legend] == ["No data"]
    assert [path.value_label for path in drawn.paths] == ["No data"]

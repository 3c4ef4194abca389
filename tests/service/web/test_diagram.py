"""The diagram of a definition reads: no label covers another, every edge has runs of its
own, and every state's name fits its box.

Text is measured the way the layout measures it (``diagram_shapes.text_width``: an upper bound
for the stylesheet's DejaVu Sans), so the test fails when the layout's own estimate says
two labels touch.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import combinations
from pathlib import Path

import pytest

from service.web import diagram, diagram_shapes
from workflow.registry import load_registry
from workflow.spec import WorkflowSpec

SVG = "{http://www.w3.org/2000/svg}"
DEFINITIONS = Path(__file__).resolve().parents[3] / "definitions"
Rect = tuple[float, float, float, float]  # left, top, right, bottom
Segment = tuple[str, float, float, float]  # "H" at y from x0 to x1, "V" at x from y0 to y1


def _spec(name: str) -> WorkflowSpec:
    return load_registry([DEFINITIONS]).latest(name).spec


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _text_box(text: ET.Element) -> Rect:
    size = float(text.attrib["font-size"])
    width = diagram_shapes.text_width(text.text or "", size)
    x, y = float(text.attrib["x"]), float(text.attrib["y"])
    assert text.attrib["text-anchor"] == "middle"
    return (x - width / 2, y - 0.8 * size, x + width / 2, y + 0.25 * size)


def _rect(rect: ET.Element) -> Rect:
    x, y = float(rect.attrib["x"]), float(rect.attrib["y"])
    return (x, y, x + float(rect.attrib["width"]), y + float(rect.attrib["height"]))


def _circle(circle: ET.Element) -> Rect:
    x, y, r = (float(circle.attrib[k]) for k in ("cx", "cy", "r"))
    return (x - r, y - r, x + r, y + r)


def _segments(d: str) -> list[Segment]:
    """The straight runs of an orthogonal path (``M x,y H x V y ...``); curves have none."""
    if "C" in d:
        return []
    x, y = (float(v) for v in re.match(r"M([\d.]+),([\d.]+)", d).groups())
    runs: list[Segment] = []
    for command, value in re.findall(r"([HV])([\d.]+)", d):
        to = float(value)
        if command == "H":
            runs.append(("H", y, min(x, to), max(x, to)))
            x = to
        else:
            runs.append(("V", x, min(y, to), max(y, to)))
            y = to
    return [r for r in runs if r[3] - r[2] > 0]


@pytest.fixture(params=["massnahme", "vorlage"])
def svg(request: pytest.FixtureRequest) -> ET.Element:
    return ET.fromstring(diagram.render(_spec(request.param)).svg)


def test_no_label_overlaps_another(svg: ET.Element) -> None:
    states = svg.findall(f"{SVG}g[@class='state']")
    numbers = svg.findall(f"{SVG}g[@class='edge-number']")
    labels = [(t.text, _text_box(t)) for g in states for t in g.findall(f"{SVG}text")]
    labels += [(g.find(f"{SVG}text").text, _circle(g.find(f"{SVG}circle"))) for g in numbers]
    assert len(labels) > 15
    for (a, box_a), (b, box_b) in combinations(labels, 2):
        assert not _overlap(box_a, box_b), f"„{a}“ überdeckt „{b}“"
    boxes = [_rect(g.find(f"{SVG}rect")) for g in states]
    for g in numbers:
        number = _circle(g.find(f"{SVG}circle"))
        assert not any(_overlap(number, box) for box in boxes), g.find(f"{SVG}text").text


def test_every_state_name_fits_its_box(svg: ET.Element) -> None:
    for g in svg.findall(f"{SVG}g[@class='state']"):
        left, top, right, bottom = _rect(g.find(f"{SVG}rect"))
        for text in g.findall(f"{SVG}text"):
            inner = _text_box(text)
            assert left < inner[0] and inner[2] < right, text.text
            assert top < inner[1] and inner[3] < bottom, text.text


def test_no_two_edges_share_a_run(svg: ET.Element) -> None:
    """Side transitions each get a lane of their own: no two paths run along one line."""
    paths = [_segments(p.attrib["d"]) for p in svg.findall(f"{SVG}path[@class]")]
    for runs_a, runs_b in combinations(paths, 2):
        for a in runs_a:
            for b in runs_b:
                same_line = a[0] == b[0] and abs(a[1] - b[1]) < 3
                assert not (same_line and min(a[3], b[3]) - max(a[2], b[2]) > 1), (a, b)


def test_the_diagram_keeps_a_legible_scale_on_a_phone() -> None:
    """On a 390 px phone the stylesheet draws it 46rem (736 px) wide and lets it scroll:
    the states' 14 px text keeps at least 10 px."""
    for name in ("massnahme", "vorlage"):
        width = float(ET.fromstring(diagram.render(_spec(name)).svg).attrib["viewBox"].split()[2])
        assert 14 * 736 / width >= 10, name

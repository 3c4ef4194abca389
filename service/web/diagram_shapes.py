"""The measures and shapes of the workflow diagram (``service.web.diagram`` lays them out):
sizes in SVG units, the width a text takes, and the boxes and edges placed."""

from __future__ import annotations

from dataclasses import dataclass, field

BOX_WIDTH = 230
ROW_GAP = 46
MARGIN = 20
LINE_HEIGHT = 17
STATE_FONT = 14
NUMBER_FONT = 11
NUMBER_RADIUS = 10
BOX_PADDING = 8
# The stylesheet draws with DejaVu Sans, whose glyphs average about 0.53 em; 0.6 em is an
# upper bound for German labels, so a line estimated to fit does fit. The tests estimate
# text the same way (``text_width``).
CHAR_EM = 0.6
WRAP = int((BOX_WIDTH - 2 * BOX_PADDING) / (STATE_FONT * CHAR_EM))
# Vertical runs of edges lie this far apart: more than a number's circle, so the numbers of
# neighbouring runs never touch and no two edges share a run.
LANE = 2 * NUMBER_RADIUS + 6
# Edge ends on one side of a box lie at least this far apart (boxes grow to make room).
PORT = 10
# Room right of a box for the number of a step that stays in its state.
LOOP_ROOM = 2 * NUMBER_RADIUS + 16


def text_width(text: str, font_size: float) -> float:
    return len(text) * font_size * CHAR_EM


@dataclass
class Edge:
    number: int
    event: str
    label: str
    source: str
    target: str
    back: bool = False


@dataclass
class Box:
    name: str
    label: str
    rank: int
    column: int
    lines: list[str]
    final: bool
    x: float = 0
    y: float = 0
    height: float = 0


@dataclass
class Diagram:
    svg: str
    edges: list[Edge]
    labels: dict[str, str] = field(default_factory=dict)

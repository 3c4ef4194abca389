"""The workflow diagram as SVG, drawn on the server from a definition.

Layout, top to bottom: each state sits in the row of its longest path from the initial
state (back edges, found by a depth-first walk, do not count). The main line - from the
initial state, always to the next row, preferring states that are not final, in the
order of the definition - forms the left column; every other state goes to the column on
its right, one lower when its row there is taken. Edges run orthogonally: straight down
along the main line, through the gap between columns otherwise, and back edges through a
channel left of the diagram. Each edge carries a number that the legend below the picture
explains, so the picture never has to fit long labels, and the legend is its text
alternative.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from workflow.spec import WorkflowSpec

BOX_WIDTH = 230
COLUMN_PITCH = 330
ROW_GAP = 46
LEFT_CHANNEL = 110
MARGIN = 20
LINE_HEIGHT = 17
WRAP = 28


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


def _edges(spec: WorkflowSpec) -> list[Edge]:
    edges = []
    for number, t in enumerate(spec.transitions, start=1):
        for source in t.sources:
            edges.append(Edge(number, t.event, t.label, source, t.target_from(source)))
    return edges


def _mark_back_edges(spec: WorkflowSpec, edges: list[Edge]) -> None:
    outgoing: dict[str, list[Edge]] = {s: [] for s in spec.states}
    for e in edges:
        outgoing[e.source].append(e)
    done: set[str] = set()
    on_stack: set[str] = set()

    def walk(state: str) -> None:
        on_stack.add(state)
        for e in outgoing[state]:
            if e.target == state:
                continue
            if e.target in on_stack:
                e.back = True
            elif e.target not in done:
                walk(e.target)
        on_stack.discard(state)
        done.add(state)

    for start in [spec.initial, *spec.states]:
        if start not in done:
            walk(start)


def _ranks(spec: WorkflowSpec, edges: list[Edge]) -> dict[str, int]:
    forward = [e for e in edges if not e.back and e.source != e.target]
    rank = {s: 0 for s in spec.states}
    for _ in spec.states:  # longest path in a DAG: relax |V| times
        changed = False
        for e in forward:
            if rank[e.target] < rank[e.source] + 1:
                rank[e.target] = rank[e.source] + 1
                changed = True
        if not changed:
            break
    return rank


def _spine(spec: WorkflowSpec, edges: list[Edge], rank: dict[str, int]) -> list[str]:
    line = [spec.initial]
    while True:
        here = line[-1]
        nexts = [
            e.target
            for e in edges
            if e.source == here and not e.back and rank[e.target] == rank[here] + 1
        ]
        if not nexts:
            return line
        nexts.sort(key=lambda s: spec.states[s].final)  # stable: definition order otherwise
        line.append(nexts[0])


def _layout(spec: WorkflowSpec, edges: list[Edge]) -> dict[str, Box]:
    rank = _ranks(spec, edges)
    spine = set(_spine(spec, edges, rank))
    taken: set[int] = set()
    boxes: dict[str, Box] = {}
    for name, state in spec.states.items():
        row, column = rank[name], 0
        if name not in spine:
            # One side column: a state whose row is taken moves down, so that no edge
            # ever has to cross a box on its way to a column further right.
            column = 1
            while row in taken:
                row += 1
            taken.add(row)
        lines = textwrap.wrap(state.label, WRAP) or [name]
        boxes[name] = Box(name, state.label, row, column, lines, state.final)
    rows = max(b.rank for b in boxes.values()) + 1
    heights = [0.0] * rows
    for b in boxes.values():
        b.height = 16 + LINE_HEIGHT * len(b.lines)
        heights[b.rank] = max(heights[b.rank], b.height)
    tops = [0.0] * rows
    y = MARGIN + 10.0
    for r in range(rows):
        tops[r] = y
        y += heights[r] + ROW_GAP
    for b in boxes.values():
        b.x = MARGIN + LEFT_CHANNEL + b.column * COLUMN_PITCH
        b.y = tops[b.rank] + (heights[b.rank] - b.height) / 2
    return boxes


def _spread(count: int, start: float, length: float) -> list[float]:
    return [start + length * (i + 1) / (count + 1) for i in range(count)]


def _route(edges: list[Edge], boxes: dict[str, Box]) -> list[tuple[Edge, str, float, float]]:
    """Each edge as an SVG path and the point where its number goes."""
    kinds: dict[int, str] = {}
    ports: dict[tuple[str, str], list[int]] = {}
    channels: dict[tuple[str, int], list[int]] = {}
    for i, e in enumerate(edges):
        s, t = boxes[e.source], boxes[e.target]
        if e.source == e.target:
            kind = "loop"
        elif s.column == t.column and not e.back and t.rank == s.rank + 1:
            kind = "down"
            ports.setdefault((e.source, "bottom"), []).append(i)
            ports.setdefault((e.target, "top"), []).append(i)
        elif t.column > s.column:
            kind = "right"
            ports.setdefault((e.source, "right"), []).append(i)
            ports.setdefault((e.target, "left"), []).append(i)
            channels.setdefault(("gap", s.column), []).append(i)
        elif t.column < s.column:
            kind = "back-right"
            ports.setdefault((e.source, "left"), []).append(i)
            ports.setdefault((e.target, "right"), []).append(i)
            channels.setdefault(("gap", t.column), []).append(i)
        else:
            kind = "left"
            ports.setdefault((e.source, "left"), []).append(i)
            ports.setdefault((e.target, "left"), []).append(i)
            channel = ("left", 0) if s.column == 0 else ("gap", s.column - 1)
            channels.setdefault(channel, []).append(i)
        kinds[i] = kind
    where: dict[tuple[int, str], float] = {}
    for (name, side), members in ports.items():
        b = boxes[name]

        def other_end(i: int, name: str = name, side: str = side) -> float:
            e = edges[i]
            other = boxes[e.target] if e.source == name else boxes[e.source]
            return other.x if side in ("top", "bottom") else other.y

        members.sort(key=other_end)
        if side in ("top", "bottom"):
            positions = _spread(len(members), b.x + 40, BOX_WIDTH - 80)
        else:
            positions = _spread(len(members), b.y, b.height)
        for i, p in zip(members, positions, strict=True):
            end = "s" if edges[i].source == name else "t"
            where[(i, end)] = p
    lanes: dict[int, float] = {}
    for (kind_name, column), members in channels.items():
        members.sort(key=lambda i: abs(boxes[edges[i].source].rank - boxes[edges[i].target].rank))
        if kind_name == "gap":
            start = MARGIN + LEFT_CHANNEL + column * COLUMN_PITCH + BOX_WIDTH
            width = COLUMN_PITCH - BOX_WIDTH
        else:
            start, width = MARGIN, LEFT_CHANNEL - 10
        xs = _spread(len(members), start, width)
        if kind_name == "left":
            xs.reverse()  # the longest edges run furthest out
        for i, x in zip(members, xs, strict=True):
            lanes[i] = x
    routes = []
    taken: list[tuple[float, float]] = []
    for i, e in enumerate(edges):
        s, t = boxes[e.source], boxes[e.target]
        kind = kinds[i]
        if kind == "loop":
            x0, y0 = s.x + BOX_WIDTH - 30, s.y
            right = s.x + BOX_WIDTH
            path = (
                f"M{x0:.0f},{y0:.0f} C{x0:.0f},{y0 - 28:.0f} {right + 28:.0f},{y0 - 8:.0f} "
                f"{right:.0f},{y0 + 8:.0f}"
            )
            routes.append((e, path, s.x + BOX_WIDTH + 6, y0 - 14))
        elif kind == "down":
            sx, tx = where[(i, "s")], where[(i, "t")]
            y0, y1 = s.y + s.height, t.y
            mid = (y0 + y1) / 2
            path = f"M{sx:.0f},{y0:.0f} V{mid:.0f} H{tx:.0f} V{y1:.0f}"
            routes.append((e, path, tx + 12, mid))
        else:
            sy, ty = where[(i, "s")], where[(i, "t")]
            lane = lanes[i]
            if kind == "right":
                x0, x1 = s.x + BOX_WIDTH, t.x
            elif kind == "back-right":
                x0, x1 = s.x, t.x + BOX_WIDTH
            else:
                x0, x1 = s.x, t.x
            path = f"M{x0:.0f},{sy:.0f} H{lane:.0f} V{ty:.0f} H{x1:.0f}"
            routes.append((e, path, lane, _free_spot(taken, lane, sy, ty)))
    return routes


def _free_spot(taken: list[tuple[float, float]], x: float, y0: float, y1: float) -> float:
    """A place for an edge's number on its vertical run that no other number covers."""
    low, high = min(y0, y1) + 12, max(y0, y1) - 12
    middle = (y0 + y1) / 2
    candidates = [middle + step * sign for step in range(0, 400, 11) for sign in (1, -1)]
    for y in candidates:
        if low <= y <= high and all((x - a) ** 2 + (y - b) ** 2 >= 22**2 for a, b in taken):
            taken.append((x, y))
            return y
    taken.append((x, middle))
    return middle


def render(spec: WorkflowSpec, current: str | None = None) -> Diagram:
    edges = _edges(spec)
    _mark_back_edges(spec, edges)
    boxes = _layout(spec, edges)
    routes = _route(edges, boxes)
    width = MARGIN * 2 + LEFT_CHANNEL + (max(b.column for b in boxes.values()) + 1) * COLUMN_PITCH
    height = max(b.y + b.height for b in boxes.values()) + MARGIN
    title = f"Ablauf „{spec.label}“ (Version {spec.version})"
    described = f"{len(spec.states)} Zustände, {len(spec.transitions)} Übergänge"
    if current:
        described += f"; aktueller Zustand: {spec.states[current].label}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" aria-labelledby="diagramm-titel diagramm-text">',
        f'<title id="diagramm-titel">{escape(title)}</title>',
        f'<desc id="diagramm-text">{escape(described)}. Die Übergänge sind nummeriert und '
        "unter dem Bild erklärt.</desc>",
        "<defs><marker id='pfeil' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='7' "
        "markerHeight='7' orient='auto-start-reverse'><path d='M0,0 L10,5 L0,10 z' "
        "fill='#334155'/></marker></defs>",
    ]
    for e, path, _, _ in routes:
        css = "edge back" if e.back else "edge"
        out.append(
            f'<path class="{css}" d="{path}" fill="none" stroke="#334155" stroke-width="1.6" '
            f'marker-end="url(#pfeil)"><title>{e.number}: {escape(e.label)}</title></path>'
        )
    for b in boxes.values():
        is_current = b.name == current
        fill, ink = ("#1d4f91", "#ffffff") if is_current else ("#ffffff", "#1f2937")
        css = "state current" if is_current else "state"
        stroke = "#1d4f91" if is_current or b.name == spec.initial else "#475569"
        out.append(f'<g class="{css}" data-state="{escape(b.name)}">')
        out.append(
            f'<rect x="{b.x:.0f}" y="{b.y:.0f}" width="{BOX_WIDTH}" height="{b.height:.0f}" '
            f'rx="8" fill="{fill}" stroke="{stroke}" stroke-width="{3 if is_current else 1.5}"/>'
        )
        if b.final:
            out.append(
                f'<rect x="{b.x + 4:.0f}" y="{b.y + 4:.0f}" width="{BOX_WIDTH - 8}" '
                f'height="{b.height - 8:.0f}" rx="6" fill="none" stroke="{stroke}"/>'
            )
        for n, line in enumerate(b.lines):
            ty = b.y + 8 + LINE_HEIGHT * (n + 1) - 3
            out.append(
                f'<text x="{b.x + BOX_WIDTH / 2:.0f}" y="{ty:.0f}" text-anchor="middle" '
                f'font-size="14" font-weight="{700 if is_current else 400}" '
                f'fill="{ink}">{escape(line)}</text>'
            )
        out.append("</g>")
    placed: set[tuple[int, int, int]] = set()
    for e, _, x, y in routes:
        key = (e.number, round(x), round(y))
        if key in placed:
            continue
        placed.add(key)
        out.append(
            f'<g class="edge-number"><circle cx="{x:.0f}" cy="{y:.0f}" r="10" fill="#fef3c7" '
            f'stroke="#334155"/><text x="{x:.0f}" y="{y + 4:.0f}" text-anchor="middle" '
            f'font-size="11" font-weight="700" fill="#1f2937">{e.number}</text></g>'
        )
    out.append("</svg>")
    labels = {name: s.label for name, s in spec.states.items()}
    return Diagram("\n".join(out), edges, labels)

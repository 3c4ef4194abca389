"""The workflow diagram as SVG, drawn on the server from a definition.

Layout, top to bottom: each state sits in the row of its longest path from the initial
state (back edges, found by a depth-first walk, do not count). The main line - from the
initial state, always to the next row, preferring states that are not final, in the
order of the definition - forms the left column; every other state goes to the column on
its right, one lower when its row there is taken. Edges run orthogonally: straight down
along the main line, through the gap between columns otherwise, and back edges through a
channel left of the diagram. Every edge gets a vertical run (lane) of its own, and every
channel is as wide as its lanes need; the ends of edges on the sides facing one gap in one
row each get a height of their own, so no two edges ever run along one line. Each edge
carries a number that the legend below the picture explains, so the picture never has to
fit long labels, and the legend is its text alternative.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from service.web.diagram_shapes import (
    BOX_PADDING,
    BOX_WIDTH,
    LANE,
    LINE_HEIGHT,
    LOOP_ROOM,
    MARGIN,
    NUMBER_FONT,
    NUMBER_RADIUS,
    PORT,
    ROW_GAP,
    STATE_FONT,
    WRAP,
    Box,
    Diagram,
    Edge,
)
from workflow.spec import WorkflowSpec


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


def _place_rows_and_columns(spec: WorkflowSpec, edges: list[Edge]) -> dict[str, Box]:
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
    return boxes


@dataclass
class Plan:
    """Which way each edge runs, which box sides it uses and which channel it runs in."""

    kinds: dict[int, str] = field(default_factory=dict)
    ports: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    channels: dict[tuple[str, int], list[int]] = field(default_factory=dict)


def _plan(edges: list[Edge], boxes: dict[str, Box]) -> Plan:
    plan = Plan()

    def use(i: int, kind: str, ends: tuple[str, str], channel: tuple[str, int] | None) -> None:
        plan.kinds[i] = kind
        e = edges[i]
        plan.ports.setdefault((e.source, ends[0]), []).append(i)
        plan.ports.setdefault((e.target, ends[1]), []).append(i)
        if channel is not None:
            plan.channels.setdefault(channel, []).append(i)

    for i, e in enumerate(edges):
        s, t = boxes[e.source], boxes[e.target]
        if e.source == e.target:
            plan.kinds[i] = "loop"
        elif s.column == t.column and not e.back and t.rank == s.rank + 1:
            use(i, "down", ("bottom", "top"), None)
        elif t.column > s.column:
            use(i, "right", ("right", "left"), ("gap", s.column))
        elif t.column < s.column:
            use(i, "back-right", ("left", "right"), ("gap", t.column))
        else:
            channel = ("left", 0) if s.column == 0 else ("gap", s.column - 1)
            use(i, "left", ("left", "left"), channel)
    return plan


def _lanes_width(count: int) -> float:
    return LANE * (count + 1)


def _row_group(box: Box, side: str) -> tuple[str, int, int] | None:
    """The gap a side of a box faces, with its row: every edge end in one group gets a
    height of its own, so that two horizontal runs in a gap never lie on one line."""
    if side == "right":
        return ("gap", box.column, box.rank)
    if side == "left" and box.column > 0:
        return ("gap", box.column - 1, box.rank)
    return None


def _side_groups(boxes: dict[str, Box], plan: Plan) -> dict[object, list[tuple[str, int]]]:
    """Edge ends on the sides of boxes, grouped: per gap and row, else per box side."""
    groups: dict[object, list[tuple[str, int]]] = {}
    for (name, side), members in plan.ports.items():
        if side in ("top", "bottom"):
            continue
        key: object = _row_group(boxes[name], side) or (name, side)
        groups.setdefault(key, []).extend((name, i) for i in members)
    return groups


def _place(boxes: dict[str, Box], plan: Plan) -> None:
    """Heights from the text and the edge ends a box takes; every channel as wide as its
    lanes need, so the columns move apart when many edges run between them."""
    rows = max(b.rank for b in boxes.values()) + 1
    heights = [0.0] * rows
    groups = _side_groups(boxes, plan).values()
    for b in boxes.values():
        ends = max((len(g) for g in groups if any(n == b.name for n, _ in g)), default=0)
        b.height = max(2 * BOX_PADDING + LINE_HEIGHT * len(b.lines), PORT * (ends + 1))
        heights[b.rank] = max(heights[b.rank], b.height)
    tops = [0.0] * rows
    y: float = MARGIN + 2 * NUMBER_RADIUS  # room for a loop's number above the first row
    for r in range(rows):
        tops[r] = y
        y += heights[r] + ROW_GAP
    columns = max(b.column for b in boxes.values()) + 1
    lefts = [MARGIN + _lanes_width(len(plan.channels.get(("left", 0), [])))]
    for c in range(1, columns):
        gap = LOOP_ROOM + _lanes_width(len(plan.channels.get(("gap", c - 1), [])))
        lefts.append(lefts[-1] + BOX_WIDTH + gap)
    for b in boxes.values():
        b.x = lefts[b.column]
        b.y = tops[b.rank] + (heights[b.rank] - b.height) / 2


def _spread(count: int, start: float, length: float) -> list[float]:
    return [start + length * (i + 1) / (count + 1) for i in range(count)]


def _port_positions(
    edges: list[Edge], boxes: dict[str, Box], plan: Plan
) -> dict[tuple[int, str], float]:
    """Where each edge leaves and enters its boxes: spread along the side, in the order of
    the other end, so that edges leave without crossing each other at the box."""
    where: dict[tuple[int, str], float] = {}

    def other(name: str, i: int) -> Box:
        e = edges[i]
        return boxes[e.target] if e.source == name else boxes[e.source]

    def end(name: str, i: int) -> str:
        return "s" if edges[i].source == name else "t"

    for (name, side), members in plan.ports.items():
        if side not in ("top", "bottom"):
            continue
        b = boxes[name]
        members.sort(key=lambda i: other(name, i).x)
        for i, x in zip(members, _spread(len(members), b.x + 40, BOX_WIDTH - 80), strict=True):
            where[(i, end(name, i))] = x
    for group in _side_groups(boxes, plan).values():
        group.sort(key=lambda member: other(*member).y)
        top = max(boxes[n].y for n, _ in group)
        bottom = min(boxes[n].y + boxes[n].height for n, _ in group)
        for (name, i), y in zip(group, _spread(len(group), top, bottom - top), strict=True):
            where[(i, end(name, i))] = y
    return where


def _lane_positions(edges: list[Edge], boxes: dict[str, Box], plan: Plan) -> dict[int, float]:
    """One vertical run per edge: its own x inside its channel."""
    lanes: dict[int, float] = {}
    for (kind_name, column), members in plan.channels.items():
        members.sort(key=lambda i: abs(boxes[edges[i].source].rank - boxes[edges[i].target].rank))
        if kind_name == "gap":
            right_of = min(b.x for b in boxes.values() if b.column == column) + BOX_WIDTH
            start = right_of + LOOP_ROOM
        else:
            start = MARGIN
        xs = _spread(len(members), start, _lanes_width(len(members)))
        if kind_name == "left":
            xs.reverse()  # the longest edges run furthest out
        for i, x in zip(members, xs, strict=True):
            lanes[i] = x
    return lanes


def _route(edges: list[Edge], boxes: dict[str, Box]) -> list[tuple[Edge, str, float, float]]:
    """Each edge as an SVG path and the point where its number goes."""
    plan = _plan(edges, boxes)
    _place(boxes, plan)
    where = _port_positions(edges, boxes, plan)
    lanes = _lane_positions(edges, boxes, plan)
    routes: list[tuple[Edge, str, float, float]] = []
    taken: list[tuple[float, float]] = []
    # Loops and straight steps first: their numbers have one place; those on long runs
    # then find a free spot around them.
    order = sorted(range(len(edges)), key=lambda i: plan.kinds[i] not in ("loop", "down"))
    placed: dict[int, tuple[Edge, str, float, float]] = {}
    for i in order:
        e = edges[i]
        s, t = boxes[e.source], boxes[e.target]
        kind = plan.kinds[i]
        if kind == "loop":
            x0, y0 = s.x + BOX_WIDTH - 30, s.y
            right = s.x + BOX_WIDTH
            path = (
                f"M{x0:.0f},{y0:.0f} C{x0:.0f},{y0 - 28:.0f} {right + 28:.0f},{y0 - 8:.0f} "
                f"{right:.0f},{y0 + 8:.0f}"
            )
            spot = (right + LOOP_ROOM / 2, y0 - NUMBER_RADIUS)
        elif kind == "down":
            sx, tx = where[(i, "s")], where[(i, "t")]
            y0, y1 = s.y + s.height, t.y
            mid = (y0 + y1) / 2
            path = f"M{sx:.0f},{y0:.0f} V{mid:.0f} H{tx:.0f} V{y1:.0f}"
            spot = (tx + NUMBER_RADIUS + 3, mid)
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
            spot = (lane, _free_spot(taken, lane, sy, ty))
        if kind in ("loop", "down"):
            taken.append(spot)
        placed[i] = (e, path, *spot)
    routes = [placed[i] for i in range(len(edges))]
    return routes


def _free_spot(taken: list[tuple[float, float]], x: float, y0: float, y1: float) -> float:
    """A place for an edge's number on its vertical run that no other number covers."""
    low, high = min(y0, y1) + 12, max(y0, y1) - 12
    middle = (y0 + y1) / 2
    candidates = [middle + step * sign for step in range(0, 400, 11) for sign in (1, -1)]
    apart = 2 * NUMBER_RADIUS + 2
    for y in candidates:
        if low <= y <= high and all((x - a) ** 2 + (y - b) ** 2 >= apart**2 for a, b in taken):
            taken.append((x, y))
            return y
    taken.append((x, middle))
    return middle


def render(spec: WorkflowSpec, current: str | None = None) -> Diagram:
    edges = _edges(spec)
    _mark_back_edges(spec, edges)
    boxes = _place_rows_and_columns(spec, edges)
    routes = _route(edges, boxes)
    width = max(b.x for b in boxes.values()) + BOX_WIDTH + LOOP_ROOM + MARGIN
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
            ty = b.y + (b.height - LINE_HEIGHT * len(b.lines)) / 2 + LINE_HEIGHT * (n + 1) - 4
            out.append(
                f'<text x="{b.x + BOX_WIDTH / 2:.0f}" y="{ty:.0f}" text-anchor="middle" '
                f'font-size="{STATE_FONT}" font-weight="{700 if is_current else 400}" '
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
            f'<g class="edge-number"><circle cx="{x:.0f}" cy="{y:.0f}" r="{NUMBER_RADIUS}" '
            f'fill="#fef3c7" stroke="#334155"/><text x="{x:.0f}" y="{y + 4:.0f}" '
            f'text-anchor="middle" font-size="{NUMBER_FONT}" font-weight="700" '
            f'fill="#1f2937">{e.number}</text></g>'
        )
    out.append("</svg>")
    labels = {name: s.label for name, s in spec.states.items()}
    return Diagram("\n".join(out), edges, labels)

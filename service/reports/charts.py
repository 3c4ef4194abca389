"""Charts as inline SVG, drawn on the server: no JavaScript in the browser, no plotting
library, and WeasyPrint puts the same vectors into the PDF.

Every bar carries its number as text and every colour its word in the tables, so the
charts read the same on a black-and-white printout.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from service.reports.schemas import Count, ReportMeasure

LIGHT_COLOURS = {"rot": "#b3261e", "gelb": "#d39e00", "gruen": "#2e7d32"}
_BAR = "#44546a"
_GRID = "#c8c8c8"
_TEXT = "#1a1a1a"
_FONT = 'font-family="DejaVu Sans, sans-serif"'


def _svg(width: int, height: int, title: str, description: str, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="chart">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
    )
    # Safe to mark: every text drawn above went through escape().
    return Markup(head + "".join(body) + "</svg>")


def state_distribution(states: Sequence[Count], width: int = 640) -> Markup:
    """Horizontal bars: how many reported measures sit in each state."""
    label_width, row, top = 300, 19, 4
    most = max((s.count for s in states), default=0) or 1
    span = width - label_width - 40
    height = top * 2 + row * len(states)
    body = []
    for i, state in enumerate(states):
        y = top + i * row
        bar = round(span * state.count / most)
        body.append(
            f'<text x="{label_width - 8}" y="{y + 13}" text-anchor="end" font-size="11" '
            f'{_FONT} fill="{_TEXT}">{escape(state.label)}</text>'
        )
        if bar:
            body.append(
                f'<rect x="{label_width}" y="{y + 3}" width="{bar}" height="13" fill="{_BAR}"/>'
            )
        body.append(
            f'<text x="{label_width + bar + 6}" y="{y + 13}" font-size="11" {_FONT} '
            f'fill="{_TEXT}">{state.count}</text>'
        )
    description = "; ".join(f"{s.label}: {s.count}" for s in states)
    return _svg(width, height, "Maßnahmen je Zustand", description, body)


def progress_per_measure(measures: Sequence[ReportMeasure], width: int = 640) -> Markup:
    """One bar per measure from 0 to 100 %, coloured by its light; a black tick marks the
    share of time already used, so a lag shows as the gap between bar end and tick."""
    label_width, row, top, axis = 70, 19, 4, 16
    span = width - label_width - 60
    height = top + row * len(measures) + axis
    body = []
    for pct in (0, 25, 50, 75, 100):
        x = label_width + span * pct / 100
        body.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - axis}" '
            f'stroke="{_GRID}" stroke-width="0.7"/>'
            f'<text x="{x:.1f}" y="{height - 5}" text-anchor="middle" font-size="9" {_FONT} '
            f'fill="{_TEXT}">{pct} %</text>'
        )
    for i, m in enumerate(measures):
        y = top + i * row
        progress = m.progress or 0
        bar = span * progress / 100
        body.append(
            f'<text x="{label_width - 8}" y="{y + 13}" text-anchor="end" font-size="11" '
            f'{_FONT} fill="{_TEXT}">{escape(m.code)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{span}" height="13" fill="#f1f1f1"/>'
        )
        if bar:
            body.append(
                f'<rect x="{label_width}" y="{y + 3}" width="{bar:.1f}" height="13" '
                f'fill="{LIGHT_COLOURS.get(m.light or "", _BAR)}"/>'
            )
        if m.expected_progress is not None:
            x = label_width + span * m.expected_progress / 100
            body.append(
                f'<line x1="{x:.1f}" y1="{y + 1}" x2="{x:.1f}" y2="{y + 18}" '
                f'stroke="{_TEXT}" stroke-width="2"/>'
            )
        shown = "–" if m.progress is None else f"{m.progress} %"
        body.append(
            f'<text x="{label_width + span + 6}" y="{y + 13}" font-size="11" {_FONT} '
            f'fill="{_TEXT}">{shown}</text>'
        )
    description = "; ".join(
        f"{m.code}: {'kein Fortschritt gemeldet' if m.progress is None else f'{m.progress} %'}"
        + (
            f" (Zeit verstrichen: {m.expected_progress} %)"
            if m.expected_progress is not None
            else ""
        )
        for m in measures
    )
    return _svg(width, height, "Fortschritt je Maßnahme", description, body)

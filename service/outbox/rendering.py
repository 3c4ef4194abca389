"""German e-mail texts from Jinja2 templates, one plain and one HTML file per kind."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from workflow.calendar import to_local

TEMPLATES = Path(__file__).parent / "templates"
# Notes only some copies of a mail carry (``scheduler.notify``): the person a copy is to be
# passed on to, and whom to answer when the recipient cannot work on the item in ratsflow.
NOTES: dict[str, Any] = {"nicht_erreicht": None, "kontakt": None}


def _date(value: Any) -> str:
    if hasattr(value, "hour"):
        return f"{to_local(value):%d.%m.%Y}"
    return f"{value:%d.%m.%Y}"


def _datetime(value: Any) -> str:
    return f"{to_local(value):%d.%m.%Y, %H:%M} Uhr"


@lru_cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,  # a missing value is a bug, not an empty line in a letter
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["datum"] = _date
    env.filters["zeit"] = _datetime
    return env


def render(kind: str, context: dict[str, Any]) -> tuple[str, str]:
    """The plain-text and the HTML body of an e-mail of ``kind``."""
    env = environment()
    values = {**NOTES, **context}
    return (
        env.get_template(f"{kind}.txt").render(**values),
        env.get_template(f"{kind}.html").render(**values),
    )

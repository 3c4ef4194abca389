"""Firing an event through the one shared machine of a definition, per item.

``ours`` is ``Engine.fire`` (state, role, data and guard checks, then
``machine.events[event].trigger(subject)``) on many items through one machine; the floor
is the same state change done by hand: one dict lookup and one attribute set. A third
figure isolates the raw ``trigger`` call. Context only: the goal for the persisted path
belongs to ``persisted_transition``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench import Figure, best_per_op
from workflow.engine import Engine, Subject
from workflow.registry import load_registry

DEFINITIONS = Path(__file__).resolve().parent.parent / "definitions"
NOW = datetime(2025, 3, 12, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))
ITEMS = 5_000


def _floor(engine: Engine, items: list[Subject], event: str) -> float:
    """A dict lookup and an attribute set: the least any state change can cost."""
    table = {
        (source, t.event): t.target_from(source)
        for t in engine.spec.transitions
        for source in t.sources
    }
    start = items[0].state

    def reset() -> None:
        for item in items:
            item.state = start

    def batch() -> int:
        for item in items:
            item.state = table[(item.state, event)]
        return len(items)

    return best_per_op(batch, setup=reset)


def _progress(engine: Engine) -> Figure:
    items = [Subject("umsetzung", {"fortschritt": 10}) for _ in range(ITEMS)]
    data = [{"fortschritt": i % 101} for i in range(ITEMS)]
    roles = frozenset({"ag_mitglied"})
    fire = engine.fire

    def batch() -> int:
        for item, values in zip(items, data, strict=True):
            fire(item, "fortschritt_melden", roles, values, NOW)
        return len(items)

    ours = best_per_op(batch)
    floor = _floor(engine, [Subject("umsetzung") for _ in range(ITEMS)], "fortschritt_melden")
    return Figure("engine_fire", ours, floor)


def _submit(engine: Engine) -> Figure:
    items: list[Subject] = []
    roles = frozenset({"ag_leitung"})
    fire = engine.fire

    def fresh() -> None:
        items[:] = [Subject("entwurf") for _ in range(ITEMS)]

    def batch() -> int:
        for item in items:
            fire(item, "einreichen", roles, None, NOW)
        return len(items)

    ours = best_per_op(batch, setup=fresh)
    floor = _floor(engine, [Subject("entwurf") for _ in range(ITEMS)], "einreichen")
    return Figure("engine_fire_einreichen", ours, floor)


def _adjourn(engine: Engine) -> Figure:
    """The engine's part of ``persisted_transition``: ``vertagen`` with its Ladungsfrist.

    Every item gets another meeting date (over two years, weekends and holidays among them),
    so that no cache of a date's deadline could make the figure look better than firing is.
    """
    items: list[Subject] = []
    roles = frozenset({"sitzungsdienst"})
    data = [
        {"sitzung_am": (date(2024, 1, 1) + timedelta(days=i % 731)).isoformat()}
        for i in range(ITEMS)
    ]
    fire = engine.fire

    def fresh() -> None:
        items[:] = [Subject("fva_beratung") for _ in range(ITEMS)]

    def batch() -> int:
        for item, values in zip(items, data, strict=True):
            fire(item, "vertagen", roles, values, NOW)
        return len(items)

    ours = best_per_op(batch, setup=fresh)
    floor = _floor(engine, [Subject("fva_beratung") for _ in range(ITEMS)], "vertagen")
    return Figure("engine_fire_vertagen", ours, floor)


def _trigger(engine: Engine) -> Figure:
    items: list[Subject] = []
    trigger = engine.machine.events["einreichen"].trigger

    def fresh() -> None:
        items[:] = [Subject("entwurf") for _ in range(ITEMS)]

    def batch() -> int:
        for item in items:
            trigger(item)
        return len(items)

    ours = best_per_op(batch, setup=fresh)
    floor = _floor(engine, [Subject("entwurf") for _ in range(ITEMS)], "einreichen")
    return Figure("machine_trigger", ours, floor)


def run() -> list[Figure]:
    engine = load_registry([DEFINITIONS]).latest("massnahme")
    figures = [_progress(engine), _submit(engine), _adjourn(engine), _trigger(engine)]
    # The point of one shared machine: firing on thousands of items registered none of them.
    if engine.machine.models:
        raise AssertionError(f"shared machine holds {len(engine.machine.models)} items")
    return figures

"""Loads the demo city by replaying its history through the real services.

Every step runs at the date it happened (the clock is stepped), so histories, deadlines and
the audit trail look exactly as they would had ratsflow been in use since 2022.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.bodies.service import in_use
from service.demo import data
from service.demo.city import DEMO_PASSWORD, load_city
from service.demo.clock import SteppedClock
from service.demo.history import replay_history
from service.papers.service import paper_by_reference
from service.runtime import Runtime

__all__ = ["DEMO_PASSWORD", "DemoResult", "load_demo"]


@dataclass(frozen=True)
class DemoResult:
    loaded: bool
    message: str
    users: tuple[tuple[str, str, tuple[str, ...]], ...] = ()


def load_demo(runtime: Runtime, first_start: bool = False, city_only: bool = False) -> DemoResult:
    """Idempotent: loads nothing when the paper exists; with ``first_start`` nothing when
    the database already holds a city (so a real city's data never gets demo rows).

    ``city_only`` loads the city without its history: persons, logins, committees and
    memberships, so that the paper can be replayed from the start (through the API, say)."""
    with runtime.read() as connection:
        has_body = in_use(connection, runtime.chain_key)
        has_paper = paper_by_reference(connection, str(data.PAPER["reference"])) is not None
    if has_paper or ((first_start or city_only) and has_body):
        return DemoResult(False, "Demodaten sind bereits geladen.", _user_list())
    clock = SteppedClock(runtime)
    replay = Runtime(runtime.settings, runtime.engine, clock)
    with replay.write() as connection:
        city = load_city(replay, clock, connection)
        if not city_only:
            replay_history(replay, clock, connection, city)
    if city_only:
        return DemoResult(True, "Stadt Aschersleben ohne Vorgänge geladen.", _user_list())
    return DemoResult(True, "Demodaten der Stadt Aschersleben geladen.", _user_list())


def _user_list() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    return tuple(
        (p.username, f"{p.given_name} {p.family_name} ({p.function})", p.roles)
        for p in data.WITH_LOGIN
        if p.username
    )

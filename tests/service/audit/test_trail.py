"""The trail's uses check their reader themselves, whichever door calls them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from service.actor import Actor
from service.audit import exporting, trail
from service.audit.search import Filters
from service.errors import AccessDenied, ReadNotLogged
from service.runtime import Runtime
from tests import factories as make
from tests.service.reads import audit_fails

USES: dict[str, Callable[[Runtime, Actor, int], object]] = {
    "search": lambda rt, a, _: _in_write(
        rt, lambda c: trail.search(rt, c, a, Filters(), "Neugier")
    ),
    "export": lambda rt, a, _: exporting.start_export(rt, a, Filters(), "Neugier", "csv"),
    "disclosure": lambda rt, a, p: _in_write(rt, lambda c: trail.disclose(rt, c, a, p, "Neugier")),
}


def _in_write(runtime: Runtime, use: Callable[..., object]) -> object:
    with runtime.write() as connection:
        return use(connection)


@pytest.mark.parametrize("use", USES)
@pytest.mark.parametrize("role", ["admin", "verwaltungsleitung", "ag_leitung"])
def test_the_trail_refuses_every_reader_but_dsb_and_revision_in_the_service_itself(
    runtime: Runtime, use: str, role: str
) -> None:
    person = make.person(runtime)
    reader = make.user(runtime, role)

    with pytest.raises(AccessDenied):
        USES[use](runtime, reader, person)


@pytest.mark.parametrize("role", ["datenschutz", "revision"])
def test_the_dsb_and_the_revision_search_the_trail(runtime: Runtime, role: str) -> None:
    reader = make.user(runtime, role)

    found = _in_write(runtime, lambda c: trail.search(runtime, c, reader, Filters(), "Prüfung"))

    assert isinstance(found, list)


@pytest.mark.parametrize("use", USES)
def test_a_use_of_the_trail_that_cannot_be_logged_shows_nothing_503(
    runtime: Runtime, use: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: the query's own event failing gave a 500, not the 503 of every read."""
    person = make.person(runtime)
    reader = make.user(runtime, "datenschutz")
    audit_fails(monkeypatch)

    with pytest.raises(ReadNotLogged):
        USES[use](runtime, reader, person)

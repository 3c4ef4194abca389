"""The one audited-write helper: the chain lock first, then the row, then the audit event.

Two of the three helpers it replaced updated the row before they asked for the chain lock:
a writer holding the chain (a paper's decision updating each carried measure) and such a
helper holding the row then wait for each other, and PostgreSQL ends one as a deadlock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from service.actor import SYSTEM, Actor
from service.audit.repository.search import page
from service.audit.search import Filters, FoundEvent
from service.auth.service import deactivate
from service.committees.service import edit_committee
from service.people.models import Person
from service.people.service import edit_person
from service.records import update_audited
from service.runtime import Runtime
from tests import factories as make
from tests.service.chain_first import row_is_free, while_chain_held

# The edits check who asks (since the council's services do): the Sitzungsdienst may make both.
SITZUNGSDIENST = Actor(user_id=None, person_id=None, roles=frozenset({"sitzungsdienst"}))
persons = Person.__table__  # type: ignore[attr-defined]


def _events_of(runtime: Runtime, entity_type: str, entity_id: int) -> list[FoundEvent]:
    """The entity's audit events, oldest first."""
    with runtime.read() as c:
        found = page(
            c, runtime.chain_key, Filters(entity_type=entity_type, entity_id=entity_id), None, 100
        )
    return found[::-1]


def _user_edit(runtime: Runtime) -> tuple[str, int, Callable[[], None]]:
    admin = make.user(runtime, "admin")
    user_id = make.user(runtime, "ag_mitglied").user_id
    assert user_id is not None

    def act() -> None:
        with runtime.write() as c:
            deactivate(runtime, c, admin, user_id)

    return "users", user_id, act


def _person_edit(runtime: Runtime) -> tuple[str, int, Callable[[], None]]:
    person_id = make.person(runtime)

    def act() -> None:
        with runtime.write() as c:
            edit_person(runtime, c, SITZUNGSDIENST, person_id, function="Amtsleitung")

    return "persons", person_id, act


def _committee_edit(runtime: Runtime) -> tuple[str, int, Callable[[], None]]:
    committee_id = make.committee(runtime, members=0)

    def act() -> None:
        with runtime.write() as c:
            edit_committee(runtime, c, SITZUNGSDIENST, committee_id, name="Umbenannt")

    return "committees", committee_id, act


@pytest.mark.parametrize(
    "edit", [_user_edit, _person_edit, _committee_edit], ids=["user", "person", "committee"]
)
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
@pytest.mark.postgres
def test_an_audited_edit_waits_for_the_chain_lock_before_it_touches_the_row(
    runtime: Runtime, edit: Callable[[Runtime], tuple[str, int, Callable[[], None]]]
) -> None:
    table, row_id, act = edit(runtime)
    # While it waits for the chain, the edit must hold no lock on its row.
    waiting = while_chain_held(runtime, act, lambda: row_is_free(runtime, table, row_id))
    assert waiting.probe, "the row was locked before the chain"
    assert waiting.changes == []


def _edit_person(runtime: Runtime, person_id: int, values: dict[str, Any], **more: Any) -> bool:
    with runtime.write() as c:
        return update_audited(
            c,
            runtime.chain_key,
            persons,
            person_id,
            values,
            actor=SYSTEM,
            now=runtime.now(),
            entity_type="person",
            **more,
        )


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
def test_only_values_that_really_change_are_written_and_audited(runtime: Runtime) -> None:
    person_id = make.person(runtime, function="Sachbearbeitung", email="a@example.org")
    before = len(_events_of(runtime, "person", person_id))
    assert _edit_person(
        runtime, person_id, {"function": "Sachbearbeitung", "email": "b@example.org"}
    )
    assert _edit_person(runtime, person_id, {"function": "Sachbearbeitung"})
    found = _events_of(runtime, "person", person_id)[before:]
    assert [e.action for e in found] == ["person.update"]
    assert set(found[0].changes) == {"email"}


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
def test_a_conditional_update_that_matches_no_row_changes_nothing(runtime: Runtime) -> None:
    person_id = make.person(runtime, function="Sachbearbeitung")
    before = len(_events_of(runtime, "person", person_id))
    unless = persons.c.function == "Pförtner"
    assert not _edit_person(runtime, person_id, {"function": "Amtsleitung"}, condition=unless)
    assert not _edit_person(runtime, 2**31 - 1, {"function": "Amtsleitung"})
    assert len(_events_of(runtime, "person", person_id)) == before
    with runtime.read() as c:
        row = c.execute(select(persons.c.function).where(persons.c.id == person_id)).one()
    assert row.function == "Sachbearbeitung"

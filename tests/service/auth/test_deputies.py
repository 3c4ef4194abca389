"""Deputies (Stellvertretung) on SQLite and PostgreSQL: who acts for whom, and who gets mail.

A period is whole days in Europe/Berlin, both ends included, so the boundaries are checked
at local midnight (an hour or two before midnight UTC).

Transitions do not yet consult ``service.access`` on this branch (the engine checks roles
only), so the deputy's reach is shown where it is decided today: ``Actor.acts_for`` as the
token and the CLI resolve it, and ``access.may_edit_measure`` on the absent user's measure.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from service import access
from service.actor import SYSTEM, Actor
from service.auth import deputies, service, tokens
from service.auth.deputies import Recipient, recipients_for
from service.measures.service import fire, get_measure
from service.runtime import Runtime
from tests import factories
from tests.conftest import FakeClock
from tests.service.chain_first import row_is_free, while_chain_held
from workflow.calendar import local_day_at

FIRST, LAST = date(2024, 3, 4), date(2024, 3, 6)


def _name(runtime: Runtime, absent: Actor, deputy: Actor, first: date, last: date) -> int:
    with runtime.write() as c:
        return deputies.name_deputy(
            runtime,
            c,
            absent,
            user_id=absent.user_id or 0,
            deputy_username=deputy.name,
            starts_on=first,
            ends_on=last,
        )


def _token_actor(runtime: Runtime, user: Actor) -> Actor:
    with runtime.write() as c:
        token, _ = tokens.issue_token(c, user.user_id or 0, runtime.now())
    with runtime.read() as c:
        session = tokens.session_for_token(c, token, runtime.now(), runtime.body_id)
    assert session is not None
    return session.actor


def test_the_deputy_acts_for_the_absent_user_exactly_within_the_period(
    runtime: Runtime, clock: FakeClock
) -> None:
    absent = factories.user(runtime, "ag_mitglied")
    deputy = factories.user(runtime, "ag_mitglied")
    bystander = factories.user(runtime, "ag_mitglied")
    measure_id = factories.measure(runtime, responsible_person_id=absent.person_id)
    _name(runtime, absent, deputy, FIRST, LAST)
    with runtime.read() as c:
        measure = get_measure(c, measure_id)

    moments = {
        "the evening before": (local_day_at(FIRST, time(0, 0)) - timedelta(seconds=1), False),
        "first local midnight": (local_day_at(FIRST, time(0, 0)), True),
        "last day, late": (local_day_at(LAST, time(23, 59, 59)), True),
        "the midnight after": (local_day_at(LAST + timedelta(days=1), time(0, 0)), False),
    }
    for label, (moment, inside) in moments.items():
        clock.now = moment
        actor = _token_actor(runtime, deputy)
        with runtime.read() as c:
            by_name = service.actor_for(c, deputy.name, runtime.now())
        assert actor.acts_for == by_name.acts_for, label
        assert (actor.acts_for == {absent.person_id}) is inside, label
        assert actor.speaks_for(absent.person_id) is inside, label
        assert access.may_edit_measure(actor, measure) is inside, label
        # The absent user keeps their own measure; a bystander never gets it.
        assert access.may_edit_measure(_token_actor(runtime, absent), measure)
        assert not access.may_edit_measure(_token_actor(runtime, bystander), measure)

    # Inside the period the deputy (an ag_mitglied themselves) fires the absent user's
    # ag_mitglied transition; the history names the deputy, not the absent user.
    clock.now = local_day_at(FIRST, time(9, 0))
    actor = _token_actor(runtime, deputy)
    assert access.may_edit_measure(actor, measure)
    with runtime.write() as c:
        done = fire(runtime, c, actor, measure_id, "einreichen", version=1)
    assert done.result.target == "ag_pruefung"


def test_withdrawn_deactivated_and_personless_users_end_a_deputyship(
    runtime: Runtime, clock: FakeClock
) -> None:
    clock.now = local_day_at(FIRST, time(12, 0))
    absent = factories.user(runtime, "ag_mitglied")
    deputy = factories.user(runtime, "ag_leitung")
    deputyship = _name(runtime, absent, deputy, FIRST, LAST)
    assert _token_actor(runtime, deputy).acts_for == {absent.person_id}

    with runtime.write() as c:
        service.deactivate(runtime, c, SYSTEM, absent.user_id or 0)
    assert _token_actor(runtime, deputy).acts_for == frozenset()
    with runtime.write() as c:
        service.reactivate(runtime, c, SYSTEM, absent.user_id or 0)
    assert _token_actor(runtime, deputy).acts_for == {absent.person_id}

    with runtime.write() as c:
        deputies.withdraw(runtime, c, absent, user_id=absent.user_id or 0, deputyship_id=deputyship)
    assert _token_actor(runtime, deputy).acts_for == frozenset()


def test_recipients_are_the_person_and_every_current_deputy_with_an_address(
    runtime: Runtime, clock: FakeClock
) -> None:
    clock.now = local_day_at(FIRST - timedelta(days=3), time(12, 0))
    absent = factories.user(runtime, "ag_mitglied")
    first = factories.user(runtime, "ag_mitglied")
    second = factories.user(runtime, "ag_leitung")
    personless = factories.user(runtime, "ag_leitung", with_person=False)
    later = factories.user(runtime, "ag_leitung")
    _name(runtime, absent, first, FIRST, LAST)
    _name(runtime, absent, second, FIRST + timedelta(days=1), LAST)
    _name(runtime, absent, personless, FIRST, LAST)
    _name(runtime, absent, later, LAST + timedelta(days=1), LAST + timedelta(days=9))
    person = absent.person_id
    assert person is not None

    def recipients(day: date) -> list[Recipient]:
        with runtime.read() as c:
            return recipients_for(c, person, local_day_at(day, time(7, 0)))

    assert recipients(FIRST - timedelta(days=1)) == [Recipient(person)]
    assert recipients(FIRST) == [Recipient(person), Recipient(first.person_id or 0, person)]
    assert recipients(LAST) == [
        Recipient(person),
        Recipient(first.person_id or 0, person),
        Recipient(second.person_id or 0, person),
    ]
    assert recipients(LAST + timedelta(days=1)) == [
        Recipient(person),
        Recipient(later.person_id or 0, person),
    ]

    with runtime.write() as c:
        service.deactivate(runtime, c, SYSTEM, first.user_id or 0)
    assert recipients(FIRST) == [Recipient(person)]
    # A person without any login still gets their own mail.
    stranger = factories.person(runtime)
    with runtime.read() as c:
        assert recipients_for(c, stranger, runtime.now()) == [Recipient(stranger)]


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
@pytest.mark.postgres
def test_naming_a_deputy_waits_for_the_chain_lock_before_it_writes(
    runtime: Runtime, clock: FakeClock
) -> None:
    clock.now = local_day_at(FIRST, time(12, 0))
    absent = factories.user(runtime, "ag_mitglied")
    deputy = factories.user(runtime, "ag_leitung")
    # The new row's reference to the absent login locks that login's row (KEY SHARE).
    waiting = while_chain_held(
        runtime,
        lambda: _name(runtime, absent, deputy, FIRST, LAST),
        lambda: row_is_free(runtime, "users", absent.user_id or 0),
    )
    assert waiting.changes == []
    assert waiting.probe, "the deputyship was written before the chain lock"


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
@pytest.mark.postgres
def test_withdrawing_a_deputyship_waits_for_the_chain_lock_before_it_touches_the_row(
    runtime: Runtime, clock: FakeClock
) -> None:
    clock.now = local_day_at(FIRST, time(12, 0))
    absent = factories.user(runtime, "ag_mitglied")
    deputyship = _name(runtime, absent, factories.user(runtime, "ag_leitung"), FIRST, LAST)

    def withdraw() -> None:
        with runtime.write() as c:
            deputies.withdraw(
                runtime, c, absent, user_id=absent.user_id or 0, deputyship_id=deputyship
            )

    waiting = while_chain_held(
        runtime, withdraw, lambda: row_is_free(runtime, "deputyships", deputyship)
    )
    assert waiting.changes == []
    assert waiting.probe, "the deputyship was locked before the chain"

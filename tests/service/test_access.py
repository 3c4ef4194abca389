"""Who may act on a measure: the responsible person, and a deputy for the person they stand
in for."""

from __future__ import annotations

from service import access
from service.actor import Actor


def test_a_deputy_acts_for_the_person_they_stand_in_for() -> None:
    measure = type("M", (), {"responsible_person_id": 7, "public": False})()
    member = Actor(user_id=2, person_id=3, roles=frozenset({"ag_mitglied"}))
    deputy = Actor(
        user_id=2, person_id=3, roles=frozenset({"ag_mitglied"}), acts_for=frozenset({7})
    )
    assert not access.may_edit_measure(member, measure)
    assert access.transition_roles(member, measure) == frozenset()
    assert access.may_edit_measure(deputy, measure)
    assert access.transition_roles(deputy, measure) == frozenset({"ag_mitglied"})
    assert not access.may_see(None, measure)

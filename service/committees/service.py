"""Committees (Gremien) and their members with voting right; meetings live in ``meetings``.

Every door calls these: each checks access, validates and leaves the audit event itself.
``insert_committee`` and ``insert_membership`` are the unchecked writes beneath, for the
demo and fixtures.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from service import access, texts
from service.access import PUBLIC_COMMITTEE_KINDS
from service.actor import Actor
from service.audit.service import log_read
from service.auth.errors import NotSignedIn
from service.committees import repository
from service.errors import Conflict, NotFound
from service.keyset import Sort
from service.records import create_row, update_audited
from service.runtime import Runtime
from service.texts import TextRule
from workflow.errors import FieldProblem, InvalidData
from workflow.votes import VoteRules

COMMITTEE_TEXTS = {
    "name": TextRule("Name", 200, required="Bitte einen Namen angeben."),
    "short_name": TextRule("Kurzname", 50, required="Bitte einen Kurznamen angeben."),
}
MEMBERSHIP_TEXTS = {"role": TextRule("Funktion", 50, required="Bitte eine Funktion angeben.")}
# The most a form offers to choose from (committees, meetings, papers).
CHOICES_LIMIT = 200


def insert_committee(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    """Stores a committee as given; checks nothing."""
    return create_row(runtime, connection, actor, repository.committees, "committee", values)


def insert_membership(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    """Stores a membership as given; checks nothing."""
    return create_row(
        runtime,
        connection,
        actor,
        repository.memberships,
        "membership",
        values,
        persons=[values["person_id"]],
    )


def committee_by_slug(connection: Connection, body_id: int, slug: str) -> Any:
    """The body's committee with this slug (slugs are unique per body)."""
    return repository.committee_by_slug(connection, body_id, slug)


def get_committee_or_none(connection: Connection, body_id: int, committee_id: int) -> Any:
    return repository.committee(connection, body_id, committee_id)


def get_committee(connection: Connection, body_id: int, committee_id: int) -> Any:
    """Every committee's name is public (a paper names its AG); its members may not be.
    Another body's committee is as missing as a wrong id."""
    row = repository.committee(connection, body_id, committee_id)
    if row is None:
        raise NotFound("Gremium", committee_id)
    return row


def page_committees(connection: Connection, body_id: int, **kwargs: Any) -> list[Any]:
    return repository.page_committees(connection, body_id, **kwargs)


def committee_choices(runtime: Runtime, connection: Connection) -> list[Any]:
    """Every committee of the body by name, for a form's choice (every committee's name is
    public)."""
    return page_committees(
        connection,
        runtime.body_id_in(connection),
        kinds=None,
        kind=None,
        sort=Sort("name"),
        after=None,
        limit=CHOICES_LIMIT,
    )


def voting_members(connection: Connection, committee_id: int, on: date) -> int:
    """Seats with voting right on that day (memberships are dated, members change)."""
    return repository.voting_member_count(connection, committee_id, on)


def voting_member_ids(connection: Connection, committee_id: int, on: date) -> set[int]:
    return repository.voting_member_ids(connection, committee_id, on)


def vote_rules(row: Any) -> VoteRules:
    return VoteRules(**(row.vote_rules or {}))


def invalid(field: str, label: str, message: str) -> InvalidData:
    return InvalidData("gremium", [FieldProblem(field, label, message)])


def _check_rules(rules: dict[str, Any]) -> None:
    try:
        VoteRules(**rules)
    except (TypeError, ValueError) as exc:
        raise invalid("vote_rules", "Abstimmungsregeln", str(exc)) from None


def new_committee(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    access.require(actor, "committee.manage")
    texts.check("gremium", COMMITTEE_TEXTS, values)
    body_id = runtime.body_id_in(connection)
    if repository.slug_taken(connection, body_id, values["slug"]):
        raise Conflict(
            "kurzname-vergeben",
            "Kennung vergeben",
            f"Die Kennung „{values['slug']}“ hat schon ein anderes Gremium.",
        )
    _check_rules(values.get("vote_rules") or {})
    values["body_id"] = body_id
    return insert_committee(runtime, connection, actor, **values)


def edit_committee(
    runtime: Runtime, connection: Connection, actor: Actor, committee_id: int, **values: Any
) -> None:
    access.require(actor, "committee.manage")
    get_committee(connection, runtime.body_id_in(connection), committee_id)
    texts.check("gremium", COMMITTEE_TEXTS, values)
    if "vote_rules" in values:
        _check_rules(values["vote_rules"] or {})
    update_audited(
        connection,
        runtime.chain_key,
        repository.committees,
        committee_id,
        values,
        actor=actor,
        now=runtime.now(),
        entity_type="committee",
    )


# --- memberships ---------------------------------------------------------------------------


def _check_term(valid_from: date | None, valid_until: date | None) -> None:
    if valid_from is not None and valid_until is not None and valid_until < valid_from:
        raise invalid(
            "valid_until",
            "Mitglied bis",
            f"Das Ende ({valid_until:%d.%m.%Y}) liegt vor dem Beginn ({valid_from:%d.%m.%Y}).",
        )


def new_membership(
    runtime: Runtime, connection: Connection, actor: Actor, committee_id: int, **values: Any
) -> int:
    access.require(actor, "committee.manage")
    body_id = runtime.body_id_in(connection)
    get_committee(connection, body_id, committee_id)
    texts.check("gremium", MEMBERSHIP_TEXTS, values)
    person_id = values["person_id"]
    if not repository.persons_by_id(connection, body_id, [person_id]):
        raise invalid("person_id", "Person", f"Person {person_id} gibt es nicht.")
    _check_term(values.get("valid_from"), values.get("valid_until"))
    return insert_membership(runtime, connection, actor, committee_id=committee_id, **values)


def get_membership(
    connection: Connection, body_id: int, committee_id: int, membership_id: int
) -> Any:
    """A membership of the body's committee; another body's committee has none here."""
    get_committee(connection, body_id, committee_id)
    row = repository.membership(connection, membership_id)
    if row is None or row.committee_id != committee_id:
        raise NotFound("Mitgliedschaft", membership_id)
    return row


def end_membership(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    committee_id: int,
    membership_id: int,
    valid_until: date,
) -> Any:
    access.require(actor, "committee.manage")
    body_id = runtime.body_id_in(connection)
    row = get_membership(connection, body_id, committee_id, membership_id)
    if row.valid_until is not None:
        raise Conflict(
            "mitgliedschaft-beendet",
            "Mitgliedschaft bereits beendet",
            f"Die Mitgliedschaft {membership_id} endete schon am {row.valid_until:%d.%m.%Y}.",
        )
    _check_term(row.valid_from, valid_until)
    update_audited(
        connection,
        runtime.chain_key,
        repository.memberships,
        membership_id,
        {"valid_until": valid_until},
        actor=actor,
        now=runtime.now(),
        entity_type="membership",
        persons=[row.person_id],
    )
    return get_membership(connection, body_id, committee_id, membership_id)


def read_memberships(
    runtime: Runtime,
    connection: Connection,
    actor: Actor | None,
    committee_id: int,
    *,
    active_on: date | None,
    after_id: int | None,
    limit: int,
) -> list[Any]:
    """The members as this caller may see them: up to ``limit`` and one more, if there is.

    Members of council bodies are public figures, except staff (the Oberbürgermeister in a
    committee); members of internal working groups are staff, so their list is personal
    data of a non-public body: only for staff. A read that shows a member the public would
    not see is logged (``committee.read``, naming the members shown).
    """
    committee = get_committee(connection, runtime.body_id_in(connection), committee_id)
    if not access.may_see_committee_internals(actor, committee):
        if actor is None:
            raise NotSignedIn("Die Mitglieder dieses Gremiums sind nur angemeldet sichtbar.")
        raise NotFound("Gremium", committee_id)
    staff = access.holds(actor, "person.read")
    rows = repository.memberships_of(
        connection,
        committee_id,
        active_on=active_on,
        public_only=not staff,
        after_id=after_id,
        limit=limit + 1,
    )
    public = access.committee_is_public(committee.kind)
    shown = rows[:limit]
    if not public or any(not access.person_is_public(r, public) for r in shown):
        log_read(runtime, actor, "committee", committee_id, persons=[r.person_id for r in shown])
    return rows


def persons_by_id(connection: Connection, body_id: int, person_ids: list[int]) -> dict[int, Any]:
    return repository.persons_by_id(connection, body_id, person_ids)


def in_public_committee(connection: Connection, person_ids: list[int]) -> set[int]:
    return repository.in_public_committee(connection, person_ids, PUBLIC_COMMITTEE_KINDS)

"""Deputies (Stellvertretung): who stands in for whom, and when.

A user names a deputy for whole days (Europe/Berlin, both ends inclusive). While such a
period covers now, the deputy's actor carries the absent user's person in ``acts_for``
(so ``Actor.speaks_for`` and ``service.access`` treat the absent user's measures as the
deputy's own), and ``recipients_for`` adds the deputy to whoever gets that person's mail.
Roles do not pass: a deputy acts with their own roles on the absent user's items.
Deputyships do not chain: the deputy of a deputy stands in for the deputy only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Connection

from service.access import holds
from service.actor import SYSTEM, Actor
from service.auth import repository
from service.auth.errors import InvalidDeputy
from service.errors import AccessDenied, NotFound
from service.records import insert_audited, update_audited
from service.runtime import Runtime
from workflow.calendar import to_local


def local_today(now: datetime) -> date:
    return to_local(now).date()


def acts_for(connection: Connection, user_id: int, now: datetime) -> frozenset[int]:
    """Persons of active users who named this user their deputy for a period covering now."""
    return repository.persons_stood_in_for(connection, user_id, local_today(now))


@dataclass(frozen=True)
class Recipient:
    """Who gets a person's mail: the person, or a deputy ``on_behalf_of`` that person."""

    person_id: int
    on_behalf_of: int | None = None


def recipients_for(connection: Connection, person_id: int, now: datetime) -> list[Recipient]:
    """The person first, then every current deputy of any active login of that person.

    Reminders address persons (a deadline's responsible person), so the scheduler asks by
    person; a deputy without a linked person has no address and is left out.
    """
    result = [Recipient(person_id)]
    seen = {person_id}
    for deputy in repository.deputy_persons(connection, person_id, local_today(now)):
        if deputy not in seen:
            seen.add(deputy)
            result.append(Recipient(deputy, on_behalf_of=person_id))
    return result


def _require_for(actor: Actor, user_id: int) -> None:
    """Every login names its own deputies; an admin those of anyone (the console too)."""
    if actor == SYSTEM or holds(actor, "user.manage"):
        return
    if not (holds(actor, "user.self") and actor.user_id == user_id):
        raise AccessDenied("Stellvertretungen anderer Benutzer verwaltet nur die Administration.")


def name_deputy(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    *,
    user_id: int,
    deputy_username: str,
    starts_on: date,
    ends_on: date,
) -> int:
    _require_for(actor, user_id)
    body_id = runtime.body_id_in(connection)
    absent = repository.absent_user(connection, user_id, body_id)
    if absent is None:
        raise NotFound("Benutzer", user_id)
    if absent.person_id is None:
        raise InvalidDeputy(
            "Dieser Benutzer ist mit keiner Person verknüpft; eine Vertretung hätte "
            "niemanden, für den sie handeln könnte.",
            field="deputy_username",
        )
    # A deputy of another body is no user here: named by name, it is simply unknown.
    deputy = repository.deputy_named(connection, deputy_username, body_id)
    if deputy is None or not deputy.active:
        raise InvalidDeputy(
            f"„{deputy_username}“ ist kein aktiver Benutzer.", field="deputy_username"
        )
    if deputy.id == user_id:
        raise InvalidDeputy(
            "Niemand kann die eigene Stellvertretung sein.", field="deputy_username"
        )
    if ends_on < starts_on:
        raise InvalidDeputy("Das Ende liegt vor dem Beginn.", field="ends_on")
    if ends_on < local_today(runtime.now()):
        raise InvalidDeputy("Der Zeitraum liegt ganz in der Vergangenheit.", field="ends_on")
    now = runtime.now()
    values: dict[str, Any] = {
        "user_id": user_id,
        "deputy_user_id": deputy.id,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "created_at": now,
    }
    return insert_audited(
        connection,
        runtime.chain_key,
        repository.deputyships,
        values,
        actor=actor,
        now=now,
        entity_type="deputyship",
        persons=[absent.person_id],
    )


def deputyships_of(connection: Connection, user_id: int) -> list[Any]:
    """Every deputyship this user named and has not withdrawn, earliest first."""
    return repository.deputyships_of(connection, user_id)


def withdraw(
    runtime: Runtime, connection: Connection, actor: Actor, *, user_id: int, deputyship_id: int
) -> None:
    """Ends a deputyship at once; the row stays, so the record of who stood in remains."""
    _require_for(actor, user_id)
    if repository.absent_user(connection, user_id, runtime.body_id_in(connection)) is None:
        raise NotFound("Vertretung", deputyship_id)
    now = runtime.now()
    withdrawn = update_audited(
        connection,
        runtime.chain_key,
        repository.deputyships,
        deputyship_id,
        {"withdrawn_at": now},
        actor=actor,
        now=now,
        entity_type="deputyship",
        condition=repository.still_named_by(user_id),
        persons=[repository.person_of(connection, user_id)],
        action="deputyship.withdraw",
        audited={"withdrawn_at": (None, str(now))},
    )
    if not withdrawn:
        raise NotFound("Vertretung", deputyship_id)

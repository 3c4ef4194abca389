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

from sqlalchemy import and_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from service.access import holds
from service.actor import SYSTEM, Actor
from service.audit.service import created, record
from service.auth.errors import InvalidDeputy
from service.auth.models import Deputyship, User
from service.errors import AccessDenied, NotFound
from service.runtime import Runtime
from workflow.calendar import to_local

deputyships = Deputyship.__table__  # type: ignore[attr-defined]
users = User.__table__  # type: ignore[attr-defined]


def local_today(now: datetime) -> date:
    return to_local(now).date()


def _current(today: date) -> ColumnElement[bool]:
    return and_(
        deputyships.c.withdrawn_at.is_(None),
        deputyships.c.starts_on <= today,
        deputyships.c.ends_on >= today,
    )


def acts_for(connection: Connection, user_id: int, now: datetime) -> frozenset[int]:
    """Persons of active users who named this user their deputy for a period covering now."""
    absent = users.alias("absent")
    rows = connection.execute(
        select(absent.c.person_id)
        .select_from(deputyships.join(absent, absent.c.id == deputyships.c.user_id))
        .where(
            deputyships.c.deputy_user_id == user_id,
            _current(local_today(now)),
            absent.c.active.is_(True),
            absent.c.person_id.is_not(None),
        )
    )
    return frozenset(int(row.person_id) for row in rows)


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
    absent = users.alias("absent")
    deputy = users.alias("deputy")
    rows = connection.execute(
        select(deputy.c.person_id)
        .select_from(
            deputyships.join(absent, absent.c.id == deputyships.c.user_id).join(
                deputy, deputy.c.id == deputyships.c.deputy_user_id
            )
        )
        .where(
            absent.c.person_id == person_id,
            absent.c.active.is_(True),
            deputy.c.active.is_(True),
            deputy.c.person_id.is_not(None),
            deputy.c.person_id != person_id,
            _current(local_today(now)),
        )
        .order_by(deputyships.c.starts_on, deputyships.c.id)
    )
    result = [Recipient(person_id)]
    seen = {person_id}
    for row in rows:
        if row.person_id not in seen:
            seen.add(row.person_id)
            result.append(Recipient(int(row.person_id), on_behalf_of=person_id))
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
    absent = connection.execute(
        select(users.c.id, users.c.person_id, users.c.active).where(users.c.id == user_id)
    ).first()
    if absent is None:
        raise NotFound("Benutzer", user_id)
    if absent.person_id is None:
        raise InvalidDeputy(
            "Dieser Benutzer ist mit keiner Person verknüpft; eine Vertretung hätte "
            "niemanden, für den sie handeln könnte.",
            field="deputy_username",
        )
    deputy = connection.execute(
        select(users.c.id, users.c.active).where(users.c.username == deputy_username)
    ).first()
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
    row_id = int(
        connection.execute(deputyships.insert().returning(deputyships.c.id), values).scalar_one()
    )
    record(
        connection,
        runtime.chain_key,
        actor=actor,
        now=now,
        action="deputyship.create",
        entity_type="deputyship",
        entity_id=row_id,
        changes=created(values),
        persons=[absent.person_id],
    )
    return row_id


def deputyships_of(connection: Connection, user_id: int) -> list[Any]:
    """Every deputyship this user named and has not withdrawn, earliest first."""
    deputy = users.alias("deputy")
    return list(
        connection.execute(
            select(
                deputyships.c.id,
                deputyships.c.deputy_user_id,
                deputy.c.username.label("deputy_username"),
                deputyships.c.starts_on,
                deputyships.c.ends_on,
            )
            .select_from(deputyships.join(deputy, deputy.c.id == deputyships.c.deputy_user_id))
            .where(deputyships.c.user_id == user_id, deputyships.c.withdrawn_at.is_(None))
            .order_by(deputyships.c.starts_on, deputyships.c.id)
        )
    )


def withdraw(
    runtime: Runtime, connection: Connection, actor: Actor, *, user_id: int, deputyship_id: int
) -> None:
    """Ends a deputyship at once; the row stays, so the record of who stood in remains."""
    _require_for(actor, user_id)
    now = runtime.now()
    changed = connection.execute(
        update(deputyships)
        .where(
            deputyships.c.id == deputyship_id,
            deputyships.c.user_id == user_id,
            deputyships.c.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=now)
        .returning(deputyships.c.id)
    ).first()
    if changed is None:
        raise NotFound("Vertretung", deputyship_id)
    person_id = connection.execute(select(users.c.person_id).where(users.c.id == user_id)).scalar()
    record(
        connection,
        runtime.chain_key,
        actor=actor,
        now=now,
        action="deputyship.withdraw",
        entity_type="deputyship",
        entity_id=deputyship_id,
        changes={"withdrawn_at": (None, str(now))},
        persons=[person_id],
    )

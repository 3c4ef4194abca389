"""Programmes (Arbeitspapiere): listed for everyone, kept by the AG lead.

The ``programmes`` table has no version column, so a programme's version is a digest of its
editable values: a PATCH names the digest it read, and the row is locked (``FOR UPDATE``;
SQLite's single writer already is) while the digest is compared and the row updated.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.audit.repository import lock_chain
from service.bodies.models import Body
from service.errors import NotFound, ServiceError
from service.keyset import After
from service.measures import service as measures
from service.measures.models import Programme
from service.papers.models import Paper
from service.people.models import Person
from service.records import update_audited
from service.runtime import Runtime
from workflow.errors import FieldProblem, InvalidData, StaleVersion

programmes = Programme.__table__  # type: ignore[attr-defined]
bodies = Body.__table__  # type: ignore[attr-defined]
papers = Paper.__table__  # type: ignore[attr-defined]
persons = Person.__table__  # type: ignore[attr-defined]
EDITABLE = ("title", "description", "owner_person_id", "paper_id", "review_cycle")


class StaleProgramme(StaleVersion, ServiceError):
    """A stale version, though a programme's version is a digest, not a number to name."""

    def __init__(self, programme_id: int) -> None:
        ServiceError.__init__(
            self,
            "Das Arbeitspapier wurde inzwischen geändert. Bitte neu laden und erneut versuchen.",
        )
        self.entity, self.entity_id, self.expected = "programme", programme_id, 0


def version_of(row: Any) -> str:
    values = {name: getattr(row, name) for name in EDITABLE}
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _select() -> Any:
    return select(
        programmes,
        persons.c.title.label("person_title"),
        persons.c.given_name,
        persons.c.family_name,
    ).outerjoin(persons, persons.c.id == programmes.c.owner_person_id)


def get(connection: Connection, programme_id: int, *, lock: bool = False) -> Any:
    query = _select().where(programmes.c.id == programme_id)
    if lock:
        query = query.with_for_update(of=programmes)
    row = connection.execute(query).first()
    if row is None:
        raise NotFound("Arbeitspapier", programme_id)
    return row


def page(connection: Connection, after: After | None, limit: int) -> list[Any]:
    query = _select()
    if after is not None:
        query = query.where(programmes.c.id > after.id)
    return list(connection.execute(query.order_by(programmes.c.id).limit(limit)))


def _check(connection: Connection, values: Mapping[str, Any]) -> None:
    problems: list[FieldProblem] = []
    for name, table, label in (
        ("owner_person_id", persons, "Verantwortliche Person"),
        ("paper_id", papers, "Vorlage"),
    ):
        key = values.get(name)
        if (
            key is not None
            and connection.execute(select(table.c.id).where(table.c.id == key)).first() is None
        ):
            problems.append(FieldProblem(name, label, f"{key} gibt es nicht."))
    if problems:
        raise InvalidData("", problems)


def _body_id(runtime: Runtime, connection: Connection) -> int:
    """The body (Körperschaft) of this installation: the one its audit chain is named for."""
    row = connection.execute(
        select(bodies.c.id).order_by((bodies.c.slug != runtime.chain_key), bodies.c.id).limit(1)
    ).first()
    if row is None:
        raise NotFound("Körperschaft", runtime.chain_key)
    return int(row.id)


def create(
    runtime: Runtime, connection: Connection, actor: Actor, values: Mapping[str, Any]
) -> int:
    access.require(actor, "programme.create")
    given = dict(values)
    if given.get("owner_person_id") is None:
        given["owner_person_id"] = actor.person_id
    _check(connection, given)
    given["body_id"] = _body_id(runtime, connection)
    return measures.create_programme(runtime, connection, actor, **given)


def update(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    programme_id: int,
    changes: Mapping[str, Any],
    *,
    version: str | None,
) -> None:
    access.require(actor, "programme.edit")
    lock_chain(connection, runtime.chain_key)  # before the row lock, as on every write path
    row = get(connection, programme_id, lock=True)
    if version is not None and version != version_of(row):
        raise StaleProgramme(programme_id)
    _check(connection, changes)
    values = {k: v for k, v in changes.items() if k in EDITABLE}
    if not values:
        return
    update_audited(
        connection,
        runtime.chain_key,
        programmes,
        programme_id,
        values,
        before=row,
        actor=actor,
        now=runtime.now(),
        entity_type="programme",
        persons=[row.owner_person_id, values.get("owner_person_id")],
    )

"""Programmes (Arbeitspapiere): listed for everyone, kept by the AG lead.

The ``programmes`` table has no version column, so a programme's version is a digest of its
editable values: a PATCH names the digest it read, and the row is locked (``FOR UPDATE``;
SQLite's single writer already is) while the digest is compared and the row updated.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from service import access, texts
from service.actor import Actor
from service.audit.repository import lock_chain
from service.errors import NotFound, ServiceError
from service.keyset import After
from service.measures import rules
from service.measures import service as measures
from service.programmes import repository
from service.records import create_row, update_audited
from service.runtime import Runtime
from service.texts import TextRule
from workflow.errors import FieldProblem, StaleVersion

programmes = repository.programmes
EDITABLE = ("title", "description", "owner_person_id", "paper_id", "review_cycle")
_LABELS = {"owner_person_id": "Verantwortliche Person", "paper_id": "Vorlage"}
TEXTS = {
    "title": TextRule("Titel", rules.TITLE_LENGTH, required="Bitte einen Titel angeben."),
    "description": TextRule("Beschreibung", rules.LONG_TEXT_LENGTH, multiline=True),
}


class StaleProgramme(StaleVersion, ServiceError):
    """A stale version, though a programme's version is a digest, not a number to name."""

    def __init__(self, programme_id: int) -> None:
        ServiceError.__init__(
            self,
            "Das Arbeitspapier wurde inzwischen geändert. Bitte neu laden und erneut versuchen.",
        )
        self.entity, self.entity_id, self.expected = "programme", programme_id, 0


@dataclass(frozen=True)
class ProgrammeView:
    row: Any
    owner_name: str | None
    version: str

    @property
    def id(self) -> int:
        return int(self.row.id)


def version_of(row: Any) -> str:
    values = {name: getattr(row, name) for name in EDITABLE}
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def get(
    connection: Connection, programme_id: int, body_id: int | None = None, *, lock: bool = False
) -> Any:
    """The programme; one of another body than ``body_id`` is not found, like a missing one."""
    row = repository.programme(connection, programme_id, body_id, lock=lock)
    if row is None:
        raise NotFound("Arbeitspapier", programme_id)
    return row


def _views(connection: Connection, actor: Actor | None, rows: list[Any]) -> list[ProgrammeView]:
    """Programmes with their owner's name (for staff) and version."""
    names = measures.names_of(connection, actor, {r.owner_person_id for r in rows})
    return [ProgrammeView(r, names.get(r.owner_person_id), version_of(r)) for r in rows]


def read_programme(runtime: Runtime, actor: Actor | None, programme_id: int) -> ProgrammeView:
    with runtime.read() as connection:
        return _views(connection, actor, [get(connection, programme_id, runtime.body_id)])[0]


def written_programme(connection: Connection, actor: Actor, programme_id: int) -> ProgrammeView:
    """The programme as the caller just wrote it, in the write's transaction."""
    return _views(connection, actor, [get(connection, programme_id)])[0]


def read_programmes(
    runtime: Runtime, actor: Actor | None, after: After | None, limit: int
) -> list[ProgrammeView]:
    """A page of programmes, with one more when another page follows."""
    with runtime.read() as connection:
        rows = repository.page(connection, runtime.body_id, after, limit + 1)
        return _views(connection, actor, rows)


def _check_references(connection: Connection, values: Mapping[str, Any], body_id: int) -> None:
    """The person and the paper named exist in the body (another body's look missing)."""
    rules.raise_problems(
        [
            FieldProblem(name, label, f"{values[name]} gibt es nicht.")
            for name, label in _LABELS.items()
            if values.get(name) is not None
            and not repository.exists(connection, name, values[name], body_id)
        ]
    )


def create(
    runtime: Runtime, connection: Connection, actor: Actor, values: Mapping[str, Any]
) -> int:
    given = dict(values)
    texts.check("arbeitspapier", TEXTS, given)
    access.require(actor, "programme.create")
    if given.get("owner_person_id") is None:
        given["owner_person_id"] = actor.person_id
    body = runtime.body_id_in(connection)
    _check_references(connection, given, body)
    return insert_programme(runtime, connection, actor, body_id=body, **given)


def update(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    programme_id: int,
    changes: Mapping[str, Any],
    *,
    version: str | None,
) -> None:
    texts.check("arbeitspapier", TEXTS, changes)
    access.require(actor, "programme.edit")
    lock_chain(connection, runtime.chain_key)  # before the row lock, as on every write path
    body_id = runtime.body_id_in(connection)
    row = get(connection, programme_id, body_id, lock=True)
    if version is not None and version != version_of(row):
        raise StaleProgramme(programme_id)
    _check_references(connection, changes, body_id)
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


def insert_programme(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    """Inserts a programme, audited, checking nothing else (demo, tests)."""
    values.setdefault("created_at", runtime.now())
    return create_row(
        runtime,
        connection,
        actor,
        programmes,
        "programme",
        values,
        persons=[values.get("owner_person_id")],
    )

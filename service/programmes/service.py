"""Programmes (Arbeitspapiere): listed for everyone, kept by the AG lead.

A programme has a version number like a measure: a PATCH names the version it read, and the
UPDATE that counts it up matches only that version, so the database decides a race (409).

Every update is a review of the paper (the council asked for regular reviews): besides the
audit event it leaves a history entry (Verlauf) with what changed, who and when, and the
review's note, which whoever sees the programme sees.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from service import access, texts
from service.actor import Actor
from service.audit.repository import lock_chain
from service.auth.service import person_names
from service.errors import NotFound
from service.keyset import After
from service.lifecycle import repository as lifecycle_repository
from service.measures import rules
from service.measures import service as measures
from service.papers import service as papers
from service.programmes import repository
from service.records import create_row, update_audited
from service.runtime import Runtime
from service.texts import TextRule
from workflow.errors import FieldProblem, StaleVersion

programmes = repository.programmes
EDITABLE = ("title", "description", "owner_person_id", "paper_id", "review_cycle")
_LABELS = {"owner_person_id": "Verantwortliche Person", "paper_id": "Vorlage"}
FIELD_LABELS = {
    "title": "Titel",
    "description": "Beschreibung",
    "owner_person_id": "Verantwortliche Person",
    "paper_id": "Vorlage",
    "review_cycle": "Überprüfungszyklus",
}
CYCLE = re.compile(r"P(\d+[YMWD])+")
REVIEW_EVENT = "ueberarbeiten"
REVIEW_LABEL = "Arbeitspapier überprüft und überarbeitet"
TEXTS = {
    "title": TextRule("Titel", rules.TITLE_LENGTH, required="Bitte einen Titel angeben."),
    "description": TextRule("Beschreibung", rules.LONG_TEXT_LENGTH, multiline=True),
    "comment": TextRule("Ergebnis der Überprüfung", rules.LONG_TEXT_LENGTH, multiline=True),
}


@dataclass(frozen=True)
class ProgrammeView:
    row: Any
    owner_name: str | None

    @property
    def version(self) -> int:
        return int(self.row.version)

    @property
    def id(self) -> int:
        return int(self.row.id)


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
    return [ProgrammeView(r, names.get(r.owner_person_id)) for r in rows]


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
    """The person and the paper named exist in the body (another body's look missing), and
    the review cycle is a duration (every door, not only the API's schema, asks this)."""
    problems = [
        FieldProblem(name, label, f"{values[name]} gibt es nicht.")
        for name, label in _LABELS.items()
        if values.get(name) is not None
        and not repository.exists(connection, name, values[name], body_id)
    ]
    cycle = values.get("review_cycle")
    if cycle is not None and not CYCLE.fullmatch(str(cycle)):
        problems.append(
            FieldProblem(
                "review_cycle",
                "Überprüfungszyklus",
                f"„{cycle}“ ist kein Zeitraum; bitte z. B. P6M (alle 6 Monate) oder P1Y angeben.",
            )
        )
    rules.raise_problems(problems)


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
    version: int | None,
    comment: str | None = None,
) -> None:
    """Changes what ``changes`` names; ``comment`` is the review's note (why, what found).

    ``version`` is the one the caller read (None: whichever is current); an edit that
    changes a value counts it up, a review with a note alone leaves it.
    """
    texts.check("arbeitspapier", TEXTS, {**changes, "comment": comment})
    access.require(actor, "programme.edit")
    lock_chain(connection, runtime.chain_key)  # before the row lock, as on every write path
    body_id = runtime.body_id_in(connection)
    row = get(connection, programme_id, body_id, lock=True)
    seen = row.version if version is None else version
    if seen != row.version:
        raise StaleVersion("programme", programme_id, seen)
    _check_references(connection, changes, body_id)
    values = {k: v for k, v in changes.items() if k in EDITABLE and v != getattr(row, k)}
    if not values and not comment:
        return
    now = runtime.now()
    lifecycle_repository.insert_history(
        connection,
        entity_type="programme",
        entity_id=programme_id,
        at=now,
        event=REVIEW_EVENT,
        label=REVIEW_LABEL,
        from_state="",
        to_state="",
        actor_user_id=actor.user_id,
        actor_role=min(actor.roles & access.PERMISSIONS["programme.edit"], default=None),
        comment=comment,
        data={k: getattr(row, k) for k in values} | {f"neu.{k}": v for k, v in values.items()},
    )
    if not values:
        return
    written = update_audited(
        connection,
        runtime.chain_key,
        programmes,
        programme_id,
        {**values, "version": seen + 1},
        before=row,
        condition=programmes.c.version == seen,
        actor=actor,
        now=now,
        entity_type="programme",
        persons=[row.owner_person_id, values.get("owner_person_id")],
    )
    if not written:
        raise StaleVersion("programme", programme_id, seen)


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


@dataclass(frozen=True)
class Review:
    """One update of a programme as its history shows it: when, by whom, what changed."""

    at: Any
    who: str | None
    role: str | None
    comment: str | None
    # (field, label, before, after); persons and Vorlagen already by name and number.
    changes: list[tuple[str, str, Any, Any]]


def _shown(connection: Connection, actor: Actor | None, body_id: int, name: str, value: Any) -> Any:
    """A changed value as a person reads it: the owner by name, the Vorlage by its number."""
    if value is None:
        return None
    if name == "owner_person_id":
        return measures.names_of(connection, actor, [value]).get(value, "–")
    if name == "paper_id":
        try:
            return papers.get_paper(connection, value, body_id).reference
        except NotFound:
            return "–"
    return value


def read_reviews(runtime: Runtime, actor: Actor | None, programme_id: int) -> list[Review]:
    """The programme's reviews, newest first; staff see who made them, the public the role."""
    with runtime.read() as connection:
        get(connection, programme_id, runtime.body_id)
        entries = lifecycle_repository.history_of(connection, "programme", programme_id)
        staff = access.holds(actor, "measure.read_internal")
        users = {e.actor_user_id for e in entries}
        names = person_names(connection, users, runtime.body_id) if staff else {}
        reviews = []
        for entry in reversed(entries):
            data = dict(entry.data or {})
            changes = [
                (
                    name,
                    FIELD_LABELS.get(name, name),
                    _shown(connection, actor, runtime.body_id, name, data.get(name)),
                    _shown(connection, actor, runtime.body_id, name, data[f"neu.{name}"]),
                )
                for name in EDITABLE
                if f"neu.{name}" in data
            ]
            who = names.get(entry.actor_user_id)
            reviews.append(Review(entry.at, who, entry.actor_role, entry.comment, changes))
    return reviews

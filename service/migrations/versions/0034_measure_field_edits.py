"""a measure's fields edited outside its workflow keep their history: a past report reads them as of then

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07 11:00:00

A Sachstandsbericht is rebuilt as of its Stichtag and read a measure's fields (target date,
progress) from the steps of its history, but a field edited in the form „Angaben
bearbeiten“ (or by the API's PATCH) counted as it is today: a target date moved later
changed the date and the traffic light of every past report rebuilt since, and an edit
after a step never counted at all, since the step's value outweighed it. Each entry of
``measure_changes`` (written on creation and on every edit of the Angaben) now also holds
the fields it set; the report replays them with the steps.

What this migration can date comes from the audit trail: the ``measure.create`` event holds
the fields a measure was created with, and every ``measure.update`` event that changed its
fields holds them before and after (readable in ``audit_details``; a measure's values are
no person's and no erasure clears them). The first entry of each measure (dated when it was
created) gets the fields it was created with, and each edit of the fields an entry at the
moment of its event with the fields it changed: that of an edit which also renamed the
measure since migration 0028, otherwise a new one naming the measure as the entry before it.
Where retention has removed the ``measure.create`` event, or an event holds no readable
fields, the first entry gets today's fields as they stood before the earliest edit the trail
still holds, less those a step ever recorded (the rule that applied until now: a past report
shows what it showed before this migration), and only the edits the trail still holds are
dated. Steps are in the history (``history_entries``) and are not repeated here.
"""

import json
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.exc import SAWarning

import service.db

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

measures = sa.table(
    "measures",
    sa.column("id"),
    sa.column("fields", sa.JSON()),
)
measure_changes = sa.table(
    "measure_changes",
    sa.column("id"),
    sa.column("measure_id"),
    sa.column("changed_at", service.db.UtcDateTime()),
    sa.column("code"),
    sa.column("title"),
    sa.column("description"),
    sa.column("responsible_person_id"),
    sa.column("fields", sa.JSON()),
)
history = sa.table(
    "history_entries",
    sa.column("entity_type"),
    sa.column("entity_id"),
    sa.column("data", sa.JSON()),
)
audit_events = sa.table(
    "audit_events",
    sa.column("id"),
    sa.column("ts", service.db.UtcDateTime()),
    sa.column("action"),
    sa.column("entity_type"),
    sa.column("entity_id"),
    sa.column("payload"),
)
audit_details = sa.table(
    "audit_details",
    sa.column("event_id"),
    sa.column("path"),
    sa.column("value"),
)
NAMES = ("code", "title", "description", "responsible_person_id")
CREATE, UPDATE = "measure.create", "measure.update"
BEFORE, AFTER = "changes.fields.0", "changes.fields.1"

Fields = dict[str, Any]
Edit = tuple[datetime, Fields, Fields]


class Unreadable(Exception):
    """An event's fields stand only as a digest whose value is gone."""


def upgrade() -> None:
    op.add_column(
        "measure_changes", sa.Column("fields", sa.JSON(), nullable=False, server_default="{}")
    )
    connection = op.get_bind()
    recorded = _recorded_by_steps(connection)
    created, edits = _trail(connection)
    entries: dict[int, list[Any]] = defaultdict(list)
    for entry in connection.execute(
        sa.select(measure_changes).order_by(
            measure_changes.c.measure_id, measure_changes.c.changed_at, measure_changes.c.id
        )
    ):
        entries[entry.measure_id].append(entry)
    for measure in connection.execute(sa.select(measures).order_by(measures.c.id)):
        own = entries.get(measure.id)
        if not own:
            continue  # migration 0028 gave every measure its first entry
        known = edits.get(measure.id, [])
        first = created.get(measure.id)
        if first is None:
            first = _before(measure.fields or {}, known, recorded[measure.id])
        _set(connection, own[0].id, first)
        for at, before, after in known:
            changed = _changed(before, after)
            if not changed:
                continue
            same = next((e for e in own[1:] if e.changed_at == at), None)
            if same is not None:
                _set(connection, same.id, changed)
                continue
            named = [e for e in own if e.changed_at <= at][-1:] or own[:1]
            connection.execute(
                measure_changes.insert().values(
                    measure_id=measure.id,
                    changed_at=at,
                    fields=changed,
                    **{name: getattr(named[0], name) for name in NAMES},
                )
            )


def downgrade() -> None:
    # The entries added for edits of the fields alone stay: they name the measure as the
    # entry before them, and upgrading again gives them their fields back.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
        with op.batch_alter_table("measure_changes", schema=None) as batch_op:
            batch_op.drop_column("fields")


def _recorded_by_steps(connection: sa.engine.Connection) -> dict[int, set[str]]:
    """The fields some step of each measure recorded."""
    recorded: dict[int, set[str]] = defaultdict(set)
    for step in connection.execute(
        sa.select(history.c.entity_id, history.c.data).where(history.c.entity_type == "measure")
    ):
        recorded[step.entity_id] |= set(step.data or {})
    return recorded


def _trail(connection: sa.engine.Connection) -> tuple[dict[int, Fields], dict[int, list[Edit]]]:
    """From the audit trail: the fields each measure was created with, where its event
    holds them, and its edits of the fields (moment, before, after) in the order made. A
    measure with an event whose fields are unreadable has neither."""
    events = sa.select(audit_events.c.id).where(
        audit_events.c.entity_type == "measure", audit_events.c.action.in_((CREATE, UPDATE))
    )
    values: dict[tuple[int, str], str | None] = {
        (d.event_id, d.path): d.value
        for d in connection.execute(
            sa.select(audit_details.c.event_id, audit_details.c.path, audit_details.c.value).where(
                audit_details.c.event_id.in_(events), audit_details.c.path.in_((BEFORE, AFTER))
            )
        )
    }
    created: dict[int, Fields] = {}
    edits: dict[int, list[Edit]] = defaultdict(list)
    unreadable: set[int] = set()
    for event in connection.execute(
        sa.select(audit_events)
        .where(audit_events.c.id.in_(events))
        .order_by(audit_events.c.ts, audit_events.c.id)
    ):
        pair = json.loads(event.payload).get("changes", {}).get("fields")
        if pair is None:
            continue  # an event that did not change the fields, or an early one without them
        try:
            before, after = (
                _readable(digest, values.get((event.id, path)))
                for digest, path in zip(pair, (BEFORE, AFTER), strict=True)
            )
        except Unreadable:
            unreadable.add(event.entity_id)
            continue
        if event.action == CREATE:
            created[event.entity_id] = after
        else:
            edits[event.entity_id].append((event.ts, before, after))
    for measure_id in unreadable:
        created.pop(measure_id, None)
        edits.pop(measure_id, None)
    return created, edits


def _readable(digest: Any, value: str | None) -> Fields:
    if digest is None:
        return {}
    if value is None:
        raise Unreadable(digest)
    found = json.loads(value)
    return found if isinstance(found, dict) else {}


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> Fields:
    return {
        name: after.get(name)
        for name in sorted({*before, *after})
        if before.get(name) != after.get(name)
    }


def _before(today: Mapping[str, Any], edits: Iterable[Edit], recorded: set[str]) -> Fields:
    """Today's fields taken back over the edits the trail holds, less what steps record."""
    fields = dict(today)
    for _, before, after in reversed(list(edits)):
        for name in _changed(before, after):
            if before.get(name) is None:
                fields.pop(name, None)
            else:
                fields[name] = before[name]
    return {name: value for name, value in fields.items() if name not in recorded}


def _set(connection: sa.engine.Connection, entry_id: int, fields: Fields) -> None:
    connection.execute(
        measure_changes.update().where(measure_changes.c.id == entry_id).values(fields=fields)
    )

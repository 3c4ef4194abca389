"""Kennungen and Drucksachennummern without blanks around them; a Drucksachennummer names one
paper of its body in any case, in the database too

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 12:00:00

Since 0023's day the services keep a measure's Kennung and a paper's Drucksachennummer
without the blanks around them (``service.texts.trimmed``), whichever door they came
through; what was stored before through the API kept them ("M-09 ", " VII/0680/24"). Such
a value looks like the trimmed one on every page, yet a search or a link by it found
nothing. Each is trimmed here: every blank Python's ``str.strip`` knows, which holds those
``trimmed`` drops and the tabs and line breaks the services now refuse in a single line.

A value whose trimmed form another row of its body already holds, in any case (the
database's ``lower()``, as the unique indexes compare), is left as stored: renaming either
would make one of two distinct rows look like the other, and dropping one would lose it.
The upgrade prints each such row, with the row that holds the trimmed value, for someone
to decide; the service refuses nothing of them (each is still unique).

Papers get what measures got in 0018: a unique index on (body_id, lower(reference)), so
that of two creates at the same moment, both past the service's check, the second is
refused and answered 409 like the check. Case clashes stored before would stop the index;
as 0018 did with Kennungen, the oldest paper keeps its Drucksachennummer and each later one
gets a suffix ``-2``, ``-3`` … (the first free in the body; shortened to fit 50
characters), each printed. The older unique constraint on (body_id, reference) stays
(dropping it on SQLite would rebuild ``papers``). Nothing here writes an audit event: a
migration acts outside any actor. A downgrade drops the index and leaves the values as
they are.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from alembic import context, op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_papers_body_reference"

measures = sa.table("measures", sa.column("id"), sa.column("body_id"), sa.column("code"))
papers = sa.table("papers", sa.column("id"), sa.column("body_id"), sa.column("reference"))


@dataclass
class Kind:
    table: sa.TableClause
    column: str
    length: int
    value: str  # "Kennung", "Drucksachennummer"
    values: str  # "Kennungen", "Drucksachennummern"
    item: str  # "Maßnahme", "Vorlage"
    said: list[str] = field(default_factory=list)
    trimmed: int = 0

    def say(self, line: str) -> None:
        self.said.append(line)


def upgrade() -> None:
    connection = op.get_bind()
    kinds = [
        Kind(measures, "code", 30, "Kennung", "Kennungen", "Maßnahme"),
        Kind(papers, "reference", 50, "Drucksachennummer", "Drucksachennummern", "Vorlage"),
    ]
    for kind in kinds:
        taken = _keys(connection, kind)
        if kind.table is papers:
            _rename_case_clashes(connection, kind, taken)
        _trim(connection, kind, taken)
    op.create_index(INDEX, "papers", ["body_id", sa.text("lower(reference)")], unique=True)
    _report(kinds)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="papers")


Holders = dict[int, dict[str, tuple[int, str]]]  # body -> lower(value) -> (id, value)


def _lower(connection: sa.Connection, value: str) -> str:
    # The database's own lower() decides what clashes, as the index does: SQLite folds only
    # ASCII letters, PostgreSQL more.
    return str(connection.execute(sa.select(sa.func.lower(value))).scalar_one())


def _rows(connection: sa.Connection, kind: Kind) -> list[tuple[int, int, str, str]]:
    """Each row's id, body, value and the value in the database's lower case, oldest first."""
    column = kind.table.c[kind.column]
    query = sa.select(kind.table.c.id, kind.table.c.body_id, column, sa.func.lower(column))
    rows = connection.execute(query.order_by(kind.table.c.id)).all()
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def _keys(connection: sa.Connection, kind: Kind) -> Holders:
    """Which row holds each value of its body, in any case: the first (lowest id)."""
    taken: Holders = {}
    for row_id, body_id, value, key in _rows(connection, kind):
        taken.setdefault(body_id, {}).setdefault(key, (row_id, value))
    return taken


def _set(connection: sa.Connection, kind: Kind, row_id: int, value: str) -> None:
    table = kind.table
    connection.execute(sa.update(table).where(table.c.id == row_id).values({kind.column: value}))


def _rename_case_clashes(connection: sa.Connection, kind: Kind, taken: Holders) -> None:
    for row_id, body_id, value, key in _rows(connection, kind):
        holder_id, held = taken[body_id][key]
        if holder_id == row_id:
            continue
        # The suffix goes after the value's text, not after blanks around it.
        base = value.strip() or value
        number = 2
        while True:
            suffix = f"-{number}"
            candidate = base[: kind.length - len(suffix)] + suffix
            candidate_key = _lower(connection, candidate)
            if candidate_key not in taken[body_id]:
                break
            number += 1
        taken[body_id][candidate_key] = (row_id, candidate)
        _set(connection, kind, row_id, candidate)
        kind.say(
            f"{kind.item} Nr. {row_id}: {kind.value} „{value}“ heißt jetzt „{candidate}“, "
            f"denn „{held}“ ({kind.item} Nr. {holder_id}) unterscheidet sich nur in Groß- "
            "und Kleinschreibung."
        )


def _trim(connection: sa.Connection, kind: Kind, taken: Holders) -> None:
    for row_id, body_id, value, key in _rows(connection, kind):
        trimmed = value.strip()
        if trimmed == value:
            continue
        if not trimmed:
            kind.say(
                f"{kind.item} Nr. {row_id}: {kind.value} „{value}“ bleibt, wie sie ist: "
                "ohne Leerzeichen bliebe nichts."
            )
            continue
        trimmed_key = _lower(connection, trimmed)
        holder = taken[body_id].get(trimmed_key)
        if holder is not None:
            holder_id, held = holder
            kind.say(
                f"{kind.item} Nr. {row_id}: {kind.value} „{value}“ bleibt mit ihren "
                f"Leerzeichen, denn „{held}“ hat schon {kind.item} Nr. {holder_id}; bitte "
                "eine von beiden ändern."
            )
            continue
        if taken[body_id].get(key, (None, ""))[0] == row_id:
            del taken[body_id][key]
        taken[body_id][trimmed_key] = (row_id, trimmed)
        _set(connection, kind, row_id, trimmed)
        kind.trimmed += 1


def _report(kinds: list[Kind]) -> None:
    """What the upgrade did beyond its schema, on ``ratsflow db upgrade``'s output."""
    for kind in kinds:
        if kind.trimmed:
            what = kind.value if kind.trimmed == 1 else kind.values
            context.config.print_stdout(
                f"Migration 0024: bei {kind.trimmed} {what} die Leerzeichen davor und danach "
                "entfernt."
            )
        for line in kind.said:
            context.config.print_stdout(f"Migration 0024: {line}")

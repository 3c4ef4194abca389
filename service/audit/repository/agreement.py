"""Whether the indexed columns of a chain's events agree with their hashed text, asked of
the database.

Verification compares every event's columns (chain, seq, prev_hash, ts, actor, role, action,
entity, request) and its person rows (``audit_event_persons``) with what its hashed text
says. Asked of SQLite in one statement (``column_check``), its JSON functions parse the
texts in C, and the waiting driver holds no lock of Python's, so verification runs it on a
second connection while it walks the hashes and links (``service.audit.verify``). The
database names the events it finds different; each is then compared once more in Python
(``column_rows``), since the database may write a value differently (an escape) where
nothing differs.

PostgreSQL is not asked (``in_database``): its ``jsonb`` took about 8 µs per event for the
same test (1,000,000 events: 8.2 s against 2.9 s for the walk). There it writes the columns
as the hashed text must show them into the rows the walk reads by COPY
(``chain.COLUMN_TEXTS``), and the walk compares the texts (``service.audit.columns``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from service.audit.repository.chain import HASHED_TS

# The events whose text does not say what their columns do, as a list "3,17": the values
# extracted from the text and the columns, compared as JSON text.
_DIFFERING = (
    "group_concat(CASE WHEN json_extract(payload, '$.chain', '$.seq', '$.prev', '$.ts', "
    "'$.actor', '$.role', '$.action', '$.entity.type', '$.entity.id', '$.request') "
    f"IS NOT json_array(chain_key, seq, prev_hash, {HASHED_TS['sqlite']}, actor_id, actor_role, "
    "action, entity_type, entity_id, request_id) "
    f"OR json_extract(payload, '$.persons') IS NOT {{persons}} THEN seq END)"
)
# The event's rows of ``audit_event_persons`` as a JSON array, ordered as the hashed text
# orders them: the index Art. 15 finds a person's events by must say what the text says.
_PERSONS = {
    "sqlite": "(SELECT json_group_array(person_id) FROM (SELECT p.person_id FROM "
    "audit_event_persons p WHERE p.event_id = audit_events.id ORDER BY p.person_id))",
    "postgresql": "(SELECT coalesce(json_agg(p.person_id ORDER BY p.person_id)::text, '[]') "
    "FROM audit_event_persons p WHERE p.event_id = audit_events.id)",
}
_DIFFERING = _DIFFERING.format(persons=_PERSONS["sqlite"])
_RANGE = "FROM audit_events WHERE chain_key = :chain AND seq BETWEEN :low AND :high"


def in_database(connection: Connection) -> bool:
    """Whether verification asks this database to compare the columns (see above)."""
    return connection.dialect.name == "sqlite"


@dataclass(frozen=True)
class ColumnCheck:
    """What the database saw of a range of the chain, and where it found columns differ."""

    rows: int
    low: int | None
    high: int | None
    differing: tuple[int, ...]

    @property
    def whole(self) -> bool:
        """Whether it saw every event from ``low`` to ``high``, none missing in between."""
        return (
            self.low is not None and self.high is not None and self.rows == self.high - self.low + 1
        )


def column_check(connection: Connection, chain_key: str, low: int, high: int) -> ColumnCheck:
    """One statement, so one snapshot: the events it saw and those whose columns differ.
    SQLite only (``in_database``)."""
    rows, first, last, listed = connection.execute(
        text(f"SELECT count(*), min(seq), max(seq), {_DIFFERING} {_RANGE}"),
        {"chain": chain_key, "low": low, "high": high},
    ).one()
    seqs = sorted(int(seq) for seq in listed.split(",")) if listed else []
    return ColumnCheck(rows, first, last, tuple(seqs))


def column_rows(connection: Connection, chain_key: str, low: int, high: int) -> Iterator[Any]:
    """``(seq, payload, prev_hash, ts_text, actor_id, actor_role, action, entity_type,
    entity_id, request_id, persons)`` of the events from ``low`` to ``high``, in order;
    ``persons`` the JSON array of their person rows."""
    ts_text = HASHED_TS[connection.dialect.name]
    persons = _PERSONS[connection.dialect.name]
    yield from connection.execute(
        text(
            f"SELECT seq, payload, prev_hash, {ts_text}, actor_id, actor_role, action, "
            f"entity_type, entity_id, request_id, {persons} {_RANGE} ORDER BY seq"
        ),
        {"chain": chain_key, "low": low, "high": high},
    )

"""The hot statements on the driver (``service.driver``) write what SQLAlchemy would have
written: a row stored either way reads back the same through the models' column types."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select

from service.deadlines.models import Deadline
from service.driver import DriverStatement, time_value
from service.lifecycle import repository
from service.lifecycle.models import HistoryEntry
from service.runtime import Runtime

history = HistoryEntry.__table__  # type: ignore[attr-defined]
deadlines = Deadline.__table__  # type: ignore[attr-defined]

# A time given in Berlin's summer offset: stored as UTC whichever way it was written.
SUMMER = datetime(2024, 7, 1, 14, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
STEP = {
    "entity_type": "measure",
    "entity_id": 7,
    "at": SUMMER,
    "recorded_at": SUMMER + timedelta(days=1),
    "event": "vertagen",
    "label": "Vertagen",
    "from_state": "fva_beratung",
    "to_state": "fva_beratung",
    "actor_user_id": None,
    "actor_role": "sitzungsdienst",
    "comment": "Größere Runde — „abwarten“",
    "data": {
        "sitzung_am": "2024-07-10",
        "betrag": 1200.5,
        "liste": [1, "zwei"],
        "ort": "Saal „Süd“",
    },
}


def test_a_history_entry_written_on_the_driver_reads_back_like_one_written_by_sqlalchemy(
    runtime: Runtime,
) -> None:
    with runtime.write() as c:
        repository.insert_history(c, **STEP)
        c.execute(insert(history), {**STEP, "entity_id": 8})
    with runtime.read() as c:
        rows = c.execute(select(history).order_by(history.c.entity_id)).all()
        stored = c.exec_driver_sql("SELECT at, recorded_at, data FROM history_entries").all()

    ours, theirs = (row._asdict() for row in rows)
    assert {**ours, "id": None, "entity_id": 8} == {**theirs, "id": None}
    assert ours["at"] == SUMMER and ours["at"].tzinfo == UTC
    assert ours["data"] == STEP["data"]
    if runtime.engine.dialect.name == "sqlite":
        # Times the very same text in the file: SQLite compares and orders them as text.
        # JSON may be written more tightly (orjson), as long as it holds the same value.
        assert stored[0][:2] == stored[1][:2]
        assert json.loads(stored[0][2]) == json.loads(stored[1][2])


def test_a_deadline_written_on_the_driver_is_open_and_due_in_utc(runtime: Runtime) -> None:
    due = datetime(2024, 3, 12, 23, 0, tzinfo=UTC)
    with runtime.write() as c:
        repository.insert_deadline(
            c, runtime.body_id, "measure", 7, "ladungsfrist", "Ladungsfrist", due, SUMMER
        )
    with runtime.read() as c:
        row = c.execute(select(deadlines).where(deadlines.c.entity_id == 7)).one()
    assert row.open is True and row.reminders_planned is False
    assert row.due_at == due and row.created_at == SUMMER
    assert row.closed_at is None

    with runtime.write() as c:
        repository.close_deadlines(c, "measure", 7, SUMMER + timedelta(days=2), "ladungsfrist")
    with runtime.read() as c:
        closed = c.execute(select(deadlines).where(deadlines.c.entity_id == 7)).one()
    assert closed.open is False and closed.closed_at == SUMMER + timedelta(days=2)


def test_a_naive_time_is_refused_on_the_driver_as_by_the_column_type(runtime: Runtime) -> None:
    with runtime.write() as c, pytest.raises(ValueError, match="naive"):
        time_value(c, datetime(2024, 7, 1, 12, 0))


def test_the_repeated_autumn_hour_is_stored_as_two_different_times() -> None:
    # 27.10.2024, 02:30 in Berlin happens twice: 00:30 and 01:30 UTC. The two local times
    # compare equal (one zone, fold ignored), so a cache keyed on them would mix them up.
    class SQLite:
        class dialect:
            name = "sqlite"

    berlin = ZoneInfo("Europe/Berlin")
    first = datetime(2024, 10, 27, 2, 30, tzinfo=berlin)
    second = first.replace(fold=1)
    assert first == second
    stored = [time_value(SQLite, m) for m in (first, second, first)]  # type: ignore[arg-type]
    assert stored == [
        "2024-10-27 00:30:00.000000",
        "2024-10-27 01:30:00.000000",
        "2024-10-27 00:30:00.000000",
    ]


def test_a_percent_sign_in_driver_sql_is_refused() -> None:
    # psycopg would read it as a marker; the statement must say so where it is written.
    with pytest.raises(ValueError):
        DriverStatement("SELECT id FROM measures WHERE code LIKE 'M-%'")


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(1000, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=2))]),
    )
)
def test_a_time_is_stored_in_sqlite_as_sqlalchemy_stores_it(moment: datetime) -> None:
    class SQLite:
        class dialect:
            name = "sqlite"

    stored = time_value(SQLite, moment)  # type: ignore[arg-type]
    assert stored == moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")

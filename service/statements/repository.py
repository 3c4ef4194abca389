"""Queries for Stellungnahmen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from service.statements.models import Condition, Statement, StatementRequest, Weighing

statements = Statement.__table__  # type: ignore[attr-defined]


def statements_of(connection: Connection, measure_id: int) -> list[Any]:
    query = select(statements).where(statements.c.measure_id == measure_id)
    return list(connection.execute(query.order_by(statements.c.id)))


def statement(connection: Connection, statement_id: int) -> Any:
    query = select(statements).where(statements.c.id == statement_id)
    return connection.execute(query).first()


# --- requests, Abwägungen and Auflagen -----------------------------------------------------

requests = StatementRequest.__table__  # type: ignore[attr-defined]
weighings = Weighing.__table__  # type: ignore[attr-defined]
conditions = Condition.__table__  # type: ignore[attr-defined]


def open_requests(connection: Connection, measure_id: int) -> list[Any]:
    query = select(requests).where(
        requests.c.measure_id == measure_id, requests.c.closed_at.is_(None)
    )
    return list(connection.execute(query.order_by(requests.c.id)))


def requests_of(connection: Connection, measure_id: int) -> list[Any]:
    query = select(requests).where(requests.c.measure_id == measure_id)
    return list(connection.execute(query.order_by(requests.c.id)))


def insert_request(connection: Connection, values: dict[str, Any]) -> int:
    return int(connection.execute(insert(requests).returning(requests.c.id), values).scalar_one())


def close_request(
    connection: Connection, request_id: int, now: datetime, statement_id: int | None
) -> None:
    connection.execute(
        update(requests)
        .where(requests.c.id == request_id, requests.c.closed_at.is_(None))
        .values(closed_at=now, statement_id=statement_id)
    )


def weighings_of(connection: Connection, measure_ids: Sequence[int]) -> list[Any]:
    if not measure_ids:
        return []
    query = select(weighings).where(weighings.c.measure_id.in_(measure_ids))
    return list(connection.execute(query.order_by(weighings.c.id)))


def weighing_of(connection: Connection, statement_id: int) -> Any:
    query = select(weighings).where(weighings.c.statement_id == statement_id)
    return connection.execute(query).first()


def conditions_of(connection: Connection, measure_id: int) -> list[Any]:
    query = select(conditions).where(conditions.c.measure_id == measure_id)
    return list(connection.execute(query.order_by(conditions.c.id)))


def condition(connection: Connection, condition_id: int) -> Any:
    return connection.execute(select(conditions).where(conditions.c.id == condition_id)).first()


def weighings_with_statements(connection: Connection, measure_ids: Sequence[int]) -> list[Any]:
    """Abwägungen with the kind and date of the statement they weigh, by measure."""
    if not measure_ids:
        return []
    query = (
        select(
            weighings.c.id,
            weighings.c.measure_id,
            weighings.c.reason,
            weighings.c.decided_at,
            statements.c.kind,
            statements.c.given_on,
        )
        .join(statements, statements.c.id == weighings.c.statement_id)
        .where(weighings.c.measure_id.in_(measure_ids))
        .order_by(weighings.c.measure_id, weighings.c.id)
    )
    return list(connection.execute(query))

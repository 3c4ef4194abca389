"""Queries for Stellungnahmen."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from service.statements.models import Statement

statements = Statement.__table__  # type: ignore[attr-defined]


def statements_of(connection: Connection, measure_id: int) -> list[Any]:
    query = select(statements).where(statements.c.measure_id == measure_id)
    return list(connection.execute(query.order_by(statements.c.id)))


def statement(connection: Connection, statement_id: int) -> Any:
    query = select(statements).where(statements.c.id == statement_id)
    return connection.execute(query).first()

"""Queries for the obligations a resolution imposes and their recorded fulfilments."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection

from service.obligations.models import Fulfilment, Obligation
from service.papers.models import Paper

obligations: Table = Obligation.__table__  # type: ignore[attr-defined]
fulfilments: Table = Fulfilment.__table__  # type: ignore[attr-defined]
papers: Table = Paper.__table__  # type: ignore[attr-defined]


def obligation(connection: Connection, obligation_id: int, body_id: int) -> Any:
    return connection.execute(
        select(obligations).where(
            obligations.c.id == obligation_id, obligations.c.body_id == body_id
        )
    ).first()


def obligations_of(
    connection: Connection,
    body_id: int,
    paper_id: int | None = None,
    obligation_id: int | None = None,
) -> list[Any]:
    """The body's obligations (of one paper, or one by id) with their paper's reference,
    title and publicity; open ones first, by due date."""
    query = (
        select(
            obligations,
            papers.c.reference.label("paper_reference"),
            papers.c.title.label("paper_title"),
            papers.c.public.label("paper_public"),
        )
        .join(papers, papers.c.id == obligations.c.paper_id)
        .where(obligations.c.body_id == body_id)
        .order_by(obligations.c.open.desc(), obligations.c.due_on, obligations.c.id)
    )
    if paper_id is not None:
        query = query.where(obligations.c.paper_id == paper_id)
    if obligation_id is not None:
        query = query.where(obligations.c.id == obligation_id)
    return list(connection.execute(query))


def open_fulfilled_by(connection: Connection, body_id: int, fulfilled_by: str) -> list[Any]:
    """The body's open obligations that ``fulfilled_by`` meets, earliest due first."""
    query = (
        select(obligations)
        .where(
            obligations.c.body_id == body_id,
            obligations.c.fulfilled_by == fulfilled_by,
            obligations.c.open.is_(True),
        )
        .order_by(obligations.c.due_on, obligations.c.id)
    )
    return list(connection.execute(query))


def fulfilments_of(connection: Connection, obligation_ids: list[int]) -> list[Any]:
    if not obligation_ids:
        return []
    return list(
        connection.execute(
            select(fulfilments)
            .where(fulfilments.c.obligation_id.in_(obligation_ids))
            .order_by(fulfilments.c.fulfilled_on, fulfilments.c.id)
        )
    )

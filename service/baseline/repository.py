"""Queries for baselines: the newest of a measure, and the Änderungsbeschlüsse it may cite."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection

from service.baseline.models import Baseline
from service.measures.models import Measure
from service.papers.models import Paper, PaperMeasure, Vote

baselines: Table = Baseline.__table__  # type: ignore[attr-defined]
papers: Table = Paper.__table__  # type: ignore[attr-defined]
paper_measures: Table = PaperMeasure.__table__  # type: ignore[attr-defined]
measures: Table = Measure.__table__  # type: ignore[attr-defined]
votes: Table = Vote.__table__  # type: ignore[attr-defined]


def current(connection: Connection, measure_id: int) -> Any:
    return connection.execute(
        select(baselines)
        .where(baselines.c.measure_id == measure_id)
        .order_by(baselines.c.id.desc())
        .limit(1)
    ).first()


def referenced_measures(connection: Connection, paper_id: int) -> list[int]:
    return list(
        connection.execute(
            select(paper_measures.c.measure_id)
            .where(paper_measures.c.paper_id == paper_id)
            .order_by(paper_measures.c.measure_id)
        ).scalars()
    )


def amendment(connection: Connection, body_id: int, reference: str, measure_id: int) -> Any:
    """The body's Änderungsvorlage of that Drucksachennummer if it references the measure."""
    return connection.execute(
        select(papers)
        .join(paper_measures, paper_measures.c.paper_id == papers.c.id)
        .where(
            papers.c.body_id == body_id,
            papers.c.reference == reference,
            papers.c.kind == "aenderungsvorlage",
            paper_measures.c.measure_id == measure_id,
        )
    ).first()


def measure(connection: Connection, measure_id: int) -> Any:
    return connection.execute(
        select(measures.c.id, measures.c.body_id, measures.c.title, measures.c.description)
        .add_columns(measures.c.fields)
        .where(measures.c.id == measure_id)
    ).first()


def decided_on(connection: Connection, paper_id: int) -> Any:
    """The day of the paper's last adopting vote (its decision)."""
    return connection.execute(
        select(votes.c.held_on, votes.c.resolution_number)
        .where(votes.c.paper_id == paper_id, votes.c.outcome == "angenommen")
        .order_by(votes.c.id.desc())
        .limit(1)
    ).first()


def adopted_amendments(connection: Connection, body_id: int, measure_id: int) -> list[Any]:
    """The body's adopted Änderungsvorlagen that reference the measure, newest first."""
    return list(
        connection.execute(
            select(papers.c.reference, papers.c.title)
            .join(paper_measures, paper_measures.c.paper_id == papers.c.id)
            .where(
                papers.c.body_id == body_id,
                papers.c.kind == "aenderungsvorlage",
                papers.c.state == "beschlossen",
                paper_measures.c.measure_id == measure_id,
            )
            .order_by(papers.c.id.desc())
        )
    )

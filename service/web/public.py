"""What the public may read: public papers with their Beratungsfolge and public votes, and
public measures with their progress.

Every query filters on ``public`` itself, so a page cannot show a non-public item by
forgetting a check; no query here selects a person's name, so staff names never reach a
public page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from service.committees.models import Committee, Meeting
from service.errors import NotFound
from service.lifecycle.models import HistoryEntry
from service.measures.models import Measure, Programme
from service.papers.models import Consultation, Paper, PaperMeasure, Vote

papers = Paper.__table__  # type: ignore[attr-defined]
measures = Measure.__table__  # type: ignore[attr-defined]
programmes = Programme.__table__  # type: ignore[attr-defined]
consultations = Consultation.__table__  # type: ignore[attr-defined]
committees = Committee.__table__  # type: ignore[attr-defined]
meetings = Meeting.__table__  # type: ignore[attr-defined]
votes = Vote.__table__  # type: ignore[attr-defined]
paper_measures = PaperMeasure.__table__  # type: ignore[attr-defined]
history = HistoryEntry.__table__  # type: ignore[attr-defined]

_MEASURE_COLUMNS = (
    measures.c.id,
    measures.c.code,
    measures.c.title,
    measures.c.description,
    measures.c.state,
    measures.c.fields,
    measures.c.updated_at,
    measures.c.definition_name,
    measures.c.definition_version,
)


@dataclass
class PublicPaper:
    paper: Any
    consultations: list[Any]
    votes: list[Any]
    measures: list[Any]


def public_papers(connection: Connection) -> list[Any]:
    return list(
        connection.execute(
            select(papers.c.id, papers.c.reference, papers.c.title, papers.c.state)
            .where(papers.c.public.is_(True))
            .order_by(papers.c.id.desc())
        )
    )


def public_measures(connection: Connection, limit: int = 200) -> list[Any]:
    return list(
        connection.execute(
            select(*_MEASURE_COLUMNS)
            .where(measures.c.public.is_(True))
            .order_by(measures.c.code, measures.c.id)
            .limit(limit)
        )
    )


def public_paper(connection: Connection, paper_id: int) -> PublicPaper:
    paper = connection.execute(
        select(
            papers.c.id,
            papers.c.reference,
            papers.c.title,
            papers.c.dezernat,
            papers.c.competence,
            papers.c.resolution_proposal,
            papers.c.reasoning,
            papers.c.state,
            papers.c.definition_name,
            papers.c.definition_version,
        ).where(papers.c.id == paper_id, papers.c.public.is_(True))
    ).first()
    if paper is None:
        raise NotFound("Vorlage", paper_id)
    steps = list(
        connection.execute(
            select(
                consultations.c.position,
                consultations.c.role,
                consultations.c.planned_on,
                consultations.c.result,
                committees.c.name.label("committee"),
                meetings.c.starts_at,
            )
            .join(committees, committees.c.id == consultations.c.committee_id)
            .outerjoin(meetings, meetings.c.id == consultations.c.meeting_id)
            .where(consultations.c.paper_id == paper_id)
            .order_by(consultations.c.position)
        )
    )
    vote_rows = list(
        connection.execute(
            select(
                votes.c.held_on,
                votes.c.voting_members,
                votes.c.present,
                votes.c.yes,
                votes.c.no,
                votes.c.abstain,
                votes.c.biased,
                votes.c.unanimous,
                votes.c.outcome,
                votes.c.resolution_number,
                committees.c.name.label("committee"),
            )
            .join(committees, committees.c.id == votes.c.committee_id)
            .where(votes.c.paper_id == paper_id, votes.c.public.is_(True))
            .order_by(votes.c.held_on, votes.c.id)
        )
    )
    carried = list(
        connection.execute(
            select(*_MEASURE_COLUMNS)
            .join(paper_measures, paper_measures.c.measure_id == measures.c.id)
            .where(paper_measures.c.paper_id == paper_id, measures.c.public.is_(True))
            .order_by(measures.c.code)
        )
    )
    return PublicPaper(paper, steps, vote_rows, carried)


def public_measure(connection: Connection, measure_id: int) -> tuple[Any, list[Any], Any]:
    """The measure, its steps (without who took them or their comments), its programme."""
    row = connection.execute(
        select(*_MEASURE_COLUMNS, measures.c.programme_id).where(
            measures.c.id == measure_id, measures.c.public.is_(True)
        )
    ).first()
    if row is None:
        raise NotFound("Maßnahme", measure_id)
    steps = list(
        connection.execute(
            select(history.c.at, history.c.label, history.c.from_state, history.c.to_state)
            .where(history.c.entity_type == "measure", history.c.entity_id == measure_id)
            .order_by(history.c.id)
        )
    )
    programme = connection.execute(
        select(programmes.c.title).where(programmes.c.id == row.programme_id)
    ).first()
    return row, steps, programme

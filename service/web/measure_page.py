"""Everything the Maßnahme page shows, read in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from service.actor import Actor
from service.auth.service import usernames
from service.deadlines.models import Deadline
from service.measures import service as measures_service
from service.measures.models import BudgetLine, Milestone, Programme
from service.papers.models import Paper, PaperMeasure
from service.people.models import Person
from service.runtime import Runtime
from workflow.engine import AvailableEvent, Subject
from workflow.spec import WorkflowSpec

budget_lines = BudgetLine.__table__  # type: ignore[attr-defined]
milestones = Milestone.__table__  # type: ignore[attr-defined]
programmes = Programme.__table__  # type: ignore[attr-defined]
deadlines = Deadline.__table__  # type: ignore[attr-defined]
persons = Person.__table__  # type: ignore[attr-defined]
papers = Paper.__table__  # type: ignore[attr-defined]
paper_measures = PaperMeasure.__table__  # type: ignore[attr-defined]

ANALYSIS_FIELDS = ("kosten_einmalig", "kosten_laufend", "nutzen")
FLAG_FIELDS = ("personenbezogen", "sicherheitsrelevant", "personalwirksam")


@dataclass
class MeasurePage:
    measure: Any
    spec: WorkflowSpec
    programme: Any
    responsible: str | None
    statements: list[Any]
    authors: dict[int, str]
    budget_lines: list[Any]
    milestones: list[Any]
    deadlines: list[Any]
    history: list[Any]
    history_users: dict[int | None, str]
    papers: list[Any]
    allowed: list[AvailableEvent]


def person_names(connection: Connection, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {
        r.id: " ".join(p for p in (r.title, r.given_name, r.family_name) if p) or f"Person {r.id}"
        for r in connection.execute(
            select(
                persons.c.id, persons.c.title, persons.c.given_name, persons.c.family_name
            ).where(persons.c.id.in_(wanted))
        )
    }


def load(runtime: Runtime, connection: Connection, measure_id: int, actor: Actor) -> MeasurePage:
    row = measures_service.get_measure(connection, measure_id)
    engine = runtime.registry.engine(row.definition_name, row.definition_version)
    statement_rows = measures_service.statements_of(connection, measure_id)
    history = measures_service.history(connection, measure_id)
    names = person_names(
        connection, {row.responsible_person_id, *(s.author_person_id for s in statement_rows)}
    )
    subject = Subject(
        row.state,
        dict(row.fields or {}),
        tuple(measures_service.statement_records(connection, measure_id)),
    )
    return MeasurePage(
        measure=row,
        spec=engine.spec,
        programme=connection.execute(
            select(programmes.c.id, programmes.c.title).where(programmes.c.id == row.programme_id)
        ).first(),
        responsible=names.get(row.responsible_person_id) if row.responsible_person_id else None,
        statements=statement_rows,
        authors=names,
        budget_lines=list(
            connection.execute(
                select(budget_lines)
                .where(budget_lines.c.measure_id == measure_id)
                .order_by(budget_lines.c.fiscal_year, budget_lines.c.id)
            )
        ),
        milestones=list(
            connection.execute(
                select(milestones)
                .where(milestones.c.measure_id == measure_id)
                .order_by(milestones.c.due_on, milestones.c.id)
            )
        ),
        deadlines=list(
            connection.execute(
                select(deadlines)
                .where(deadlines.c.entity_type == "measure", deadlines.c.entity_id == measure_id)
                .order_by(deadlines.c.open.desc(), deadlines.c.due_at.desc())
            )
        ),
        history=history,
        history_users=usernames(connection, {e.actor_user_id for e in history}),
        papers=list(
            connection.execute(
                select(papers.c.id, papers.c.reference, papers.c.title, papers.c.public)
                .join(paper_measures, paper_measures.c.paper_id == papers.c.id)
                .where(paper_measures.c.measure_id == measure_id)
            )
        ),
        allowed=engine.allowed_events(subject, actor.roles, runtime.now()),
    )


def is_overdue(deadline: Any, now: datetime) -> bool:
    return bool(deadline.open and deadline.due_at < now)


def responsible_choices(connection: Connection) -> list[tuple[int, str]]:
    """Staff who can be made responsible for a measure (erased persons never)."""
    return [
        (r.id, " ".join(p for p in (r.given_name, r.family_name) if p) + f" ({r.function})")
        if r.function
        else (r.id, " ".join(p for p in (r.given_name, r.family_name) if p))
        for r in connection.execute(
            select(persons.c.id, persons.c.given_name, persons.c.family_name, persons.c.function)
            .where(persons.c.is_staff.is_(True), persons.c.erased_at.is_(None))
            .order_by(persons.c.family_name, persons.c.given_name)
        )
    ]


def programme_choices(connection: Connection) -> list[tuple[int, str]]:
    return [
        (r.id, r.title)
        for r in connection.execute(
            select(programmes.c.id, programmes.c.title).order_by(programmes.c.title)
        )
    ]

"""Queries behind OParl: the public rows of a body, and the OParl bookkeeping beside them.

The reads here filter by body and by what a council information system may publish (the
caller passes the council kinds); the service decides the rest (staff, erased persons).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from service.attachments.models import Attachment
from service.committees.models import AgendaItem, Committee, Meeting, Membership
from service.measures.models import Measure
from service.oparl.models import OparlRecord, OparlSource
from service.papers.models import Consultation, Paper, PaperMeasure, Vote
from service.people.models import Person

records = OparlRecord.__table__  # type: ignore[attr-defined]
sources = OparlSource.__table__  # type: ignore[attr-defined]
committees = Committee.__table__  # type: ignore[attr-defined]
memberships = Membership.__table__  # type: ignore[attr-defined]
meetings = Meeting.__table__  # type: ignore[attr-defined]
agenda_items = AgendaItem.__table__  # type: ignore[attr-defined]
papers = Paper.__table__  # type: ignore[attr-defined]
consultations = Consultation.__table__  # type: ignore[attr-defined]
paper_measures = PaperMeasure.__table__  # type: ignore[attr-defined]
votes = Vote.__table__  # type: ignore[attr-defined]
measures = Measure.__table__  # type: ignore[attr-defined]
persons = Person.__table__  # type: ignore[attr-defined]
attachments = Attachment.__table__  # type: ignore[attr-defined]

TABLES = {
    "organization": committees,
    "person": persons,
    "membership": memberships,
    "meeting": meetings,
    "agendaitem": agenda_items,
    "paper": papers,
    "consultation": consultations,
    "file": attachments,
}


# --- what the server publishes -------------------------------------------------------------


def council_committees(connection: Connection, body_id: int, kinds: frozenset[str]) -> list[Any]:
    query = select(committees).where(
        committees.c.body_id == body_id, committees.c.kind.in_(sorted(kinds))
    )
    return list(connection.execute(query.order_by(committees.c.id)))


def memberships_in(connection: Connection, committee_ids: list[int]) -> list[Any]:
    if not committee_ids:
        return []
    query = select(memberships).where(memberships.c.committee_id.in_(committee_ids))
    return list(connection.execute(query.order_by(memberships.c.id)))


def persons_in(connection: Connection, body_id: int, person_ids: Iterable[int]) -> list[Any]:
    ids = sorted(set(person_ids))
    if not ids:
        return []
    query = select(persons).where(persons.c.body_id == body_id, persons.c.id.in_(ids))
    return list(connection.execute(query.order_by(persons.c.id)))


def meetings_of(connection: Connection, body_id: int, committee_ids: list[int]) -> list[Any]:
    if not committee_ids:
        return []
    query = select(meetings).where(
        meetings.c.body_id == body_id, meetings.c.committee_id.in_(committee_ids)
    )
    return list(connection.execute(query.order_by(meetings.c.id)))


def public_agenda_of(connection: Connection, meeting_ids: list[int]) -> list[Any]:
    if not meeting_ids:
        return []
    query = select(agenda_items).where(
        agenda_items.c.meeting_id.in_(meeting_ids), agenda_items.c.public.is_(True)
    )
    return list(
        connection.execute(query.order_by(agenda_items.c.meeting_id, agenda_items.c.position))
    )


def public_papers(connection: Connection, body_id: int) -> list[Any]:
    query = select(papers).where(papers.c.body_id == body_id, papers.c.public.is_(True))
    return list(connection.execute(query.order_by(papers.c.id)))


def consultations_of(connection: Connection, paper_ids: list[int]) -> list[Any]:
    if not paper_ids:
        return []
    query = select(consultations).where(consultations.c.paper_id.in_(paper_ids))
    return list(
        connection.execute(query.order_by(consultations.c.paper_id, consultations.c.position))
    )


def paper_files(connection: Connection, body_id: int, paper_ids: list[int]) -> list[Any]:
    if not paper_ids:
        return []
    query = select(attachments).where(
        attachments.c.body_id == body_id,
        attachments.c.owner_type == "paper",
        attachments.c.owner_id.in_(paper_ids),
    )
    return list(connection.execute(query.order_by(attachments.c.id)))


def public_measures_of(connection: Connection, paper_ids: list[int]) -> list[Any]:
    if not paper_ids:
        return []
    query = (
        select(measures, paper_measures.c.paper_id)
        .join(paper_measures, paper_measures.c.measure_id == measures.c.id)
        .where(paper_measures.c.paper_id.in_(paper_ids), measures.c.public.is_(True))
    )
    return list(connection.execute(query.order_by(measures.c.code, measures.c.id)))


def public_votes_of(connection: Connection, paper_ids: list[int]) -> list[Any]:
    if not paper_ids:
        return []
    query = select(votes).where(votes.c.paper_id.in_(paper_ids), votes.c.public.is_(True))
    return list(connection.execute(query.order_by(votes.c.held_on, votes.c.id)))


# --- bookkeeping ---------------------------------------------------------------------------


def records_of(connection: Connection, body_id: int) -> list[Any]:
    return list(connection.execute(select(records).where(records.c.body_id == body_id)))


def insert_record(connection: Connection, values: dict[str, Any]) -> None:
    connection.execute(insert(records), values)


def update_record(connection: Connection, record_id: int, values: dict[str, Any]) -> None:
    connection.execute(update(records).where(records.c.id == record_id).values(**values))


def record_by_key(connection: Connection, body_id: int, entity_type: str, key: str) -> Any:
    query = select(records).where(
        records.c.body_id == body_id,
        records.c.entity_type == entity_type,
        records.c.external_key == key,
    )
    return connection.execute(query.order_by(records.c.id)).first()


def row(connection: Connection, entity_type: str, entity_id: int) -> Any:
    table = TABLES[entity_type]
    return connection.execute(select(table).where(table.c.id == entity_id)).first()


def file_content(connection: Connection, body_id: int, file_id: int) -> Any:
    query = select(attachments).where(attachments.c.body_id == body_id, attachments.c.id == file_id)
    return connection.execute(query).first()


def source(connection: Connection, body_id: int, system_key: str) -> Any:
    query = select(sources).where(sources.c.body_id == body_id, sources.c.system_key == system_key)
    return connection.execute(query).first()


def insert_source(connection: Connection, values: dict[str, Any]) -> int:
    return int(connection.execute(insert(sources).returning(sources.c.id), values).scalar_one())


def update_source(connection: Connection, source_id: int, values: dict[str, Any]) -> None:
    connection.execute(update(sources).where(sources.c.id == source_id).values(**values))


def committee_slug_taken(connection: Connection, body_id: int, slug: str) -> bool:
    query = select(committees.c.id).where(
        committees.c.body_id == body_id, committees.c.slug == slug
    )
    return connection.execute(query).first() is not None


def paper_by_reference(connection: Connection, body_id: int, reference: str) -> Any:
    """The body's paper with this Drucksachennummer in any case, as the papers' unique index
    compares (migration 0024), or None."""
    query = select(papers).where(
        papers.c.body_id == body_id, func.lower(papers.c.reference) == func.lower(reference)
    )
    return connection.execute(query.limit(1)).first()


def consultation_at(connection: Connection, paper_id: int, position: int) -> Any:
    query = select(consultations).where(
        consultations.c.paper_id == paper_id, consultations.c.position == position
    )
    return connection.execute(query).first()


def sources_of(connection: Connection, body_id: int) -> list[Any]:
    query = select(sources).where(sources.c.body_id == body_id).order_by(sources.c.id)
    return list(connection.execute(query))

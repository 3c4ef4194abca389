"""Queries behind the papers API: pages, Beratungsfolge, votes and carried measures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, func, insert, or_, select
from sqlalchemy.engine import Connection

from service.committees.models import AgendaItem, Committee, Meeting, Membership
from service.keyset import After, Sort, page
from service.measures.models import Measure
from service.papers.models import Consultation, Paper, PaperMeasure, Vote, VoteParticipant
from service.people.models import Person

papers = Paper.__table__  # type: ignore[attr-defined]
consultations = Consultation.__table__  # type: ignore[attr-defined]
paper_measures = PaperMeasure.__table__  # type: ignore[attr-defined]
votes = Vote.__table__  # type: ignore[attr-defined]
participants = VoteParticipant.__table__  # type: ignore[attr-defined]
committees = Committee.__table__  # type: ignore[attr-defined]
meetings = Meeting.__table__  # type: ignore[attr-defined]
agenda_items = AgendaItem.__table__  # type: ignore[attr-defined]
measures = Measure.__table__  # type: ignore[attr-defined]
persons = Person.__table__  # type: ignore[attr-defined]
memberships = Membership.__table__  # type: ignore[attr-defined]

SORT_COLUMNS = {
    "id": papers.c.id,
    "reference": papers.c.reference,
    "created_at": papers.c.created_at,
}


def page_papers(
    connection: Connection,
    body_id: int,
    *,
    public_only: bool,
    state: str | None,
    reference: str | None,
    committee_id: int | None,
    sort: Sort,
    after: After | None,
    limit: int,
    member: tuple[int, date] | None = None,
) -> list[Any]:
    """``member`` (person, day): with ``public_only``, also the papers whose Beratungsfolge
    names a committee the person sits in on that day."""
    query = select(papers).where(papers.c.body_id == body_id)
    if public_only and member is not None:
        query = query.where(or_(papers.c.public.is_(True), _in_committees_of(*member)))
    elif public_only:
        query = query.where(papers.c.public.is_(True))
    if state:
        query = query.where(papers.c.state == state)
    if reference:
        query = query.where(papers.c.reference.startswith(reference, autoescape=True))
    if committee_id is not None:
        query = query.where(
            exists().where(
                consultations.c.paper_id == papers.c.id,
                consultations.c.committee_id == committee_id,
            )
        )
    return list(
        connection.execute(page(query, SORT_COLUMNS[sort.key], papers.c.id, sort, after, limit))
    )


def _in_committees_of(person_id: int, on: date) -> Any:
    return exists().where(
        consultations.c.paper_id == papers.c.id,
        memberships.c.committee_id == consultations.c.committee_id,
        memberships.c.person_id == person_id,
        or_(memberships.c.valid_from.is_(None), memberships.c.valid_from <= on),
        or_(memberships.c.valid_until.is_(None), memberships.c.valid_until >= on),
    )


def in_committees_of(connection: Connection, paper_id: int, person_id: int, on: date) -> bool:
    """Whether the paper's Beratungsfolge names a committee the person sits in on ``on``."""
    query = select(papers.c.id).where(papers.c.id == paper_id, _in_committees_of(person_id, on))
    return connection.execute(query).first() is not None


def paper(connection: Connection, paper_id: int, body_id: int | None) -> Any:
    """The paper; with ``body_id`` only if it belongs to that body."""
    query = select(papers).where(papers.c.id == paper_id)
    if body_id is not None:
        query = query.where(papers.c.body_id == body_id)
    return connection.execute(query).first()


def paper_by_reference(connection: Connection, reference: str, body_id: int | None) -> Any:
    """References are unique per body; without ``body_id`` the first body's paper."""
    query = select(papers).where(papers.c.reference == reference)
    if body_id is not None:
        query = query.where(papers.c.body_id == body_id)
    return connection.execute(query.order_by(papers.c.id).limit(1)).first()


def newest_papers(connection: Connection, body_id: int, limit: int) -> list[Any]:
    query = select(papers).where(papers.c.body_id == body_id)
    return list(connection.execute(query.order_by(papers.c.id.desc()).limit(limit)))


def reference_holder(connection: Connection, body_id: int, reference: str) -> str | None:
    """The Drucksachennummer, as stored, of the body's paper that has this one in any case
    (the database's lower(), as its unique index compares), or None."""
    query = select(papers.c.reference).where(
        papers.c.body_id == body_id, func.lower(papers.c.reference) == func.lower(reference)
    )
    found = connection.execute(query.limit(1)).scalar()
    return None if found is None else str(found)


def consultations_of(connection: Connection, paper_id: int) -> list[Any]:
    query = (
        select(
            consultations,
            committees.c.name.label("committee_name"),
            committees.c.short_name.label("committee_short_name"),
            committees.c.kind.label("committee_kind"),
            meetings.c.starts_at.label("meeting_starts_at"),
        )
        .join(committees, committees.c.id == consultations.c.committee_id)
        .outerjoin(meetings, meetings.c.id == consultations.c.meeting_id)
        .where(consultations.c.paper_id == paper_id)
        .order_by(consultations.c.position)
    )
    return list(connection.execute(query))


def consultation(connection: Connection, consultation_id: int) -> Any:
    return connection.execute(
        select(consultations).where(consultations.c.id == consultation_id)
    ).first()


def open_consultation(connection: Connection, paper_id: int, committee_id: int) -> Any:
    """The committee's next step in the Beratungsfolge that has no result yet."""
    query = (
        select(consultations)
        .where(
            consultations.c.paper_id == paper_id,
            consultations.c.committee_id == committee_id,
            consultations.c.result.is_(None),
        )
        .order_by(consultations.c.position)
        .limit(1)
    )
    return connection.execute(query).first()


def earlier_open_consultations(connection: Connection, paper_id: int, position: int) -> list[Any]:
    query = (
        select(consultations.c.position, consultations.c.role, committees.c.short_name)
        .join(committees, committees.c.id == consultations.c.committee_id)
        .where(
            consultations.c.paper_id == paper_id,
            consultations.c.position < position,
            consultations.c.result.is_(None),
        )
        .order_by(consultations.c.position)
    )
    return list(connection.execute(query))


def next_position(connection: Connection, paper_id: int) -> int:
    positions = connection.execute(
        select(consultations.c.position).where(consultations.c.paper_id == paper_id)
    ).scalars()
    return max(positions, default=0) + 1


def position_taken(connection: Connection, paper_id: int, position: int) -> bool:
    query = select(consultations.c.id).where(
        consultations.c.paper_id == paper_id, consultations.c.position == position
    )
    return connection.execute(query).first() is not None


def treated_in_closed_session(connection: Connection, paper_id: int, meeting_id: int) -> bool:
    """True when the meeting handles the paper in its non-public part."""
    query = select(agenda_items.c.id).where(
        agenda_items.c.meeting_id == meeting_id,
        agenda_items.c.paper_id == paper_id,
        agenda_items.c.public.is_(False),
    )
    return connection.execute(query).first() is not None


def votes_of(connection: Connection, paper_id: int) -> list[Any]:
    query = (
        select(
            votes,
            committees.c.name.label("committee_name"),
            committees.c.short_name.label("committee_short_name"),
        )
        .join(committees, committees.c.id == votes.c.committee_id)
        .where(votes.c.paper_id == paper_id)
        .order_by(votes.c.held_on, votes.c.id)
    )
    return list(connection.execute(query))


def participants_of(connection: Connection, vote_ids: list[int]) -> list[Any]:
    if not vote_ids:
        return []
    query = (
        select(
            participants.c.vote_id,
            participants.c.status,
            persons.c.id,
            persons.c.title,
            persons.c.given_name,
            persons.c.family_name,
            persons.c.is_staff,
            persons.c.erased_at,
        )
        .join(persons, persons.c.id == participants.c.person_id)
        .where(participants.c.vote_id.in_(vote_ids))
        .order_by(participants.c.vote_id, persons.c.family_name, persons.c.id)
    )
    return list(connection.execute(query))


def measures_of(connection: Connection, paper_id: int) -> list[Any]:
    query = (
        select(
            measures.c.id,
            measures.c.code,
            measures.c.title,
            measures.c.state,
            measures.c.public,
            measures.c.fields,
        )
        .join(paper_measures, paper_measures.c.measure_id == measures.c.id)
        .where(paper_measures.c.paper_id == paper_id)
        .order_by(measures.c.code, measures.c.id)
    )
    return list(connection.execute(query))


def measures_by_id(connection: Connection, body_id: int, measure_ids: list[int]) -> list[Any]:
    """Those of the measures that belong to the body (another body's is no measure here)."""
    query = select(measures.c.id, measures.c.code, measures.c.state).where(
        measures.c.id.in_(measure_ids), measures.c.body_id == body_id
    )
    return list(connection.execute(query))


def carried_ids(connection: Connection, paper_id: int) -> set[int]:
    query = select(paper_measures.c.measure_id).where(paper_measures.c.paper_id == paper_id)
    return set(connection.execute(query).scalars())


def insert_carried(connection: Connection, paper_id: int, measure_ids: list[int]) -> None:
    connection.execute(
        insert(paper_measures), [{"paper_id": paper_id, "measure_id": m} for m in measure_ids]
    )


def carriable_measures(
    connection: Connection, body_id: int, paper_id: int, states: tuple[str, ...], limit: int
) -> list[Any]:
    """The body's measures in one of ``states`` the paper does not carry yet, by code."""
    query = (
        select(
            measures.c.id, measures.c.code, measures.c.title, measures.c.state, measures.c.public
        )
        .where(
            measures.c.body_id == body_id,
            measures.c.state.in_(states),
            ~exists().where(
                paper_measures.c.paper_id == paper_id,
                paper_measures.c.measure_id == measures.c.id,
            ),
        )
        .order_by(measures.c.code, measures.c.id)
        .limit(limit)
    )
    return list(connection.execute(query))


def insert_participants(
    connection: Connection,
    vote_id: int,
    present_ids: tuple[int, ...],
    biased_ids: tuple[int, ...],
) -> None:
    """Who was named at a vote: present (voting) or befangen (present, not voting)."""
    rows = [
        {"vote_id": vote_id, "person_id": p, "status": "anwesend"}
        for p in dict.fromkeys(present_ids)
        if p not in biased_ids
    ]
    rows += [
        {"vote_id": vote_id, "person_id": p, "status": "befangen"}
        for p in dict.fromkeys(biased_ids)
    ]
    if rows:
        connection.execute(insert(participants), rows)


def set_consultation_result(connection: Connection, consultation_id: int, outcome: str) -> bool:
    """False when the step has a result already: another vote on it won the race."""
    query = (
        consultations.update()
        .where(consultations.c.id == consultation_id, consultations.c.result.is_(None))
        .values(result=outcome)
    )
    return connection.execute(query).rowcount == 1


def advance_version(connection: Connection, paper_id: int, version: int, now: datetime) -> bool:
    """A new version of the paper in the same state; False when ``version`` is not current."""
    query = (
        papers.update()
        .where(papers.c.id == paper_id, papers.c.version == version)
        .values(version=version + 1, updated_at=now)
    )
    return connection.execute(query).rowcount == 1


def vote(connection: Connection, vote_id: int) -> Any:
    return connection.execute(select(votes).where(votes.c.id == vote_id)).first()

"""What the Vorlage and Sitzung pages show, read through the council services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Connection

from service.actor import Actor
from service.attachments import service as attachments
from service.auth.service import usernames
from service.committees import service as committees
from service.keyset import Sort
from service.measures import service as measures
from service.papers import service as papers
from service.people.service import display_name
from service.runtime import Runtime
from workflow.calendar import to_local
from workflow.engine import AvailableEvent
from workflow.spec import WorkflowSpec

ROLE_LABELS = {"vorberatung": "Vorberatung", "entscheidung": "Entscheidung"}
ATTENDANCE_LABELS = {"anwesend": "anwesend", "entschuldigt": "entschuldigt", "abwesend": "abwesend"}
LIST_LIMIT = 200
CARRIABLE_STATES = ("ag_pruefung", "entwurf")


@dataclass
class PaperPage:
    paper: Any
    spec: WorkflowSpec
    consultations: list[Any]
    votes: list[Any]
    participants: dict[int, list[tuple[str, str]]]
    measures: list[Any]
    history: list[Any]
    history_users: dict[int | None, str]
    allowed: list[AvailableEvent]
    attachments: list[Any]
    carriable: list[Any]


def committee_choices(connection: Connection) -> list[Any]:
    return committees.page_committees(
        connection, kinds=None, kind=None, sort=Sort("name"), after=None, limit=LIST_LIMIT
    )


def meeting_choices(connection: Connection, since: datetime) -> list[Any]:
    """Meetings a step of the Beratungsfolge can be planned for: from today on."""
    return committees.page_meetings(
        connection,
        kinds=None,
        committee_id=None,
        starts_from=since,
        starts_before=None,
        sort=Sort("starts_at"),
        after=None,
        limit=LIST_LIMIT,
    )


def papers_list(connection: Connection, state: str | None) -> list[Any]:
    return papers.page_papers(
        connection,
        public_only=False,
        state=state,
        reference=None,
        committee_id=None,
        sort=Sort("id", descending=True),
        after=None,
        limit=LIST_LIMIT,
    )


def load_paper(runtime: Runtime, connection: Connection, paper_id: int, actor: Actor) -> PaperPage:
    row = papers.get_paper(connection, paper_id)
    engine = runtime.registry.engine(row.definition_name, row.definition_version)
    vote_rows = papers.votes_of(connection, paper_id)
    participants: dict[int, list[tuple[str, str]]] = {}
    for p in papers.vote_participants(connection, [v.id for v in vote_rows]):
        participants.setdefault(p.vote_id, []).append((display_name(p), p.status))
    history = papers.history(connection, paper_id)
    carried = papers.measures_of(connection, paper_id)
    carriable: list[Any] = []
    if row.state == engine.spec.initial:
        # What a new paper usually carries: measures still before the committees.
        taken = {m.id for m in carried}
        for state in CARRIABLE_STATES:
            carriable += [
                m
                for m in measures.page_measures(
                    connection,
                    public_only=False,
                    state=state,
                    programme_id=None,
                    responsible_person_id=None,
                    after_id=None,
                    limit=LIST_LIMIT,
                )
                if m.id not in taken
            ]
    return PaperPage(
        paper=row,
        spec=engine.spec,
        consultations=papers.consultations_of(connection, paper_id),
        votes=vote_rows,
        participants=participants,
        measures=carried,
        history=history,
        history_users=usernames(connection, {e.actor_user_id for e in history}),
        allowed=papers.allowed_events(runtime, actor, row),
        attachments=attachments.list_of(connection, "paper", paper_id),
        carriable=carriable,
    )


# --- meetings ------------------------------------------------------------------------------


@dataclass
class AttendanceRow:
    person_id: int
    name: str
    status: str | None
    voting: bool


@dataclass
class MeetingPage:
    meeting: Any
    day: date
    agenda: list[Any]
    attendance: list[AttendanceRow]
    recorded: bool
    voting_members: int
    open_votes: dict[int, Any]  # agenda item id -> the paper whose step is open here
    papers: list[Any]


def meetings_list(connection: Connection) -> list[Any]:
    return committees.page_meetings(
        connection,
        kinds=None,
        committee_id=None,
        starts_from=None,
        starts_before=None,
        sort=Sort("starts_at", descending=True),
        after=None,
        limit=LIST_LIMIT,
    )


def load_meeting(runtime: Runtime, connection: Connection, meeting_id: int) -> MeetingPage:
    meeting = committees.get_meeting(connection, meeting_id)
    day = to_local(meeting.starts_at).date()
    entries = committees.attendance_list(connection, meeting)
    people = committees.persons_by_id(connection, [e.person_id for e in entries])
    voting = committees.voting_member_ids(connection, meeting.committee_id, day)
    agenda = committees.agenda(connection, meeting_id, public_only=False)
    open_votes: dict[int, Any] = {}
    for item in agenda:
        if item.paper_id is None or item.consultation_id is None:
            continue
        step = next(
            c
            for c in papers.consultations_of(connection, item.paper_id)
            if c.id == item.consultation_id
        )
        if step.result is None:
            open_votes[item.id] = papers.get_paper(connection, item.paper_id)
    return MeetingPage(
        meeting=meeting,
        day=day,
        agenda=agenda,
        attendance=[
            AttendanceRow(
                e.person_id, display_name(people[e.person_id]), e.status, e.person_id in voting
            )
            for e in entries
        ],
        recorded=any(e.status is not None for e in entries),
        voting_members=len(voting),
        open_votes=open_votes,
        papers=[p for p in papers_list(connection, None) if not _final(runtime, p)],
    )


def _final(runtime: Runtime, item: Any) -> bool:
    spec = runtime.registry.engine(item.definition_name, item.definition_version).spec
    return bool(spec.states[item.state].final)

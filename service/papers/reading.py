"""Reading papers: one view for the API, the staff page and the public page alike.

The view holds what this caller may see, nothing more: the public sees public papers,
public votes, public measures and council members; staff see everything, and a read
that shows them what the public would not see is logged (``paper.read``) before it is
returned: one paper (with what its page offers to choose), or a list that names one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.audit.service import log_read
from service.auth.service import person_names, usernames
from service.committees import meetings
from service.committees import service as committees
from service.keyset import After, Sort
from service.lifecycle import repository as lifecycle_repository
from service.obligations.service import obligations_of_paper
from service.obligations.views import Obligations
from service.papers import left_behind, repository, shown
from service.papers.carrying import carriable_measures
from service.papers.service import (
    allowed_events,
    get_paper,
    in_own_committee,
    is_final,
    page_papers,
    visible_paper,
)
from service.people.service import display_name
from service.runtime import Runtime
from service.statements.tasks import weighings_of_measures
from workflow.engine import AvailableEvent
from workflow.spec import WorkflowSpec


@dataclass(frozen=True)
class Participant:
    person_id: int
    name: str
    status: str


@dataclass(frozen=True)
class VoteView:
    """A vote as this caller may see it: its row (read through, ``v.outcome``), who recorded
    it (a user name, for staff only) and the persons named at it whom the caller may see."""

    row: Any
    recorded_by: str | None
    participants: list[Participant]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.row, name)


@dataclass(frozen=True)
class PaperChoices:
    """What the caller's forms on the paper offer: committees and meetings to plan a step of
    the Beratungsfolge for (``planning``), measures the draft could still carry."""

    planning: bool = False
    committees: list[Any] = field(default_factory=list)
    meetings: list[Any] = field(default_factory=list)
    carriable: list[Any] = field(default_factory=list)
    # The Vorberatungen the paper has left behind, which the caller may drop (``left_behind``).
    droppable: list[int] = field(default_factory=list)

    @property
    def shows_more_than_public(self) -> bool:
        """Sessions of internal working groups and non-public measures are not public."""
        internal = [m for m in self.meetings if not access.committee_is_public(m.committee_kind)]
        return bool(internal) or any(not m.public for m in self.carriable)


@dataclass(frozen=True)
class PaperView:
    paper: Any
    spec: WorkflowSpec
    # The paper's fields without what a vote hidden from the caller wrote into them.
    fields: dict[str, Any] = field(default_factory=dict)
    consultations: list[Any] = field(default_factory=list)
    votes: list[VoteView] = field(default_factory=list)
    measures: list[Any] = field(default_factory=list)
    allowed: list[AvailableEvent] = field(default_factory=list)
    history: list[Any] = field(default_factory=list)
    history_users: dict[int | None, str] = field(default_factory=dict)
    history_names: dict[int | None, str] = field(default_factory=dict)
    choices: PaperChoices = field(default_factory=PaperChoices)
    # Pflichten aus dem Beschluss, and the Abwägungen of the Verwaltungsleitung on carried
    # measures (by measure id): what the committee must know about the statements.
    obligations: Obligations | None = None
    weighings: dict[int, list[Any]] = field(default_factory=dict)

    @property
    def shows_more_than_public(self) -> bool:
        return (
            not self.paper.public
            or any(not v.public for v in self.votes)
            or any(not m.public for m in self.measures)
            or self.choices.shows_more_than_public
        )


def read_paper(
    runtime: Runtime,
    connection: Connection,
    actor: Actor | None,
    paper_id: int,
    *,
    with_details: bool = True,
    with_history: bool = False,
    with_choices: bool = False,
) -> PaperView:
    """The paper as this caller may see it, with the parts asked for (``with_choices``: what
    its page offers this caller to choose); the read is logged when it shows non-public
    content, choices included (one ``paper.read`` event, committed first)."""
    row = visible_paper(runtime, connection, actor, paper_id)
    view = paper_view(runtime, connection, actor, row, with_details, with_history)
    if with_choices:
        view = replace(view, choices=paper_choices(runtime, connection, actor, row))
    if view.shows_more_than_public:
        persons = [p.person_id for v in view.votes for p in v.participants]
        log_read(runtime, actor, "paper", paper_id, persons=persons)
    return view


def paper_view(
    runtime: Runtime,
    connection: Connection,
    actor: Actor | None,
    row: Any,
    with_details: bool = True,
    with_history: bool = False,
) -> PaperView:
    """What ``read_paper`` returns, unlogged: for the answer to a write of this caller."""
    spec = runtime.registry.engine(row.definition_name, row.definition_version).spec
    # A council member of the paper's committees reads it whole, its carried measures too.
    member = in_own_committee(runtime, connection, actor, row)
    hidden = shown.hidden_votes(connection, actor, [row.id], member)
    fields = shown.shown_fields(row.fields, bool(hidden))
    history = _history(runtime, connection, actor, row, hidden, with_history)
    if not with_details:
        # The votes it shows decide whether the read of the history is logged.
        seen = [VoteView(v, None, []) for v in _seen_votes(connection, actor, row.id, member)]
        return PaperView(row, spec, fields, votes=seen, **history)
    carried = repository.measures_of(connection, row.id)
    shown_measures = [
        m for m in carried if m.public or member or access.holds(actor, "measure.read_internal")
    ]
    return PaperView(
        paper=row,
        spec=spec,
        fields=fields,
        consultations=shown.shown_consultations(
            repository.consultations_of(connection, row.id), actor, hidden
        ),
        votes=votes_of(connection, actor, row, member),
        measures=shown_measures,
        allowed=allowed_events(runtime, connection, actor, row),
        obligations=obligations_of_paper(runtime, connection, actor, row.id),
        weighings=weighings_of_measures(connection, [m.id for m in shown_measures]),
        **history,
    )


def paper_choices(
    runtime: Runtime, connection: Connection, actor: Actor | None, row: Any
) -> PaperChoices:
    """The choices of the forms this caller may use on the paper (none for the others); the
    Sitzungsdienst, who plans the Beratungsfolge, may drop a Vorberatung left behind."""
    planning = access.holds(actor, "paper.plan_consultations") and not is_final(runtime, row)
    carrying = access.holds(actor, "paper.carry_measures")
    spec = runtime.registry.engine(row.definition_name, row.definition_version).spec
    steps = repository.consultations_of(connection, row.id) if planning else []
    return PaperChoices(
        planning=planning,
        committees=committees.committee_choices(runtime, connection) if planning else [],
        meetings=_upcoming_meetings(runtime, connection, actor) if planning else [],
        carriable=carriable_measures(runtime, connection, row) if carrying else [],
        droppable=[s.id for s in steps if left_behind.is_left_behind(spec, row, s)],
    )


def _upcoming_meetings(runtime: Runtime, connection: Connection, actor: Actor | None) -> list[Any]:
    """Meetings a step of the Beratungsfolge can be planned for: from today on."""
    return meetings.page_meetings(
        runtime,
        connection,
        actor,
        committee_id=None,
        starts_from=runtime.now(),
        starts_before=None,
        sort=Sort("starts_at"),
        after=None,
        limit=committees.CHOICES_LIMIT,
    )


def _history(
    runtime: Runtime,
    connection: Connection,
    actor: Actor | None,
    row: Any,
    hidden: shown.HiddenVotes,
    wanted: bool,
) -> dict[str, Any]:
    if not wanted:
        return {}
    entries = shown.shown_steps(
        lifecycle_repository.history_of(connection, "paper", row.id),
        actor,
        hidden,
        shown.vote_events(runtime, row),
    )
    users = {e.actor_user_id for e in entries} - {None}
    if not users:
        return {"history": entries}
    # The API names a login (``actor``), the page the person.
    return {
        "history": entries,
        "history_users": usernames(connection, users, row.body_id),
        "history_names": person_names(connection, users, row.body_id),
    }


def _seen_votes(
    connection: Connection, actor: Actor | None, paper_id: int, member: bool
) -> list[Any]:
    return [
        v
        for v in repository.votes_of(connection, paper_id)
        if access.may_see_vote(actor, v, member)
    ]


def votes_of(
    connection: Connection, actor: Actor | None, paper: Any, member: bool = False
) -> list[VoteView]:
    """The votes of ``paper`` (its row) this caller may see (``member``: a council member of
    the paper's committees, who sees those of non-public sessions too), with the persons
    named at each they may see."""
    paper_id = paper.id
    rows = _seen_votes(connection, actor, paper_id, member)
    staff = access.holds(actor, "paper.read_internal")
    people = repository.participants_of(connection, [v.id for v in rows])
    public_people = committees.in_public_committee(connection, [p.id for p in people])
    named: dict[int, list[Participant]] = {}
    for p in people:
        if staff or access.person_is_public(p, p.id in public_people):
            named.setdefault(p.vote_id, []).append(Participant(p.id, display_name(p), p.status))
    recorders = {v.recorded_by for v in rows}
    names = usernames(connection, recorders, paper.body_id) if staff else {}
    return [VoteView(v, names.get(v.recorded_by), named.get(v.id, [])) for v in rows]


def written_votes(
    runtime: Runtime, connection: Connection, actor: Actor, paper_id: int
) -> list[VoteView]:
    """The paper's votes as the caller who just recorded or corrected one sees them, in the
    write's transaction."""
    return votes_of(
        connection, actor, get_paper(connection, paper_id, runtime.body_id_in(connection))
    )


def read_papers(
    runtime: Runtime,
    connection: Connection,
    actor: Actor | None,
    *,
    state: str | None,
    reference: str | None,
    committee_id: int | None,
    sort: Sort,
    after: After | None,
    limit: int,
) -> list[Any]:
    """A page of the papers this caller may see, with one row more than shown when another
    page follows. A page that names a non-public paper is logged (``paper.read``, no single
    paper) before it is returned; one of public papers only is not, whoever reads it."""
    rows = page_papers(
        runtime,
        connection,
        actor,
        state=state,
        reference=reference,
        committee_id=committee_id,
        sort=sort,
        after=after,
        limit=limit + 1,
    )
    if any(not r.public for r in rows[:limit]):
        log_read(runtime, actor, "paper", None)
    return rows


def newest_papers(
    runtime: Runtime,
    connection: Connection,
    actor: Actor | None,
    *,
    state: str | None = None,
    limit: int = 200,
) -> list[Any]:
    """The newest papers this caller may see, for a page that lists them all (logged as
    ``read_papers`` logs)."""
    rows = read_papers(
        runtime,
        connection,
        actor,
        state=state,
        reference=None,
        committee_id=None,
        sort=Sort("id", descending=True),
        after=None,
        limit=limit,
    )
    return rows[:limit]

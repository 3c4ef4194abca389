"""What a caller sees of the votes behind a paper's or a measure's history and fields.

A vote of a non-public session is shown to staff and to council members of the paper's
committees only (``access.may_see_vote``). Its outcome, Beschlussnummer, Beschlusstext and
comment also sit in the history the vote left (the paper's step, the steps it carried to
the measures, a correction), in the items' fields and in the consultation's result: here
they are taken out for everyone else, so that no door shows them.

A history entry a vote wrote names it (``vote_id``): the paper's step, the steps it carried
to the measures, a correction of it; a caller who may not see the vote does not learn its id
either. Entries written before they named their vote are
matched as they were then: a step decided by vote written in the vote's transaction (the
vote's ``recorded_at``, dated on its session's day), or the correction entry whose label
names the vote's day. Free-text comments and who acted are for callers who may see staff
names (``access.may_see_names``), as on the public pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.papers import repository
from service.papers.corrections import EVENT as CORRECTION
from service.papers.corrections import correction_label
from service.runtime import Runtime
from workflow.calendar import to_local

# The fields a recorded vote writes into the paper and the measures it carries.
VOTE_FIELDS = frozenset({"abstimmungsergebnis", "beschlussnummer"})


@dataclass(frozen=True)
class Step:
    """A history entry as this caller may see it; the rest is read through from the row."""

    row: Any
    comment: str | None
    data: dict[str, Any]
    actor_user_id: int | None
    # The vote the step followed from, unless the caller may not see it.
    vote_id: int | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.row, name)


@dataclass(frozen=True)
class ShownConsultation:
    """A step of the Beratungsfolge, without the result of a vote the caller may not see."""

    row: Any
    result: str | None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.row, name)


@dataclass(frozen=True)
class HiddenVotes:
    """The votes on some papers that the caller may not see."""

    rows: list[Any]

    def __bool__(self) -> bool:
        return bool(self.rows)

    def of_paper(self, paper_id: int) -> bool:
        return any(v.paper_id == paper_id for v in self.rows)

    def of_consultation(self, consultation_id: int) -> bool:
        return any(v.consultation_id == consultation_id for v in self.rows)

    def left(self, entry: Any, vote_events: frozenset[str]) -> bool:
        """Whether the history entry was left by one of these votes."""
        if entry.vote_id is not None:
            return any(v.id == entry.vote_id for v in self.rows)
        if entry.event == CORRECTION:
            return any(entry.label == correction_label(v) for v in self.rows)
        if entry.event not in vote_events:
            return False
        day = to_local(entry.at).date()
        # Entries written before they named their vote; those older than ``recorded_at``
        # are matched by their day alone.
        return any(
            v.held_on == day and entry.recorded_at in (None, v.recorded_at) for v in self.rows
        )


def hidden_votes(
    connection: Connection, actor: Actor | None, paper_ids: Iterable[int], member: bool = False
) -> HiddenVotes:
    """The votes on the papers ``actor`` may not see (``member``: as for ``votes_of``)."""
    return HiddenVotes(
        [
            v
            for paper_id in paper_ids
            for v in repository.votes_of(connection, paper_id)
            if not access.may_see_vote(actor, v, member)
        ]
    )


def vote_events(runtime: Runtime, row: Any) -> frozenset[str]:
    """The events only a vote fires on the item: its version's and the newest's (older
    versions did not declare them, ``Lifecycle.decided_by_vote``)."""
    specs = (
        runtime.registry.engine(row.definition_name, row.definition_version).spec,
        runtime.registry.latest(row.definition_name).spec,
    )
    return frozenset(t.event for spec in specs for t in spec.transitions if t.by_vote)


def shown_steps(
    entries: Iterable[Any],
    actor: Actor | None,
    hidden: HiddenVotes,
    vote_events: frozenset[str],
) -> list[Step]:
    names = access.may_see_names(actor)
    steps = []
    for e in entries:
        secret = bool(hidden) and hidden.left(e, vote_events)
        steps.append(
            Step(
                e,
                comment=e.comment if names and not secret else None,
                data={} if secret else dict(e.data or {}),
                actor_user_id=e.actor_user_id if names else None,
                vote_id=None if secret else e.vote_id,
            )
        )
    return steps


def shown_fields(fields: Mapping[str, Any] | None, hidden: bool) -> dict[str, Any]:
    """An item's fields, without what a vote hidden from the caller wrote into them."""
    return {k: v for k, v in (fields or {}).items() if not (hidden and k in VOTE_FIELDS)}


def shown_consultations(
    consultations: Iterable[Any], actor: Actor | None, hidden: HiddenVotes
) -> list[ShownConsultation]:
    """The steps in committees whose meetings the caller may see, each with its result if
    the caller may see the vote behind it."""
    return [
        ShownConsultation(c, None if hidden.of_consultation(c.id) else c.result)
        for c in consultations
        if access.may_see_meeting(actor, c.committee_kind)
    ]

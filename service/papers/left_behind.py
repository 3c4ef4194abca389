"""A Vorberatung left behind: still open while its paper is already in the Entscheidung.

Before several Vorberatungen voted in their order (``advice``), the first one's vote sent
the paper on to the Entscheidung while a second one was still open, and a Vorberatung could
be planned for a paper past its own. Such a step can no longer move the paper, and while it
is open the Entscheidung cannot vote (a vote waits for every open step before it): the
paper was stuck until referred back. The Sitzungsdienst has two ways out, both within the
rules, and then the Entscheidung votes:

- the committee's vote is recorded all the same. A Vorberatung recommends: its vote records
  the recommendation as a step of the paper, which keeps its state, like a Vorberatung that
  another one follows (``advice``);
- the step is dropped („entfallen“), with a reason: audited, in the paper's history with
  the reason as its comment, the paper in a new version.

A Vorberatung the paper can still reach is not dropped: it votes, or the paper is referred
back and planned anew (``rounds``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from service import access, texts
from service.actor import Actor
from service.errors import Conflict, NotFound
from service.lifecycle import repository as lifecycle_repository
from service.papers import repository
from service.papers.rounds import DROPPED
from service.papers.service import visible_paper
from service.records import update_audited
from service.runtime import Runtime
from service.texts import TextRule
from workflow.engine import Subject
from workflow.errors import StaleVersion
from workflow.spec import WorkflowSpec

# What a dropped step names as having closed it (``closed_by``), and its history entry.
EVENT, LABEL = "vorberatung_entfallen", "Vorberatung entfallen"
DROP_TEXTS = {
    "reason": TextRule(
        "Begründung",
        texts.COMMENT_LIMIT,
        multiline=True,
        required="Bitte angeben, warum die Vorberatung entfällt (etwa: der Ausschuss hat vor "
        "der Entscheidung nicht mehr getagt).",
    )
}


def past_vorberatung(spec: WorkflowSpec, state: str) -> bool:
    """Whether every step a vote can take from ``state`` decides the paper: a Vorberatung's
    vote, which only recommends, has no step left there."""
    targets = [t.target_from(state) for t in spec.events_from(state) if t.by_vote]
    return bool(targets) and all(spec.states[t].final for t in targets)


def is_left_behind(spec: WorkflowSpec, paper: Any, step: Any) -> bool:
    """Whether the step is an open Vorberatung of a paper already past its Vorberatung."""
    return (
        step.role == "vorberatung" and step.result is None and past_vorberatung(spec, paper.state)
    )


def recommendation(runtime: Runtime, paper: Any, outcome: str, now: datetime) -> tuple[str, str]:
    """The event a late Vorberatung's vote records, and the state it is an event of: what a
    vote with this outcome fires in the state a vote took the paper from into its present
    one (the Vorberatung's own, ``empfehlen`` or ``nicht_empfehlen``)."""
    engine = runtime.registry.engine(paper.definition_name, paper.definition_version)
    fields = dict(paper.fields or {})
    sources = [
        source
        for t in engine.spec.transitions
        if t.by_vote
        for source in t.sources
        if source != paper.state and t.target_from(source) == paper.state
    ]
    for source in dict.fromkeys(sources):
        event = engine.decision_event(
            Subject(source, fields), {"abstimmungsergebnis": outcome}, now
        )
        if event is not None:
            return event, source
    raise Conflict(
        "beratungsschritt-passt-nicht",
        "Abstimmung passt nicht zum Beratungsschritt",
        f"Für die Vorlage {paper.reference} gibt es im Ablauf keine Empfehlung, die diese "
        "Vorberatung noch festhalten könnte; sie kann mit Begründung entfallen.",
    )


@dataclass(frozen=True)
class Dropped:
    """The dropped step and the paper, in its state, in its new version."""

    consultation_id: int
    paper_id: int
    state: str
    version: int


def drop_vorberatung(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    paper_id: int,
    consultation_id: int,
    *,
    reason: str,
    version: int | None = None,
) -> Dropped:
    """Drops a Vorberatung the paper has left behind, with the reason, so that the
    Entscheidung can vote: the step's result „entfallen“, audited with the reason; an entry
    in the paper's history; a new version of the paper (``version``: the one the caller
    saw, refused when no longer current)."""
    access.require(actor, "paper.plan_consultations")
    paper = visible_paper(runtime, connection, actor, paper_id)
    texts.check("beratungsschritt", DROP_TEXTS, {"reason": reason})
    reason = reason.strip()
    step = next(
        (s for s in repository.consultations_of(connection, paper.id) if s.id == consultation_id),
        None,
    )
    if step is None:
        raise NotFound("Beratungsschritt", consultation_id)
    spec = runtime.registry.engine(paper.definition_name, paper.definition_version).spec
    _check_left_behind(spec, paper, step)
    if version is not None and paper.version != version:
        raise StaleVersion("paper", paper.id, version)
    now = runtime.now()
    # The database decides a race with another step of the paper, as a vote's does.
    if not repository.advance_version(connection, paper.id, paper.version, now):
        raise StaleVersion("paper", paper.id, paper.version)
    closed = update_audited(
        connection,
        runtime.chain_key,
        repository.consultations,
        step.id,
        {"result": DROPPED, "closed_by": EVENT},
        actor=actor,
        now=now,
        entity_type="consultation",
        before=step,
        condition=repository.consultations.c.result.is_(None),
        action="consultation.drop",
        comment=reason,
        context={"paper_id": paper.id, "version": paper.version + 1},
    )
    if not closed:
        raise _already_closed(paper, step)
    lifecycle_repository.insert_history(
        connection,
        entity_type="paper",
        entity_id=paper.id,
        at=now,
        recorded_at=now,
        event=EVENT,
        label=f"{LABEL} ({step.committee_short_name}, Schritt {step.position})",
        from_state=paper.state,
        to_state=paper.state,
        actor_user_id=actor.user_id,
        actor_role=min(actor.roles & access.PERMISSIONS["paper.plan_consultations"]),
        comment=reason,
        data={},
    )
    return Dropped(step.id, paper.id, paper.state, paper.version + 1)


def _check_left_behind(spec: WorkflowSpec, paper: Any, step: Any) -> None:
    where = f"Schritt {step.position} der Beratungsfolge ({step.committee_short_name})"
    if step.result is not None:
        raise _already_closed(paper, step)
    if step.role != "vorberatung":
        raise Conflict(
            "nur-vorberatung-entfaellt",
            "Nur eine Vorberatung kann entfallen",
            f"{where} der Vorlage {paper.reference} ist keine Vorberatung; entfallen kann nur "
            "eine Vorberatung, die die Vorlage schon hinter sich gelassen hat.",
        )
    if not past_vorberatung(spec, paper.state):
        raise Conflict(
            "vorberatung-steht-aus",
            "Vorberatung steht noch aus",
            f"Die Vorlage {paper.reference} steht in „{spec.state_label(paper.state)}“; ihre "
            f"Vorberatung ({where}) wird abgestimmt. Soll sie nicht stattfinden, wird die "
            "Vorlage zurückverwiesen und ihre Beratungsfolge neu geplant.",
        )


def _already_closed(paper: Any, step: Any) -> Conflict:
    return Conflict(
        "beratung-abgeschlossen",
        "Beratung bereits abgeschlossen",
        f"Zu Schritt {step.position} der Beratungsfolge der Vorlage {paper.reference} ist "
        "schon ein Ergebnis erfasst.",
    )

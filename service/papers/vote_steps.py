"""Which step of the Beratungsfolge a vote belongs to, and what it may fire there.

A vote belongs to an open step of its committee, in the order of the Beratungsfolge, in the
meeting the step is assigned to and on that meeting's day; its outcome fires the paper event
the step's role allows: a Vorberatung recommends, only the Entscheidung decides. Of several
Vorberatungen, the last one moves the paper on to the Entscheidung; each one before it only
records its recommendation (``advice``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Connection

from service.committees import meetings
from service.committees import service as committees
from service.errors import Conflict, NotFound
from service.papers import left_behind, repository
from service.runtime import Runtime
from workflow.calendar import to_local
from workflow.engine import Subject
from workflow.errors import EventOption, NotAllowed
from workflow.spec import WorkflowSpec
from workflow.votes import InvalidVote


def vote_target(
    connection: Connection,
    spec: WorkflowSpec,
    paper: Any,
    consultation_id: int | None,
    committee_slug: str | None,
) -> tuple[Any, Any]:
    """The committee that voted and its open step of the Beratungsfolge."""
    if consultation_id is not None:
        consultation = repository.consultation(connection, consultation_id)
        if consultation is None or consultation.paper_id != paper.id:
            raise InvalidVote(
                "consultation_id",
                f"Die Vorlage {paper.reference} hat keinen Beratungsschritt {consultation_id}.",
            )
        if consultation.result is not None:
            raise Conflict(
                "beratung-abgeschlossen",
                "Beratung bereits abgeschlossen",
                f"Zu diesem Beratungsschritt der Vorlage {paper.reference} ist schon ein "
                f"Ergebnis erfasst ({consultation.result}).",
            )
        committee = committees.get_committee_or_none(
            connection, paper.body_id, consultation.committee_id
        )
    else:
        committee = committees.committee_by_slug(connection, paper.body_id, committee_slug or "")
        if committee is None:
            raise NotFound("Gremium", committee_slug)
        consultation = repository.open_consultation(connection, paper.id, committee.id)
        if consultation is None:
            # Without a step there is no role to say whether the vote advises or decides.
            raise Conflict(
                "kein-beratungsschritt",
                "Kein offener Beratungsschritt",
                f"Der {committee.short_name} hat in der Beratungsfolge der Vorlage "
                f"{paper.reference} keinen offenen Schritt; eine Abstimmung gehört zu einem "
                "geplanten Beratungsschritt.",
            )
    earlier = repository.earlier_open_consultations(connection, paper.id, consultation.position)
    if earlier:
        first = earlier[0]
        # A Vorberatung left behind under the old rule: say how the Sitzungsdienst gets on.
        way_out = (
            f" Die Vorlage steht schon in „{spec.state_label(paper.state)}“: Die Abstimmung "
            "dieser Vorberatung lässt sich nachtragen, oder der Sitzungsdienst lässt sie mit "
            "Begründung entfallen."
            if first.role == "vorberatung" and left_behind.past_vorberatung(spec, paper.state)
            else ""
        )
        raise Conflict(
            "beratungsfolge-nicht-eingehalten",
            "Beratungsfolge nicht eingehalten",
            f"Die Vorlage {paper.reference} muss zuerst im {first.short_name} "
            f"(Schritt {first.position} der Beratungsfolge) beraten werden.{way_out}",
        )
    return committee, consultation


def check_meeting(
    connection: Connection, paper: Any, committee: Any, step: Any, held_on: date
) -> None:
    """A step assigned to a meeting is voted in that meeting, on its day: the decision
    carries its session's date, and a session called off decides nothing."""
    if step.meeting_id is None:
        return
    meeting = meetings.get_meeting(connection, paper.body_id, step.meeting_id)
    refuse_if_cancelled(meeting)
    day = to_local(meeting.starts_at).date()
    if held_on != day:
        raise InvalidVote(
            "held_on",
            f"Dieser Beratungsschritt gehört zur Sitzung des {committee.short_name} am "
            f"{day:%d.%m.%Y}; die Abstimmung trägt deren Datum, nicht den {held_on:%d.%m.%Y}.",
        )


def refuse_if_cancelled(meeting: Any) -> None:
    if meeting.cancelled_at is not None:
        raise Conflict(
            "sitzung-abgesagt",
            "Sitzung abgesagt",
            f"Die Sitzung am {to_local(meeting.starts_at):%d.%m.%Y} ist abgesagt; in ihr wird "
            "nicht abgestimmt. Die Vorlage kommt auf die Tagesordnung einer anderen Sitzung.",
        )


def event_for_step(
    runtime: Runtime, paper: Any, committee: Any, step: Any, outcome: str, now: datetime
) -> str:
    """The paper event the vote leads to, if it fits the role of its step.

    The paper's state alone would let the first committee to vote recommend and the second
    decide, whichever advises; a Vorberatung recommends (its event leads on to a further
    step), only the Entscheidung decides (its event ends the paper's way).
    """
    event = event_for_outcome(runtime, paper, outcome, now)
    spec = runtime.registry.engine(paper.definition_name, paper.definition_version).spec
    transition = spec.transition(paper.state, event)
    target = transition.target_from(paper.state) if transition is not None else paper.state
    decides = spec.states[target].final
    state = spec.state_label(paper.state)
    where = f"Schritt {step.position} der Beratungsfolge"
    if step.role == "entscheidung" and not decides:
        raise Conflict(
            "beratungsschritt-passt-nicht",
            "Abstimmung passt nicht zum Beratungsschritt",
            f"Der {committee.short_name} entscheidet über die Vorlage {paper.reference} "
            f"({where}), aber sie steht noch in „{state}“: Entschieden wird erst nach der "
            "Vorberatung.",
        )
    if step.role == "vorberatung" and decides:
        raise Conflict(
            "beratungsschritt-passt-nicht",
            "Abstimmung passt nicht zum Beratungsschritt",
            f"Der {committee.short_name} berät die Vorlage {paper.reference} nur vor ({where}); "
            f"sie steht schon in „{state}“, und entscheiden kann eine Vorberatung nicht.",
        )
    if step.role not in ("vorberatung", "entscheidung"):
        raise Conflict(
            "beratungsschritt-passt-nicht",
            "Abstimmung passt nicht zum Beratungsschritt",
            f"Der {committee.short_name} nimmt die Vorlage {paper.reference} nur zur Kenntnis "
            f"({where}); darüber wird nicht abgestimmt.",
        )
    return event


def advice_follows(connection: Connection, paper_id: int, step: Any) -> bool:
    """Whether another Vorberatung follows this one in the Beratungsfolge: then the paper
    stays in its Vorberatung, and the step's vote only recommends (``advice``)."""
    if step.role != "vorberatung":
        return False
    return any(
        s.role == "vorberatung" and s.result is None and s.position > step.position
        for s in repository.consultations_of(connection, paper_id)
    )


def event_for_outcome(runtime: Runtime, paper: Any, outcome: str, now: datetime) -> str:
    engine = runtime.registry.engine(paper.definition_name, paper.definition_version)
    subject = Subject(paper.state, dict(paper.fields or {}))
    event = engine.decision_event(subject, {"abstimmungsergebnis": outcome}, now)
    if event is None:
        options = [EventOption(t.event, t.label) for t in engine.spec.events_from(paper.state)]
        raise NotAllowed(
            "abstimmen",
            paper.state,
            options,
            event_label="Abstimmung",
            state_label=engine.spec.state_label(paper.state),
        )
    return event

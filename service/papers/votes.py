"""Votes (Abstimmungen): the only way a committee's decision moves a paper and its measures.

The paper events a vote decides are declared ``by_vote`` in the definition; they are fired
here, with ``by_vote=True``, after the quorum and the Beratungsfolge were checked, and the
cascade carries them to every measure the paper carries, or to none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy.engine import Connection

from service import access, texts
from service.actor import Actor
from service.baseline import service as baseline
from service.committees import attendance, meetings
from service.committees import service as committees
from service.errors import Conflict, NotQuorate
from service.lifecycle.service import Transitioned
from service.papers import advice, left_behind, repository, vote_steps
from service.papers.service import visible_paper
from service.records import insert_audited
from service.runtime import Runtime
from service.texts import TextRule
from workflow.calendar import local_day_at, to_local
from workflow.votes import InvalidVote, VoteInput, VoteResult, evaluate

VOTE_TEXTS = {
    "resolution_number": TextRule("Beschlussnummer", 50),
    "comment": TextRule("Kommentar", texts.COMMENT_LIMIT, multiline=True),
    "decision_text": TextRule("Beschlusstext", texts.COMMENT_LIMIT, multiline=True),
}
# A session without a meeting on record is taken to have decided at noon of its day.
SESSION_TIME = time(12, 0)


@dataclass(frozen=True)
class VoteRequest:
    """A vote as recorded; the committee is named by slug or by the consultation."""

    committee_slug: str | None
    held_on: date
    present: int | None = None
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    unanimous: bool = False
    biased_person_ids: tuple[int, ...] = ()
    present_person_ids: tuple[int, ...] = ()
    resolution_number: str | None = None
    comment: str | None = None
    version: int | None = None
    consultation_id: int | None = None
    decision_text: str | None = None


@dataclass(frozen=True)
class VoteRecorded:
    vote_id: int
    result: VoteResult
    transition: Transitioned


def record_vote(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    paper_id: int,
    request: VoteRequest,
    request_id: str | None = None,
) -> VoteRecorded:
    """Records the vote and fires the paper event its outcome leads to, carried to measures.

    Which event that is comes from the definition: of the events a vote decides that are
    possible now, the one whose conditions accept this outcome. The vote belongs to the
    committee's next open step of the Beratungsfolge; a step further down cannot vote while
    an earlier one has not (the Stadtrat decides after the FVA advised). A Vorberatung that
    another follows recommends without moving the paper (``advice``), as does one the paper
    left behind under the old rule (``left_behind``).
    """
    access.require(actor, "vote.record")
    paper = visible_paper(runtime, connection, actor, paper_id)
    texts.check(
        "abstimmung",
        VOTE_TEXTS,
        {
            "resolution_number": request.resolution_number,
            "comment": request.comment,
            "decision_text": request.decision_text,
        },
    )
    now = runtime.now()
    today = to_local(now).date()
    if request.held_on > today:
        raise InvalidVote(
            "held_on",
            f"Die Sitzung am {request.held_on:%d.%m.%Y} hat noch nicht stattgefunden; eine "
            f"Abstimmung lässt sich erst nach der Sitzung erfassen (heute ist der "
            f"{today:%d.%m.%Y}).",
        )
    spec = runtime.registry.engine(paper.definition_name, paper.definition_version).spec
    committee, consultation = vote_steps.vote_target(
        connection, spec, paper, request.consultation_id, request.committee_slug
    )
    vote_steps.check_meeting(connection, paper, committee, consultation, request.held_on)
    members = committees.voting_members(connection, committee.id, request.held_on)
    _check_persons(connection, committee, request)
    present = request.present if request.present is not None else len(request.present_person_ids)
    unanimous_without_attendance = request.unanimous and present == 0
    result = evaluate(
        VoteInput(
            voting_members=members,
            # Without attendance the chair's statement carries the quorum, and the explanation
            # must not claim a headcount nobody took; only the befangene were seen present.
            present=len(request.biased_person_ids) if unanimous_without_attendance else present,
            yes=request.yes,
            no=request.no,
            abstain=request.abstain,
            biased=len(request.biased_person_ids),
            unanimous=request.unanimous,
            quorum_stated=unanimous_without_attendance,
        ),
        committees.vote_rules(committee),
    )
    if not result.quorate:
        raise NotQuorate(result.explanation, members, present, result.required_present)
    consultation_id = consultation.id
    meeting_id = consultation.meeting_id
    decided_at = _session_moment(connection, paper.body_id, meeting_id, request.held_on, now)
    # A Vorberatung the paper left behind under the old rule still recommends, late.
    late = left_behind.is_left_behind(spec, paper, consultation)
    if late:
        event, source = left_behind.recommendation(runtime, paper, result.outcome, decided_at)
    else:
        source = None
        event = vote_steps.event_for_step(
            runtime, paper, committee, consultation, result.outcome, decided_at
        )
    public = bool(paper.public) and not (
        meeting_id is not None
        and repository.treated_in_closed_session(connection, paper_id, meeting_id)
    )
    values = {
        "paper_id": paper_id,
        "consultation_id": consultation_id,
        "committee_id": committee.id,
        "meeting_id": meeting_id,
        "held_on": request.held_on,
        "voting_members": members,
        "present": present or None,
        "yes": request.yes,
        "no": request.no,
        "abstain": request.abstain,
        "biased": len(request.biased_person_ids),
        "unanimous": request.unanimous,
        "quorum_stated": unanimous_without_attendance,
        "outcome": result.outcome,
        "explanation": result.explanation,
        "resolution_number": request.resolution_number,
        "decision_text": request.decision_text,
        "public": public,
        "recorded_at": now,
        "recorded_by": actor.user_id,
    }
    vote_id = insert_audited(
        connection,
        runtime.chain_key,
        repository.votes,
        values,
        actor=actor,
        now=now,
        entity_type="vote",
        persons=[*request.biased_person_ids, *request.present_person_ids],
        audited_values={k: v for k, v in values.items() if k not in ("explanation",)},
    )
    repository.insert_participants(
        connection, vote_id, request.present_person_ids, request.biased_person_ids
    )
    if not repository.set_consultation_result(connection, consultation_id, result.outcome):
        raise Conflict(
            "beratung-abgeschlossen",
            "Beratung bereits abgeschlossen",
            f"Zu diesem Beratungsschritt der Vorlage {paper.reference} hat eben jemand anderes "
            "ein Ergebnis erfasst.",
        )
    data: dict[str, Any] = {"abstimmungsergebnis": result.outcome}
    if request.resolution_number:
        data["beschlussnummer"] = request.resolution_number
    note = {NOTE_TEXT: request.decision_text} if request.decision_text else None
    if late or vote_steps.advice_follows(connection, paper_id, consultation):
        transition = advice.record_advice(
            runtime,
            connection,
            actor,
            paper,
            event,
            vote_id=vote_id,
            data=data,
            comment=request.comment,
            note=note,
            at=decided_at,
            expected_version=request.version,
            request_id=request_id,
            source=source,
        )
    else:
        transition = runtime.lifecycle.fire(
            connection,
            "paper",
            paper_id,
            event,
            actor=actor,
            now=now,
            expected_version=request.version,
            data=data,
            comment=request.comment,
            request_id=request_id,
            by_vote=True,
            at=decided_at,
            note=note,
            vote_id=vote_id,
        )
    baseline.on_decision(
        runtime,
        connection,
        actor,
        paper,
        paper_target=transition.result.target,
        carried={c.entity_id: c.result.event for c in transition.carried},
        decided_on=request.held_on,
        resolution_number=request.resolution_number,
    )
    return VoteRecorded(vote_id, result, transition)


# The key under which a history entry shows the Beschlusstext.
NOTE_TEXT = "beschlusstext"


def _session_moment(
    connection: Connection, body_id: int, meeting_id: int | None, held_on: date, now: datetime
) -> datetime:
    """When the decision took effect: the meeting's start if it met that day, else noon of
    the session day; never later than now (a vote typed in during its session)."""
    moment = local_day_at(held_on, SESSION_TIME)
    if meeting_id is not None:
        starts_at = meetings.get_meeting(connection, body_id, meeting_id).starts_at
        if to_local(starts_at).date() == held_on:
            moment = starts_at
    return min(moment, now)


def _check_persons(connection: Connection, committee: Any, request: VoteRequest) -> None:
    present = set(request.present_person_ids)
    biased = set(request.biased_person_ids)
    if present and not biased <= present:
        raise InvalidVote(
            "biased_person_ids",
            "Befangene Mitglieder sind anwesend; bitte sie auch unter den Anwesenden nennen.",
        )
    if request.present is not None and present and request.present != len(present):
        raise InvalidVote(
            "present",
            f"Es sind {request.present} Anwesende angegeben, aber {len(present)} namentlich "
            "genannt.",
        )
    members = committees.voting_member_ids(connection, committee.id, request.held_on)
    strangers = sorted((present | biased) - members)
    if strangers:
        names = ", ".join(str(p) for p in strangers)
        raise InvalidVote(
            "present_person_ids" if set(strangers) & present else "biased_person_ids",
            f"Diese Personen gehören am {request.held_on:%d.%m.%Y} nicht mit Stimmrecht "
            f"zum Gremium {committee.short_name}: {names}.",
        )


# --- a vote taken in a meeting, on an item of its agenda -----------------------------------


@dataclass(frozen=True)
class AgendaVote:
    """What the Sitzungsdienst types under an agenda item; the rest comes from the meeting."""

    yes: int | None
    no: int | None
    abstain: int | None
    unanimous: bool
    present: int | None
    biased_person_ids: tuple[int, ...]
    resolution_number: str | None
    comment: str | None
    version: int | None
    decision_text: str | None = None


def record_agenda_vote(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    meeting_id: int,
    agenda_item_id: int,
    vote: AgendaVote,
) -> VoteRecorded:
    """The vote on the paper an agenda item treats, on the meeting's day.

    Once the attendance is recorded it names who was present; before that the number of
    voting members present is asked, except for a unanimous vote (the quorum is stated).
    """
    access.require(actor, "vote.record")
    meeting = meetings.get_meeting(connection, runtime.body_id_in(connection), meeting_id)
    vote_steps.refuse_if_cancelled(meeting)
    items = meetings.agenda(connection, meeting_id, public_only=False)
    item = next((i for i in items if i.id == agenda_item_id), None)
    if item is None or item.consultation_id is None or item.consultation_result is not None:
        raise Conflict(
            "abstimmung-nicht-offen",
            "Keine Abstimmung offen",
            "Zu diesem Tagesordnungspunkt ist keine Abstimmung offen; vielleicht hat sie "
            "jemand anderes schon erfasst.",
        )
    sheet = attendance.attendance_sheet(connection, meeting)
    if not sheet.recorded and vote.present is None and not vote.unanimous:
        raise InvalidVote(
            "present",
            "Bitte die Zahl der anwesenden Stimmberechtigten angeben oder vorher die "
            "Anwesenheit erfassen.",
        )
    request = VoteRequest(
        committee_slug=None,
        consultation_id=item.consultation_id,
        held_on=sheet.day,
        present=None if sheet.recorded else vote.present,
        yes=None if vote.unanimous else vote.yes,
        no=None if vote.unanimous else vote.no,
        abstain=None if vote.unanimous else vote.abstain,
        unanimous=vote.unanimous,
        biased_person_ids=vote.biased_person_ids,
        present_person_ids=sheet.present_voting if sheet.recorded else (),
        resolution_number=vote.resolution_number,
        comment=vote.comment,
        version=vote.version,
        decision_text=vote.decision_text,
    )
    return record_vote(runtime, connection, actor, item.paper_id, request)

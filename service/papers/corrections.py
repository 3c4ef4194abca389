"""Correcting a recorded vote: a miscounted tally or a mistyped Beschlusstext.

The minutes may show that a vote was typed in wrong. The Sitzungsdienst corrects the
counts or the wording with a reason; the correction is audited and shown in the paper's
history. A correction that would turn the outcome around is refused: what the committee
decided stands until it decides anew, and the steps that followed the decision (the
measures' states, their deadlines) were taken on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from service import access, texts
from service.actor import Actor
from service.committees import service as committees
from service.errors import Conflict, NotFound
from service.lifecycle import repository as lifecycle_repository
from service.papers import repository
from service.papers.service import visible_paper
from service.papers.votes import NOTE_TEXT
from service.records import update_audited
from service.runtime import Runtime
from service.texts import TextRule
from workflow.votes import VoteInput, evaluate

EVENT, LABEL = "abstimmung_berichtigen", "Abstimmung berichtigt"
CORRECTION_TEXTS = {
    "reason": TextRule(
        "Begründung",
        texts.COMMENT_LIMIT,
        multiline=True,
        required="Bitte angeben, warum die Abstimmung berichtigt wird (etwa: laut Niederschrift).",
    ),
    "decision_text": TextRule("Beschlusstext", texts.COMMENT_LIMIT, multiline=True),
}
COUNTS = ("present", "yes", "no", "abstain")
# What the paper's history shows of a correction, by column.
SHOWN = {
    "present": "anwesend",
    "yes": "ja",
    "no": "nein",
    "abstain": "enthaltung",
    "decision_text": NOTE_TEXT,
}


@dataclass(frozen=True)
class VoteCorrection:
    """What changes; None keeps the recorded value."""

    reason: str
    present: int | None = None
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    decision_text: str | None = None


def correct_vote(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    paper_id: int,
    vote_id: int,
    correction: VoteCorrection,
) -> dict[str, tuple[Any, Any]]:
    """Corrects the vote and returns what changed (before, after)."""
    access.require(actor, "vote.record")
    paper = visible_paper(runtime, connection, actor, paper_id)
    texts.check(
        "abstimmung",
        CORRECTION_TEXTS,
        {"reason": correction.reason, "decision_text": correction.decision_text},
    )
    vote = repository.vote(connection, vote_id)
    if vote is None or vote.paper_id != paper.id:
        raise NotFound("Abstimmung", vote_id)
    wanted = {
        name: getattr(correction, name)
        for name in (*COUNTS, "decision_text")
        if getattr(correction, name) is not None
    }
    changed = {k: v for k, v in wanted.items() if getattr(vote, k) != v}
    if not changed:
        return {}
    after = {**{c: getattr(vote, c) for c in COUNTS}, **changed}
    values: dict[str, Any] = dict(changed)
    if any(c in changed for c in COUNTS):
        result = _evaluate(connection, paper, vote, after)
        if result.outcome != vote.outcome:
            raise Conflict(
                "berichtigung-aendert-ergebnis",
                "Berichtigung ändert das Ergebnis",
                f"Mit diesen Zahlen wäre die Abstimmung vom {vote.held_on:%d.%m.%Y} "
                f"„{result.outcome}“ statt „{vote.outcome}“ ausgegangen ({result.explanation}) "
                "Ein anderes Ergebnis lässt sich nicht berichtigen; dafür muss das Gremium neu "
                "beschließen.",
            )
        values |= {"explanation": result.explanation, "unanimous": False}
    now = runtime.now()
    update_audited(
        connection,
        runtime.chain_key,
        repository.votes,
        vote_id,
        values,
        before=vote,
        actor=actor,
        now=now,
        entity_type="vote",
        action="vote.correct",
        comment=correction.reason,
    )
    role = min(actor.roles & access.PERMISSIONS["vote.record"])
    lifecycle_repository.insert_history(
        connection,
        entity_type="paper",
        entity_id=paper.id,
        at=now,
        recorded_at=now,
        event=EVENT,
        label=correction_label(vote),
        from_state=paper.state,
        to_state=paper.state,
        actor_user_id=actor.user_id,
        actor_role=role,
        comment=correction.reason,
        data={SHOWN[k]: v for k, v in changed.items()},
        vote_id=vote.id,
    )
    return {k: (getattr(vote, k), v) for k, v in changed.items()}


def correction_label(vote: Any) -> str:
    """The label of a correction's history entry: it names the vote by its session's day."""
    return f"{LABEL} ({vote.held_on:%d.%m.%Y})"


def _evaluate(connection: Connection, paper: Any, vote: Any, counts: dict[str, Any]) -> Any:
    committee = committees.get_committee_or_none(connection, paper.body_id, vote.committee_id)
    return evaluate(
        VoteInput(
            voting_members=vote.voting_members,
            present=counts["present"] if counts["present"] is not None else vote.voting_members,
            yes=counts["yes"],
            no=counts["no"],
            abstain=counts["abstain"],
            biased=vote.biased,
            unanimous=False,
            quorum_stated=vote.quorum_stated,
        ),
        committees.vote_rules(committee),
    )

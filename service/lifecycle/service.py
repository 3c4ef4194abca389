"""The one transition path: every state change of a measure or paper goes through ``fire``.

In one transaction: read the item with its version, check what was typed for the step
(``service.texts``), let the engine decide, update the row
only if the version is still the same, close and start deadlines, write the history entry
and the audit event. The caller owns the transaction, so a vote on a paper can apply to all
measures it carries at once, or to none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from service import access, texts
from service.actor import Actor
from service.audit import repository as audit
from service.audit.chain import EventDraft
from service.bodies.service import current_body_id, profile
from service.deadlines import budget_calendar
from service.driver import pipelined
from service.errors import BlockedItem, CarriedItemsBlocked, NotFound
from service.lifecycle import repository
from service.lifecycle.subject import follow_deadlines, guarded_subject
from service.ops.counters import count_transition
from service.statements import requests as statement_requests
from workflow.engine import AvailableEvent, FireResult, Subject
from workflow.errors import DecidedByVote, EventOption, StaleVersion, WorkflowError
from workflow.registry import Registry

ENTITY_LABELS = {"measure": "Maßnahme", "paper": "Vorlage"}


@dataclass(frozen=True)
class Transitioned:
    entity_type: str
    entity_id: int
    version: int
    result: FireResult
    audit_seq: int
    carried: tuple[Transitioned, ...] = ()


class Lifecycle:
    def __init__(
        self,
        registry: Registry,
        chain_key: str,
        land: str | None = None,
        statement_period: str = "P3W",
    ) -> None:
        self.registry = registry
        self.chain_key = chain_key
        # How long the DSB, ISB or Personalrat have for a requested statement.
        self.statement_period = statement_period
        self._body_id: int | None = None
        # The Land whose holidays deadlines skip; None: the body's, read on first use.
        self._land = land

    def land(self, connection: Connection) -> str:
        if self._land is None:
            self._land = profile(connection, self.chain_key).land
        return self._land

    def _body(self, connection: Connection) -> int:
        # Read in the caller's transaction, so a body created in it is found.
        if self._body_id is None:
            self._body_id = current_body_id(connection, self.chain_key)
        return self._body_id

    def fire(
        self,
        connection: Connection,
        entity_type: str,
        entity_id: int,
        event: str,
        *,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
        data: Mapping[str, Any] | None = None,
        comment: str | None = None,
        request_id: str | None = None,
        by_vote: bool = False,
        at: datetime | None = None,
        note: Mapping[str, Any] | None = None,
        loaded: Any = None,
        vote_id: int | None = None,
    ) -> Transitioned:
        """``by_vote``: the event comes from a recorded vote (``papers.votes``) or the
        cascade it starts; an event decided by vote is refused without it.

        ``at``: when the step took effect, if not ``now`` (a decision takes effect on its
        session's day, however late it is typed in). The history entry is dated on it and
        keeps ``now`` as ``recorded_at``; the deadlines the step starts count from it; the
        audit event is sealed ``now`` and names ``at``. ``note``: what the history entry
        shows beside the item's fields (the Beschlusstext of the decision). ``vote_id``: the
        recorded vote the step follows from; its history entry and those of the carried
        measures name it, so that a reader who may not see the vote sees none of it there.

        On ``StaleVersion`` the step's other writes are already in the transaction (they go
        to the database together with the conditional update): a caller that catches it must
        not commit, as ``_carry`` does by refusing all carried measures.
        """
        effective = now if at is None else at
        # The chain lock comes before any row lock: a paper's decision holds it while it
        # updates every carried measure, so a step that locked a measure's row first and
        # then waited for the chain would deadlock with it (PostgreSQL; SQLite: no-op).
        # ``loaded``: the item's row, read by the caller in this transaction after this lock.
        row = loaded
        if row is None:
            audit.lock_chain(connection, self.chain_key)
            row = repository.load_item(connection, entity_type, entity_id)
        if row is None or row.body_id != self._body(connection):
            # Another body's item does not exist for this one (the same 404 as a wrong id).
            raise NotFound(ENTITY_LABELS[entity_type], entity_id)
        engine = self.registry.engine(row.definition_name, row.definition_version)
        # What was typed is judged first, the same for every door and kind of item.
        texts.check_step(event, engine.spec.fields, data, comment)
        if expected_version is not None and row.version != expected_version:
            raise StaleVersion(entity_type, entity_id, expected_version)
        transition = engine.spec.transition(row.state, event)
        if (
            not by_vote
            and transition is not None
            and not transition.by_vote
            and actor.roles & transition.roles
            and self.decided_by_vote(row, event)
        ):
            # The engine refuses what the item's own version declares; this catches the
            # items of older versions (see ``decided_by_vote``).
            options = [
                EventOption(t.event, t.label)
                for t in engine.spec.events_from(row.state)
                if actor.roles & t.roles and not self.decided_by_vote(row, t.event)
            ]
            raise DecidedByVote(
                event,
                row.state,
                options,
                event_label=engine.spec.event_label(event),
                state_label=engine.spec.state_label(row.state),
            )
        subject = Subject(row.state, dict(row.fields or {}))
        if entity_type == "measure" and transition is not None and transition.guards:
            subject = guarded_subject(connection, row)
        result = engine.fire(
            subject,
            event,
            actor.roles,
            data,
            effective,
            comment,
            by_vote=by_vote,
            land=self.land(connection),
        )
        if result.deadline is not None and result.deadline.name == budget_calendar.DEADLINE:
            due = budget_calendar.registration_due(
                effective,
                profile(connection, self.chain_key).settings,
                self.land(connection),
            )
            result = replace(result, deadline=replace(result.deadline, due_at=due))
        before_fields = row.fields or {}
        assert transition is not None
        role = min(actor.roles & transition.roles)
        # The writes that need no answer go to PostgreSQL together (``driver.pipelined``).
        with pipelined(connection):
            update = repository.update_item(
                connection,
                entity_type,
                entity_id,
                row.version,
                result.target,
                dict(subject.fields),
                now,
            )
            follow_deadlines(connection, row.body_id, entity_type, entity_id, result, effective)
            repository.insert_history(
                connection,
                entity_type=entity_type,
                entity_id=entity_id,
                at=effective,
                recorded_at=now,
                event=event,
                label=result.label,
                from_state=result.source,
                to_state=result.target,
                actor_user_id=actor.user_id,
                actor_role=role,
                comment=result.comment,
                data={**result.changes, **(note or {})},
                vote_id=vote_id,
            )
        if update.rowcount != 1:
            raise StaleVersion(entity_type, entity_id, row.version)
        requested: dict[str, list[str]] = {}
        if entity_type == "measure" and result.source != result.target:
            requested = statement_requests.sync(
                connection,
                body_id=row.body_id,
                measure_id=entity_id,
                spec=engine.spec,
                state=result.target,
                fields=subject.fields,
                now=now,
                period=self.statement_period,
                land=self.land(connection),
            )
        changes: dict[str, tuple[Any, Any]] = {
            "state": (result.source, result.target),
            "version": (row.version, row.version + 1),
        }
        changes.update(
            (name, (before_fields.get(name), value))
            for name, value in result.changes.items()
            if before_fields.get(name) != value
        )
        context: dict[str, Any] = {"event": event}
        if effective != now:
            context["at"] = effective.isoformat()
        if result.deadline is not None:
            context["deadline"] = result.deadline.name
            context["due_at"] = result.deadline.due_at.isoformat()
        if requested:
            context["statement_requests"] = requested
        responsible = row.responsible_person_id
        sealed = audit.append(
            connection,
            self.chain_key,
            EventDraft(
                ts=now,
                actor_id=actor.user_id,
                actor_role=role,
                action=f"{entity_type}.transition",
                entity_type=entity_type,
                entity_id=entity_id,
                persons=[responsible] if responsible else [],
                changes=changes,
                context=context,
                comment=result.comment,
                request_id=request_id,
                comment_person_id=actor.person_id,
            ),
            locked=True,
        )
        count_transition(connection, row.definition_name, event)
        carried: tuple[Transitioned, ...] = ()
        if entity_type == "paper" and result.cascade is not None:
            carried = self._carry(
                connection,
                entity_id,
                result,
                actor=actor,
                now=now,
                request_id=request_id,
                by_vote=by_vote,
                at=at,
                note=note,
                vote_id=vote_id,
            )
        return Transitioned(entity_type, entity_id, row.version + 1, result, sealed.seq, carried)

    def allowed_events(
        self,
        connection: Connection,
        entity_type: str,
        row: Any,
        *,
        actor: Actor | None,
        now: datetime,
    ) -> list[AvailableEvent]:
        """What this caller may fire on this item now, each with what still blocks it.

        The one answer to that question, for the API's ``allowed_transitions`` and the steps
        a page offers alike: nothing for the public; on a measure, the roles the own-item rule
        of ``access`` leaves to the caller, as ``fire`` will judge them; never an event only a
        vote decides (``decided_by_vote``). ``row`` is the item as its service read it (state,
        fields, definition, and who is responsible).
        """
        if actor is None:
            return []
        engine = self.registry.engine(row.definition_name, row.definition_version)
        roles = actor.roles
        subject = Subject(row.state, dict(row.fields or {}))
        if entity_type == "measure":
            roles = access.transition_roles(actor, row)
            if any(t.guards for t in engine.spec.events_from(row.state)):
                subject = guarded_subject(connection, row)
        return [
            a
            for a in engine.allowed_events(subject, roles, now)
            if not self.decided_by_vote(row, a.event)
        ]

    def _carry(
        self,
        connection: Connection,
        paper_id: int,
        paper_result: FireResult,
        *,
        actor: Actor,
        now: datetime,
        request_id: str | None,
        by_vote: bool,
        at: datetime | None,
        note: Mapping[str, Any] | None,
        vote_id: int | None,
    ) -> tuple[Transitioned, ...]:
        """Applies the paper's decision to every measure it carries, or raises for all."""
        assert paper_result.cascade is not None
        event = paper_result.cascade
        done: list[Transitioned] = []
        blocked: list[BlockedItem] = []
        for measure_id in repository.carried_measures(connection, paper_id):
            row = repository.existing_item(connection, "measure", measure_id)
            engine = self.registry.engine(row.definition_name, row.definition_version)
            if engine.spec.states[row.state].final:
                continue  # withdrawn or ended measures no longer follow the paper
            transition = engine.spec.transition(row.state, event)
            accepted = set(transition.requires) | set(transition.optional) if transition else set()
            data = {k: v for k, v in paper_result.changes.items() if k in accepted}
            try:
                done.append(
                    self.fire(
                        connection,
                        "measure",
                        measure_id,
                        event,
                        actor=actor,
                        now=now,
                        data=data,
                        comment=paper_result.comment,
                        request_id=request_id,
                        by_vote=by_vote,
                        at=at,
                        note=note,
                        vote_id=vote_id,
                    )
                )
            except WorkflowError as exc:
                blocked.append(
                    BlockedItem(
                        "measure",
                        measure_id,
                        f"Maßnahme {row.code} „{row.title}“",
                        exc.detail,
                    )
                )
        if blocked:
            paper = repository.existing_item(connection, "paper", paper_id)
            spec = self.registry.engine(paper.definition_name, paper.definition_version).spec
            raise CarriedItemsBlocked(
                paper_result.event, blocked, event_label=spec.event_label(paper_result.event)
            )
        return tuple(done)

    def decided_by_vote(self, item: Any, event: str) -> bool:
        """Whether only a recorded vote may fire ``event`` on ``item`` in its current state.

        The definition declares it (``by_vote``). An item that started on a version written
        before the declaration follows the newest version's declaration of the same step:
        that changes no state, field or guard of its version, it only closes the doors
        beside the vote (an item must not stay decidable without quorum because it is old).
        """
        for engine in (
            self.registry.engine(item.definition_name, item.definition_version),
            self.registry.latest(item.definition_name),
        ):
            transition = engine.spec.transition(item.state, event)
            if transition is not None and transition.by_vote:
                return True
        return False

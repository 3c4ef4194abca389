"""Firing events: checks in the order a user would want them explained, then one state change.

One ``transitions`` machine is built per definition version and shared by every item: the
subject is a plain object that only carries ``state``, so firing costs a dict lookup and a
trigger, never a machine per item and never ``add_model`` (which would mutate shared state
under concurrent requests). The engine performs no I/O: it returns what happened and what to
record, and the caller persists it.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from enum import Enum
from types import MappingProxyType
from typing import Any

from transitions import Machine, State, Transition
from transitions.core import EventData

from workflow.calendar import DEFAULT_LAND, due_at, due_on
from workflow.errors import (
    DecidedByVote,
    EventOption,
    FieldProblem,
    Forbidden,
    GuardFailed,
    GuardFailure,
    InvalidData,
    MissingData,
    NotAllowed,
)
from workflow.guards import GUARDS, GuardContext, ItemView, Statement, step_value
from workflow.spec import SAME_STATE, DeadlineSpec, TransitionSpec, WorkflowSpec
from workflow.values import JsonValue, ValueProblem, normalize

COMMENT_FIELD = "kommentar"
_MIDNIGHT = time(0, 0)


@dataclass
class Subject:
    """The item as the machine sees it: the machine writes ``state``, guards read the rest."""

    state: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    statements: tuple[Statement, ...] = ()
    open_conditions: tuple[str, ...] = ()

    def view(self) -> ItemView:
        return ItemView(
            self.state, MappingProxyType(dict(self.fields)), self.statements, self.open_conditions
        )


@dataclass(frozen=True)
class DeadlineStart:
    name: str
    label: str
    due_at: datetime


@dataclass(frozen=True)
class FireResult:
    """What a successful fire changed and what the caller must record."""

    event: str
    label: str
    source: str
    target: str
    changes: Mapping[str, JsonValue]
    comment: str | None
    deadline: DeadlineStart | None
    cascade: str | None


@dataclass(frozen=True)
class AvailableEvent:
    """An event the actor may fire now, with the conditions that still block it."""

    event: str
    label: str
    target: str
    requires: tuple[str, ...]
    optional: tuple[str, ...]
    comment_required: bool
    blocked_by: tuple[str, ...]
    # For a reason of ``blocked_by`` that is a missing value: the fields to fill in.
    missing: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


# What ``transitions`` logs while firing: its logger, looked up once (``logging`` hands out
# one object per name).
_TRANSITIONS_LOG = logging.getLogger("transitions.core")


class _State(State):
    """A state whose entry and exit cost nothing when nobody hooks or listens.

    ``State.enter``/``exit`` log two lines each and walk empty callback lists; that was a fifth
    of a trigger. They still run whenever a callback is registered or the library's logger
    would write, so nothing observable changes.
    """

    def enter(self, event_data: EventData) -> None:
        if self.on_enter or _TRANSITIONS_LOG.isEnabledFor(logging.INFO):
            super().enter(event_data)

    def exit(self, event_data: EventData) -> None:
        if self.on_exit or _TRANSITIONS_LOG.isEnabledFor(logging.INFO):
            super().exit(event_data)


class _Transition(Transition):
    """A transition that goes straight to the state change when it has nothing else to do.

    ``Transition.execute`` logs four debug lines and walks five callback lists, all empty
    here: a fifth of what was left of a trigger. Any callback, condition or a logger that
    would write takes the library's own way.
    """

    def execute(self, event_data: EventData) -> bool:
        machine = event_data.machine
        if (
            self.prepare
            or self.conditions
            or self.before
            or self.after
            or machine.before_state_change
            or machine.after_state_change
            or _TRANSITIONS_LOG.isEnabledFor(logging.DEBUG)
        ):
            return super().execute(event_data)
        if self.dest:  # None only for an internal transition, which changes no state
            self._change_state(event_data)
        return True


class _Machine(Machine):
    """A plain ``transitions`` machine, only cheaper per trigger (see ``_State`` and
    ``_Transition``)."""

    state_cls = _State
    transition_cls = _Transition

    def get_state(self, state: str | Enum) -> State:
        # Five look-ups per trigger, always by name here; the library's version tests for
        # an Enum first. Anything not found by name takes its way, with its error.
        found = self.states.get(state) if type(state) is str else None
        return found if found is not None else super().get_state(state)


def build_machine(spec: WorkflowSpec) -> Machine:
    transitions = [
        {
            "trigger": t.event,
            "source": source,
            "dest": SAME_STATE if t.is_reflexive else t.target,
        }
        for t in spec.transitions
        for source in t.sources
    ]
    return _Machine(
        model=None,
        states=list(spec.states),
        transitions=transitions,
        initial=spec.initial,
        auto_transitions=False,
    )


class Engine:
    """The rules of one definition version; build once, share everywhere."""

    def __init__(self, spec: WorkflowSpec) -> None:
        self.spec = spec
        self.machine = build_machine(spec)
        # Versions written before ``by_vote`` existed let a vote lead to any event that fits.
        self._votes_declared = any(t.by_vote for t in spec.transitions)

    def allowed_events(
        self, subject: Subject, actor_roles: Collection[str], now: datetime
    ) -> list[AvailableEvent]:
        """Events the roles may fire from the current state.

        Guards that depend only on the item are evaluated, so a user sees in advance why a
        button will not work; guards over data still to be entered cannot be judged yet.
        Events a vote decides are not among them: they follow from recording the vote.
        """
        roles = frozenset(actor_roles)
        view = subject.view()
        result = []
        for t in self.spec.events_from(subject.state):
            if not roles & t.roles or t.by_vote:
                continue
            context = GuardContext(view, MappingProxyType({}), now)
            missing: dict[str, tuple[str, ...]] = {}
            for name in t.guards:
                g = GUARDS[name]
                if set(g.needs) & set(t.requires):
                    continue
                if (message := g.check(context)) is not None:
                    missing[message] = g.missing(context)
            blocked = tuple(missing)
            result.append(
                AvailableEvent(
                    event=t.event,
                    label=t.label,
                    target=t.target_from(subject.state),
                    requires=t.requires,
                    optional=t.optional,
                    comment_required=t.comment == "erforderlich",
                    blocked_by=blocked,
                    missing={m: f for m, f in missing.items() if f},
                )
            )
        return result

    def fields_needed(self, state: str) -> dict[str, str]:
        """Fields that must hold a value before a step ahead of ``state`` can pass its
        guards, each with the label of the nearest such step (for marking them in a form)."""
        needed: dict[str, str] = {}
        seen, frontier = {state}, [state]
        while frontier:
            ahead: list[str] = []
            for source in frontier:
                for t in self.spec.events_from(source):
                    for name in t.guards:
                        for f in GUARDS[name].fills:
                            needed.setdefault(f, t.label)
                    target = t.target_from(source)
                    if target not in seen and not self.spec.states[target].final:
                        seen.add(target)
                        ahead.append(target)
            frontier = ahead
        return needed

    def fire(
        self,
        subject: Subject,
        event: str,
        actor_roles: Collection[str],
        data: Mapping[str, Any] | None = None,
        now: datetime | None = None,
        comment: str | None = None,
        *,
        by_vote: bool = False,
        land: str = DEFAULT_LAND,
    ) -> FireResult:
        """Checks state, roles, vote, data and guards (in that order), then moves the subject.

        ``by_vote`` says the event comes from a recorded vote; an event the definition
        declares ``by_vote`` is refused without it. A deadline the step starts skips the
        holidays of ``land`` (the body's Land).
        """
        if now is None or now.tzinfo is None:
            raise ValueError("now must be an aware datetime")
        roles = frozenset(actor_roles)
        source = subject.state
        transition = self.spec.transition(source, event)
        if transition is None:
            raise NotAllowed(
                event, source, self._options(source, roles), **self._labels(event, source)
            )
        if not roles & transition.roles:
            raise Forbidden(event, roles, transition.roles, event_label=transition.label)
        if transition.by_vote and not by_vote:
            raise DecidedByVote(
                event, source, self._options(source, roles), **self._labels(event, source)
            )
        changes = self._checked_data(transition, data or {}, comment)
        if transition.guards:
            # A frozen copy of the item for the guards; most steps have none and skip it.
            context = GuardContext(subject.view(), MappingProxyType(changes), now)
            failures = [
                GuardFailure(name, message)
                for name in transition.guards
                if (message := GUARDS[name].check(context)) is not None
            ]
            if failures:
                raise GuardFailed(event, failures)
        deadline = self._deadline(transition.deadline, changes, subject.fields, now, land)
        self.machine.events[event].trigger(subject)
        subject.fields = {**subject.fields, **changes}
        return FireResult(
            event=event,
            label=transition.label,
            source=source,
            target=subject.state,
            changes=MappingProxyType(changes),
            comment=comment.strip() if comment and comment.strip() else None,
            deadline=deadline,
            cascade=transition.cascade,
        )

    def decision_event(
        self, subject: Subject, data: Mapping[str, Any], now: datetime
    ) -> str | None:
        """The event a vote leads to.

        Of the events a vote decides (``by_vote``) possible now that ask for every given
        field, the one whose conditions accept the data; so the definition, not the caller,
        says where a vote leads.
        """
        context = GuardContext(subject.view(), MappingProxyType(dict(data)), now)
        for t in self.spec.events_from(subject.state):
            if self._votes_declared and not t.by_vote:
                continue
            fits = set(data) <= set(t.requires) | set(t.optional) and set(t.requires) <= set(data)
            if fits and all(GUARDS[name].check(context) is None for name in t.guards):
                return t.event
        return None

    def _labels(self, event: str, state: str) -> dict[str, str]:
        return {
            "event_label": self.spec.event_label(event),
            "state_label": self.spec.state_label(state),
        }

    def _options(self, state: str, roles: frozenset[str]) -> list[EventOption]:
        return [
            EventOption(t.event, t.label)
            for t in self.spec.events_from(state)
            if roles & t.roles and not t.by_vote
        ]

    def _checked_data(
        self, transition: TransitionSpec, data: Mapping[str, Any], comment: str | None
    ) -> dict[str, JsonValue]:
        fields = self.spec.fields
        accepted = set(transition.requires) | set(transition.optional)
        invalid: list[FieldProblem] = []
        changes: dict[str, JsonValue] = {}
        for name, raw in data.items():
            if name not in accepted:
                label = fields[name].label if name in fields else name
                invalid.append(FieldProblem(name, label, "gehört nicht zu diesem Schritt."))
                continue
            try:
                changes[name] = normalize(fields[name], raw)
            except ValueProblem as exc:
                invalid.append(FieldProblem(name, fields[name].label, f"{exc}."))
        missing = [
            FieldProblem(name, fields[name].label, "fehlt.")
            for name in transition.requires
            if changes.get(name) is None and not any(p.field == name for p in invalid)
        ]
        if transition.comment == "erforderlich" and not (comment and comment.strip()):
            missing.append(FieldProblem(COMMENT_FIELD, "Kommentar", "fehlt."))
        if missing:
            raise MissingData(transition.event, missing, event_label=transition.label)
        if invalid:
            raise InvalidData(transition.event, invalid)
        return {name: value for name, value in changes.items() if value is not None}

    @staticmethod
    def _deadline(
        spec: DeadlineSpec | None,
        changes: Mapping[str, JsonValue],
        fields: Mapping[str, Any],
        now: datetime,
        land: str,
    ) -> DeadlineStart | None:
        if spec is None:
            return None
        if spec.after is not None:
            due = due_at(now, spec.after, spec.roll, land)  # in UTC whatever zone ``now`` has
            return DeadlineStart(spec.name, spec.label, due)
        assert spec.field is not None
        raw = step_value(changes, fields, spec.field)
        if raw is None:
            return None
        day = datetime.fromisoformat(str(raw)).date()
        return DeadlineStart(
            spec.name, spec.label, due_on(day, _MIDNIGHT, spec.offset, spec.roll, land)
        )

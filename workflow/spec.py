"""Frozen specifications of a workflow, built by the loader and shared by every item.

A spec is data, not behaviour: it says which states and transitions exist, who may fire
them, which guards must hold, what data they need and which deadline they start.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from workflow.calendar import Duration

FieldType = Literal["text", "date", "integer", "percent", "money", "boolean", "choice"]
CommentRule = Literal["erforderlich", "optional"]
Roll = Literal["forward", "backward"]
SAME_STATE = "="

# Roles as DESIGN.md names them; a definition naming any other role is rejected.
KNOWN_ROLES: frozenset[str] = frozenset(
    {
        "ag_leitung",
        "ag_mitglied",
        "sitzungsdienst",
        "kaemmerei",
        "datenschutz",
        "informationssicherheit",
        "personalrat",
        "verwaltungsleitung",
        "admin",
        "revision",
        "ratsmitglied",
    }
)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    type: FieldType
    options: tuple[str, ...] = ()
    editable: bool = False


@dataclass(frozen=True)
class StateSpec:
    name: str
    label: str
    final: bool = False
    description: str = ""


@dataclass(frozen=True)
class DeadlineSpec:
    """The Frist a transition starts.

    Either ``after`` a duration from the moment of the transition, or relative to a date
    field of the item (``field`` plus ``offset``, e.g. the meeting date minus the
    Ladungsfrist). ``roll`` says where a weekend or holiday moves it: a reminder to act moves
    forward, a latest-possible date before a meeting moves backward.
    """

    name: str
    label: str
    after: Duration | None = None
    field: str | None = None
    offset: Duration = dataclasses.field(default_factory=Duration)
    roll: Roll = "forward"


@dataclass(frozen=True)
class TransitionSpec:
    event: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    guards: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    comment: CommentRule = "optional"
    deadline: DeadlineSpec | None = None
    cascade: str | None = None
    # Decided only by a recorded vote: never fired by hand, never offered as a step.
    by_vote: bool = False
    line: int | None = None

    def target_from(self, source: str) -> str:
        """``=`` in a definition means "stay in the state it was fired from"."""
        return source if self.target == SAME_STATE else self.target

    @property
    def is_reflexive(self) -> bool:
        return self.target == SAME_STATE


@dataclass(frozen=True)
class WorkflowSpec:
    name: str
    version: int
    label: str
    initial: str
    states: Mapping[str, StateSpec]
    fields: Mapping[str, FieldSpec]
    transitions: tuple[TransitionSpec, ...]
    source_file: str = ""
    # (source state, event) -> transition; built once so that firing is a dict lookup.
    by_source: Mapping[tuple[str, str], TransitionSpec] = field(default_factory=dict)

    def events_from(self, state: str) -> list[TransitionSpec]:
        return [t for t in self.transitions if state in t.sources]

    def transition(self, state: str, event: str) -> TransitionSpec | None:
        return self.by_source.get((state, event))

    @property
    def events(self) -> frozenset[str]:
        return frozenset(t.event for t in self.transitions)

    def state_label(self, state: str) -> str:
        """The state's German label; a name the definition does not know, as given."""
        spec = self.states.get(state)
        return spec.label if spec is not None else state

    def event_label(self, event: str) -> str:
        """The event's German label (of its first transition); an unknown name, as given."""
        return next((t.label for t in self.transitions if t.event == event), event)

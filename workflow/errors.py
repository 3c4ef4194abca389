"""One hierarchy for everything that can go wrong in the engine.

Each error carries the facts a user needs (the allowed events, the failing conditions, the
missing fields) so that the API, the CLI and the web pages can all explain it in German
without knowing how the engine works.
"""

from __future__ import annotations

from dataclasses import dataclass


class WorkflowError(Exception):
    """Base of every error the engine raises; ``detail`` is German text for a user."""

    detail: str = "Fehler im Arbeitsablauf."

    def __str__(self) -> str:
        return self.detail


@dataclass(frozen=True)
class Problem:
    """One defect in a definition file, located as precisely as the YAML allows."""

    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.reason}"


class DefinitionError(WorkflowError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems
        self.detail = "\n".join(str(p) for p in problems)


@dataclass(frozen=True)
class EventOption:
    """An event as offered to a user: its name and its German label."""

    event: str
    label: str


class NotAllowed(WorkflowError):
    """The event does not exist or cannot be fired from the item's current state."""

    def __init__(self, event: str, state: str, allowed: list[EventOption]) -> None:
        super().__init__(event, state)
        self.event = event
        self.state = state
        self.allowed = allowed
        names = ", ".join(o.event for o in allowed) or "keine"
        self.detail = f"„{event}“ ist im Zustand „{state}“ nicht möglich. Möglich sind: {names}."


class DecidedByVote(NotAllowed):
    """The event follows only from a recorded vote (``by_vote`` in the definition).

    Fired any other way it is not allowed: a decision needs the committee's quorum and
    majority, and the Beratungsfolge before it, which only the vote's recording checks.
    """

    def __init__(self, event: str, state: str, allowed: list[EventOption]) -> None:
        super().__init__(event, state, allowed)
        names = ", ".join(o.event for o in allowed) or "keine"
        self.detail = (
            f"„{event}“ folgt nur aus einer erfassten Abstimmung; bitte die Abstimmung in "
            f"der Sitzung erfassen. Möglich sind: {names}."
        )


class Forbidden(WorkflowError):
    """The actor's roles do not include one of the roles the transition names."""

    def __init__(self, event: str, actor_roles: frozenset[str], allowed_roles: frozenset[str]):
        super().__init__(event)
        self.event = event
        self.actor_roles = actor_roles
        self.allowed_roles = allowed_roles
        self.detail = (
            f"„{event}“ dürfen nur folgende Rollen auslösen: {', '.join(sorted(allowed_roles))}."
        )


@dataclass(frozen=True)
class GuardFailure:
    guard: str
    message: str


class GuardFailed(WorkflowError):
    """One or more conditions of the transition are not met; every failing one is listed."""

    def __init__(self, event: str, failures: list[GuardFailure]) -> None:
        super().__init__(event)
        self.event = event
        self.failures = failures
        self.detail = "Voraussetzungen nicht erfüllt: " + " ".join(f.message for f in failures)


@dataclass(frozen=True)
class FieldProblem:
    field: str
    label: str
    message: str


class MissingData(WorkflowError):
    """The transition requires data (or a comment) that was not given."""

    def __init__(self, event: str, missing: list[FieldProblem]) -> None:
        super().__init__(event)
        self.event = event
        self.missing = missing
        labels = ", ".join(m.label for m in missing)
        self.detail = f"Für „{event}“ fehlen Angaben: {labels}."


class InvalidData(WorkflowError):
    """Given data does not fit the field's type or range."""

    def __init__(self, event: str, problems: list[FieldProblem]) -> None:
        super().__init__(event)
        self.event = event
        self.problems = problems
        self.detail = "Ungültige Angaben: " + " ".join(f"{p.label}: {p.message}" for p in problems)


class StaleVersion(WorkflowError):
    """Someone else changed the item since the caller read it; the database decided."""

    def __init__(self, entity: str, entity_id: int, expected: int) -> None:
        super().__init__(entity, entity_id, expected)
        self.entity = entity
        self.entity_id = entity_id
        self.expected = expected
        self.detail = (
            f"Der Datensatz wurde inzwischen geändert (erwartete Version {expected}). "
            "Bitte neu laden und erneut versuchen."
        )

"""One hierarchy for everything that can go wrong in ratsflow on purpose, rooted here.

Each error carries the facts a user needs (the allowed events, the failing conditions, the
missing fields) so that the API, the CLI and the web pages can all explain it in German
without knowing how the engine works. The service layer's errors derive from the same base
through ``service.errors.ServiceError``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from workflow.roles import role_labels


class WorkflowError(Exception):
    """Base of every error raised on purpose; ``detail`` is German text for a user.

    The class names the kind of failure as an RFC 9457 problem type: its HTTP ``status``, a
    stable ``slug`` (the type is ``/probleme/<slug>``) and a German ``title``. These are
    plain class attributes, so the engine still does no I/O; the API renders problem+json
    from them and the web its message, both from the same attributes, so that the doors
    never disagree about an error. ``extensions`` adds what a client needs to act on it.
    """

    status: int = 422
    slug: str = "ablauf-fehler"
    title: str = "Fehler im Ablauf"
    detail: str = "Fehler im Arbeitsablauf."

    def __str__(self) -> str:
        return self.detail

    def extensions(self) -> dict[str, Any]:
        """The problem's extension members (``allowed``, ``failures``, ``fields``, ...)."""
        return {}


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
    slug = "definition-fehlerhaft"
    title = "Definition fehlerhaft"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems
        self.detail = "\n".join(str(p) for p in problems)

    def extensions(self) -> dict[str, Any]:
        fields = [
            {"field": p.file, "label": str(p.line), "message": p.reason} for p in self.problems
        ]
        return {"fields": fields}


@dataclass(frozen=True)
class EventOption:
    """An event as offered to a user: its name and its German label."""

    event: str
    label: str


def options_text(allowed: Iterable[EventOption]) -> str:
    """The events a person may choose instead, by their labels."""
    labels = [f"„{o.label}“" for o in allowed]
    return f"Möglich sind: {', '.join(labels)}." if labels else "Möglich ist dort kein Schritt."


class NotAllowed(WorkflowError):
    """The event does not exist or cannot be fired from the item's current state.

    The codes stay in the attributes and in ``allowed`` (for clients); the text names the
    event and the state by the labels the caller passes from the definition."""

    status = 409
    slug = "ungueltiger-uebergang"
    title = "Übergang nicht möglich"

    def __init__(
        self,
        event: str,
        state: str,
        allowed: list[EventOption],
        *,
        event_label: str | None = None,
        state_label: str | None = None,
    ) -> None:
        super().__init__(event, state)
        self.event = event
        self.state = state
        self.allowed = allowed
        self.event_label = event_label or event
        self.state_label = state_label or state
        self.detail = (
            f"„{self.event_label}“ ist im Zustand „{self.state_label}“ nicht möglich. "
            + options_text(allowed)
        )

    def extensions(self) -> dict[str, Any]:
        return {"allowed": [{"event": o.event, "label": o.label} for o in self.allowed]}


class DecidedByVote(NotAllowed):
    """The event follows only from a recorded vote (``by_vote`` in the definition).

    Fired any other way it is not allowed: a decision needs the committee's quorum and
    majority, and the Beratungsfolge before it, which only the vote's recording checks.
    """

    def __init__(
        self,
        event: str,
        state: str,
        allowed: list[EventOption],
        *,
        event_label: str | None = None,
        state_label: str | None = None,
    ) -> None:
        super().__init__(event, state, allowed, event_label=event_label, state_label=state_label)
        self.detail = (
            f"„{self.event_label}“ folgt nur aus einer erfassten Abstimmung; bitte die "
            f"Abstimmung in der Sitzung erfassen. {options_text(allowed)}"
        )


class Forbidden(WorkflowError):
    """The actor's roles do not include one of the roles the transition names."""

    status = 403
    slug = "rolle-fehlt"
    title = "Keine Berechtigung"

    def __init__(
        self,
        event: str,
        actor_roles: frozenset[str],
        allowed_roles: frozenset[str],
        *,
        event_label: str | None = None,
    ):
        super().__init__(event)
        self.event = event
        self.actor_roles = actor_roles
        self.allowed_roles = allowed_roles
        self.event_label = event_label or event
        self.detail = (
            f"„{self.event_label}“ dürfen nur folgende Rollen auslösen: "
            f"{role_labels(allowed_roles)}."
        )


@dataclass(frozen=True)
class GuardFailure:
    guard: str
    message: str


class GuardFailed(WorkflowError):
    """One or more conditions of the transition are not met; every failing one is listed."""

    slug = "voraussetzung-fehlt"
    title = "Voraussetzungen nicht erfüllt"

    def __init__(self, event: str, failures: list[GuardFailure]) -> None:
        super().__init__(event)
        self.event = event
        self.failures = failures
        self.detail = "Voraussetzungen nicht erfüllt: " + " ".join(f.message for f in failures)

    def extensions(self) -> dict[str, Any]:
        return {"failures": [{"guard": f.guard, "message": f.message} for f in self.failures]}


@dataclass(frozen=True)
class FieldProblem:
    field: str
    label: str
    message: str


def field_members(problems: Iterable[FieldProblem]) -> dict[str, Any]:
    """The ``fields`` member of a problem: each input at fault, its label and the reason."""
    return {
        "fields": [{"field": p.field, "label": p.label, "message": p.message} for p in problems]
    }


class MissingData(WorkflowError):
    """The transition requires data (or a comment) that was not given."""

    slug = "angaben-fehlen"
    title = "Angaben fehlen oder sind ungültig"

    def __init__(
        self, event: str, missing: list[FieldProblem], *, event_label: str | None = None
    ) -> None:
        super().__init__(event)
        self.event = event
        self.missing = missing
        labels = ", ".join(m.label for m in missing)
        self.detail = f"Für „{event_label or event}“ fehlen Angaben: {labels}."

    def extensions(self) -> dict[str, Any]:
        return field_members(self.missing)


class InvalidData(WorkflowError):
    """Given data does not fit the field's type or range."""

    slug = "angaben-fehlen"
    title = "Angaben fehlen oder sind ungültig"

    def __init__(self, event: str, problems: list[FieldProblem]) -> None:
        super().__init__(event)
        self.event = event
        self.problems = problems
        self.detail = "Ungültige Angaben: " + " ".join(f"{p.label}: {p.message}" for p in problems)

    def extensions(self) -> dict[str, Any]:
        return field_members(self.problems)


class StaleVersion(WorkflowError):
    """Someone else changed the item since the caller read it; the database decided."""

    status = 409
    slug = "veraltete-version"
    title = "Version veraltet"

    def __init__(self, entity: str, entity_id: int, expected: int) -> None:
        super().__init__(entity, entity_id, expected)
        self.entity = entity
        self.entity_id = entity_id
        self.expected = expected
        self.detail = (
            f"Der Datensatz wurde inzwischen geändert (erwartete Version {expected}). "
            "Bitte neu laden und erneut versuchen."
        )

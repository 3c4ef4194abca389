"""Errors of the service layer; the engine's own errors come from ``workflow.errors``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workflow.errors import Forbidden, WorkflowError


class NotFound(WorkflowError):
    def __init__(self, what: str, key: object) -> None:
        super().__init__(what, key)
        self.what = what
        self.key = key
        self.detail = f"{what} {key} wurde nicht gefunden."


@dataclass(frozen=True)
class BlockedItem:
    entity_type: str
    entity_id: int
    title: str
    reason: str


class CarriedItemsBlocked(WorkflowError):
    """A vote on a paper could not be applied to every measure it carries: nothing changed."""

    def __init__(self, event: str, blocked: list[BlockedItem]) -> None:
        super().__init__(event)
        self.event = event
        self.blocked = blocked
        names = "; ".join(f"{b.title}: {b.reason}" for b in blocked)
        self.detail = (
            f"„{event}“ wurde nicht ausgeführt, weil nicht jede Maßnahme der Vorlage folgen "
            f"kann. Es blockieren: {names}"
        )


class AccessDenied(Forbidden):
    """A role or an item-level rule of ``service.access`` forbids the action (403)."""

    def __init__(self, detail: str) -> None:
        WorkflowError.__init__(self, detail)
        self.event = ""
        self.actor_roles = frozenset()
        self.allowed_roles = frozenset()
        self.detail = detail


@dataclass(frozen=True)
class RowProblem:
    """One defect of an imported file: its line (1 = the header), the column, in German."""

    row: int
    field: str
    message: str


class RowsRejected(WorkflowError):
    """An import refused as a whole: every defective row is named, nothing was changed."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(problems)
        self.problems = problems
        shown = "; ".join(f"Zeile {p.row}, {p.field}: {p.message}" for p in problems[:10])
        more = f" (und {len(problems) - 10} weitere)" if len(problems) > 10 else ""
        self.detail = f"Nichts wurde übernommen. Fehlerhafte Zeilen: {shown}{more}."


class ServiceError(Exception):
    """An error a caller can act on that carries its own problem type (RFC 9457).

    Subclasses fix ``status``, ``slug`` and ``title``; ``field`` names the input at fault.
    """

    status = 422
    slug = "eingabe-ungueltig"
    title = "Eingabe ungültig"

    def __init__(
        self, detail: str, *, field: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.headers = headers


class ReadNotLogged(ServiceError):
    """A read of non-public content or person data could not be written to the audit trail.

    Nothing is shown then: a read that leaves no trace must not happen (503, try again).
    """

    status = 503
    slug = "zugriff-nicht-protokolliert"
    title = "Zugriff nicht protokolliert"

    def __init__(self) -> None:
        super().__init__(
            "Der Zugriff konnte nicht im Protokoll vermerkt werden; deshalb wird nichts "
            "angezeigt. Bitte in einem Moment erneut versuchen.",
            headers={"Retry-After": "5"},
        )


class ServiceProblem(WorkflowError):
    """A service error that carries its own HTTP answer: status, stable slug, German title.

    ``extra`` becomes extension members of the problem (RFC 9457), e.g. the failing rows
    of an import.
    """

    def __init__(self, status: int, slug: str, title: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.extra = extra


class Conflict(WorkflowError):
    """The request contradicts the item's current state (409); ``slug`` names the kind."""

    def __init__(self, slug: str, title: str, detail: str) -> None:
        super().__init__(slug)
        self.slug = slug
        self.title = title
        self.detail = detail


class NotQuorate(WorkflowError):
    """A vote was taken while the committee was not beschlussfähig: no decision exists."""

    def __init__(self, explanation: str, voting_members: int, present: int, required: int):
        super().__init__(explanation)
        self.detail = explanation
        self.voting_members = voting_members
        self.present = present
        self.required = required

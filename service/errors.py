"""Errors of the service layer; the engine's own errors come from ``workflow.errors``."""

from __future__ import annotations

from dataclasses import dataclass

from workflow.errors import WorkflowError


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

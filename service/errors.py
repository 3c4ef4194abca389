"""Errors of the service layer; the engine's own errors come from ``workflow.errors``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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

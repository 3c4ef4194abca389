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

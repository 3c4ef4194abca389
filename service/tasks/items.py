"""A task, the scope a task source reads in, and the order a list shows them in.

A task names what to do (``action``), on which item (``subject``), where to do it
(``href``), by when (``due_at``) and for which role; ``on_behalf_of`` names the person a
deputy stands in for. ``entity``, ``public`` and ``person_id`` say what showing the task
reads, so that the service logs a read of non-public content before the list is shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy.engine import Connection

from service.access import ROLE_LABELS
from service.actor import Actor
from service.people.service import display_name
from workflow.calendar import local_day_at, to_local
from workflow.spec import WorkflowSpec
from workflow.traffic_light import TrafficLightRules

# A duty or milestone given as a day is due by the end of it (Berlin time).
END_OF_DAY = time(23, 59)


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, "Rolle")


@dataclass(frozen=True)
class Task:
    key: str  # what and which item, unique in one list: "ag_pruefung:measure:9"
    action: str
    subject: str
    href: str
    role: str
    due_at: datetime | None = None
    overdue: bool = False
    detail: str | None = None
    on_behalf_of: str | None = None
    # What showing the task reads: ("measure" | "paper" | "meeting", id), and whether that
    # is public; a measure's responsible person is named in the read's log.
    entity: tuple[str, int] | None = None
    public: bool = True
    person_id: int | None = None

    @property
    def due_day(self) -> date | None:
        return None if self.due_at is None else to_local(self.due_at).date()


@dataclass(frozen=True)
class Scope:
    """What every task source reads with: the signed-in actor, now, the body's workflow."""

    connection: Connection
    body_id: int
    actor: Actor
    now: datetime
    spec: WorkflowSpec
    rules: TrafficLightRules
    # Names of the persons the actor stands in for (deputyship covering today).
    stood_in_for: dict[int, str]
    limit: int

    @property
    def today(self) -> date:
        return to_local(self.now).date()

    @property
    def persons(self) -> frozenset[int]:
        own = {self.actor.person_id} if self.actor.person_id is not None else set()
        return frozenset(own | set(self.actor.acts_for))

    def on_behalf_of(self, person_id: int | None) -> str | None:
        """The name of the person a deputy acts for here; None on one's own items."""
        if person_id is None or person_id == self.actor.person_id:
            return None
        return self.stood_in_for.get(person_id)

    def state_label(self, state: str) -> str:
        found = self.spec.states.get(state)
        return found.label if found is not None else "unbekannter Zustand"

    def due(self, moment: datetime | None) -> tuple[datetime | None, bool]:
        """The due moment and whether it has passed."""
        return moment, moment is not None and moment < self.now

    def due_by_day(self, day: date | None) -> tuple[datetime | None, bool]:
        return self.due(None if day is None else local_day_at(day, END_OF_DAY))


def measure_subject(row: Any) -> str:
    return f"{row.code} {row.title}"


def responsible(row: Any) -> str | None:
    """ "Verantwortlich: <name>" of a measure row with ``person_*`` columns."""
    if row.responsible_person_id is None:
        return None
    name = display_name(
        _Named(
            row.responsible_person_id,
            row.person_title,
            row.person_given_name,
            row.person_family_name,
        )
    )
    return f"Verantwortlich: {name}"


@dataclass(frozen=True)
class _Named:
    id: int
    title: str | None
    given_name: str | None
    family_name: str | None


def in_order(tasks: Iterable[Task]) -> list[Task]:
    """Overdue first (longest overdue first), then by due date, then those without one;
    the first of two tasks with the same key wins."""
    unique: dict[str, Task] = {}
    for task in tasks:
        unique.setdefault(task.key, task)
    far = datetime.max.replace(tzinfo=None)

    def order(task: Task) -> tuple[int, datetime, str]:
        when = far if task.due_at is None else task.due_at.replace(tzinfo=None)
        return (0 if task.overdue else 1, when, task.subject)

    return sorted(unique.values(), key=order)

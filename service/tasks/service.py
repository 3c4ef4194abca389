"""Meine Aufgaben: what waits for the signed-in person, overdue first.

``read_tasks`` gathers the tasks of every role the caller holds (``service.tasks.sources``)
and of the persons they stand in for (``service.auth.deputies``: the absent person's own
items, done with the deputy's own roles). The list names non-public measures, papers and
sessions, so a read that shows any is logged before it is returned: one ``measure.read``
for the measures (naming their responsible persons), one ``paper.read`` per paper, one
``meeting.read`` for the sessions. ``count_tasks`` gives the number the navigation shows
on every page; a number shows no content and is not logged.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.access import is_system
from service.actor import Actor
from service.audit.service import log_read
from service.errors import AccessDenied
from service.measures import service as measures
from service.reports.config import get_report_settings
from service.runtime import Runtime
from service.tasks.items import Scope, Task, in_order
from service.tasks.sources import sources_for

# Per source: a list of more would not be read anyway, and it keeps every page cheap.
LIMIT = 200


@dataclass(frozen=True)
class TaskList:
    tasks: list[Task]

    @property
    def overdue(self) -> int:
        return sum(1 for t in self.tasks if t.overdue)

    def __len__(self) -> int:
        return len(self.tasks)


def _gather(runtime: Runtime, actor: Actor | None) -> TaskList:
    if actor is None or is_system(actor):
        raise AccessDenied("Aufgaben hat nur, wer angemeldet ist.")
    sources = sources_for(actor.roles)
    with runtime.read() as connection:
        scope = Scope(
            connection=connection,
            body_id=runtime.body_id,
            actor=actor,
            now=runtime.now(),
            spec=runtime.registry.latest("massnahme").spec,
            rules=get_report_settings().rules(),
            stood_in_for=measures.names_of(connection, actor, actor.acts_for),
            limit=LIMIT,
        )
        found = [task for source in sources for task in source(scope)]
    return TaskList(in_order(found))


def read_tasks(runtime: Runtime, actor: Actor | None) -> TaskList:
    """The caller's tasks, overdue first; the read of non-public items shown is logged."""
    found = _gather(runtime, actor)
    _log(runtime, actor, found.tasks)
    return found


def count_tasks(runtime: Runtime, actor: Actor | None) -> int:
    """How many tasks wait for the caller (0 for nobody signed in)."""
    if actor is None or is_system(actor):
        return 0
    return len(_gather(runtime, actor))


def _log(runtime: Runtime, actor: Actor | None, tasks: list[Task]) -> None:
    hidden: dict[str, list[Task]] = {}
    for task in tasks:
        if not task.public and task.entity is not None:
            hidden.setdefault(task.entity[0], []).append(task)
    if "measure" in hidden:
        persons = {t.person_id for t in hidden["measure"] if t.person_id is not None}
        log_read(runtime, actor, "measure", None, persons=sorted(persons))
    for paper_id in sorted({t.entity[1] for t in hidden.get("paper", []) if t.entity}):
        log_read(runtime, actor, "paper", paper_id)
    if "meeting" in hidden:
        log_read(runtime, actor, "meeting", None)

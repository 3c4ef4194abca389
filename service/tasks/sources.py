"""Which task sources each role reads: the one table to extend when a role gains a task.

A person holding several roles sees the tasks of each; a source named by two of them runs
once. ``EVERY_ROLE`` runs for everyone signed in and picks by the caller's roles itself
(the duties of a resolution name the role that carries them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from service.tasks import council_sources as council
from service.tasks import measure_sources as measure
from service.tasks.items import Scope, Task

Source = Callable[[Scope], list[Task]]

ROLE_SOURCES: dict[str, tuple[Source, ...]] = {
    "ag_leitung": (measure.ag_review, measure.ready_to_close, measure.overdue_deadlines),
    "ag_mitglied": (measure.own_drafts, measure.progress_due),
    "datenschutz": (council.statement_requests,),
    "informationssicherheit": (council.statement_requests,),
    "personalrat": (council.statement_requests,),
    "sitzungsdienst": (
        council.votes_to_record,
        council.attendance_to_record,
        council.coming_sessions,
    ),
    "kaemmerei": (measure.budget_planning,),
    "verwaltungsleitung": (measure.weighings_due, measure.red_or_overdue),
    "ratsmitglied": (council.resolution_control,),
}
EVERY_ROLE: tuple[Source, ...] = (council.obligations,)


def sources_for(roles: Iterable[str]) -> list[Source]:
    """The sources of these roles, each once, in the table's order."""
    found: list[Source] = []
    for role in sorted(roles):
        for source in ROLE_SOURCES.get(role, ()):
            if source not in found:
                found.append(source)
    return [*found, *EVERY_ROLE]

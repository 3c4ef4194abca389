"""The city's budget calendar: by when a decided measure must be registered for a Haushalt.

A measure the council decided is planned in the next Haushalt whose registration is still
open: the first registration day (default 30 September, for the following year) after the
decision. A fixed three months from the moment of entry, as the definition's ``after``
would give, has nothing to do with when the Kämmerei collects the registrations. The
Finanzplanung years after the budget year are read here too, beside the registration day.
"""

from __future__ import annotations

from datetime import date, datetime, time

from service.bodies.settings import BodySettings
from workflow.calendar import Duration, due_at, local_day_at, to_local

# The deadline whose due date the calendar decides, whatever the definition says.
DEADLINE = "haushaltsplanung"
REGISTRATION_DAY = (30, 9)
FINANCIAL_PLAN_YEARS = 3


def registration_day(settings: BodySettings) -> tuple[int, int]:
    """(day, month) by which measures are registered for the following year."""
    if settings.budget_registration_day is None:
        return REGISTRATION_DAY
    day, month = settings.budget_registration_day.split(".")
    return int(day), int(month)


def financial_plan_years(settings: BodySettings) -> int:
    if settings.financial_plan_years is None:
        return FINANCIAL_PLAN_YEARS
    return settings.financial_plan_years


def next_registration(decided: datetime, settings: BodySettings) -> date:
    """The first registration day after the decision's local day."""
    day, month = registration_day(settings)
    decided_on = to_local(decided).date()
    candidate = date(decided_on.year, month, day)
    return candidate if candidate > decided_on else date(decided_on.year + 1, month, day)


def registration_due(decided: datetime, settings: BodySettings, land: str) -> datetime:
    """The deadline's due moment: the registration day, on a working day of ``land``."""
    start = local_day_at(next_registration(decided, settings), time(0, 0))
    return due_at(start, Duration(), "forward", land)

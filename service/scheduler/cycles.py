"""How often a committee meets: its ``meeting_cycle`` (ISO 8601, e.g. P14D or P3M).

The AG agenda and the joint session's reminder follow the committee's own rhythm, as the
Sitzungsdienst keeps it on the committee, not a setting of the deployment. A committee
without a recorded cycle meets as the Vorlage describes it: the AG every 14 days, the joint
session every quarter.
"""

from __future__ import annotations

from datetime import date

from workflow.calendar import Duration

AG_DEFAULT, JOINT_DEFAULT = "P14D", "P3M"


def cycle_weeks(meeting_cycle: str | None) -> int:
    """Weeks between two meetings of a committee meeting in days or weeks (at least one)."""
    duration = Duration.parse(meeting_cycle or AG_DEFAULT)
    return max(duration.days // 7, 1)


def cycle_months(meeting_cycle: str | None) -> int:
    """Months between two meetings of a committee meeting in months (at least one)."""
    duration = Duration.parse(meeting_cycle or JOINT_DEFAULT)
    return max(duration.months, 1)


def is_cycle_week(week: date, anchor: date, meeting_cycle: str | None) -> bool:
    """Whether the week beginning ``week`` is one the committee meets in."""
    return ((week - anchor).days // 7) % cycle_weeks(meeting_cycle) == 0


def is_cycle_month(month: int, meeting_cycle: str | None) -> bool:
    """Whether a cycle begins in ``month`` (counted from January: P3M is Jan, Apr, Jul, Oct)."""
    return (month - 1) % cycle_months(meeting_cycle) == 0


def period_label(month: int, year: int, meeting_cycle: str | None) -> str:
    months = cycle_months(meeting_cycle)
    if months == 3:
        return f"{(month - 1) // 3 + 1}. Quartal {year}"
    if months == 6:
        return f"{(month - 1) // 6 + 1}. Halbjahr {year}"
    if months == 12:
        return f"Jahr {year}"
    return f"Zeitraum ab {month:02d}/{year}"

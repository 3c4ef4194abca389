"""When a deadline's reminders fall due: stages counted in local days, sent at a local time.

A reminder "7 days before at 07:00" is 07:00 on the wall clock whether or not a change to
or from summer time lies in between, so moments are built from the local due date and the
configured local time, then stored in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from service.scheduler.settings import ScheduleSettings
from workflow.calendar import local_day_at, to_local

RESPONSIBLE = "responsible"
# The deadline of an obligation from a resolution (``service.obligations``).
OBLIGATION_DEADLINE = "pflicht"


@dataclass(frozen=True)
class Stage:
    name: str
    days: int  # relative to the local due date; negative is before
    audience: tuple[str, ...]  # "responsible" or role names
    kind: str  # template pair

    @property
    def before(self) -> bool:
        return self.kind == "frist_erinnerung"


def stages(settings: ScheduleSettings, deadline_name: str) -> list[Stage]:
    result = [
        Stage(f"vorher-{days}", -days, (RESPONSIBLE,), "frist_erinnerung")
        for days in sorted(set(settings.reminder_days_before), reverse=True)
    ]
    if deadline_name == "wiedervorlage":
        # A deferred measure comes back on its review date: to whoever must decide on it.
        lead = settings.escalation_roles[0] if settings.escalation_roles else RESPONSIBLE
        result.append(Stage("wiedervorlage", 0, (RESPONSIBLE, lead), "wiedervorlage"))
    # The resolution's own duties escalate to the Verwaltungsleitung, not to the AG lead.
    roles = (
        settings.obligation_escalation_roles
        if deadline_name == OBLIGATION_DEADLINE
        else settings.escalation_roles
    )
    result += [
        Stage(f"eskalation-{days}", days, (role,), "frist_eskalation")
        for days, role in zip(settings.escalation_days_after, roles, strict=False)
    ]
    return result


def moment(stage: Stage, due_at: datetime, at: time) -> datetime:
    day = to_local(due_at).date() + timedelta(days=stage.days)
    return local_day_at(day, at)


def schedule(
    settings: ScheduleSettings, deadline_name: str, due_at: datetime
) -> list[tuple[Stage, datetime]]:
    timed = [
        (s, moment(s, due_at, settings.reminder_time)) for s in stages(settings, deadline_name)
    ]
    return sorted(timed, key=lambda pair: pair[1])


def due_now(
    timed: list[tuple[Stage, datetime]], since: datetime, now: datetime, due_at: datetime
) -> list[Stage]:
    """The stages to send at ``now`` of those not sent before ``since``.

    Of several reminders before the deadline that fell due together (the scheduler was
    down, or the deadline was set late), only the latest goes out, and none once the
    deadline has passed; each escalation goes out, since each has its own recipients.
    """
    pending = [s for s, m in timed if since <= m <= now]
    before = [s for s in pending if s.before and now < due_at]
    rest = [s for s in pending if not s.before]
    return before[-1:] + rest


def next_moment(timed: list[tuple[Stage, datetime]], now: datetime) -> datetime | None:
    later = [m for _, m in timed if m > now]
    return min(later) if later else None

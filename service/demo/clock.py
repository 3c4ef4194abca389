"""The demo's clock: every step of the history runs at the moment it happened."""

from __future__ import annotations

from datetime import date, datetime, time

from service.runtime import Runtime
from workflow.calendar import local_day_at


def at(day: str, hour: int = 10) -> datetime:
    """That day in Aschersleben at that hour (10:00 unless said)."""
    return local_day_at(date.fromisoformat(day), time(hour, 0))


class SteppedClock:
    """A clock the replay sets forward step by step, never beyond the real now."""

    def __init__(self, real: Runtime) -> None:
        self.real = real
        self.moment = real.now()

    def __call__(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = min(moment, self.real.now())

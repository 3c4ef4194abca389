"""Working days and deadlines as people in a German Land count them (Sachsen-Anhalt unless
said).

Deadlines are stored in UTC but meant in local wall time: "in six weeks at 07:00" must still
be 07:00 after a change to or from summer time, and a due date on a weekend or a public
holiday moves to a working day. Nothing here reads the clock, so every rule can be tested
with fixed moments.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import Literal
from zoneinfo import ZoneInfo

import holidays

BERLIN = ZoneInfo("Europe/Berlin")

_SATURDAY = 5
_ONE_DAY = timedelta(days=1)

_DURATION = re.compile(
    r"P(?:(?P<years>[0-9]+)Y)?(?:(?P<months>[0-9]+)M)?(?:(?P<weeks>[0-9]+)W)?"
    r"(?:(?P<days>[0-9]+)D)?"
    r"(?:T(?=[0-9])(?:(?P<hours>[0-9]+)H)?(?:(?P<minutes>[0-9]+)M)?(?:(?P<seconds>[0-9]+)S)?)?"
)


# Public holidays differ by Land (Fronleichnam in Bayern, not in Sachsen-Anhalt; the
# Reformationstag the other way round until 2018): each body names its Land (ISO 3166-2
# subdivision code) and passes it in. Sachsen-Anhalt, the first city's, when none is given.
DEFAULT_LAND = "ST"


@lru_cache(maxsize=256)
def _holidays(year: int, land: str = DEFAULT_LAND) -> Mapping[date, str]:
    """Builds one year once; the package's objects are slow to build and mutable, so a
    read-only copy is cached instead of the object itself."""
    days = holidays.country_holidays("DE", subdiv=land, years=year, language="de")
    return MappingProxyType(dict(days))


def holiday_name(day: date, land: str = DEFAULT_LAND) -> str | None:
    """German name of the public holiday in the Land on ``day``, for explaining a move."""
    return _holidays(day.year, land).get(day)


def is_working_day(day: date, land: str = DEFAULT_LAND) -> bool:
    return day.weekday() < _SATURDAY and day not in _holidays(day.year, land)


def next_working_day(day: date, land: str = DEFAULT_LAND) -> date:
    while not is_working_day(day, land):
        day += _ONE_DAY
    return day


def previous_working_day(day: date, land: str = DEFAULT_LAND) -> date:
    while not is_working_day(day, land):
        day -= _ONE_DAY
    return day


def add_working_days(day: date, n: int, land: str = DEFAULT_LAND) -> date:
    """Counts ``n`` working days after ``day`` (before it for negative ``n``).

    ``day`` itself is never counted, so ``n == 0`` returns it unchanged even on a holiday:
    rolling to a working day is a separate decision (see ``due_at``).
    """
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day, land):
            remaining -= 1
    return day


@dataclass(frozen=True)
class Duration:
    """An ISO 8601 duration split into the parts that behave differently in a calendar.

    Months vary in length, days vary in hours across summer time, seconds do not; keeping
    them apart lets ``add_to`` treat each the way a person counting a deadline would.
    """

    months: int = 0
    days: int = 0
    seconds: int = 0

    # The days and seconds as timedeltas, made once per duration of a definition: building
    # one cost as much as adding it and converting the result to UTC together.
    @cached_property
    def day_delta(self) -> timedelta:
        return timedelta(days=self.days)

    @cached_property
    def second_delta(self) -> timedelta:
        return timedelta(seconds=self.seconds)

    @classmethod
    def parse(cls, text: str) -> Duration:
        match = _DURATION.fullmatch(text)
        if match is None or all(v is None for v in match.groupdict().values()):
            raise ValueError(f"„{text}“ ist keine ISO-8601-Dauer (Beispiele: P6W, P7D, P1M).")
        part = {k: int(v) if v is not None else 0 for k, v in match.groupdict().items()}
        return cls(
            months=part["years"] * 12 + part["months"],
            days=part["weeks"] * 7 + part["days"],
            seconds=part["hours"] * 3600 + part["minutes"] * 60 + part["seconds"],
        )

    def negate(self) -> Duration:
        """For deadlines counted back from an event, such as the Ladungsfrist."""
        return Duration(months=-self.months, days=-self.days, seconds=-self.seconds)

    def add_to(self, moment: datetime) -> datetime:
        """Adds months and days on the local calendar, seconds on the clock.

        The result keeps the time zone of ``moment``. A local time that does not exist (the
        hour skipped in spring) comes out one hour later, as a wall clock would show it.
        """
        _require_aware(moment)
        result = moment
        if self.months or self.days:
            local = moment.astimezone(BERLIN)
            wall = _add_months(local.replace(tzinfo=None), self.months) + self.day_delta
            result = _attach_local(wall, fold=local.fold)
        if self.seconds:
            result = result.astimezone(UTC) + self.second_delta
        return result.astimezone(moment.tzinfo)


def to_local(moment: datetime) -> datetime:
    """For display and for every calendar decision: these happen in Berlin time."""
    _require_aware(moment)
    return moment.astimezone(BERLIN)


def to_utc(moment: datetime) -> datetime:
    """For storage: a naive value would silently be read as server time, so it is refused."""
    _require_aware(moment)
    return moment.astimezone(UTC)


def due_at(
    start: datetime,
    duration: Duration,
    roll: Literal["forward", "backward"] = "forward",
    land: str = DEFAULT_LAND,
) -> datetime:
    """When a deadline of ``duration`` after ``start`` falls due, in UTC.

    A due date on a weekend or holiday moves forward to the next working day; deadlines that
    must be met *before* an event (the Ladungsfrist: papers out 7 days before the meeting)
    roll backward instead, so that moving them never shortens the time the members get.
    The local time of day is kept. Holidays are those of ``land``.
    """
    _require_aware(start)
    return _due(start.astimezone(BERLIN), duration, roll, land)


def due_on(
    day: date,
    at: time,
    duration: Duration,
    roll: Literal["forward", "backward"] = "forward",
    land: str = DEFAULT_LAND,
) -> datetime:
    """``due_at`` counted from a local date and wall time (a deadline before a meeting day):
    the same as ``due_at(local_day_at(day, at), ...)``."""
    _require_local_time(at)
    return _due_on(day, at, at.fold, duration, roll, land)


# Pure in its arguments, and a meeting's deadlines are counted again on every step that
# names its day: a quarter of firing such a step went into counting. The fold is a key of
# its own, since two times differing only in it are equal (and hash equal) in Python.
@lru_cache(maxsize=1024)
def _due_on(day: date, at: time, fold: int, duration: Duration, roll: str, land: str) -> datetime:
    return _due(_attach_local(datetime.combine(day, at), fold=fold), duration, roll, land)


def _due(local: datetime, duration: Duration, roll: str, land: str) -> datetime:
    # ``local`` is in BERLIN as ``astimezone`` gives it. The steps of ``Duration.add_to``
    # and the roll then need one conversion to UTC each instead of a round trip per step,
    # which was half the cost of a deadline and a third of firing an event with one.
    # Aware arithmetic in one zone is on the wall clock, as ``add_to`` counts days.
    if duration.months or duration.days:
        wall = _add_months(local, duration.months) + duration.day_delta
        if local.fold:  # adding a timedelta resets it; ``add_to`` keeps the start's
            wall = wall.replace(fold=1)
        moment = wall.astimezone(UTC)
    else:
        moment = local.astimezone(UTC)
    if duration.seconds:
        moment += duration.second_delta
    if duration.months or duration.days or duration.seconds:
        local = moment.astimezone(BERLIN)
    day = local.date()
    if is_working_day(day, land):
        return moment
    day = next_working_day(day, land) if roll == "forward" else previous_working_day(day, land)
    return datetime.combine(day, local.timetz()).astimezone(UTC)


def local_day_at(day: date, at: time) -> datetime:
    """UTC moment of a local date and wall time, e.g. a meeting on 30.03.2025 at 18:00.

    A wall time in the hour skipped in spring is read as the time a clock would show an
    hour later; in the repeated autumn hour ``at.fold`` chooses (0: the first occurrence).
    """
    _require_local_time(at)
    return _attach_local(datetime.combine(day, at), fold=at.fold).astimezone(UTC)


def _attach_local(wall: datetime, fold: int) -> datetime:
    # zoneinfo places a non-existent wall time with the offset before the gap; converting
    # to UTC and back yields the wall time a clock would show (02:30 becomes 03:30).
    return wall.replace(tzinfo=BERLIN, fold=fold).astimezone(UTC).astimezone(BERLIN)


def _add_months(wall: datetime, months: int) -> datetime:
    """``months`` later on the calendar, the day clamped to the end of a shorter month."""
    if not months:
        return wall
    years, month_index = divmod(wall.month - 1 + months, 12)
    year = wall.year + years
    month = month_index + 1
    return wall.replace(year=year, month=month, day=min(wall.day, monthrange(year, month)[1]))


def _require_local_time(at: time) -> None:
    if at.tzinfo is not None:
        raise ValueError(
            f"Die Uhrzeit {at.isoformat()} muss als Ortszeit ohne Zeitzone angegeben werden."
        )


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            f"Der Zeitpunkt {moment.isoformat()} hat keine Zeitzone; erwartet wird eine "
            "Angabe mit Zeitzone (gespeichert wird in UTC)."
        )

"""Half-year reporting periods, written ``2024-H1`` in URLs, on the command line and in files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_PATTERN = re.compile(r"([0-9]{4})-H([12])")
# What the API states (a year from 2000 on, as ``parse_period`` requires), for its schema.
PERIOD_PATTERN = r"^(2[0-9]{3}|[3-9][0-9]{3})-H[12]$"
NOT_A_PERIOD = (
    "kein Berichtszeitraum: erwartet wird Jahr (ab 2000) und Halbjahr, z. B. 2024-H1 "
    "(Januar bis Juni) oder 2024-H2 (Juli bis Dezember)"
)


class InvalidPeriod(ValueError):
    """A period a user typed that names no half-year; the message is German."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    half: int

    @property
    def key(self) -> str:
        return f"{self.year}-H{self.half}"

    @property
    def label(self) -> str:
        return f"{self.half}. Halbjahr {self.year}"

    @property
    def start(self) -> date:
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    def previous(self) -> Period:
        return Period(self.year, 1) if self.half == 2 else Period(self.year - 1, 2)


def parse_period(text: str) -> Period:
    match = _PATTERN.fullmatch(text.strip())
    if match is None:
        raise InvalidPeriod(
            f"„{text}“ ist kein Berichtszeitraum: erwartet wird Jahr und Halbjahr, "
            "z. B. 2024-H1 (Januar bis Juni) oder 2024-H2 (Juli bis Dezember)."
        )
    year = int(match.group(1))
    if year < 2000:
        raise InvalidPeriod(f"„{text}“ liegt vor dem Jahr 2000; dafür gibt es keine Daten.")
    return Period(year, int(match.group(2)))


def period_of(day: date) -> Period:
    """The half-year that contains ``day``."""
    return Period(day.year, 1 if day.month <= 6 else 2)

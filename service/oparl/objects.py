"""OParl 1.1 objects from ratsflow rows: pure functions, no database and no clock.

Every object is built flat; the objects another one embeds (a meeting's agenda items, a
paper's consultations and files, a person's memberships, the body's legislative terms) are
named in ``EMBEDS`` and put in when the object is rendered, with their own stamps. Absent
values are left out rather than sent as ``null``: OParl types every property it names.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from workflow.calendar import to_local

VERSION_URI = "https://schema.oparl.org/1.1/"

TYPE_NAMES = {
    "system": "System",
    "body": "Body",
    "legislativeterm": "LegislativeTerm",
    "organization": "Organization",
    "person": "Person",
    "membership": "Membership",
    "meeting": "Meeting",
    "agendaitem": "AgendaItem",
    "paper": "Paper",
    "consultation": "Consultation",
    "file": "File",
    "location": "Location",
}

# The body's external lists: property of Body -> entity type listed.
BODY_LISTS = {
    "organization": "organization",
    "person": "person",
    "meeting": "meeting",
    "paper": "paper",
    "agendaItem": "agendaitem",
    "consultation": "consultation",
    "file": "file",
    "locationList": "location",
    "legislativeTermList": "legislativeterm",
    "membership": "membership",
}
LIST_PATHS = {prop: entity for prop, entity in BODY_LISTS.items()}

# Which property of which type embeds objects of which type (a list, or one object).
EMBEDS: dict[str, dict[str, tuple[str, bool]]] = {
    "body": {"legislativeTerm": ("legislativeterm", True)},
    "person": {"membership": ("membership", True)},
    "meeting": {"location": ("location", False), "agendaItem": ("agendaitem", True)},
    "paper": {"consultation": ("consultation", True), "auxiliaryFile": ("file", True)},
}

Key = tuple[str, int]


@dataclass(frozen=True)
class Urls:
    """Absolute URLs below the address the request came to (its body's prefix included)."""

    base: str  # ends with "/"

    def api(self, path: str) -> str:
        return f"{self.base}oparl/v1/{path}"

    def system(self) -> str:
        return self.api("system")

    def of(self, entity_type: str, entity_id: int) -> str:
        return self.api(f"{entity_type}/{entity_id}")

    def body_list(self, body_id: int, prop: str) -> str:
        return self.api(f"body/{body_id}/{prop}")

    def file_access(self, file_id: int) -> str:
        return self.api(f"file/{file_id}/access")

    def file_download(self, file_id: int) -> str:
        return self.api(f"file/{file_id}/download")


def type_uri(entity_type: str) -> str:
    return VERSION_URI + TYPE_NAMES[entity_type]


def moment(value: datetime) -> str:
    return to_local(value).isoformat(timespec="seconds")


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def compact(values: dict[str, Any]) -> dict[str, Any]:
    """Leaves out absent values and empty lists (OParl has no ``null`` for them)."""
    return {k: v for k, v in values.items() if v is not None and v != []}


def head(urls: Urls, entity_type: str, entity_id: int) -> dict[str, Any]:
    return {"id": urls.of(entity_type, entity_id), "type": type_uri(entity_type)}


def fingerprint(values: dict[str, Any]) -> str:
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def deleted(
    urls: Urls,
    entity_type: str,
    entity_id: int,
    created: datetime | None,
    modified: datetime | None,
) -> dict[str, Any]:
    """What is left of a removed or depublished object (OParl 1.1, 2.8)."""
    return compact(
        {
            **head(urls, entity_type, entity_id),
            "created": moment(created) if created else None,
            "modified": moment(modified) if modified else None,
            "deleted": True,
        }
    )


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman(text: str) -> int | None:
    """The number of a Wahlperiode written in Roman numerals (``VII`` -> 7), else None."""
    if not text or any(c not in _ROMAN for c in text):
        return None
    total = 0
    for i, c in enumerate(text):
        value = _ROMAN[c]
        total += -value if i + 1 < len(text) and _ROMAN[text[i + 1]] > value else value
    return total

"""What a search of the trail asks and finds: filters, the keyset position, found events.

The Datenschutzbeauftragte's doors (API, web, console) build ``Filters`` and show
``FoundEvent``s; ``service.audit.trail`` runs the search and ``repository.search`` its SQL.
Found events carry readable values where the hashed text holds digests, or ``[gelöscht]``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from service.audit.chain import DIGEST_PREFIX

ERASED = "[gelöscht]"


@dataclass(frozen=True)
class Filters:
    """What the Datenschutzbeauftragte asks for; every field narrows, none is required."""

    actor_id: int | None = None
    person_id: int | None = None
    entity_type: str | None = None
    entity_id: int | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    text: str | None = None

    def given(self) -> dict[str, Any]:
        """The filters as stated, for the query's own audit event."""
        return {
            k: (v.isoformat() if isinstance(v, datetime) else v)
            for k, v in asdict(self).items()
            if v is not None
        }


@dataclass(frozen=True)
class Position:
    """Keyset position: the last event of the previous page."""

    ts: datetime
    id: int


# Not frozen: a page builds 50 of them, and a frozen dataclass sets each of its 16 fields
# through object.__setattr__, which cost a search a tenth of its time. Nobody changes one.
@dataclass(slots=True)
class FoundEvent:
    id: int
    chain_key: str
    seq: int
    ts: datetime
    actor_id: int | None
    actor: str | None
    role: str | None
    action: str
    entity_type: str
    entity_id: int | None
    persons: list[int]
    changes: dict[str, Any]
    context: dict[str, Any]
    comment: str | None
    request_id: str | None
    hash: str


def reveal(value: Any, path: str, known: dict[str, str | None]) -> Any:
    """The readable value behind a digest at ``path`` of an event, ``[gelöscht]`` when it
    was erased, or the value itself when it is no digest (or its detail row is unknown)."""
    if not (isinstance(value, str) and value.startswith(DIGEST_PREFIX)):
        return value
    if path not in known:
        return value
    text = known[path]
    if text is None:
        return ERASED
    # A comment is always text, though it may read like JSON ("[2025]"). Elsewhere only text
    # that opens an object or a list after JSON's whitespace can parse into one: plain text
    # went through a failed parse, whose exception cost 16 µs a value.
    if path == "comment" or text.lstrip(" \t\n\r")[:1] not in ("{", "["):
        return text
    try:
        parsed = json.loads(text)
    except ValueError:
        return text
    # Structured values were stored as canonical JSON; plain strings as themselves.
    return parsed if isinstance(parsed, dict | list) else text

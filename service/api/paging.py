"""Keyset cursors: opaque to clients, base64 JSON of the sort key and the last row's id.

A cursor that does not decode, or that belongs to another sort order, names no page: it is
answered like an unknown id (404), never with a server error.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from service.api.deps import MAX_ID
from service.errors import NotFound
from service.keyset import Keyset


def encode(sort: str, value: Any, after: int) -> str:
    # Sorting by id keeps the original format ({"after": id}), so old cursors stay valid.
    payload: dict[str, Any] = {"after": after}
    if sort != "id":
        plain = value.isoformat() if isinstance(value, datetime) else value
        payload |= {"sort": sort, "value": plain}
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


def decode(cursor: str | None, sort: str = "id") -> Keyset | None:
    if not cursor:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        after = int(payload["after"])
        if payload.get("sort", "id") != sort:
            raise ValueError(sort)
        value = payload.get("value")
        if sort.lstrip("-") == "id":
            value = after
        elif sort.lstrip("-") == "updated_at":
            value = datetime.fromisoformat(value)
            if value.tzinfo is None:
                raise ValueError(value)
        elif not isinstance(value, str):
            raise ValueError(value)
    except (ValueError, KeyError, TypeError, OverflowError, AttributeError):
        raise NotFound("Seite", cursor) from None
    if not 0 <= after <= MAX_ID:
        raise NotFound("Seite", cursor)
    return Keyset(value, after)

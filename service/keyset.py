"""Keyset paging with a choice of sort order: every list of the API and the web pages.

A page is asked for with the last row's sort value and id, never an offset, so page 20 costs
what page 1 costs and a row inserted meanwhile neither repeats nor skips one. The id breaks
ties, which makes every order total. The cursor is opaque to clients but names its sort
order, so a cursor taken under one order cannot silently be replayed under another. A
cursor that does not decode, or names another order, is refused alike on every list: 422
naming ``cursor``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_

from workflow.errors import FieldProblem, InvalidData

MAX_ID = 2**31 - 1
# What the API states of a cursor: URL-safe Base64 (what it holds only the server reads).
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+={0,2}$"
UNKNOWN_PAGE = "unbekannte Seite; bitte `next_cursor` unverändert übergeben"


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool = False

    @property
    def name(self) -> str:
        return f"-{self.key}" if self.descending else self.key


@dataclass(frozen=True)
class After:
    value: Any
    id: int


def _invalid(field: str, message: str) -> InvalidData:
    return InvalidData("blättern", [FieldProblem(field, field, message)])


def parse_sort(value: str, allowed: tuple[str, ...]) -> Sort:
    sort = Sort(value.removeprefix("-"), value.startswith("-"))
    if sort.key not in allowed:
        names = ", ".join(f"{a}, -{a}" for a in allowed)
        raise _invalid("sort", f"unbekannte Sortierung „{value}“; möglich sind: {names}")
    return sort


def encode(sort: Sort, value: Any, row_id: int) -> str:
    if isinstance(value, datetime | date):
        value = value.isoformat()
    payload = {"s": sort.name, "v": value, "id": row_id}
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


def decode(cursor: str | None, sort: Sort, kind: type) -> After | None:
    """The position a cursor names; ``kind`` is the sort column's Python type."""
    if not cursor:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if payload["s"] != sort.name:
            raise _invalid("cursor", "die Seite gehört zu einer anderen Sortierung")
        row_id = int(payload["id"])
        raw = payload["v"]
        if raw is None or isinstance(raw, dict | list):
            raise ValueError("no sort value")  # every sort column is NOT NULL (or coalesced)
        value: Any
        if kind is datetime:
            value = datetime.fromisoformat(raw)
        elif kind is date:
            value = date.fromisoformat(raw)
        elif kind is int:
            value = int(raw)
        else:
            value = str(raw)
    except InvalidData:
        raise
    except (ValueError, KeyError, TypeError, binascii.Error, OverflowError):
        raise _invalid("cursor", UNKNOWN_PAGE) from None
    out_of_range = kind is int and not 0 <= value <= MAX_ID
    naive = kind is datetime and not value.tzinfo
    if not 0 <= row_id <= MAX_ID or out_of_range or naive:
        raise _invalid("cursor", UNKNOWN_PAGE)
    return After(value, row_id)


def page(
    query: Select[Any],
    column: ColumnElement[Any],
    id_column: ColumnElement[Any],
    sort: Sort,
    after: After | None,
    limit: int,
) -> Select[Any]:
    """Orders by (column, id) in the sort's direction and starts after ``after``."""
    by_id = column is id_column
    if after is not None:
        if by_id:
            beyond = id_column < after.id if sort.descending else id_column > after.id
        elif sort.descending:
            beyond = or_(column < after.value, and_(column == after.value, id_column < after.id))
        else:
            beyond = or_(column > after.value, and_(column == after.value, id_column > after.id))
        query = query.where(beyond)
    columns = (id_column,) if by_id else (column, id_column)
    order = [c.desc() for c in columns] if sort.descending else list(columns)
    return query.order_by(*order).limit(limit)


def next_cursor(rows: Sequence[Any], limit: int, sort: Sort, column: str) -> str | None:
    """The cursor after the last row shown, when one more row than asked for came back."""
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]
    return encode(sort, getattr(last, column), last.id)

"""Remembering the first answer to a retried request (``Idempotency-Key``).

A request claims its key by inserting the row before it acts and fills in the answer after,
all inside the request's own transaction. A concurrent retry with the same key therefore
waits on the unique index (PostgreSQL) or on the write lock (SQLite, ``BEGIN IMMEDIATE``)
until the first request has committed, then finds its answer; if the first request failed
and rolled back, the retry finds no row and acts itself. Failed requests change nothing, so
their answers are not kept: a retry is checked anew.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from service.audit import canonical
from service.errors import ServiceError
from service.idempotency import repository


class KeyReused(ServiceError):
    """The same key came with another request: most likely a client bug, never replayed."""

    slug = "idempotenz-schluessel-wiederverwendet"
    title = "Idempotency-Key bereits verwendet"

    def __init__(self, key: str) -> None:
        super().__init__(
            f"Der Idempotency-Key „{key}“ wurde bereits für eine andere Anfrage verwendet. "
            "Für eine neue Anfrage bitte einen neuen Schlüssel wählen.",
        )


class Once(Protocol):
    """A form's one-time token (``service.web.once``) as a use case that runs its own
    transactions sees it: both raise when the form took effect before, so that the use
    case, not the page, decides in which transaction a repeat is recognised."""

    def check(self, connection: Connection) -> None:
        """Raises when the form took effect before; claims nothing (a refusal keeps none)."""

    def claim(self, connection: Connection) -> None:
        """Claims the token in the transaction that acts, for a repeat to find."""


@dataclass(frozen=True)
class Claim:
    """Where a request stands with its key: first time (``status`` is None) or a retry,
    with the status, body and headers of the first answer."""

    row_id: int | None
    status: int | None = None
    body: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def replay(self) -> bool:
        return self.status is not None


def request_hash(method: str, path: str, payload: Any) -> str:
    text = canonical.dumps({"method": method, "path": path, "payload": payload})
    return hashlib.sha256(text).hexdigest()


def claim(
    connection: Connection,
    *,
    key: str,
    user_id: int,
    method: str,
    path: str,
    payload: Any,
    now: datetime,
    ttl: timedelta,
) -> Claim:
    """Claims ``key`` for this request, or returns the answer stored for it.

    Raises ``KeyReused`` when the key was used for a different request.
    """
    digest = request_hash(method, path, payload)
    found = repository.find(connection, user_id, key)
    if found is not None and found.created_at <= now - ttl:
        repository.delete_key(connection, found.id)
        found = None
    if found is None:
        try:
            with connection.begin_nested():
                row_id = repository.insert_key(
                    connection,
                    {
                        "key": key,
                        "user_id": user_id,
                        "method": method,
                        "path": path,
                        "request_hash": digest,
                        "created_at": now,
                    },
                )
            return Claim(row_id)
        except IntegrityError:
            # A concurrent request with this key committed first: its answer is ours.
            found = repository.find(connection, user_id, key)
            if found is None:  # pragma: no cover - it committed, so it is visible now
                raise
    if found.request_hash != digest:
        raise KeyReused(key)
    return _stored(found)


def answered(
    connection: Connection, *, key: str, user_id: int, now: datetime, ttl: timedelta
) -> Claim | None:
    """The answer kept for ``key`` within ``ttl``, without claiming it; None when there is
    none (never sent, sent and refused, or forgotten)."""
    found = repository.find(connection, user_id, key)
    if found is None or found.status is None or found.created_at <= now - ttl:
        return None
    return _stored(found)


def _stored(found: Any) -> Claim:
    return Claim(found.id, found.status, found.response_body, dict(found.response_headers or {}))


def remember(
    connection: Connection,
    claimed: Claim,
    status: int,
    body: str,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Keeps the first answer in the transaction that claimed the key: the body exactly as
    sent, and beside it the ``headers`` a retry must get again."""
    repository.store_answer(connection, claimed.row_id, status, body, dict(headers or {}))


def purge_expired(connection: Connection, now: datetime, ttl: timedelta) -> int:
    """Forgets answers older than ``ttl``; for the scheduler's daily housekeeping."""
    return repository.delete_created_before(connection, now - ttl)

"""``Idempotency-Key`` for POST routes that act: a retry gets the first answer, acts never.

Every POST route of an API router that writes through ``WriteDep`` takes the key without a
line of its own (``service.api.once.OnceRoute``). A route that begins its transaction itself
(an upload read before the transaction, a transition) declares ``IdempotencyKeyHeader`` and
answers through ``respond_once`` inside it::

    with runtime.write() as connection:
        return respond_once(runtime, connection, actor.user_id, request, idempotency_key,
                            payload={...}, act=lambda: JSONResponse(...))

``payload`` is everything that decides what the request does (the body, plus headers such
as ``If-Match`` that change it); the same key with another payload is refused with 422. The
answer (status, body, and beside the body its ``Location``, ``ETag`` and ``Content-Type``) is
stored in the route's transaction, so it commits together with the action.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.responses import Response
from sqlalchemy.engine import Connection

from service.idempotency import service
from service.runtime import Runtime

REPLAYED = "Idempotent-Replayed"
# The headers of a first answer a retry gets again: where the new item is, its version, and
# what the body is. Kept beside the body (``response_headers``), which is kept as sent.
_KEPT = ("Location", "ETag", "Content-Type")

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="Frei gewählter Schlüssel (z. B. eine UUID). Eine Wiederholung mit "
        "demselben Schlüssel liefert die erste Antwort und handelt nicht erneut; "
        "gespeichert 24 Stunden.",
    ),
]


def respond_once(
    runtime: Runtime,
    connection: Connection,
    user_id: int | None,
    request: Request,
    key: str | None,
    *,
    payload: Any,
    act: Callable[[], Response],
) -> Response:
    """The core of every ``Idempotency-Key``: claims the key in ``connection`` (the request's
    write transaction), replays the stored answer or acts and stores its status and body."""
    if key is None or user_id is None:
        return act()
    claimed = service.claim(
        connection,
        key=key,
        user_id=user_id,
        method=request.method,
        path=request.url.path,
        payload=payload,
        now=runtime.now(),
        ttl=timedelta(hours=runtime.settings.idempotency_ttl_hours),
    )
    if claimed.replay:
        assert claimed.status is not None and claimed.body is not None
        # An answer kept before its Content-Type was (migration 0033) was JSON or empty.
        media = "application/json" if claimed.body else None
        response = Response(
            claimed.body, status_code=claimed.status, media_type=media, headers=claimed.headers
        )
        response.headers[REPLAYED] = "true"
        return response
    response = act()
    kept = {name: response.headers[name] for name in _KEPT if name in response.headers}
    service.remember(connection, claimed, response.status_code, bytes(response.body).decode(), kept)
    return response


__all__ = ["REPLAYED", "IdempotencyKeyHeader", "respond_once"]

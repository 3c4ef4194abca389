"""``Idempotency-Key`` for POST routes that act: a retry gets the first answer, acts never.

Use it in a route that writes through ``WriteDep``::

    def record_vote(..., connection: WriteDep, actor: CurrentActor, request: Request,
                    idempotency_key: IdempotencyKeyHeader = None) -> Response:
        return answer_once(
            runtime, connection, actor, request, idempotency_key,
            payload=body.model_dump(mode="json"),
            act=lambda: do_the_work(...),   # returns the response model
        )

``payload`` is everything that decides what the request does (the body, plus headers such
as ``If-Match`` that change it); the same key with another payload is refused with 422. The
answer is stored in the route's transaction, so it commits together with the action.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from service.actor import Actor
from service.idempotency import service
from service.runtime import Runtime

REPLAYED = "Idempotent-Replayed"

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


def answer_once(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    request: Request,
    key: str | None,
    *,
    payload: Any,
    act: Callable[[], BaseModel],
    status_code: int = 200,
) -> Response:
    if key is None or actor.user_id is None:
        return _json(act().model_dump(mode="json"), status_code)
    claimed = service.claim(
        connection,
        key=key,
        user_id=actor.user_id,
        method=request.method,
        path=request.url.path,
        payload=payload,
        now=runtime.now(),
        ttl=timedelta(hours=runtime.settings.idempotency_ttl_hours),
    )
    if claimed.replay:
        assert claimed.status is not None and claimed.body is not None
        response = Response(claimed.body, status_code=claimed.status, media_type="application/json")
        response.headers[REPLAYED] = "true"
        return response
    content = act().model_dump(mode="json")
    response = _json(content, status_code)
    service.remember(connection, claimed, status_code, bytes(response.body).decode())
    return response


def _json(content: Any, status_code: int) -> JSONResponse:
    return JSONResponse(content, status_code=status_code)


__all__ = ["REPLAYED", "IdempotencyKeyHeader", "answer_once"]

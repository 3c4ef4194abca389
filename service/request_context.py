"""What one request is, for whatever it touches: its id, and who turned out to send it.

The API middleware (``service.api.observing``) opens it; the audit trail stamps the id on
every event the request writes, and the request's log line names the actor. Sync routes
run in worker threads with a copy of the context: the object itself is shared, so what a
dependency notes (the actor) is seen by the middleware when the answer goes out.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar, Token
from dataclasses import dataclass

# An incoming X-Request-ID is kept when it is plainly an id (a proxy's, a client's):
# letters, digits and a few separators, short enough for the audit column.
_SANE = re.compile(r"[A-Za-z0-9._:@-]{8,100}")


@dataclass
class RequestInfo:
    request_id: str
    actor_id: int | None = None
    route: str | None = None  # the matched route's template


_current: ContextVar[RequestInfo | None] = ContextVar("ratsflow_request", default=None)


def request_id_from(incoming: str | None) -> str:
    if incoming is not None and _SANE.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def begin(request_id: str) -> tuple[RequestInfo, Token[RequestInfo | None]]:
    info = RequestInfo(request_id)
    return info, _current.set(info)


def end(token: Token[RequestInfo | None]) -> None:
    _current.reset(token)


def current() -> RequestInfo | None:
    return _current.get()


def current_request_id() -> str | None:
    info = _current.get()
    return info.request_id if info is not None else None


def note_actor(user_id: int) -> None:
    info = _current.get()
    if info is not None:
        info.actor_id = user_id

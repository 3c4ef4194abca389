"""Every request gets an id, a log line and its place in the metrics (a pure ASGI middleware).

The id is taken from an incoming ``X-Request-ID`` when it is plainly an id (a proxy's), else
made up, and echoed in the answer; the audit events the request writes carry it
(``service.request_context``). The route is counted by its template
(``/api/v1/measures/{measure_id}``), never by its path: the metrics stay few, and an id or a
searched name in a path reaches neither metrics nor logs.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import Request

from service import request_context
from service.ops.counters import LATENCY, REQUESTS

log = logging.getLogger("ratsflow.request")

UNMATCHED = "unmatched"
HEADER = b"x-request-id"


def _template(route: Any) -> str | None:
    return getattr(route, "path_format", None) or getattr(route, "path", None)


async def note_route(request: Request) -> None:
    """An app-wide dependency: the matched route's template, for the line and the metrics
    (under a body's prefix the middleware sees a copy of the scope, not the route)."""
    info = request_context.current()
    template = _template(request.scope.get("route"))
    if info is not None and template:
        info.route = template


class Observing:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next((v.decode("latin-1") for k, v in scope["headers"] if k == HEADER), None)
        info, token = request_context.begin(request_context.request_id_from(incoming))
        status = 500
        started = time.perf_counter()

        async def answer(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k != HEADER]
                headers.append((HEADER, info.request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, answer)
        finally:
            request_context.end(token)
            elapsed = time.perf_counter() - started
            # A mount (static files) has no dependencies, but the router noted it here.
            route = info.route or _template(scope.get("route")) or UNMATCHED
            REQUESTS.labels(scope["method"], route, str(status)).inc()
            LATENCY.labels(scope["method"], route).observe(elapsed)
            log.info(
                "%s %s %s %.1f ms",
                scope["method"],
                route,
                status,
                elapsed * 1000,
                extra={
                    "request_id": info.request_id,
                    "actor_id": info.actor_id,
                    "method": scope["method"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )

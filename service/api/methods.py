"""405 for a method a named path lacks, before a route with a parameter takes the path.

``GET /measures/import`` is matched by ``GET /measures/{measure_id}`` as well as by
``POST /measures/import``; Starlette serves the full match, whose path parameter then
fails (422), or whose sign-in check answers first (401). The path names one resource, the
import, which has no GET: that is a 405 with ``Allow``, whoever asks.
"""

from __future__ import annotations

from typing import Any

from service.api.limits import inner_path
from service.api.logged_reads import api_routes
from service.api.problems import method_not_allowed


def named_paths(app: Any) -> dict[str, frozenset[str]]:
    """The methods of each API path without a parameter."""
    table: dict[str, set[str]] = {}
    for route in api_routes(app):
        if "{" not in route.path_format:
            table.setdefault(route.path_format, set()).update(route.methods or ())
    return {path: frozenset(methods) for path, methods in table.items()}


class NamedPathMethods:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.table: dict[str, frozenset[str]] | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            if self.table is None:  # the routes are all included once the first call comes
                self.table = named_paths(scope["app"])
            allowed = self.table.get(inner_path(scope))
            if allowed and scope["method"] not in allowed:
                await _refuse(sorted(allowed), send)
                return
        await self.app(scope, receive, send)


async def _refuse(allowed: list[str], send: Any) -> None:
    # Answered here: no route, and so no exception handler, is reached.
    await method_not_allowed(allowed)({"type": "http"}, _nothing, send)


async def _nothing() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}

"""Bounded work per request: a body above its limit is answered 413 before it is read whole.

A pure ASGI middleware, outside authentication and routing, so an anonymous client is
refused the same way as a signed-in one (a 100 MB body was once read whole before its
401). A declared ``Content-Length`` above the limit is refused before a byte is read; a
body without one (chunked) is counted as it streams in and refused as soon as it crosses
the limit. Either way the application sees no more than the limit, and what the client
still sends is dropped by the server unread.

JSON and forms may carry ``RATSFLOW_MAX_BODY_BYTES`` (1 MB); the routes that take a file
(attachments, imports) ``RATSFLOW_MAX_UPLOAD_BYTES`` plus the form's boundaries. The API
answers problem+json, the web a short German page.
"""

from __future__ import annotations

import json
import re
from typing import Any

from service.api.uploads import FORM_OVERHEAD, megabytes
from service.bodies.addressing import PREFIX

# The routes that take one uploaded file, by method and path template (below a body's
# prefix); a test posts a large file to each, so a renamed route cannot silently fall back
# to the small limit.
UPLOAD_ROUTES = frozenset(
    {
        ("POST", "/api/v1/measures/{item_id}/attachments"),
        ("POST", "/api/v1/papers/{item_id}/attachments"),
        ("POST", "/api/v1/measures/import"),
        ("POST", "/massnahmen/{owner_id}/anlagen"),
        ("POST", "/vorlagen/{owner_id}/anlagen"),
        ("POST", "/haushalt/import"),
    }
)
_NO_BODY = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "TRACE"})
_UPLOAD_PATTERNS = [
    (method, re.compile("^" + re.sub(r"\\{\w+\\}", "[^/]+", re.escape(path)) + "/?$"))
    for method, path in sorted(UPLOAD_ROUTES)
]


def is_upload_route(scope: Any) -> bool:
    path = inner_path(scope)
    return any(scope["method"] == m and p.match(path) for m, p in _UPLOAD_PATTERNS)


def inner_path(scope: Any) -> str:
    """The path below the addressed body's prefix (``/b/<slug>``), as the router sees it,
    whether or not ``BodyAddressing`` has set the prefix as the root path yet."""
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        return path[len(root) :]
    prefixed = PREFIX.match(path)
    return (prefixed.group(2) or "/") if prefixed else path


def limit_for(app: Any, scope: Any) -> tuple[int, int, bool]:
    """(bytes the body may have, the size named to the user, whether a file is expected)."""
    settings = app.state.runtime.settings
    if is_upload_route(scope):
        return settings.max_upload_bytes + FORM_OVERHEAD, settings.max_upload_bytes, True
    return settings.max_body_bytes, settings.max_body_bytes, False


def _is_api(scope: Any) -> bool:
    return inner_path(scope).startswith("/api/")


def too_large_answer(
    scope: Any, named: int, upload: bool
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    what = "Die Datei" if upload else "Die Anfrage"
    detail = f"{what} ist zu groß. Erlaubt sind höchstens {megabytes(named)}."
    if _is_api(scope):
        body = json.dumps(
            {
                "type": "/probleme/zu-gross",
                "title": "Anfrage zu groß",
                "status": 413,
                "detail": detail,
            },
            ensure_ascii=False,
        ).encode()
        media = b"application/problem+json"
    else:
        body = (
            '<!doctype html><html lang="de"><head><meta charset="utf-8">'
            "<title>Anfrage zu groß</title></head><body><h1>Anfrage zu groß</h1>"
            f"<p>{detail} Bitte eine kleinere Datei wählen.</p></body></html>"
        ).encode()
        media = b"text/html; charset=utf-8"
    # No ``Connection: close``: the server then drops the rest of the body unread while
    # the client, which sends all of it before it reads an answer, can still read the 413.
    headers = [(b"content-type", media), (b"content-length", str(len(body)).encode())]
    return 413, headers, body


class BodyLimits:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or (scope["method"] in _NO_BODY and not _declared(scope)):
            await self.app(scope, receive, send)
            return
        limit, named, upload = limit_for(scope["app"], scope)
        declared = _declared(scope)
        if declared is not None and declared > limit:
            await _answer(scope, send, named, upload)
            return
        state = {"seen": 0, "started": False, "refused": False, "answered": False}

        async def counted_receive() -> Any:
            if state["refused"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                state["seen"] += len(message.get("body", b""))
                if state["seen"] > limit:
                    state["refused"] = True
                    if not state["started"]:
                        state["started"] = state["answered"] = True
                        await _answer(scope, send, named, upload)
                    # The application stops reading here, as if the client had gone.
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Any) -> None:
            if state["answered"]:
                return  # the 413 has been sent; the application's own answer is dropped
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        await self.app(scope, counted_receive, guarded_send)


def _declared(scope: Any) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


async def _answer(scope: Any, send: Any, named: int, upload: bool) -> None:
    status, headers, body = too_large_answer(scope, named, upload)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

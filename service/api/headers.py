"""Headers every answer carries, API and web alike, set in one place (a pure ASGI middleware).

``nosniff`` keeps a browser from running a download or a JSON answer as a script or page;
``Referrer-Policy`` keeps ids and search words in URLs from leaving the site. API answers
and the sign-in pages are never stored by a browser or proxy (``no-store``): they carry
personal data, tokens or session cookies. An answer that set its own caching keeps it.

Every HTML answer carries a Content-Security-Policy. The pages set their own
(``service.web.rendering``); any other HTML (the Sachstandsbericht as the API renders it,
the 413 page) gets ``HTML_POLICY``: no script, no framing, nothing loaded from anywhere, its
inline print styles allowed. Without it such an answer could be framed by any site, and a
script that ever slipped past escaping would run in ratsflow's origin, where the pages and
their form tokens are.
"""

from __future__ import annotations

from typing import Any

from service.api.limits import inner_path

ALWAYS = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"))
NO_STORE = (b"cache-control", b"no-store")
SIGN_IN_PATHS = frozenset({"/login", "/logout", "/konto/passwort"})
CSP = b"content-security-policy"
HTML_POLICY = (
    CSP,
    b"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    b"frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
)


def never_stored(scope: Any) -> bool:
    path = inner_path(scope)
    return path.startswith("/api/") or path in SIGN_IN_PATHS


class SecurityHeaders:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = ALWAYS + ((NO_STORE,) if never_stored(scope) else ())

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in wanted if h[0] not in present)
                if CSP not in present and _is_html(headers):
                    headers.append(HTML_POLICY)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def _is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(
        name.lower() == b"content-type" and value.lower().startswith(b"text/html")
        for name, value in headers
    )

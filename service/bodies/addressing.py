"""Which body a request addresses: a path prefix ``/b/<slug>/``, else the host name a body
has registered, else the deployment's own body. With one body nothing changes: every URL
stays as it was.

A pure ASGI middleware: it runs before routing and sets ``/b/<slug>`` as the root path,
so ``/b/nachbarstadt/api/v1/measures`` reaches the same route as ``/api/v1/measures``
(Starlette routes on the path below the root path) and URLs built from the request stay
inside the body.
"""

from __future__ import annotations

import re
from typing import Any

from service.bodies import service as bodies
from service.errors import NotFound
from service.runtime import Runtime

PREFIX = re.compile(r"^/b/([a-z0-9][a-z0-9-]{1,62})(/.*)?$")
SCOPE_KEY = "ratsflow.body"


def body_runtime(root: Runtime, scope: Any) -> Runtime:
    """The runtime of the body the request addresses (the root's when none is named).

    The registered host names are read once per process (a handful of rows), so a request
    with an unknown Host header costs no query and leaves nothing behind: a body given a
    host while the service runs is found after a restart."""
    slug = scope.get(SCOPE_KEY)
    if slug is None:
        host = _host(scope)
        slug = _registered_hosts(root).get(host) if host is not None else None
    return root.for_body(slug) if slug else root


def _registered_hosts(root: Runtime) -> dict[str, str]:
    hosts: dict[str, str] | None = root.__dict__.get("_host_bodies")
    if hosts is None:
        with root.read() as connection:
            hosts = {b.host: b.slug for b in bodies.all_profiles(connection) if b.host}
        root.__dict__["_host_bodies"] = hosts
    return hosts


class BodyAddressing:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        matched = PREFIX.match(scope.get("path", ""))
        if matched:
            slug = matched.group(1)
            root: Runtime = scope["app"].state.runtime
            if not self._known(root, slug):
                await _not_found(send, slug)
                return
            prefix = f"{scope.get('root_path', '')}/b/{slug}"
            scope = {**scope, "root_path": prefix, SCOPE_KEY: slug}
        await self.app(scope, receive, send)

    def _known(self, root: Runtime, slug: str) -> bool:
        # Asked before a view is made: a path naming no body leaves nothing behind (the
        # views of existing bodies are kept; an unknown slug costs one indexed query).
        if slug == root.settings.chain_key or slug in root.__dict__.get("_body_views", {}):
            return True
        with root.read() as connection:
            try:
                bodies.profile(connection, slug)
            except NotFound:
                return False
        return True


def _host(scope: Any) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"host":
            return str(value.decode("latin-1").split(":")[0].lower())
    return None


async def _not_found(send: Any, slug: str) -> None:
    body = (
        '{"type":"about:blank","title":"Nicht gefunden","status":404,'
        f'"detail":"Die Körperschaft {slug} gibt es hier nicht."}}'
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 404,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})

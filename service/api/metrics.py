"""``GET /metrics``: for Prometheus on the same machine, or with an admin's token.

Counts and ages only, yet they tell how busy a city's council work is: so the answer goes
to a scraper on the loopback address (not through a proxy, which would add
``X-Forwarded-For``; the shipped proxy configuration refuses the path anyway) or to a
caller holding the admin role (``service.ops.metrics.read_metrics``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from service.api.deps import MaybeActor, RuntimeDep
from service.ops.metrics import CONTENT_TYPE, read_metrics

router = APIRouter(include_in_schema=False)

LOOPBACK = frozenset({"127.0.0.1", "::1"})
FORWARDED = (b"x-forwarded-for", b"forwarded", b"x-real-ip")


def from_loopback(request: Request) -> bool:
    direct = request.client is not None and request.client.host in LOOPBACK
    return direct and not any(name in FORWARDED for name, _ in request.scope["headers"])


@router.get("/metrics")
def metrics(request: Request, runtime: RuntimeDep, actor: MaybeActor) -> Response:
    body = read_metrics(runtime, actor, from_loopback=from_loopback(request))
    return Response(body, media_type=CONTENT_TYPE)

"""Links in e-mails: one place that knows the web addresses of items."""

from __future__ import annotations

from urllib.parse import urlsplit

from service.runtime import Runtime

# A test requests every link of every mail as its recipient (tests/service/scheduler).
PATHS = {
    "measure": "/massnahmen/{id}",
    "public_measure": "/oeffentlich/massnahmen/{id}",
    "paper": "/vorlagen/{id}",
    "public_paper": "/oeffentlich/vorlagen/{id}",
    "meeting": "/sitzungen/{id}",
    "programme": "/arbeitspapiere/{id}",
}


def item_link(base_url: str, entity_type: str, entity_id: int) -> str:
    return base_url.rstrip("/") + PATHS[entity_type].format(id=entity_id)


def body_url(runtime: Runtime) -> str:
    """Where the runtime's body is reached on the web: the deployment's address for its own
    body, the body's host name where it has one, else the address with ``/b/<slug>``."""
    base = runtime.settings.base_url.rstrip("/")
    if runtime.chain_key == runtime.settings.chain_key:
        return base
    if runtime.body.host:
        return f"{urlsplit(base).scheme}://{runtime.body.host}"
    return f"{base}/b/{runtime.chain_key}"

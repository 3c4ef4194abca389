"""Links in e-mails: one place that knows the web addresses of items."""

from __future__ import annotations

from urllib.parse import urlsplit

from service.runtime import Runtime

# Where a mail about an Arbeitspapier sends its reader. There is no page of one programme
# yet; the Beschlusskontrolle of its measures' deadlines is the page that shows it. Switch to
# "/arbeitspapiere/{id}" once that page exists (a test requests every link of every mail).
PROGRAMME_PAGE = "/fristen?arbeitspapier={id}&sicht=arbeitspapier"
PATHS = {
    "measure": "/massnahmen/{id}",
    "paper": "/vorlagen/{id}",
    "meeting": "/sitzungen/{id}",
    "programme": PROGRAMME_PAGE,
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

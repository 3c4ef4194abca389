"""Links in e-mails: one place that knows the web addresses of items."""

from __future__ import annotations

PATHS = {
    "measure": "/massnahmen/{id}",
    "paper": "/vorlagen/{id}",
    "meeting": "/sitzungen/{id}",
    "programme": "/arbeitspapiere/{id}",
}


def item_link(base_url: str, entity_type: str, entity_id: int) -> str:
    return base_url.rstrip("/") + PATHS[entity_type].format(id=entity_id)

"""The stored definition versions as the engine's registry, built once per process.

Apart from ``service`` (which stores versions and audits each load) so that the runtime,
which every domain imports, reads the definitions without importing the audit trail.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from service.definitions import repository
from workflow.loader import parse_text
from workflow.registry import Registry


def build_registry(connection: Connection) -> Registry:
    registry = Registry()
    for row in repository.texts(connection):
        registry.register(parse_text(row.content, f"<{row.name} v{row.version}>"))
    return registry

"""Bringing a database to a working state: migrations, then the shipped definitions."""

from __future__ import annotations

from service.actor import SYSTEM
from service.audit.owner import owner_url
from service.bodies.service import ensure_body
from service.definitions.service import store_files
from service.migrate import upgrade
from service.runtime import Runtime


def prepare_database(runtime: Runtime) -> list[tuple[str, int, bool]]:
    """Idempotent: migrates (as the owner role), makes sure the deployment's own body exists
    and registers new definition versions."""
    upgrade(owner_url(runtime.settings))
    with runtime.write() as connection:
        ensure_body(connection, runtime.settings.chain_key, runtime.settings.body_name)
        stored = store_files(
            connection, runtime.chain_key, [runtime.settings.definitions_dir], SYSTEM, runtime.now()
        )
    runtime.reload_registry()
    return stored

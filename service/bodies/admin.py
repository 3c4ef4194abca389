"""The operator's use cases for bodies: adding one (with its chain and key), changing one,
listing them.

Apart from ``service.bodies.service``, which the runtime itself reads bodies through:
adding a body writes the audit trail, which builds on the runtime.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.actor import SYSTEM
from service.audit import signing
from service.audit.service import created, record
from service.bodies.repository import bodies as bodies_table
from service.bodies.service import all_profiles, checked_values, create_body, profile
from service.bodies.settings import BodyProfile
from service.records import update_audited
from service.runtime import Runtime


@dataclass(frozen=True)
class AddedBody:
    slug: str
    name: str
    land: str
    key_path: Path


def add_body(
    runtime: Runtime,
    slug: str,
    name: str,
    *,
    land: str = "ST",
    host: str | None = None,
    settings: dict[str, Any] | None = None,
) -> AddedBody:
    """A new body with its own audit chain (its first event records the body) and its own
    checkpoint signing key, created beside the deployment's key."""
    with runtime.write() as connection:
        body_id = create_body(connection, slug, name, land=land, host=host, settings=settings)
        view = runtime.for_body(slug)
        record(
            connection,
            slug,
            actor=SYSTEM,
            now=runtime.now(),
            action="body.create",
            entity_type="body",
            entity_id=body_id,
            changes=created({"slug": slug, "name": name, "land": land, "host": host}),
        )
        key = signing.key_path(runtime.settings, slug)
        if not key.exists():
            signing.create_key(key)
    view.forget_body()
    return AddedBody(slug, name.strip(), land, key)


def read_bodies(runtime: Runtime) -> list[BodyProfile]:
    with runtime.read() as connection:
        return all_profiles(connection)


def change_body(
    runtime: Runtime,
    slug: str,
    *,
    name: str | None = None,
    land: str | None = None,
    host: str | None = None,
    settings: dict[str, Any] | None = None,
) -> BodyProfile:
    """Changes a body's name, Land, host or settings (a setting given as None is dropped,
    so the deployment's value holds again); audited in the body's own chain.

    Running services read a body once: they see the change after a restart."""
    with runtime.write() as connection:
        current = profile(connection, slug)
        merged = {**current.settings.model_dump(exclude_none=True), **(settings or {})}
        values = checked_values(
            name=current.name if name is None else name,
            land=current.land if land is None else land,
            host=current.host if host is None else (host or None),
            settings={k: v for k, v in merged.items() if v is not None},
        )
        update_audited(
            connection,
            slug,
            bodies_table,
            current.id,
            values,
            actor=SYSTEM,
            now=runtime.now(),
            entity_type="body",
        )
        changed = profile(connection, slug)
    runtime.for_body(slug).forget_body()
    return changed

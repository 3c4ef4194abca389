"""The Körperschaften a deployment serves; each one's slug keys its audit chain."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from service.actor import SYSTEM
from service.audit import signing
from service.audit.service import created, record
from service.bodies import repository
from service.bodies.settings import LANDS, BodyProfile, BodySettings
from service.errors import Conflict, NotFound, ServiceError

if TYPE_CHECKING:
    from service.runtime import Runtime

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def current_body_id(connection: Connection, chain_key: str) -> int:
    found = repository.body_id_by_slug(connection, chain_key)
    if found is None:
        raise NotFound("Körperschaft", chain_key)
    return found


def profile(connection: Connection, slug: str) -> BodyProfile:
    row = repository.body_by_slug(connection, slug)
    if row is None:
        raise NotFound("Körperschaft", slug)
    return BodyProfile.of(row)


def profile_by_host(connection: Connection, host: str) -> BodyProfile | None:
    row = repository.body_by_host(connection, host)
    return None if row is None else BodyProfile.of(row)


def all_profiles(connection: Connection) -> list[BodyProfile]:
    return [BodyProfile.of(r) for r in repository.all_bodies(connection)]


def several(connection: Connection) -> bool:
    """Whether the deployment serves more than one body (then addresses name the body)."""
    return repository.count_bodies(connection) > 1


def create_body(
    connection: Connection,
    slug: str,
    name: str,
    *,
    land: str = "ST",
    host: str | None = None,
    settings: dict[str, Any] | None = None,
) -> int:
    """A new Körperschaft; its slug keys its audit chain and names it in addresses."""
    if not SLUG.match(slug):
        raise ServiceError(
            f"Die Kennung „{slug}“ ist ungültig: 2 bis 63 Zeichen, Kleinbuchstaben, Ziffern und "
            "Bindestrich, am Anfang kein Bindestrich."
        )
    if not name.strip() or any(ord(ch) < 32 for ch in name):
        raise ServiceError("Bitte einen Namen ohne Steuerzeichen angeben.")
    if land not in LANDS:
        raise ServiceError(f"Unbekanntes Land „{land}“; möglich: {', '.join(sorted(LANDS))}.")
    try:
        checked = BodySettings.model_validate(settings or {})
    except ValidationError as exc:
        raise ServiceError(f"Ungültige Einstellungen: {exc.errors()[0]['msg']}") from None
    values = {
        "slug": slug,
        "name": name.strip(),
        "land": land,
        "host": host,
        "settings": checked.model_dump(exclude_none=True),
    }
    try:
        with connection.begin_nested():
            return repository.insert_body(connection, values)
    except IntegrityError:
        raise Conflict(
            "koerperschaft-vorhanden",
            "Körperschaft vorhanden",
            f"Eine Körperschaft „{slug}“ (oder mit diesem Host) gibt es schon.",
        ) from None


def ensure_body(connection: Connection, slug: str, name: str) -> int:
    """The deployment's own body, created on first start: a single-body deployment needs no
    ``body add``; its slug is the chain key it has always used."""
    found = repository.body_id_by_slug(connection, slug)
    if found is not None:
        return found
    return repository.insert_body(
        connection, {"slug": slug, "name": name, "land": "ST", "settings": {}}
    )


def take_for_city(connection: Connection, slug: str, name: str) -> int:
    """The body a city (the demo) is loaded into: the deployment's own, named for it."""
    body_id = ensure_body(connection, slug, name)
    repository.rename_body(connection, body_id, name)
    return body_id


def in_use(connection: Connection, slug: str) -> bool:
    """Whether the body already holds a city (then no demo city joins it)."""
    found = repository.body_id_by_slug(connection, slug)
    return found is not None and repository.holds_rows(connection, found)


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

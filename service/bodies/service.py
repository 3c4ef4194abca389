"""The Körperschaften a deployment serves; each one's slug keys its audit chain."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from service.bodies import repository
from service.bodies.settings import LANDS, BodyProfile, BodySettings
from service.errors import Conflict, NotFound, ServiceError
from service.texts import control_problem

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


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
    values = {"slug": slug, **checked_values(name=name, land=land, host=host, settings=settings)}
    try:
        with connection.begin_nested():
            return repository.insert_body(connection, values)
    except IntegrityError:
        raise Conflict(
            "koerperschaft-vorhanden",
            "Körperschaft vorhanden",
            f"Eine Körperschaft „{slug}“ (oder mit diesem Host) gibt es schon.",
        ) from None


def checked_values(
    *, name: str, land: str, host: str | None, settings: dict[str, Any] | None
) -> dict[str, Any]:
    """A body's name, Land, host and settings as they may be stored, or a German refusal."""
    if not name.strip() or control_problem(name, multiline=False):
        raise ServiceError("Bitte einen Namen ohne Steuerzeichen angeben.")
    if land not in LANDS:
        raise ServiceError(f"Unbekanntes Land „{land}“; möglich: {', '.join(sorted(LANDS))}.")
    if host is not None and not HOST.match(host):
        raise ServiceError(f"„{host}“ ist kein Hostname (z. B. rat.hecklingen.de).")
    try:
        checked = BodySettings.model_validate(settings or {})
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise ServiceError(f"Ungültige Einstellung {where}: {problem['msg']}") from None
    return {
        "name": name.strip(),
        "land": land,
        "host": host,
        "settings": checked.model_dump(exclude_none=True),
    }


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

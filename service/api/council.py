"""Pieces the council routes (papers, committees, persons, meetings) share.

Permissions come from ``service.access`` only: ``permitted`` turns a row of its table into
a dependency (401 without a token, 403 without the role), so that the routes state what
they need and never decide access themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, BaseModel
from pydantic_core import PydanticCustomError

from service import access
from service.actor import Actor
from service.api.deps import CurrentActor
from service.errors import AccessDenied


def permitted(permission: str) -> Callable[[Actor], Actor]:
    def check(actor: CurrentActor) -> Actor:
        if not access.holds(actor, permission):
            roles = ", ".join(sorted(access.PERMISSIONS[permission]))
            raise AccessDenied(f"Dafür ist eine dieser Rollen nötig: {roles}.")
        return actor

    return check


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL in text and SQLite would: refuse it on both alike.
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "Text enthält ein Nullzeichen")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


def patch_values(body: BaseModel, not_null: set[str]) -> dict[str, Any]:
    """The fields a PATCH body set; ``null`` for a field that cannot be empty is a 422."""
    values = body.model_dump(exclude_unset=True)
    nulls = sorted(k for k in not_null if k in values and values[k] is None)
    if nulls:
        raise RequestValidationError(
            [
                {"type": "string_type", "loc": ("body", name), "msg": "darf nicht leer sein"}
                for name in nulls
            ]
        )
    return values

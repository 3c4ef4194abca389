"""What the API's request bodies share: text without NUL, and the members a PATCH sent.

PostgreSQL cannot store NUL in text and SQLite would, so a body holding one is refused
alike on both (422 ``nul_character``) before it reaches a service; what else a text may
hold the service judges (``service.texts``), for the web forms too.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, BaseModel, field_validator
from pydantic_core import PydanticCustomError


def has_nul(value: Any) -> bool:
    """NUL anywhere in a text, or in the keys and values of what a body nests."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


def refuse_nul(value: Any) -> Any:
    if has_nul(value):
        raise PydanticCustomError("nul_character", "Text enthält ein Nullzeichen")
    return value


Text = Annotated[str, AfterValidator(refuse_nul)]


class NoNul(BaseModel):
    """Refuses NUL in any member."""

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return refuse_nul(value)


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

"""What the API's request bodies share: JSON types as stated, text without NUL, and the
members a PATCH sent.

A body is read as its schema says, not as pydantic's lax mode would guess: a date or a time
is an ISO 8601 text (``0`` is not 01.01.1970), a boolean is ``true`` or ``false`` (not ``0``
or ``"yes"``), a whole number is a JSON number (not ``"3"``; ``3.0`` is 3, as JSON Schema
reads it). PostgreSQL cannot store NUL in text and SQLite would, so a body holding one is
refused alike on both (422 ``nicht-speicherbar``) before it reaches a service; what else a
text may hold the service judges (``service.texts``), for the web forms too.
"""

from __future__ import annotations

import types
import typing
from datetime import date, datetime
from functools import cache
from typing import Annotated, Any, Union

from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationInfo, field_validator
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


# JSON type a member's declared Python type must arrive as, with the error it gets.
_JSON_TYPES: tuple[tuple[type, tuple[type, ...], str, str], ...] = (
    (bool, (bool,), "bool_type", "erwartet wahr oder falsch"),
    (int, (int,), "int_type", "erwartet eine ganze Zahl"),
    (datetime, (str,), "iso_datetime_text", "erwartet Datum und Uhrzeit als Text (ISO 8601)"),
    (date, (str,), "iso_date_text", "erwartet ein Datum als Text (JJJJ-MM-TT)"),
)


def _declared(annotation: Any) -> Any:
    """The type under ``Annotated`` and ``X | None``, or None when it is a choice of types."""
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (Union, types.UnionType):
        kept = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _declared(kept[0]) if len(kept) == 1 else None
    return annotation


def _admits_none(annotation: Any) -> bool:
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    if annotation is Any or annotation is type(None):
        return True
    if typing.get_origin(annotation) in (Union, types.UnionType):
        return any(_admits_none(a) for a in typing.get_args(annotation))
    return False


class OmitOnly:
    """Marks a PATCH member that may be left out (kept as it is) but never sent as null:
    ``code: Annotated[str | None, OMIT_ONLY] = None``."""


OMIT_ONLY = OmitOnly()


def _omit_only(model: type[BaseModel]) -> list[str]:
    return [
        field.alias or name
        for name, field in model.model_fields.items()
        if any(isinstance(m, OmitOnly) for m in field.metadata)
    ]


@cache
def _nullable(model: type[BaseModel], name: str) -> bool:
    if (model.model_fields[name].alias or name) in _omit_only(model):
        return False
    return _admits_none(model.model_fields[name].annotation)


def _not_null_in_schema(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """The schema states an omit-only member as its type alone: no null variant and no
    ``default: null`` that the server would refuse."""
    for name in _omit_only(model):
        member = schema.get("properties", {}).get(name, {})
        variants = [v for v in member.pop("anyOf", []) if v.get("type") != "null"]
        if len(variants) == 1:
            member.update(variants[0])
        elif variants:
            member["anyOf"] = variants
        if member.get("default", 0) is None:
            del member["default"]


@cache
def _expected(model: type[BaseModel], name: str) -> tuple[tuple[type, ...], str, str] | None:
    declared = _declared(model.model_fields[name].annotation)
    for python, json, kind, message in _JSON_TYPES:
        # bool is an int in Python; it is checked first and never taken for a whole number.
        if isinstance(declared, type) and issubclass(declared, python):
            return json, kind, message
    return None


class Payload(BaseModel):
    """A request body: unknown members refused, each member of its stated JSON type; a
    member whose type has no ``None`` may be left out (PATCH: kept as it is) but is never
    ``null``, and the schema says so."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_not_null_in_schema)

    @field_validator("*", mode="before")
    @classmethod
    def _json_type(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name
        if value is None and name is not None and not _nullable(cls, name):
            raise PydanticCustomError("not_null", "darf nicht null sein; zum Beibehalten weglassen")
        expected = _expected(cls, name) if name else None
        if value is None or expected is None:
            return value
        json, kind, message = expected
        if json == (int,) and isinstance(value, float) and value.is_integer():
            return int(value)  # JSON Schema: 2025.0 is an integer (a number, no fraction)
        if not isinstance(value, json) or (json == (int,) and isinstance(value, bool)):
            raise PydanticCustomError(kind, message)
        return value

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

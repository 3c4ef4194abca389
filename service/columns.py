"""Column helpers shared by every table, so that times and JSON behave alike everywhere."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Numeric
from sqlmodel import Field

from service.db import UtcDateTime


def utc_field(*, nullable: bool = False, index: bool = False, default: Any = None) -> Any:
    return Field(default=default, sa_column=Column(UtcDateTime(), nullable=nullable, index=index))


def json_field(default_factory: Any = dict) -> Any:
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))


def money_field(*, nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(Numeric(14, 2), nullable=nullable))


__all__ = ["Decimal", "datetime", "json_field", "money_field", "utc_field"]

from typing import Any

from sqlmodel import Field, SQLModel

from service.columns import json_field


class Body(SQLModel, table=True):
    """A Körperschaft (OParl: Body): its rows, its audit chain (keyed by its slug), its
    settings. ``host`` names the host name that addresses it when a deployment serves
    several; ``settings`` holds what differs from city to city (``BodySettings``)."""

    __tablename__ = "bodies"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    land: str = Field(default="ST", max_length=2)
    host: str | None = Field(default=None, unique=True, max_length=253)
    settings: dict[str, Any] = json_field(dict)

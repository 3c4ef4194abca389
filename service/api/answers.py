"""What the API's JSON answers share: every member is always sent.

FastAPI serialises an answer through its model without leaving anything out (no
``exclude_unset``, ``exclude_none`` or ``exclude_defaults``), so a member with a default is
sent all the same, as ``null`` or ``[]`` when empty. Pydantic states this in the schema of
an answer when asked to (``json_schema_serialization_defaults_required``): every member is
``required``, and a generated client types it as always present, never as ``Unset``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Answer(BaseModel):
    """A response body; every member is required in its schema, since it is always sent."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

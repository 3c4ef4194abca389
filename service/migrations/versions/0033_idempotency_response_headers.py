"""an answer kept for an Idempotency-Key holds its headers beside its body

Revision ID: 0033
Revises: 0028
Create Date: 2026-12-09 10:00:00

A replay answers the first answer's ``Location`` and ``ETag`` again. They were kept inside
``response_body``, the body wrapped with them as ``{"ratsflow_answer": body, "headers":
{...}}``, and a form's one-time token kept the page its answer led to as the body of a 303.
``response_headers`` (JSON) holds them now, and ``response_body`` only the body as sent.

Kept answers are rewritten in both directions, so a retry within the day the answers are
kept gets the same answer across the upgrade and a downgrade.
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As ``service.idempotency`` wrapped an answer with headers, and named a form's token.
_WRAPPED = "ratsflow_answer"
_FORM = "formular:"
_KEPT_BEFORE = ("Location", "ETag")

keys = sa.table(
    "idempotency_keys",
    sa.column("id", sa.Integer()),
    sa.column("key", sa.String()),
    sa.column("status", sa.Integer()),
    sa.column("response_body", sa.String()),
    sa.column("response_headers", sa.JSON()),
)


def _unwrapped(key: str, status: int, body: str) -> tuple[str, dict[str, str]]:
    if key.startswith(_FORM):
        return ("", {"Location": body}) if status == 303 and body else ("", {})
    if body.startswith("{") and _WRAPPED in body:
        try:
            found = json.loads(body)
        except ValueError:  # a body that only mentions the member
            found = None
        if isinstance(found, dict) and set(found) == {_WRAPPED, "headers"}:
            return str(found[_WRAPPED]), {str(k): str(v) for k, v in found["headers"].items()}
    return body, {}


def _wrapped(key: str, status: int, body: str, headers: dict[str, Any]) -> str:
    if key.startswith(_FORM):
        return str(headers.get("Location", "")) if status == 303 else ""
    kept = {name: headers[name] for name in _KEPT_BEFORE if name in headers}
    if not kept:
        return body
    return json.dumps({_WRAPPED: body, "headers": kept}, ensure_ascii=False)


def _answered(connection: sa.engine.Connection) -> Sequence[Any]:
    return connection.execute(
        sa.select(keys).where(keys.c.status.is_not(None), keys.c.response_body.is_not(None))
    ).all()


def upgrade() -> None:
    # A plain ADD COLUMN: nothing to copy, and SQLite's batch copy would reflect ``users``.
    op.add_column("idempotency_keys", sa.Column("response_headers", sa.JSON(), nullable=True))
    connection = op.get_bind()
    for row in _answered(connection):
        body, headers = _unwrapped(row.key, row.status, row.response_body)
        connection.execute(
            sa.update(keys)
            .where(keys.c.id == row.id)
            .values(response_body=body, response_headers=headers)
        )


def downgrade() -> None:
    connection = op.get_bind()
    for row in _answered(connection):
        body = _wrapped(row.key, row.status, row.response_body, row.response_headers or {})
        connection.execute(sa.update(keys).where(keys.c.id == row.id).values(response_body=body))
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_column("response_headers")

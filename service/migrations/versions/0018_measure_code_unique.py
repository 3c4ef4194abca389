"""a Kennung names one measure of its body, in the database too

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 10:45:00

The service checks that a Kennung is free in the body, in any case (``code_holder``), but
two creates at the same moment could both pass that check. A unique index on
(body_id, lower(code)) makes the database refuse the second; the service answers that
refusal like its own check.

Clashes already stored would stop the index, so they are resolved first, without losing a
row: in each body, of the measures whose Kennungen are equal in any case, the oldest (the
lowest id, the first inserted) keeps its Kennung and each later one gets a suffix ``-2``,
``-3``... (the first number whose result is free in the body; the Kennung is shortened
before the suffix if it would exceed 30 characters). The renaming is written nowhere but
in the measure's row: no audit event and no Verlauf entry records it, since a migration acts
outside any actor and the audit chain is not extended by schema changes. A downgrade drops
the index and leaves the renamed Kennungen as they are.
"""

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_measures_body_code"
CODE_LENGTH = 30

measures = sa.table("measures", sa.column("id"), sa.column("body_id"), sa.column("code"))


def upgrade() -> None:
    _resolve_clashes(op.get_bind())
    op.create_index(INDEX, "measures", ["body_id", sa.text("lower(code)")], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="measures")


def _resolve_clashes(connection: sa.Connection) -> None:
    # The database's own lower() decides what clashes, as the index will: SQLite folds only
    # ASCII letters, PostgreSQL more.
    rows = connection.execute(
        sa.select(
            measures.c.id, measures.c.body_id, measures.c.code, sa.func.lower(measures.c.code)
        ).order_by(measures.c.id)
    ).all()
    taken: dict[int, set[str]] = defaultdict(set)
    clashing: list[tuple[int, int, str]] = []
    for measure_id, body_id, code, key in rows:
        if key in taken[body_id]:
            clashing.append((measure_id, body_id, code))
        else:
            taken[body_id].add(key)
    for measure_id, body_id, code in clashing:
        number = 2
        while True:
            suffix = f"-{number}"
            candidate = code[: CODE_LENGTH - len(suffix)] + suffix
            key = connection.execute(sa.select(sa.func.lower(candidate))).scalar_one()
            if key not in taken[body_id]:
                break
            number += 1
        taken[body_id].add(key)
        connection.execute(
            sa.update(measures).where(measures.c.id == measure_id).values(code=candidate)
        )

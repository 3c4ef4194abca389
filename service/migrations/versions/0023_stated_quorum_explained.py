"""a unanimous vote without attendance explains its quorum by the chair's statement

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 10:00:00

A unanimous vote recorded without attendance was evaluated as if every voting member had
been present, and its stored explanation said so ("Beschlussfähig: 37 von 37
stimmberechtigten Mitgliedern anwesend …"), though nobody was counted and the quorum rests on
the chair's statement (``quorum_stated``). The explanation is stored, not computed on read:
its first sentence is rewritten to what the vote service now writes. The explanation is not
part of the hashed audit payload, so the chain still verifies.
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATED = (
    "Beschlussfähig laut Feststellung der Sitzungsleitung; die Anwesenheit wurde nicht erfasst."
)
CLAIMED = re.compile(
    r"^Beschlussfähig: \d+ von \d+ stimmberechtigten Mitgliedern anwesend \([^)]*\)\."
)

votes = sa.table(
    "votes",
    sa.column("id"),
    sa.column("present"),
    sa.column("unanimous"),
    sa.column("quorum_stated"),
    sa.column("explanation"),
)


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(votes.c.id, votes.c.explanation).where(
            votes.c.unanimous.is_(True),
            votes.c.quorum_stated.is_(True),
            votes.c.present.is_(None),
        )
    ).all()
    for vote_id, explanation in rows:
        fixed = CLAIMED.sub(STATED, explanation, count=1)
        if fixed != explanation:
            connection.execute(
                votes.update().where(votes.c.id == vote_id).values(explanation=fixed)
            )


def downgrade() -> None:
    # The headcount the old text claimed was never taken; there is nothing true to restore.
    pass

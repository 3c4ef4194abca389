"""accounts: deactivation, temporary passwords, deputies, login throttling

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 11:20:00
"""

from collections.abc import Sequence

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Reserved so that work on several issues can land in any order; filled by its issue.
    pass


def downgrade() -> None:
    pass

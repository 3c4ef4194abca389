"""scheduler periods and mail outbox

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 11:20:00
"""

from collections.abc import Sequence

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Reserved so that work on several issues can land in any order; filled by its issue.
    pass


def downgrade() -> None:
    pass

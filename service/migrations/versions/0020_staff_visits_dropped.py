"""page_visits keeps the visits of council members only

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 16:45:00

0019 carried over the latest ``deadline.read`` event of every login, staff included, though
only a council member's visit is ever read (her task "Beschlusskontrolle ansehen") and no
other login's visit is recorded any longer. The staff's carried-over rows say when someone
last looked at the page and serve no purpose: they are deleted (data minimisation, Art. 5
(1) c DSGVO). A login counts as a council member if its roles hold ``ratsmitglied``, the
same test the service makes before it records a visit (``service.access.COUNCIL``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNCIL = "ratsmitglied"

users = sa.table("users", sa.column("id"), sa.column("roles", sa.JSON))
page_visits = sa.table("page_visits", sa.column("user_id"))


def upgrade() -> None:
    connection = op.get_bind()
    # The roles are a JSON list: tested here in Python, they need no dialect's JSON functions
    # (json_each on SQLite, json_array_elements_text on PostgreSQL); only logins with a visit
    # are read.
    visitors = connection.execute(
        sa.select(users.c.id, users.c.roles).where(users.c.id.in_(sa.select(page_visits.c.user_id)))
    ).all()
    staff = [user_id for user_id, roles in visitors if COUNCIL not in roles]
    if staff:
        connection.execute(sa.delete(page_visits).where(page_visits.c.user_id.in_(staff)))


def downgrade() -> None:
    # Nothing to bring back: the deleted moments are gone, and page_visits without them is a
    # valid 0019 table (no staff member's visit was ever read).
    pass

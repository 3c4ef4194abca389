"""every row belongs to a body; a body holds its own settings

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 02:00:00

Before this revision a deployment served one body, whose slug is the audit chain key. Rows
that did not name their body (measures, meetings, users, deadlines, outbox, attachments)
are given it: through their parent where they have one, else the deployment's body. A
database with rows but no body yet (users added before the first city) gets one, named by
the chain key, so its audit chain continues under the same key.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from service.config import get_settings

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("measures", "meetings", "users", "deadlines", "outbox", "attachments")
# Rows whose parent names their body; the others take the deployment's body.
THROUGH_PARENT = {
    "measures": "SELECT body_id FROM programmes WHERE programmes.id = measures.programme_id",
    "meetings": "SELECT body_id FROM committees WHERE committees.id = meetings.committee_id",
    "users": "SELECT body_id FROM persons WHERE persons.id = users.person_id",
}
# Unique within a body: another city may have its own Stadtrat, its own VII/0001/24 and
# its own login "sitzungsdienst" (a login is found by name within the addressed body).
PER_BODY_UNIQUE = {"committees": "slug", "papers": "reference", "users": "username"}
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    with op.batch_alter_table("bodies") as batch_op:
        batch_op.add_column(sa.Column("land", sa.String(2), nullable=False, server_default="ST"))
        batch_op.add_column(sa.Column("host", sa.String(253), nullable=True))
        batch_op.add_column(sa.Column("settings", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.create_unique_constraint("uq_bodies_host", ["host"])
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("body_id", sa.Integer(), nullable=True))
    _give_every_row_its_body()
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column("body_id", existing_type=sa.Integer(), nullable=False)
            batch_op.create_foreign_key(f"fk_{table}_body_id", "bodies", ["body_id"], ["id"])
            batch_op.create_index(f"ix_{table}_body_id", ["body_id"], unique=False)
    for table, column in PER_BODY_UNIQUE.items():
        with op.batch_alter_table(table, naming_convention=NAMING) as batch_op:
            batch_op.drop_constraint(_unique_name(table, column), type_="unique")
            batch_op.create_unique_constraint(f"uq_{table}_body_id_{column}", ["body_id", column])


def _unique_name(table: str, column: str) -> str:
    # PostgreSQL named the unnamed constraint of 0001 itself; on SQLite batch mode names it
    # by the convention above when it reflects the table.
    if op.get_bind().dialect.name == "postgresql":
        return f"{table}_{column}_key"
    return f"uq_{table}_{column}"


def _give_every_row_its_body() -> None:
    connection = op.get_bind()
    if not any(
        connection.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() for table in TABLES
    ):
        return
    slug = get_settings().chain_key
    default = connection.execute(
        sa.text("SELECT id FROM bodies WHERE slug = :slug"), {"slug": slug}
    ).scalar()
    if default is None:
        default = connection.execute(sa.text("SELECT min(id) FROM bodies")).scalar()
    if default is None:
        default = connection.execute(
            sa.text("INSERT INTO bodies (slug, name) VALUES (:slug, :name) RETURNING id"),
            {"slug": slug, "name": slug.replace("-", " ").title()},
        ).scalar_one()
    for table in TABLES:
        parent = THROUGH_PARENT.get(table)
        found = f"COALESCE(({parent}), :body)" if parent else ":body"
        connection.execute(sa.text(f"UPDATE {table} SET body_id = {found}"), {"body": default})


def downgrade() -> None:
    for table, column in PER_BODY_UNIQUE.items():
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(f"uq_{table}_body_id_{column}", type_="unique")
            batch_op.create_unique_constraint(_unique_name(table, column), [column])
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(f"ix_{table}_body_id")
            batch_op.drop_constraint(f"fk_{table}_body_id", type_="foreignkey")
            batch_op.drop_column("body_id")
    with op.batch_alter_table("bodies") as batch_op:
        batch_op.drop_constraint("uq_bodies_host", type_="unique")
        batch_op.drop_column("settings")
        batch_op.drop_column("host")
        batch_op.drop_column("land")

"""audit checkpoints; detail rows may only be erased, checkpoints never changed

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 11:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import service.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE = [
    """CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
       BEGIN SELECT RAISE(ABORT, 'audit_checkpoints ist unveränderlich'); END""",
    """CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
       BEGIN SELECT RAISE(ABORT, 'audit_checkpoints ist unveränderlich'); END""",
    """CREATE TRIGGER audit_details_no_delete BEFORE DELETE ON audit_details
       BEGIN SELECT RAISE(ABORT, 'audit_details ist unveränderlich'); END""",
    # Erasure (value and salt to NULL) is the one change a detail row may see.
    """CREATE TRIGGER audit_details_erase_only BEFORE UPDATE ON audit_details
       WHEN NEW.value IS NOT NULL OR NEW.salt IS NOT NULL OR NEW.id IS NOT OLD.id
         OR NEW.event_id IS NOT OLD.event_id OR NEW.path IS NOT OLD.path
         OR NEW.person_id IS NOT OLD.person_id
       BEGIN SELECT RAISE(ABORT, 'audit_details: nur das Löschen eines Werts ist erlaubt'); END""",
]

_POSTGRES = [
    """CREATE FUNCTION ratsflow_audit_detail_erase_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.value IS NULL AND NEW.salt IS NULL AND NEW.id = OLD.id
            AND NEW.event_id = OLD.event_id AND NEW.path = OLD.path
            AND NEW.person_id IS NOT DISTINCT FROM OLD.person_id THEN
           RETURN NEW;
         END IF;
         RAISE EXCEPTION 'audit_details: nur das Löschen eines Werts ist erlaubt';
       END $$""",
    """CREATE TRIGGER audit_details_erase_only BEFORE UPDATE ON audit_details
       FOR EACH ROW EXECUTE FUNCTION ratsflow_audit_detail_erase_only()""",
    """CREATE TRIGGER audit_details_no_delete BEFORE DELETE ON audit_details
       FOR EACH ROW EXECUTE FUNCTION ratsflow_audit_refuse()""",
    """CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
       FOR EACH ROW EXECUTE FUNCTION ratsflow_audit_refuse()""",
    *(
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION ratsflow_audit_refuse()"""
        for table in ("audit_event_persons", "audit_details", "audit_checkpoints")
    ),
]


def upgrade() -> None:
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("event_ts", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("signed_at", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("key_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("public_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("signature", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_checkpoints", schema=None) as batch_op:
        batch_op.create_index("ix_audit_checkpoints_chain_seq", ["chain_key", "seq"], unique=False)
    statements = _SQLITE if op.get_bind().dialect.name == "sqlite" else _POSTGRES
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in (
            "audit_checkpoints_no_update",
            "audit_checkpoints_no_delete",
            "audit_details_no_delete",
            "audit_details_erase_only",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_details_erase_only ON audit_details")
        op.execute("DROP TRIGGER IF EXISTS audit_details_no_delete ON audit_details")
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_append_only ON audit_checkpoints")
        for table in ("audit_event_persons", "audit_details", "audit_checkpoints"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS ratsflow_audit_detail_erase_only()")
    with op.batch_alter_table("audit_checkpoints", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_checkpoints_chain_seq")
    op.drop_table("audit_checkpoints")

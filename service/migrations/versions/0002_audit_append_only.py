"""audit events are append-only: the database refuses UPDATE and DELETE

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE = [
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events ist unveränderlich'); END""",
    """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events ist unveränderlich'); END""",
    """CREATE TRIGGER audit_event_persons_no_update BEFORE UPDATE ON audit_event_persons
       BEGIN SELECT RAISE(ABORT, 'audit_event_persons ist unveränderlich'); END""",
    """CREATE TRIGGER audit_event_persons_no_delete BEFORE DELETE ON audit_event_persons
       BEGIN SELECT RAISE(ABORT, 'audit_event_persons ist unveränderlich'); END""",
]

_POSTGRES = [
    """CREATE FUNCTION ratsflow_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION '% ist unveränderlich', TG_TABLE_NAME; END $$""",
    """CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
       FOR EACH ROW EXECUTE FUNCTION ratsflow_audit_refuse()""",
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
       FOR EACH STATEMENT EXECUTE FUNCTION ratsflow_audit_refuse()""",
    """CREATE TRIGGER audit_event_persons_append_only
       BEFORE UPDATE OR DELETE ON audit_event_persons
       FOR EACH ROW EXECUTE FUNCTION ratsflow_audit_refuse()""",
]


def upgrade() -> None:
    statements = _SQLITE if op.get_bind().dialect.name == "sqlite" else _POSTGRES
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in (
            "audit_events_no_update",
            "audit_events_no_delete",
            "audit_event_persons_no_update",
            "audit_event_persons_no_delete",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_event_persons_append_only ON audit_event_persons")
        op.execute("DROP FUNCTION IF EXISTS ratsflow_audit_refuse()")

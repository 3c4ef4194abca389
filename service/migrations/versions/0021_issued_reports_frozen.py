"""issued reports are frozen: the database refuses to change what was issued, or delete it

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 09:00:00

An issued report is never edited: its files and their digests, its number, period and
issue stand as issued (the audit chain recorded them). Only what happens after the issue
may still be written, once, from empty: the Informationsvorlage it went to the FVA with
(``paper_id``, ``consultation_id``, set in the transaction of the issue) and the FVA's
Kenntnisnahme (``noted_on``, ``noted_at``). DELETE and TRUNCATE are refused, as on the
audit tables (0002, 0007). Existing rows need nothing: they are frozen as they are.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written once at the issue and never again.
FROZEN = (
    "id",
    "body_id",
    "number",
    "period",
    "programme_id",
    "audience",
    "as_of",
    "issued_at",
    "issued_by",
    "issuer_role",
    "json_content",
    "json_sha256",
    "pdf_content",
    "pdf_sha256",
)
# Set once after the row was written: from empty to a value, never changed or emptied.
ONCE = ("paper_id", "consultation_id", "noted_on", "noted_at")

MESSAGE = "issued_reports: ein ausgegebener Bericht ist unveränderlich"

_SQLITE_CHANGED = " OR ".join(
    [f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN]
    + [f"(OLD.{c} IS NOT NULL AND NEW.{c} IS NOT OLD.{c})" for c in ONCE]
)
_POSTGRES_CHANGED = " OR ".join(
    [f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN]
    + [f"(OLD.{c} IS NOT NULL AND NEW.{c} IS DISTINCT FROM OLD.{c})" for c in ONCE]
)

_SQLITE = [
    f"""CREATE TRIGGER issued_reports_frozen BEFORE UPDATE ON issued_reports
       WHEN {_SQLITE_CHANGED}
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER issued_reports_no_delete BEFORE DELETE ON issued_reports
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]

_POSTGRES = [
    f"""CREATE FUNCTION ratsflow_issued_report_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF {_POSTGRES_CHANGED} THEN
           RAISE EXCEPTION '{MESSAGE}';
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER issued_reports_frozen BEFORE UPDATE ON issued_reports
       FOR EACH ROW EXECUTE FUNCTION ratsflow_issued_report_frozen()""",
    # ratsflow_audit_refuse (0002) names the table: „issued_reports ist unveränderlich“.
    """CREATE TRIGGER issued_reports_no_delete BEFORE DELETE ON issued_reports
       FOR EACH ROW EXECUTE FUNCTION ratsflow_audit_refuse()""",
    """CREATE TRIGGER issued_reports_no_truncate BEFORE TRUNCATE ON issued_reports
       FOR EACH STATEMENT EXECUTE FUNCTION ratsflow_audit_refuse()""",
]


def upgrade() -> None:
    statements = _SQLITE if op.get_bind().dialect.name == "sqlite" else _POSTGRES
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS issued_reports_frozen")
        op.execute("DROP TRIGGER IF EXISTS issued_reports_no_delete")
    else:
        for name in ("frozen", "no_delete", "no_truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS issued_reports_{name} ON issued_reports")
        op.execute("DROP FUNCTION IF EXISTS ratsflow_issued_report_frozen()")

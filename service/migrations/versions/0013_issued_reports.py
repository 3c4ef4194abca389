"""issued Sachstandsberichte: frozen JSON and PDF with their SHA-256

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 05:00:00

The consultation role Kenntnisnahme needs no change: ``consultations.role`` is a plain
string column. Programme reviews are written to ``history_entries`` like any step.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import service.db

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "issued_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column("audience", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("issued_at", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=True),
        sa.Column("issuer_role", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
        sa.Column("json_content", sa.Text(), nullable=False),
        sa.Column("json_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("pdf_content", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=True),
        sa.Column("consultation_id", sa.Integer(), nullable=True),
        sa.Column("noted_on", sa.Date(), nullable=True),
        sa.Column("noted_at", service.db.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"]),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"]),
        sa.ForeignKeyConstraint(["issued_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["paper_id"], ["papers.id"]),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("body_id", "number", name="uq_issued_reports_body_id_number"),
    )
    with op.batch_alter_table("issued_reports", schema=None) as batch_op:
        batch_op.create_index("ix_issued_reports_body_period", ["body_id", "period"])
        batch_op.create_index("ix_issued_reports_pdf_sha256", ["pdf_sha256"])
        batch_op.create_index("ix_issued_reports_json_sha256", ["json_sha256"])


def downgrade() -> None:
    op.drop_table("issued_reports")

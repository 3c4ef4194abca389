from datetime import date, datetime

from sqlalchemy import Column, LargeBinary, Text
from sqlmodel import Field, Index, SQLModel, UniqueConstraint

from service.columns import utc_field


class IssuedReport(SQLModel, table=True):
    """A Sachstandsbericht as it was issued to the FVA: frozen, both files kept with their
    SHA-256 (also in the audit chain), so anyone can check that a file is the one issued.

    It names Ämter and roles, never staff, so erasing a person never has to touch it.
    ``noted_on`` is the session day on which the FVA took note (Kenntnisnahme); only then
    is the half-yearly duty to inform it met.
    """

    __tablename__ = "issued_reports"
    __table_args__ = (
        UniqueConstraint("body_id", "number", name="uq_issued_reports_body_id_number"),
        Index("ix_issued_reports_body_period", "body_id", "period"),
        Index("ix_issued_reports_pdf_sha256", "pdf_sha256"),
        Index("ix_issued_reports_json_sha256", "json_sha256"),
    )

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id")
    number: int  # the body's own count, printed on the report (Nr. 1, 2, ...)
    period: str = Field(max_length=7)
    programme_id: int | None = Field(default=None, foreign_key="programmes.id")
    audience: str = Field(max_length=20)
    as_of: date
    issued_at: datetime = utc_field()
    issued_by: int | None = Field(default=None, foreign_key="users.id")
    issuer_role: str | None = Field(default=None, max_length=50)
    json_content: str = Field(sa_column=Column(Text, nullable=False))
    json_sha256: str = Field(max_length=64)
    pdf_content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    pdf_sha256: str = Field(max_length=64)
    paper_id: int | None = Field(default=None, foreign_key="papers.id")
    consultation_id: int | None = Field(default=None, foreign_key="consultations.id")
    noted_on: date | None = None
    noted_at: datetime | None = utc_field(nullable=True)

from datetime import datetime
from decimal import Decimal

from sqlmodel import Field, Index, SQLModel

from service.columns import money_field, utc_field


class BudgetLine(SQLModel, table=True):
    """A Haushaltsansatz of a measure for one Haushaltsjahr."""

    __tablename__ = "budget_lines"

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measures.id", index=True)
    fiscal_year: int = Field(index=True)
    product_account: str | None = Field(default=None, max_length=50)
    one_off_planned: Decimal | None = money_field()
    recurring_planned: Decimal | None = money_field()
    approved: Decimal | None = money_field()
    spent: Decimal | None = money_field()


class BudgetLineChange(SQLModel, table=True):
    """A Haushaltsansatz as it stood from ``changed_at`` on: its year, account and amounts.

    The Sachstandsbericht is built as of its Stichtag and sums the last of these before it,
    so an amount booked later does not change a past report, and a line added later does
    not exist for it. One is written with the line and with every change of it, in the same
    transaction as its audit event (``service.budget.writes``); migration 0028 gave each line
    before it one from its values then, dated when the line was added.
    """

    __tablename__ = "budget_line_changes"
    __table_args__ = (
        Index("ix_budget_line_changes_line_id_changed_at", "budget_line_id", "changed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    budget_line_id: int = Field(foreign_key="budget_lines.id")
    changed_at: datetime = utc_field()
    fiscal_year: int
    product_account: str | None = Field(default=None, max_length=50)
    one_off_planned: Decimal | None = money_field()
    recurring_planned: Decimal | None = money_field()
    approved: Decimal | None = money_field()
    spent: Decimal | None = money_field()

from decimal import Decimal

from sqlmodel import Field, SQLModel

from service.columns import money_field


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

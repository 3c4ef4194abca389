"""What the API says about Haushaltsansätze (budget lines)."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field

from service.api.answers import Answer
from service.api.money import Money, MoneyIn
from service.api.payloads import OMIT_ONLY, Payload

Amount = MoneyIn
Year = Annotated[int, Field(ge=1990, le=2100, examples=[2025])]


class BudgetLineOut(Answer):
    id: int
    measure_id: int
    fiscal_year: int = Field(examples=[2025])
    product_account: str | None = Field(examples=["11.1.04 / 783100"])
    one_off_planned: Money | None = Field(description="Geplante einmalige Kosten (EUR).")
    recurring_planned: Money | None = Field(description="Geplante laufende Kosten (EUR).")
    approved: Money | None = Field(description="Bewilligt (EUR).")
    spent: Money | None = Field(description="Verausgabt (EUR).")


class BudgetLineCreate(Payload):
    """Planned amounts: AG-Leitung or Kämmerei; approved and spent amounts: Kämmerei only."""

    model_config = ConfigDict(extra="forbid")

    fiscal_year: Year
    product_account: str | None = Field(default=None, max_length=50, examples=["11.1.04 / 783100"])
    one_off_planned: Amount | None = None
    recurring_planned: Amount | None = None
    approved: Amount | None = None
    spent: Amount | None = None


class BudgetLineUpdate(Payload):
    """Only the members sent are changed; each amount needs its role (see create)."""

    model_config = ConfigDict(extra="forbid")

    fiscal_year: Annotated[Year | None, OMIT_ONLY] = None
    product_account: str | None = Field(default=None, max_length=50)
    one_off_planned: Amount | None = None
    recurring_planned: Amount | None = None
    approved: Amount | None = None
    spent: Amount | None = None


class BudgetLineListItem(BudgetLineOut):
    measure_code: str = Field(examples=["M-01"])
    measure_title: str


class BudgetLinePage(Answer):
    items: list[BudgetLineListItem]
    next_cursor: str | None = Field(description="Für die nächste Seite als `cursor` übergeben.")


class SpentImportResult(Answer):
    rows: int = Field(description="Gelesene Datenzeilen.")
    updated: int = Field(description="Haushaltsansätze mit geändertem Betrag.")
    unchanged: int = Field(description="Zeilen, deren Betrag schon eingetragen war.")

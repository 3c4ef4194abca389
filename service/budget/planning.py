"""The Haushaltsansatz a budget decision creates, so the Kämmerei never types it twice.

"Im Haushalt einplanen" (``finanzieren``) names the budget year, the one-off and the
recurring amount and the Produkt/Konto. The one-off amount is planned in that year; the
recurring amount in that year and in each year of the Finanzplanung after it (the body's
budget calendar, default three). A year that already has a line of the measure gets the
planned amounts of that line changed instead of a second line.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Connection

from service.actor import Actor
from service.budget import repository
from service.deadlines.budget_calendar import financial_plan_years
from service.records import insert_audited, update_audited
from service.runtime import Runtime

# The measure's step that plans it in the Haushalt.
FUNDING_EVENT = "finanzieren"


def planned_years(
    data: Mapping[str, Any], plan_years: int
) -> list[tuple[int, Decimal | None, Decimal | None]]:
    """(year, one-off, recurring) per budget year the decision plans."""
    year = int(data["haushaltsjahr"])
    once = _amount(data.get("betrag_einmalig"))
    yearly = _amount(data.get("betrag_laufend"))
    years = [(year, once, yearly)]
    if yearly:
        years += [(year + n, None, yearly) for n in range(1, plan_years + 1)]
    return years


def plan_from_decision(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    measure_id: int,
    data: Mapping[str, Any],
) -> list[int]:
    """Writes the lines of a ``finanzieren`` step, audited; returns their ids by year."""
    account = data.get("produktkonto")
    existing = {
        line.fiscal_year: line for line in repository.lines_of_measure(connection, measure_id)
    }
    now = runtime.now()
    ids: list[int] = []
    for year, once, yearly in planned_years(data, financial_plan_years(runtime.body.settings)):
        values = {"one_off_planned": once, "recurring_planned": yearly}
        if account:
            values["product_account"] = account
        line = existing.get(year)
        if line is None:
            ids.append(
                insert_audited(
                    connection,
                    runtime.chain_key,
                    repository.budget_lines,
                    {"measure_id": measure_id, "fiscal_year": year, **values},
                    actor=actor,
                    now=now,
                    entity_type="budget_line",
                )
            )
            continue
        update_audited(
            connection,
            runtime.chain_key,
            repository.budget_lines,
            line.id,
            values,
            before=line,
            actor=actor,
            now=now,
            entity_type="budget_line",
        )
        ids.append(line.id)
    return ids


def _amount(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))

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
from service.budget import repository, rules, writes
from service.deadlines.budget_calendar import financial_plan_years
from service.runtime import Runtime
from workflow.errors import FieldProblem, InvalidData

# The measure's step that plans it in the Haushalt.
FUNDING_EVENT = "finanzieren"
# The step's fields -> the columns of the lines it plans.
STEP_COLUMNS = {
    "haushaltsjahr": "fiscal_year",
    "betrag_einmalig": "one_off_planned",
    "betrag_laufend": "recurring_planned",
    "produktkonto": "product_account",
}


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
    """Writes the lines of a ``finanzieren`` step, audited; returns their ids by year.

    The lines keep the limits of a line typed by hand (``rules``), or the step is refused
    with each of its fields at fault named (422). The step's own writes are already in the
    transaction then; the refusal rolls them back with it, so nothing is kept.
    """
    plan_years = financial_plan_years(runtime.body.settings)
    fields = runtime.registry.latest("massnahme").spec.fields
    if problems := decision_problems(data, plan_years, {n: f.label for n, f in fields.items()}):
        raise InvalidData(FUNDING_EVENT, problems)
    account = data.get("produktkonto")
    existing = {
        line.fiscal_year: line for line in repository.lines_of_measure(connection, measure_id)
    }
    now = runtime.now()
    ids: list[int] = []
    for year, once, yearly in planned_years(data, plan_years):
        values = {"one_off_planned": once, "recurring_planned": yearly}
        if account:
            values["product_account"] = account
        line = existing.get(year)
        if line is None:
            new = {"measure_id": measure_id, "fiscal_year": year, **values}
            ids.append(writes.insert(runtime, connection, actor, new, now=now))
            continue
        writes.update(runtime, connection, actor, line, values, now=now)
        ids.append(line.id)
    return ids


def decision_problems(
    data: Mapping[str, Any], plan_years: int, labels: Mapping[str, str]
) -> list[FieldProblem]:
    """Why the lines a step's data plans could not be typed by hand either, named with the
    step's fields (``labels``: field -> its label). The recurring amount goes on into the
    years of the Finanzplanung, so a year that late is refused for it."""
    years = planned_years(data, plan_years)
    values = {column: data.get(name) for name, column in STEP_COLUMNS.items()}
    named = {column: (name, labels.get(name, name)) for name, column in STEP_COLUMNS.items()}
    return rules.line_problems(values, named, last_year=rules.LAST_YEAR - (len(years) - 1))


def _amount(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))

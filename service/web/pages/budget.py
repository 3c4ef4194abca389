"""``/haushalt``: the Kämmerei's Haushaltsansätze per Haushaltsjahr and the CSV import."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from service.access import holds
from service.actor import Actor
from service.api.deps import MAX_ID
from service.budget import service as budget
from service.runtime import Runtime
from service.web import budget_form
from service.web.forms import (
    PostedForm,
    posted_count,
    posted_id,
    posted_text,
    saving,
    shown_again,
)
from service.web.problems import explain
from service.web.rendering import (
    page_router,
    render,
    require,
    runtime_of,
    signed_in,
)
from service.web.uploads import UploadRejected, posted_file
from workflow.calendar import to_local

router = page_router()
LineId = Annotated[int, Path(ge=1, le=MAX_ID)]
Year = Annotated[int | None, Query(ge=1990, le=2100)]
# The service names an amount by its column, the form by its input.
INPUTS = budget_form.INPUTS


def _may_change(runtime: Runtime, actor: Actor) -> dict[str, bool]:
    """The inputs of a new line the actor may fill in (a line's own: ``read_line``)."""
    return budget_form.may_change(budget.changeable(runtime, actor))


def _page(request: Request, year: int | None, status: int = 200, **context: Any) -> Response:
    runtime = runtime_of(request)
    actor = require(request, "measure.read_internal")
    this_year = to_local(runtime.now()).year
    year = year or this_year
    data = budget.read_year(runtime, actor, year)
    rows = data.lines
    return render(
        request,
        "budget.html",
        status=status,
        title=f"Haushalt {year}",
        year=year,
        years=sorted({*range(this_year - 3, this_year + 3), year}),
        rows=rows,
        totals=budget_form.totals(rows),
        may_plan=holds(actor, "budget.plan"),
        may_import=holds(actor, "budget.spend"),
        may_change=_may_change(runtime, actor),
        amounts=budget_form.AMOUNTS,
        measures=data.measures,
        error=context.get("error"),
        problems=context.get("problems", []),
        field_problems=context.get("field_problems", {}),
        typed=context.get("typed", {}),
        success=context.get("success"),
        import_report=context.get("import_report"),
    )


@router.get("/haushalt")
def budget_page(request: Request, jahr: Year = None, erledigt: str | None = None) -> Response:
    messages = {
        "angelegt": "Der Haushaltsansatz wurde angelegt.",
        "geaendert": "Der Haushaltsansatz wurde geändert.",
    }
    return _page(request, jahr, success=messages.get(erledigt or ""))


def _amounts(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Every amount posted, whoever posted it: the service refuses one the sender may not
    change, so that a hand-made request is told so instead of being half saved."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, (column, label) in budget_form.AMOUNTS.items():
        if name not in form:
            continue
        amount, problem = budget_form.money(label, form.get(name))
        if problem:
            problems[name] = problem
        else:
            values[column] = amount
    return values, problems


@router.post("/haushalt/ansaetze")
def create_line(request: Request, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    year = posted_count(form.get("jahr"))
    measure_id = posted_id(form.get("massnahme"))
    values, problems = _amounts(form)
    if measure_id is None:
        problems["massnahme"] = "Bitte eine Maßnahme wählen."
    if year is None or not 1990 <= year <= 2100:
        problems["jahr"] = "Bitte ein Haushaltsjahr wie 2027 angeben."
    account = posted_text(form.get("konto"))
    if not problems:
        assert measure_id is not None
        try:
            with saving(request) as saved:
                budget.new_line(
                    runtime,
                    saved.connection,
                    actor,
                    measure_id,
                    {"fiscal_year": year, "product_account": account or None, **values},
                )
                return saved.redirect(f"/haushalt?jahr={year}&erledigt=angelegt")
        except Exception as exc:
            return shown_again(partial(_page, request, year), exc, form, INPUTS)
    return _page(
        request,
        year if year and 1990 <= year <= 2100 else None,
        422,
        error="Der Haushaltsansatz wurde nicht angelegt. Bitte die markierten Angaben prüfen.",
        problems=list(problems.values()),
        field_problems=problems,
        typed=form,
    )


def _line_page(request: Request, line_id: int, status: int = 200, **context: Any) -> Response:
    runtime = runtime_of(request)
    actor = require(request, "measure.read_internal")
    view = budget.read_line(runtime, actor, line_id)
    line, measure = view.line, view.measure
    return render(
        request,
        "budget_line.html",
        status=status,
        title=f"Haushaltsansatz {measure.code} {line.fiscal_year}",
        line=line,
        measure=measure,
        ended=view.ended,
        amounts=budget_form.AMOUNTS,
        may_change=budget_form.may_change(view.changeable),
        error=context.get("error"),
        problems=context.get("problems", []),
        field_problems=context.get("field_problems", {}),
        typed=context.get("typed"),
    )


@router.get("/haushalt/ansaetze/{line_id}")
def line_page(request: Request, line_id: LineId) -> Response:
    return _line_page(request, line_id)


@router.post("/haushalt/ansaetze/{line_id}")
def edit_line(request: Request, line_id: LineId, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    values, problems = _amounts(form)
    if budget_form.ACCOUNT in form:
        values["product_account"] = posted_text(form.get(budget_form.ACCOUNT)) or None
    if problems:
        return _line_page(
            request,
            line_id,
            422,
            error="Nichts wurde geändert. Bitte die markierten Beträge prüfen.",
            problems=list(problems.values()),
            field_problems=problems,
            typed=form,
        )
    try:
        with saving(request) as saved:
            budget.update_line(runtime, saved.connection, actor, line_id, values)
            year = budget.get_line(saved.connection, line_id).fiscal_year
            return saved.redirect(f"/haushalt?jahr={year}&erledigt=geaendert")
    except Exception as exc:
        return shown_again(partial(_line_page, request, line_id), exc, form, INPUTS)


@router.post("/haushalt/import")
async def import_spent(request: Request) -> Response:
    actor = await run_in_threadpool(signed_in, request)
    runtime = runtime_of(request)
    year = to_local(runtime.now()).year
    try:
        posted = await posted_file(request)
    except UploadRejected as exc:
        return await run_in_threadpool(
            _page,
            request,
            year,
            422,
            error="Die Datei wurde nicht übernommen.",
            problems=[exc.message],
        )
    year = posted_count(posted.fields.get("jahr")) or year

    def book() -> tuple[int, int, int]:
        with runtime.write() as connection:
            return budget.import_spent(runtime, connection, actor, posted.content)

    try:
        total, updated, unchanged = await run_in_threadpool(book)
    except Exception as exc:
        explained = explain(exc)
        if explained is None:
            raise
        return await run_in_threadpool(
            _page,
            request,
            year,
            explained.status,
            error=f"„{posted.filename}“: {explained.headline}",
            import_report=getattr(exc, "problems", None),
        )
    return await run_in_threadpool(
        _page,
        request,
        year,
        success=f"„{posted.filename}“ übernommen: {total} Zeilen, {updated} geändert, "
        f"{unchanged} unverändert.",
    )

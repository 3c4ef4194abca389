"""``/arbeitspapiere``: the Arbeitspapiere, each with its reviews and its Sachstandsbericht.

The pages read and write through the programmes service, as the API does; every edit is a
review that the page's history lists (what changed, who, when). The scheduler's review
reminder links here.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query, Request
from fastapi.responses import Response

from service.access import holds
from service.api.deps import MAX_ID
from service.programmes import service
from service.reports.period import period_of
from service.web.forms import PostedForm, refusal, saving
from service.web.rendering import page_router, render, require, runtime_of, signed_in
from workflow.calendar import to_local

router = page_router()
ProgrammeId = Annotated[int, Path(ge=1, le=MAX_ID)]
FORM_FIELDS = ("title", "description", "review_cycle")
DONE = {
    "angelegt": "Das Arbeitspapier wurde angelegt.",
    "ueberprueft": "Die Überprüfung wurde gespeichert; sie steht im Verlauf.",
}
CYCLE_UNITS = {
    "Y": ("jährlich", "Jahre"),
    "M": ("monatlich", "Monate"),
    "W": ("wöchentlich", "Wochen"),
    "D": ("täglich", "Tage"),
}


def cycle_label(cycle: str) -> str:
    """``P6M`` as a person reads it: alle 6 Monate."""
    number, unit = cycle[1:-1], cycle[-1]
    if not number.isdigit() or unit not in CYCLE_UNITS:
        return cycle
    one, many = CYCLE_UNITS[unit]
    return f"alle {number} {many}" if number != "1" else one


def _review_value(name: str, value: Any) -> str:
    """A value a review changed, as the page shows it (the cycle in words, not ``P6M``)."""
    if value is None:
        return "–"
    return cycle_label(value) if name == "review_cycle" else str(value)


def _values(form: dict[str, str]) -> dict[str, Any]:
    return {name: form.get(name, "").strip() or None for name in FORM_FIELDS}


@router.get("/arbeitspapiere")
def list_programmes(request: Request) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    views = service.read_programmes(runtime, actor, None, 200)
    return render(
        request,
        "programmes.html",
        title="Arbeitspapiere",
        views=views[:200],
        cycle_label=cycle_label,
        may_create=holds(actor, "programme.create"),
    )


def _new_form(request: Request, status: int = 200, **context: Any) -> Response:
    require(request, "programme.create")
    return render(
        request,
        "programme_new.html",
        status=status,
        title="Neues Arbeitspapier",
        values={"review_cycle": "P6M", **context.pop("values", {})},
        problems=context.pop("problems", {}),
        error=context.pop("error", None),
    )


@router.get("/arbeitspapiere/neu")
def new_programme_form(request: Request) -> Response:
    return _new_form(request)


@router.post("/arbeitspapiere/neu")
def create_programme(request: Request, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    values = {k: v for k, v in _values(form).items() if v is not None or k == "title"}
    try:
        with saving(request) as saved:
            programme_id = service.create(runtime, saved.connection, actor, values)
            return saved.redirect(f"/arbeitspapiere/{programme_id}?erledigt=angelegt")
    except Exception as exc:
        refused = refusal(exc)
        return _new_form(
            request,
            refused.status,
            values=form,
            problems=refused.fields,
            error="Das Arbeitspapier wurde nicht angelegt. " + refused.headline,
        )


def show_programme(
    request: Request,
    programme_id: int,
    status: int = 200,
    *,
    success: str | None = None,
    error: str | None = None,
    problems: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    view = service.read_programme(runtime, actor, programme_id)
    reviews = service.read_reviews(runtime, actor, programme_id)
    today = to_local(runtime.now()).date()
    row = view.row
    return render(
        request,
        "programme.html",
        status=status,
        title=row.title,
        view=view,
        p=row,
        reviews=reviews,
        cycle_label=cycle_label,
        shown=_review_value,
        period=period_of(today).previous().key,
        may_edit=holds(actor, "programme.edit"),
        may_report=holds(actor, "report.read"),
        values=typed or {name: getattr(row, name) or "" for name in FORM_FIELDS},
        success=success,
        error=error,
        problems=problems or {},
    )


@router.get("/arbeitspapiere/{programme_id}")
def show(
    request: Request,
    programme_id: ProgrammeId,
    erledigt: Annotated[str | None, Query(max_length=50)] = None,
) -> Response:
    return show_programme(request, programme_id, success=DONE.get(erledigt or ""))


@router.post("/arbeitspapiere/{programme_id}")
def review(request: Request, programme_id: ProgrammeId, form: PostedForm) -> Response:
    """Saves a review: the changed values and the note on what the review found."""
    runtime = runtime_of(request)
    actor = signed_in(request)
    changes = {k: v for k, v in _values(form).items() if k == "description" or v is not None}
    comment = form.get("comment", "").strip() or None
    seen = form.get("version", "")
    try:
        with saving(request) as saved:
            service.update(
                runtime,
                saved.connection,
                actor,
                programme_id,
                changes,
                version=int(seen) if seen.isdigit() and len(seen) <= 9 else None,
                comment=comment,
            )
            return saved.redirect(f"/arbeitspapiere/{programme_id}?erledigt=ueberprueft")
    except Exception as exc:
        refused = refusal(exc)
        return show_programme(
            request,
            programme_id,
            refused.status,
            error="Die Überprüfung wurde nicht gespeichert. " + refused.headline,
            problems=refused.fields,
            typed=form,
        )

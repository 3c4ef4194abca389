"""Stellungnahmen of the DSB, the ISB and the Personalrat, given on the Maßnahme page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request
from fastapi.responses import Response

from service.api.deps import MAX_ID
from service.statements import service as statements
from service.web.forms import PostedForm, posted_date, posted_text, saving
from service.web.pages.measures import show_page
from service.web.problems import explain
from service.web.rendering import page_router, runtime_of, signed_in

router = page_router()
MeasureId = Annotated[int, Path(ge=1, le=MAX_ID)]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post("/massnahmen/{measure_id}/stellungnahmen")
def give_statement(request: Request, measure_id: MeasureId, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    given_on = posted_date(form.get("datum"))
    status, problem = 422, "Bitte das Datum der Stellungnahme angeben, z. B. 01.09.2026."
    if given_on is not None:
        try:
            with saving(request) as saved:
                statements.give_statement(
                    runtime,
                    saved.connection,
                    actor,
                    measure_id,
                    kind=form.get("art") or None,
                    outcome=form.get("ergebnis", ""),
                    given_on=given_on,
                    text=posted_text(form.get("text"), lines=True) or None,
                    conditions=posted_text(form.get("auflagen"), lines=True).splitlines(),
                )
                return saved.redirect(
                    f"/massnahmen/{measure_id}?gespeichert=stellungnahme#stellungnahmen-titel"
                )
        except Exception as exc:
            explained = explain(exc)
            if explained is None:
                raise
            status, problem = explained.status, " ".join([explained.headline, *explained.reasons])
    return show_page(
        request, measure_id, status, statement_error=problem, statement_typed=dict(form)
    )


@router.post("/massnahmen/{measure_id}/stellungnahmen/{statement_id}/abwaegung")
def weigh_statement(
    request: Request, measure_id: MeasureId, statement_id: ItemId, form: PostedForm
) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    try:
        with saving(request) as saved:
            statements.weigh_statement(
                runtime,
                saved.connection,
                actor,
                measure_id,
                statement_id,
                reason=posted_text(form.get("begruendung"), lines=True),
            )
            return saved.redirect(
                f"/massnahmen/{measure_id}?gespeichert=abwaegung#stellungnahmen-titel"
            )
    except Exception as exc:
        return _refused(request, measure_id, exc, form)


@router.post("/massnahmen/{measure_id}/auflagen/{condition_id}/erfuellt")
def fulfil_condition(
    request: Request, measure_id: MeasureId, condition_id: ItemId, form: PostedForm
) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    try:
        with saving(request) as saved:
            statements.fulfil_condition(
                runtime,
                saved.connection,
                actor,
                measure_id,
                condition_id,
                note=posted_text(form.get("vermerk"), lines=True) or None,
            )
            return saved.redirect(
                f"/massnahmen/{measure_id}?gespeichert=auflage#stellungnahmen-titel"
            )
    except Exception as exc:
        return _refused(request, measure_id, exc, form)


def _refused(request: Request, measure_id: int, exc: Exception, form: dict[str, str]) -> Response:
    explained = explain(exc)
    if explained is None:
        raise exc
    return show_page(
        request,
        measure_id,
        explained.status,
        task_error=" ".join([explained.headline, *explained.reasons]),
        statement_typed=dict(form),
    )

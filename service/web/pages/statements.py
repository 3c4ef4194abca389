"""Stellungnahmen of the DSB, the ISB and the Personalrat, given on the Maßnahme page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request
from fastapi.responses import Response

from service.api.deps import MAX_ID
from service.measures import service as measures
from service.web.forms import PostedForm, posted_date
from service.web.pages.measures import OUTCOME_LABELS, show_page
from service.web.problems import explain
from service.web.rendering import page_router, redirect, require, runtime_of

router = page_router()
MeasureId = Annotated[int, Path(ge=1, le=MAX_ID)]
MAX_TEXT = 20_000


@router.post("/massnahmen/{measure_id}/stellungnahmen")
def give_statement(request: Request, measure_id: MeasureId, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = require(request, "statement.create")
    outcome = form.get("ergebnis", "")
    given_on = posted_date(form.get("datum"))
    text = form.get("text", "").strip()
    problem = None
    if outcome not in OUTCOME_LABELS:
        problem = "Bitte das Ergebnis wählen: zustimmend, mit Auflagen oder ablehnend."
    elif given_on is None:
        problem = "Bitte das Datum der Stellungnahme angeben, z. B. 01.09.2026."
    elif len(text) > MAX_TEXT:
        problem = f"Der Text darf höchstens {MAX_TEXT} Zeichen lang sein."
    if problem is None:
        assert given_on is not None
        try:
            with runtime.write() as connection:
                measures.give_statement(
                    runtime,
                    connection,
                    actor,
                    measure_id,
                    kind=form.get("art") or None,
                    outcome=outcome,
                    given_on=given_on,
                    text=text or None,
                )
        except Exception as exc:
            explained = explain(exc)
            if explained is None:
                raise
            problem = " ".join([explained.headline, *explained.reasons])
        else:
            return redirect(
                f"/massnahmen/{measure_id}?gespeichert=stellungnahme#stellungnahmen-titel"
            )
    return show_page(request, measure_id, 422, statement_error=problem, statement_typed=dict(form))

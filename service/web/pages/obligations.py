"""``/pflichten``: the duties resolutions impose (Pflichten aus dem Beschluss), and recording
their fulfilment, from this list or from the paper's page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Request
from fastapi.responses import Response

from service.access import holds
from service.api.deps import MAX_ID
from service.obligations import service as obligations
from service.web.forms import PostedForm, posted_date, posted_text, saving
from service.web.problems import explain
from service.web.rendering import page_router, render, require, runtime_of, signed_in

router = page_router()
ObligationId = Annotated[int, Path(ge=1, le=MAX_ID)]
SAVED = "Die Erfüllung der Pflicht ist vermerkt."


def _list(
    request: Request, status: int = 200, *, error: str | None = None, success: str | None = None
) -> Response:
    runtime = runtime_of(request)
    actor = require(request, "measure.read_internal")
    duties = obligations.read_obligations(runtime, actor)
    return render(
        request,
        "obligations.html",
        status=status,
        title="Pflichten aus Beschlüssen",
        duties=duties,
        may_fulfil=holds(actor, "obligation.fulfil"),
        error=error,
        success=success,
    )


@router.get("/pflichten")
def list_obligations(
    request: Request, erledigt: Annotated[str | None, Query(max_length=20)] = None
) -> Response:
    return _list(request, success=SAVED if erledigt == "pflicht" else None)


@router.post("/pflichten/{obligation_id}/erfuellt")
def fulfil(request: Request, obligation_id: ObligationId, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    typed_day = form.get("datum", "").strip()
    day = posted_date(typed_day) if typed_day else None
    try:
        if typed_day and day is None:
            raise ValueError
        with saving(request) as saved:
            connection = saved.connection
            paper_id = obligations.paper_of(runtime, connection, actor, obligation_id)
            obligations.fulfil_obligation(
                runtime,
                connection,
                actor,
                obligation_id,
                reference=posted_text(form.get("nachweis")),
                fulfilled_on=day,
                note=posted_text(form.get("vermerk"), lines=True) or None,
            )
            if form.get("zurueck") == "vorlage":
                return saved.redirect(f"/vorlagen/{paper_id}?erledigt=pflicht#pflichten-titel")
            return saved.redirect("/pflichten?erledigt=pflicht#pflichten-titel")
    except ValueError:
        return _list(request, 422, error="Bitte das Datum der Erfüllung angeben, z. B. 01.09.2026.")
    except Exception as exc:
        explained = explain(exc)
        if explained is None:
            raise
        return _list(
            request, explained.status, error=" ".join([explained.headline, *explained.reasons])
        )

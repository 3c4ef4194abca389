"""``/protokoll``: the Datenschutzbeauftragte's search of the audit trail.

``/datenschutz`` is the public Datenschutzerklärung, so the room lives here. Searching and
exporting go through the same services as ``/api/v1/audit``: each one states a purpose and
is written to the trail with it. A form without a purpose searches nothing and logs nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response, StreamingResponse

from service.audit import trail
from service.audit.export import FORMATS
from service.web import audit_search
from service.web.audit_search import PAGE_SIZE, SearchForm
from service.web.forms import PostedForm
from service.web.rendering import page_router, redirect, render, require, runtime_of
from workflow.errors import InvalidData

router = page_router()
PERMISSION = "audit.read"
Text = Annotated[str | None, Query(max_length=500)]


def _form(request: Request) -> SearchForm:
    return SearchForm.of(dict(request.query_params))


def _page(request: Request, form: SearchForm, after: str | None, **context: Any) -> Response:
    runtime = runtime_of(request)
    actor = require(request, PERMISSION)
    reading, rows, more, status = audit_search.Reading(), [], None, 200
    position = None
    if form.asked:
        with runtime.read() as connection:
            reading = audit_search.read(connection, form, runtime.body_id)
    if reading.filters is not None:
        try:
            position = trail.search_position(after)
        except InvalidData as exc:
            # A cursor the search did not make: the same 422 as on every list of the API.
            reading = audit_search.Reading(problems={"nach": exc.problems[0].message})
            status = exc.status
    if reading.filters is not None:
        with runtime.write() as connection:
            found = trail.search(
                runtime, connection, actor, reading.filters, form.zweck, position, PAGE_SIZE + 1
            )
        if len(found) > PAGE_SIZE:
            found = found[:PAGE_SIZE]
            more = form.query(nach=trail.search_cursor(found[-1]))
        rows = [audit_search.row(e) for e in found]
    return render(
        request,
        "protocol.html",
        status=status,
        title="Protokollsuche",
        form=form,
        searched=reading.filters is not None,
        problems=reading.problems,
        rows=rows,
        more=more,
        export=form.query() if reading.filters is not None else None,
        entity_types=audit_search.ENTITY_TYPES,
        chains=context.get("chains"),
    )


@router.get("/protokoll")
def protocol_page(request: Request, nach: Text = None) -> Response:
    return _page(request, _form(request), nach)


@router.get("/protokoll/export.csv")
def protocol_export(request: Request) -> Response:
    runtime = runtime_of(request)
    actor = require(request, PERMISSION)
    form = _form(request)
    with runtime.read() as connection:
        reading = audit_search.read(connection, form, runtime.body_id)
    if reading.filters is None:
        return redirect(f"/protokoll?{form.query()}")
    chunks = trail.start_export(runtime, actor, reading.filters, form.zweck, "csv")
    stamp = runtime.now().strftime("%Y%m%d-%H%M%S")
    return StreamingResponse(
        chunks,
        media_type=FORMATS["csv"],
        headers={
            "Content-Disposition": f'attachment; filename="protokoll-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/protokoll/pruefen")
def protocol_verify(request: Request, posted: PostedForm) -> Response:
    """Verification reads every event: only when asked for, never on each search."""
    runtime = runtime_of(request)
    require(request, PERMISSION)
    with runtime.read() as connection:
        chains = trail.verify_all(connection, runtime.chain_key, only=runtime.chain_key)
    return _page(request, SearchForm(), None, chains=chains)

"""``/protokoll``: the Datenschutzbeauftragte's search of the audit trail.

``/datenschutz`` is the public Datenschutzerklärung, so the room lives here. Searching and
exporting go through the same services as ``/api/v1/audit``: each one states a purpose and
is written to the trail with it. A form without a purpose searches nothing and logs nothing.

Search, next page and export are POST forms with the CSRF token: a link from another site
(``GET /protokoll?zweck=…``) would otherwise record a search under the DSB's name with the
link's purpose. A GET shows the empty form, and when it carries a search, a hint why none
ran; it reads nothing and records nothing.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response, StreamingResponse

from service.audit import exporting, labels, naming, trail
from service.audit.export import FORMATS
from service.web import audit_search
from service.web.audit_search import PAGE_SIZE, SearchForm
from service.web.forms import PostedForm
from service.web.rendering import page_router, render, require, runtime_of
from workflow.errors import InvalidData

router = page_router()
PERMISSION = "audit.read"
LINK_HINT = (
    "Über einen Link oder eine aufgerufene Adresse wird nicht gesucht und nichts exportiert. "
    "Bitte geben Sie Zweck und Filter hier ein und starten Sie die Suche mit „Suchen“."
)


def _page(
    request: Request,
    form: SearchForm,
    after: str | None = None,
    *,
    search: bool = False,
    **context: Any,
) -> Response:
    runtime = runtime_of(request)
    actor = require(request, PERMISSION)
    reading, rows, more, status = audit_search.Reading(), [], None, 200
    position = None
    if search:
        with runtime.read() as connection:
            reading = audit_search.read(runtime, connection, actor, form)
        if reading.problems:
            status = 422
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
            more = trail.search_cursor(found[-1])
        with runtime.read() as connection:
            words = naming.wording(runtime, connection, actor, found)
        rows = [labels.row(e, words) for e in found]
    with runtime.read() as connection:
        persons = naming.person_choices(connection, actor, runtime.body_id)
        logins = naming.user_choices(connection, actor, runtime.body_id)
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
        given=form.given() if reading.filters is not None else {},
        entity_types=labels.object_kinds(),
        persons=persons,
        logins=logins,
        actions=labels.actions(),
        chains=context.get("chains"),
        hint=context.get("hint"),
    )


def _hint_for(request: Request) -> str | None:
    return LINK_HINT if request.query_params else None


@router.get("/protokoll")
def protocol_page(request: Request) -> Response:
    return _page(request, SearchForm(), hint=_hint_for(request))


@router.post("/protokoll")
def protocol_search(request: Request, posted: PostedForm) -> Response:
    return _page(request, SearchForm.of(dict(posted)), posted.get("nach") or None, search=True)


@router.get("/protokoll/export.csv")
@router.get("/protokoll/export.xlsx")
def protocol_export_link(request: Request) -> Response:
    """A bookmarked or linked export: the form and the hint, no file and no record."""
    return _page(request, SearchForm(), hint=_hint_for(request) or LINK_HINT)


@router.post("/protokoll/export.csv")
def protocol_export(request: Request, posted: PostedForm) -> Response:
    return _export(request, posted, "csv")


@router.post("/protokoll/export.xlsx")
def protocol_export_xlsx(request: Request, posted: PostedForm) -> Response:
    return _export(request, posted, "xlsx")


def _export(request: Request, posted: PostedForm, kind: str) -> Response:
    runtime = runtime_of(request)
    actor = require(request, PERMISSION)
    form = SearchForm.of(dict(posted))
    with runtime.read() as connection:
        reading = audit_search.read(runtime, connection, actor, form)
    if reading.filters is None:
        return _page(request, form, search=True)
    chunks = exporting.start_export(runtime, actor, reading.filters, form.zweck, kind)
    stamp = runtime.now().strftime("%Y%m%d-%H%M%S")
    return StreamingResponse(
        chunks,
        media_type=FORMATS[kind],
        headers={
            "Content-Disposition": f'attachment; filename="protokoll-{stamp}.{kind}"',
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
    return _page(request, SearchForm(), chains=chains)

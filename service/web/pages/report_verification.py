"""``/berichte/pruefen``: whether a file someone holds is exactly an issued Sachstandsbericht;
``/berichte/{id}/pruefung``: whether a stored issued report is still the one issued.

Both are for everyone, like the public issued reports: ``service.reports.verification``
decides what each caller may learn (an internal report only staff and council members).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from service.api.deps import MAX_ID
from service.reports import issuing, verification
from service.web.problems import explain
from service.web.rendering import actor_of, page_router, render, runtime_of
from service.web.uploads import UploadRejected, posted_file

router = page_router()
IssuedId = Annotated[int, Path(ge=1, le=MAX_ID)]
TITLE = "Bericht prüfen"


def _page(request: Request, status: int = 200, **context: Any) -> Response:
    page: dict[str, Any] = {
        "title": TITLE,
        "error": None,
        "reasons": [],
        "stored": None,
        "checked": None,
        "filename": None,
    }
    return render(
        request,
        "report_verification.html",
        status=status,
        internal_checked=issuing.reads_internal(actor_of(request)),
        **{**page, **context},
    )


@router.get("/berichte/pruefen")
def check_page(request: Request) -> Response:
    return _page(request)


@router.post("/berichte/pruefen")
async def check_file(request: Request) -> Response:
    try:
        posted = await posted_file(request)
    except UploadRejected as exc:
        return await run_in_threadpool(
            _page, request, 422, error="Die Datei wurde nicht geprüft.", reasons=[exc.message]
        )
    runtime = runtime_of(request)
    actor = await run_in_threadpool(actor_of, request)
    try:
        checked = await run_in_threadpool(verification.verify_file, runtime, actor, posted.content)
    except Exception as exc:
        explained = explain(exc)
        if explained is None:
            raise
        return await run_in_threadpool(
            _page,
            request,
            explained.status,
            error="Die Datei wurde nicht geprüft.",
            reasons=[explained.headline, *explained.reasons],
        )
    return await run_in_threadpool(_page, request, checked=checked, filename=posted.filename)


@router.get("/berichte/{issued_id}/pruefung")
def stored_page(request: Request, issued_id: IssuedId) -> Response:
    stored = verification.verify_issued(runtime_of(request), actor_of(request), issued_id)
    return _page(request, title=f"Prüfung: Bericht Nr. {stored.issue.row.number}", stored=stored)

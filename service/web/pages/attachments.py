"""Anlagen of measures and papers: upload, download and delete from their pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Path, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from service.api.deps import MAX_ID
from service.attachments import service
from service.attachments.routes import DOWNLOAD_HEADERS, content_disposition
from service.formatting import datetime_de
from service.web import confirm
from service.web.forms import PostedForm, saving
from service.web.pages.measures import show_page
from service.web.pages.papers import show_paper
from service.web.problems import explain
from service.web.rendering import actor_of, page_router, runtime_of, signed_in
from service.web.uploads import UploadRejected, posted_file

router = page_router()
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
# owner type -> (path segment, the page that shows the owner with an upload error)
OWNERS: dict[str, tuple[str, Callable[..., Response]]] = {
    "measure": ("massnahmen", show_page),
    "paper": ("vorlagen", show_paper),
}


def _register(owner_type: str) -> None:
    segment, show = OWNERS[owner_type]
    page_url = f"/{segment}/{{owner_id}}"

    @router.post(f"/{segment}/{{owner_id}}/anlagen", name=f"web_upload_{owner_type}")
    async def upload(request: Request, owner_id: ItemId) -> Response:
        runtime = runtime_of(request)
        actor = await run_in_threadpool(signed_in, request)
        await run_in_threadpool(service.check_upload, runtime, actor, owner_type, owner_id)

        def failed(message: str, status: int) -> Response:
            return show(request, owner_id, status, attachment_error=message)

        try:
            posted = await posted_file(request)
        except UploadRejected as exc:
            return await run_in_threadpool(failed, exc.message, 422)

        done = "erledigt=anlage" if owner_type == "paper" else "gespeichert=anlage"

        def store() -> Response:
            with saving(request) as saved:
                service.attach(
                    runtime,
                    saved.connection,
                    actor,
                    owner_type,
                    owner_id,
                    filename=posted.filename,
                    content=posted.content,
                )
                return saved.redirect(page_url.format(owner_id=owner_id) + f"?{done}#anlagen")

        try:
            return await run_in_threadpool(store)
        except Exception as exc:
            explained = explain(exc)
            if explained is None:
                raise
            return await run_in_threadpool(failed, explained.headline, explained.status)

    @router.get(
        f"/{segment}/{{owner_id}}/anlagen/{{attachment_id}}", name=f"web_download_{owner_type}"
    )
    def download(request: Request, owner_id: ItemId, attachment_id: ItemId) -> Response:
        found = service.read_attachment(
            runtime_of(request), actor_of(request), owner_type, owner_id, attachment_id
        )
        return Response(
            found.content,
            media_type=found.content_type,
            headers={
                **DOWNLOAD_HEADERS,
                "Content-Disposition": content_disposition(found.filename),
            },
        )

    @router.post(
        f"/{segment}/{{owner_id}}/anlagen/{{attachment_id}}/loeschen",
        name=f"web_delete_{owner_type}",
    )
    def delete(
        request: Request, owner_id: ItemId, attachment_id: ItemId, form: PostedForm
    ) -> Response:
        runtime = runtime_of(request)
        actor = signed_in(request)
        url = page_url.format(owner_id=owner_id)
        gone = (
            "erledigt=anlage_geloescht" if owner_type == "paper" else "gespeichert=anlage_geloescht"
        )
        try:
            if not confirm.confirmed(form):
                row = service.describe_for_deletion(
                    runtime, actor, owner_type, owner_id, attachment_id
                )
                return confirm.ask(
                    request,
                    title="Anlage löschen?",
                    question=f"„{row.filename}“ wird endgültig gelöscht; der Verlauf der "
                    f"{service.OWNER_LABELS[owner_type]} vermerkt es.",
                    action=f"{url}/anlagen/{attachment_id}/loeschen",
                    button="Ja, endgültig löschen",
                    back=f"{url}#anlagen",
                    details=[
                        ("Datei", row.filename),
                        ("Hochgeladen", datetime_de(row.uploaded_at)),
                    ],
                )
            with saving(request) as saved:
                service.remove(
                    runtime, saved.connection, actor, owner_type, owner_id, attachment_id
                )
                return saved.redirect(page_url.format(owner_id=owner_id) + f"?{gone}#anlagen")
        except Exception as exc:
            explained = explain(exc)
            if explained is None:
                raise
            return show(
                request,
                owner_id,
                explained.status,
                attachment_error=explained.headline,
                attachment_heading="Die Anlage wurde nicht gelöscht.",
            )


_register("measure")
_register("paper")

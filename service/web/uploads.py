"""A posted form with one file: its CSRF field checked, its size counted while it streams.

The API's ``read_upload`` reads only the file; a browser form also carries the CSRF token,
which must be checked before anything is stored. The size limit works the same way: a
body that cannot hold a file within the limit is refused as soon as that is clear.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from service.api.uploads import FORM_OVERHEAD, TooLarge, limited
from service.web.forms import FORM_EXPIRED, form_fields_checked
from service.web.rendering import runtime_of


class UploadRejected(Exception):
    """A form the user can correct: the German sentence says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PostedFile:
    fields: dict[str, str]
    filename: str
    content: bytes


async def posted_file(request: Request, field: str = "file") -> PostedFile:
    runtime = runtime_of(request)
    limit = runtime.settings.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FORM_OVERHEAD:
        raise UploadRejected(TooLarge(limit).detail)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise FORM_EXPIRED
    parser = MultiPartParser(request.headers, limited(request.stream(), limit), max_files=1)
    try:
        form = await parser.parse()
    except TooLarge as exc:
        raise UploadRejected(exc.detail) from None
    except MultiPartException:
        raise UploadRejected("Das Formular kam unvollständig an. Bitte erneut senden.") from None
    try:
        fields = form_fields_checked(request, {k: v for k, v in form.items() if isinstance(v, str)})
        upload = form.get(field)
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise UploadRejected("Bitte eine Datei auswählen.")
        content = await upload.read(limit + 1)
        if len(content) > limit:
            raise UploadRejected(TooLarge(limit).detail)
        if not content:
            raise UploadRejected(f"Die Datei „{upload.filename}“ ist leer.")
        return PostedFile(fields, upload.filename, content)
    finally:
        await form.close()

"""Reading one uploaded file from a multipart body, refusing it as soon as it is too large.

The size is counted while the body streams in, so an oversized upload is answered with 413
after at most the limit has been read: it never fills the disk or the memory first. A
declared ``Content-Length`` beyond the limit is refused before a single byte is read.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from service.errors import ServiceError

# Boundaries and part headers around the file; generous, the file itself is checked exactly.
FORM_OVERHEAD = 64 * 1024

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        # An empty file is refused (``read_upload``): the contract says so.
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "minLength": 1,
                            "description": "Die Datei (nicht leer).",
                        }
                    },
                }
            }
        },
    }
}


class TooLarge(ServiceError):
    status = 413
    slug = "zu-gross"
    title = "Anfrage zu groß"

    def __init__(self, limit: int) -> None:
        super().__init__(f"Die Datei ist zu groß. Erlaubt sind höchstens {megabytes(limit)}.")


class BadUpload(ServiceError):
    def __init__(self, reason: str) -> None:
        super().__init__(f"Ungültige Eingabe: file: {reason}", field="file")
        self.reason = reason

    def extensions(self) -> dict[str, Any]:
        return {"fields": [{"field": "file", "label": "Datei", "message": self.reason}]}


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


def megabytes(limit: int) -> str:
    if limit < 1024 * 1024:
        return f"{limit / 1024:.0f} KB"
    return f"{limit / (1024 * 1024):.0f} MB"


async def limited(stream: AsyncIterator[bytes], limit: int) -> AsyncGenerator[bytes, None]:
    """Passes a form body on; raises ``TooLarge`` as soon as it cannot hold a file of at
    most ``limit`` bytes any more."""
    seen = 0
    async for chunk in stream:
        seen += len(chunk)
        if seen > limit + FORM_OVERHEAD:
            raise TooLarge(limit)
        yield chunk


async def read_upload(request: Request, limit: int, field: str = "file") -> Upload:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FORM_OVERHEAD:
        raise TooLarge(limit)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise BadUpload("erwartet ein Formular (multipart/form-data) mit dem Feld „file“")
    parser = MultiPartParser(request.headers, limited(request.stream(), limit), max_files=1)
    try:
        form = await parser.parse()
    except MultiPartException:
        raise BadUpload("das Formular ist fehlerhaft") from None
    try:
        upload = form.get(field)
        if not isinstance(upload, UploadFile):
            raise BadUpload("Pflichtangabe fehlt")
        content = await upload.read(limit + 1)
        if len(content) > limit:
            raise TooLarge(limit)
        if not content:
            raise BadUpload("die Datei ist leer")
        return Upload(upload.filename or "", content)
    finally:
        await form.close()

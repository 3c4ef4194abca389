"""What a file is, judged by its content (magic numbers via ``filetype``), not by its name.

The name must fit the content: each allowed type has its own list of endings, and a name
with any other ending is refused (415) rather than renamed, so the uploader learns that
the file is not what its name says. That covers a program renamed to ``.pdf`` as much as
harmless text named ``.hta``, ``.bat``, ``.ps1``, ``.html``, ``.svg`` or ``.exe``, which a
browser or Windows would open as something that runs. A name without an ending gets the
type's own ending (``Protokoll`` with PDF content is stored as ``Protokoll.pdf``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import filetype

from service.errors import ServiceError

TEXT = frozenset({"text/plain", "text/csv"})

# content type -> (German name, file name endings that promise it)
ALLOWED: dict[str, tuple[str, frozenset[str]]] = {
    "application/pdf": ("PDF", frozenset({".pdf"})),
    "image/png": ("PNG-Bild", frozenset({".png"})),
    "image/jpeg": ("JPEG-Bild", frozenset({".jpg", ".jpeg"})),
    "application/vnd.oasis.opendocument.text": ("ODF-Textdokument", frozenset({".odt"})),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "Word-Dokument",
        frozenset({".docx"}),
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "Excel-Tabelle",
        frozenset({".xlsx"}),
    ),
    "text/csv": ("CSV-Tabelle", frozenset({".csv"})),
    "text/plain": ("Text", frozenset({".txt"})),
}
_CONTROL = frozenset(chr(c) for c in range(32)) - {"\t", "\n", "\r", "\f"}


class UnsupportedType(ServiceError):
    status = 415
    slug = "dateityp-unzulaessig"
    title = "Dateityp nicht zulässig"

    def __init__(self, filename: str, detected: str, reason: str) -> None:
        allowed = ", ".join(name for name, _ in ALLOWED.values())
        super().__init__(f"„{filename}“: {reason} Erlaubt sind: {allowed}.")
        self.detected = detected

    def extensions(self) -> dict[str, Any]:
        return {"detected_type": self.detected}


@dataclass(frozen=True)
class Detected:
    content_type: str
    label: str


def detect(filename: str, content: bytes) -> Detected:
    kind = filetype.guess(content)
    detected = kind.mime if kind is not None else _text_or_binary(content)
    ending = PurePosixPath(filename.lower()).suffix
    if detected in TEXT:
        detected = "text/csv" if ending == ".csv" else "text/plain"
    if detected not in ALLOWED:
        shown = f"{detected} (.{kind.extension})" if kind is not None else detected
        raise UnsupportedType(filename, detected, f"Der Inhalt ist {shown}.")
    label, endings = ALLOWED[detected]
    if ending and ending not in endings:
        raise UnsupportedType(
            filename,
            detected,
            f"Die Endung {ending} passt nicht zum Inhalt; erkannt wurde {label} ({detected}), "
            f"dafür sind die Endungen {', '.join(sorted(endings))} erlaubt.",
        )
    return Detected(detected, label)


def fitting_name(filename: str, content_type: str) -> str:
    """``filename`` with an ending of its type: as it is if it has one, else with the type's
    first ending added (also for a name stored before endings were checked)."""
    endings = ALLOWED[content_type][1] if content_type in ALLOWED else frozenset()
    if PurePosixPath(filename.lower()).suffix in endings or not endings:
        return filename
    return filename + min(endings, key=lambda e: (len(e), e))


def _text_or_binary(content: bytes) -> str:
    """Text has no magic number: it is text if it decodes and holds no control characters."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _CONTROL.intersection(text):
            return "text/plain"
    return "application/octet-stream"

"""The seed's working paper as a small PDF, written by hand for the demo's Anlage.

A plain text PDF needs only a page tree, the built-in Helvetica and a text stream, so the
demo does without a PDF library; WinAnsiEncoding carries the German letters and quotes.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

TEXT_FILE = Path(__file__).with_name("Vorlage-VII-0680-24.txt")
FILENAME = "Vorlage-VII-0680-24.pdf"
_WIDTH, _HEIGHT, _MARGIN, _LEADING, _PER_LINE = 595, 842, 56, 13, 92


def working_paper_pdf() -> bytes:
    return text_pdf(TEXT_FILE.read_text(encoding="utf-8"))


def text_pdf(text: str) -> bytes:
    lines: list[str] = []
    for paragraph in text.replace("\t", "  ").splitlines():
        lines.extend(textwrap.wrap(paragraph, _PER_LINE) or [""])
    per_page = (_HEIGHT - 2 * _MARGIN) // _LEADING
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[]]

    objects: list[bytes] = [
        b"",
        b"",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for page in pages:
        stream = _page_stream(page)
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content_ref = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
            % (_WIDTH, _HEIGHT, content_ref)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _page_stream(lines: list[str]) -> bytes:
    top = _HEIGHT - _MARGIN
    parts = [b"BT /F1 10 Tf %d TL %d %d Td" % (_LEADING, _MARGIN, top)]
    for line in lines:
        parts.append(b"(" + _escape(line) + b") Tj T*")
    parts.append(b"ET")
    return b"\n".join(parts)


def _escape(line: str) -> bytes:
    raw = line.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

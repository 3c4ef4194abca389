"""CSV for German Excel, shared by every export (measures, the audit trail).

German Excel opens such a file with a double click when it is UTF-8 with a BOM and its
columns are separated by ``;``; it reads dates as ``31.12.2025`` and times in local time.
Every field is quoted, so a ``;`` or a line break inside a value stays in its cell. Text that
begins like a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) is prefixed with
``'`` so that a spreadsheet shows it instead of running it (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from workflow.calendar import to_local

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text(value: str | None) -> str:
    """A text cell that no spreadsheet runs as a formula."""
    if not value:
        return ""
    return "'" + value if value.startswith(FORMULA_START) else value


def moment(value: datetime, seconds: bool = False) -> str:
    """A point in time as Germans read it, in Europe/Berlin."""
    return to_local(value).strftime("%d.%m.%Y %H:%M:%S" if seconds else "%d.%m.%Y %H:%M")


def rows_csv(
    headers: Sequence[str], rows: Iterable[Sequence[str]], *, chunk: int = 200
) -> Iterator[str]:
    """The file in pieces (BOM and headers first), so a long list streams instead of
    filling memory. Cells are given as text: the caller guards formulas with ``text``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(headers)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()

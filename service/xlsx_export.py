"""Excel workbooks (.xlsx) for every list ratsflow exports, fed by the same row sources as
the CSV files (``service.csv_export``).

Where the CSV has to spell everything as German text, a workbook keeps types: dates are
dates, amounts numbers with a EUR format, so Excel sorts, filters and sums them. The header
row is frozen and carries an autofilter. Every text cell is written as text with Excel's
quote prefix: a title such as ``=HYPERLINK(...)`` or ``-1+2`` stays what it says and never
becomes a formula, also after someone edits the cell.

The workbook is built in openpyxl's write-only mode (rows go straight to the file, constant
memory per row) and returned as bytes: an .xlsx is a zip whose directory comes last, so it
cannot be streamed before it is complete.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from workflow.calendar import to_local

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Kind = Literal["text", "integer", "percent", "money", "date", "moment"]
FORMATS: dict[Kind, str] = {
    "integer": "0",
    "percent": "0",
    "money": '#,##0.00 "EUR"',
    "date": "DD.MM.YYYY",
    "moment": "DD.MM.YYYY HH:MM:SS",
}
# Sheet names may hold 31 characters and none of these.
_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Column:
    """A German header and the type of the values below it."""

    header: str
    kind: Kind = "text"
    width: int = 16


def _value(kind: Kind, value: Any) -> Any:
    if value is None or value == "":
        return None
    if kind == "text":
        return str(value)
    if kind in ("integer", "percent"):
        return int(value)
    if kind == "money":
        return float(Decimal(str(value)))
    if kind == "date":
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    # Excel knows no time zones: the local time in Europe/Berlin, as the CSV shows it.
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return to_local(moment).replace(tzinfo=None)


def _cell(sheet: Any, column: Column, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=_value(column.kind, value))
    if column.kind == "text":
        # openpyxl would take a leading "=" for a formula; text stays text.
        cell.data_type = "s"
        cell.quotePrefix = True
    elif column.kind in FORMATS:
        cell.number_format = FORMATS[column.kind]
    return cell


def workbook(title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet: the headers in bold, frozen and filtered, then a typed row per item."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title.translate(_SHEET_FORBIDDEN)[:31] or "Export")
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, c, value) for c, value in zip(columns, row, strict=True)])
        count += 1
    last = get_column_letter(max(len(columns), 1))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def attachment(filename: str) -> dict[str, str]:
    """The headers of a workbook sent as a download."""
    return {"Content-Disposition": f'attachment; filename="{filename}"'}

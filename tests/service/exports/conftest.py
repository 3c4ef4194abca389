"""Excel exports of the demo city (both backends), read back with openpyxl."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def on_demo_city() -> bool:
    return True


def sheet_of(content: bytes) -> Worksheet:
    """The one sheet of a workbook as a user opens it."""
    sheet = load_workbook(io.BytesIO(content)).active
    assert isinstance(sheet, Worksheet)
    return sheet


def table(sheet: Worksheet) -> list[dict[str, object]]:
    """The rows under the header row, keyed by the German headers."""
    rows = list(sheet.iter_rows(values_only=True))
    headers = [str(h) for h in rows[0]]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


def assert_spreadsheet_shape(sheet: Worksheet) -> None:
    """The header row stays visible when scrolling and carries a filter over all rows."""
    assert sheet.freeze_panes == "A2"
    last = sheet.cell(row=1, column=sheet.max_column).column_letter
    assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"
    assert all(cell.font.b for cell in sheet[1])

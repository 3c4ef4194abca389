"""Imports are bounded: rows, columns and an Excel file's unpacked size, all checked before
the write transaction opens.

Finding: a 72 KB xlsx with 400,000 cells cost 5 s of CPU while holding the SQLite write
lock (the upload limit allows 20 MB). On today's main the table is parsed inside
``runtime.write()``; the first test would see the write transaction opened and the file
parsed whole. Now it is refused from the sheet's raw XML with a German reason naming the
limit, and no write transaction is opened. On the demo city, both backends.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.cli import app as cli
from service.imports.reading import MAX_COLUMNS, MAX_ROWS
from service.runtime import Runtime
from tests.service.api_calls import API, assert_problem, login, snapshot


def workbook(rows: int, columns: int) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Kennung", "Titel", *(f"Spalte {i}" for i in range(3, columns + 1))])
    for i in range(1, rows + 1):
        sheet.append([f"X-{i}", "Titel", *range(3, columns + 1)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def post(client: TestClient, auth: dict[str, str], name: str, content: bytes):  # type: ignore[no-untyped-def]
    return client.post(f"{API}/measures/import", files={"file": (name, content)}, headers=auth)


@pytest.fixture
def no_write(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any write transaction opened during the test fails it."""

    @contextmanager
    def refused(self: Runtime) -> Iterator[None]:
        raise AssertionError("eine Schreibtransaktion wurde geöffnet")
        yield

    monkeypatch.setattr(Runtime, "write", refused)
    yield


def test_an_xlsx_with_400000_cells_is_refused_before_the_write_lock(
    client: TestClient, demo: Runtime
) -> None:
    lead = login(client, "ag.leitung")
    before = snapshot(demo)
    content = workbook(40_000, 10)  # 400,000 cells in some 700 KB
    with pytest.MonkeyPatch.context() as patch:

        @contextmanager
        def refused(self: Runtime) -> Iterator[None]:
            raise AssertionError("eine Schreibtransaktion wurde geöffnet")
            yield

        patch.setattr(Runtime, "write", refused)
        answer = post(client, lead, "gross.xlsx", content)

    body = assert_problem(answer, 422, "import-zu-gross")
    assert body["detail"] == (
        "„gross.xlsx“ ist zu groß für einen Import: höchstens 10.000 Zeilen unter der Kopfzeile."
    )
    assert snapshot(demo) == before


def test_an_xlsx_with_too_many_columns_is_refused(client: TestClient) -> None:
    lead = login(client, "ag.leitung")
    answer = post(client, lead, "breit.xlsx", workbook(2, MAX_COLUMNS + 1))
    body = assert_problem(answer, 422, "import-zu-gross")
    assert body["detail"].endswith("höchstens 50 Spalten.")


def test_an_xlsx_that_unpacks_beyond_50_mb_is_refused_before_openpyxl(
    client: TestClient,
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/media/leer.bin", b"\x00" * (51 * 1024 * 1024))
    lead = login(client, "ag.leitung")
    body = assert_problem(
        post(client, lead, "bombe.xlsx", buffer.getvalue()), 422, "import-zu-gross"
    )
    assert body["detail"].endswith("entpackt mehr als 50 MB.")


def test_a_csv_with_too_many_rows_or_columns_is_refused(client: TestClient) -> None:
    lead = login(client, "ag.leitung")
    rows = "Kennung;Titel\n" + "".join(f"C-{i};Titel\n" for i in range(MAX_ROWS + 1))
    body = assert_problem(post(client, lead, "lang.csv", rows.encode()), 422, "import-zu-gross")
    assert "höchstens 10.000 Zeilen" in body["detail"]
    wide = ";".join(["Kennung", "Titel", *(f"S{i}" for i in range(MAX_COLUMNS))]) + "\n"
    body = assert_problem(post(client, lead, "breit.csv", wide.encode()), 422, "import-zu-gross")
    assert "höchstens 50 Spalten" in body["detail"]


def test_the_command_line_refuses_a_large_table_before_the_write_lock(
    demo: Runtime, tmp_path: object, no_write: None
) -> None:
    from pathlib import Path

    file = Path(str(tmp_path)) / "gross.xlsx"
    file.write_bytes(workbook(MAX_ROWS + 1, 2))
    done = CliRunner().invoke(cli, ["import", "measures", str(file)])
    assert done.exit_code != 0
    assert "höchstens 10.000 Zeilen" in done.output

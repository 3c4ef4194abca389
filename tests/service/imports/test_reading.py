"""What a file holds reaches the import whole, or the file is refused saying where and why:
cells beyond the header, quoted cells over several lines, Excel's UTF-16 text. On the demo
city, both backends."""

from __future__ import annotations

import io

import openpyxl
from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.api_calls import assert_problem, login, snapshot
from tests.service.imports.test_service import imported, post


def test_a_row_with_more_cells_than_columns_is_refused_not_cut(
    client: TestClient, demo: Runtime
) -> None:
    """Regression: a row with a fourth cell under a three-column header was imported with
    the extra cells dropped (a „;“ in the title shifted the rest); now it is refused and
    nothing is kept, from a CSV as from an Excel sheet. Empty cells past the header (a
    trailing separator) are no problem."""
    lead = login(client, "ag.leitung")
    before = snapshot(demo)
    content = (
        "Kennung;Titel;Beschreibung\n"
        "I-91;Server; Netz und Telefonie;Beschaffung der Hardware für 2027\n"
        "I-92;Drucker;Neue Geräte;;\n"
    ).encode()
    body = assert_problem(post(client, lead, "m.csv", content), 422, "import-fehlerhaft")
    assert body["rows"] == [
        {"row": 2, "column": None, "message": "mehr Zellen (4) als Spalten (3)"}
    ]
    assert "Zeile 2: mehr Zellen (4) als Spalten (3)." in body["detail"]

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Kennung", "Titel"])
    sheet.append(["I-93", "Server", "Notiz am Rand"])
    sheet.append(["I-94", "Drucker", None])
    buffer = io.BytesIO()
    book.save(buffer)
    body = assert_problem(post(client, lead, "m.xlsx", buffer.getvalue()), 422)
    assert body["rows"] == [
        {"row": 2, "column": None, "message": "mehr Zellen (3) als Spalten (2)"}
    ]
    assert snapshot(demo) == before and imported(demo) == {}


def test_a_quoted_record_is_numbered_by_its_first_line_and_an_open_quote_is_named(
    client: TestClient, demo: Runtime
) -> None:
    """Regression: a quoted two-line record beginning on line 2 was reported as „Zeile 3“
    (the line it ends on), and a quote left open in line 2 as „Zeile 3, Spalte „Titel“:
    darf keine Steuerzeichen … enthalten“. Now rows are numbered by their first line, and
    an open quote is named where it opens."""
    lead = login(client, "ag.leitung")
    content = (
        "Kennung;Titel;Beschreibung;Kosten einmalig\n"
        'I-01;Server;"Zwei\nZeilen";zwölf\n'
        "I-02;Drucker;Eine Zeile;drei\n"
    ).encode()
    body = assert_problem(post(client, lead, "m.csv", content), 422, "import-fehlerhaft")
    assert [(r["row"], r["column"]) for r in body["rows"]] == [
        (2, "Kosten einmalig"),
        (4, "Kosten einmalig"),
    ]

    content = b'Kennung;Titel\nI-01;"Server\nI-02;Netz\n'
    body = assert_problem(post(client, lead, "m.csv", content), 422, "import-unlesbar")
    assert body["detail"] == (
        "„m.csv“ ist keine lesbare CSV- oder Excel-Datei: Zeile 2, Spalte „Titel“: das "
        "Anführungszeichen, mit dem die Zelle beginnt, wird nicht geschlossen (die Zelle "
        "reichte sonst bis zum Ende der Datei)"
    )
    assert imported(demo) == {}


def test_a_utf16_text_file_from_excel_is_read(client: TestClient, demo: Runtime) -> None:
    """Regression: Excel's „Unicode-Text“ (UTF-16 with a byte order mark, tab-separated)
    was refused as „die Datei enthält Binärdaten“; it is what Excel writes, so it is read."""
    lead = login(client, "ag.leitung")
    text = "Kennung\tTitel\tKosten einmalig\r\nI-01\tÜbergabe an die Kämmerei\t1.250,50\r\n"
    response = post(client, lead, "unicode.txt", text.encode("utf-16"))
    assert response.status_code == 200, response.text
    row = imported(demo)["I-01"]
    assert row.title == "Übergabe an die Kämmerei"  # type: ignore[attr-defined]
    assert row.fields == {"kosten_einmalig": "1250.50"}  # type: ignore[attr-defined]

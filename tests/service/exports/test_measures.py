"""The measure list as an Excel workbook: the same rows as the CSV, typed."""

from __future__ import annotations

from datetime import date, datetime

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.api_calls import API, login
from tests.service.exports.conftest import XLSX, assert_spreadsheet_shape, sheet_of, table
from tests.service.reads import reads


def test_measure_list_as_xlsx_has_german_headers_and_typed_cells(
    client: TestClient, demo: Runtime
) -> None:
    staff = login(client, "ag.leitung")
    response = client.get(
        f"{API}/measures/export", params={"sort": "code", "format": "xlsx"}, headers=staff
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert 'filename="massnahmen-2026-09-01.xlsx"' in response.headers["content-disposition"]
    sheet = sheet_of(response.content)
    assert_spreadsheet_shape(sheet)
    rows = table(sheet)
    assert [r["Kennung"] for r in rows] == [f"M-0{i}" for i in range(1, 10)]
    m01 = rows[0]
    assert m01["Titel"] == "Einführung der E-Akte"
    assert m01["Zustand"] == "Umsetzung"
    assert m01["Verantwortlich"] == "Thomas Behrendt"
    assert m01["Einmalige Kosten (EUR)"] == 185000
    assert m01["Zieldatum"] == datetime(2026, 12, 31)
    assert isinstance(m01["Zuletzt geändert"], datetime)
    assert isinstance(m01["Version"], int)
    amount = sheet.cell(row=2, column=8)
    assert amount.data_type == "n" and "EUR" in amount.number_format
    target = sheet.cell(row=2, column=10)
    assert target.is_date and target.number_format == "DD.MM.YYYY"


def test_public_xlsx_leaves_out_names_and_non_public_measures(
    client: TestClient, demo: Runtime
) -> None:
    response = client.get(f"{API}/measures/export", params={"state": "umsetzung", "format": "xlsx"})
    rows = table(sheet_of(response.content))
    assert "Verantwortlich" not in rows[0]
    assert [r["Kennung"] for r in rows] == ["M-01", "M-02", "M-04", "M-05", "M-08"]


def test_formula_looking_titles_stay_text_in_xlsx(client: TestClient, demo: Runtime) -> None:
    lead = login(client, "ag.leitung")
    evil = ['=HYPERLINK("http://example.org")', "+1+2", "-3", "@SUM(A1)"]
    for number, title in enumerate(evil, start=20):
        created = client.post(
            f"{API}/measures",
            json={"programme_id": 1, "code": f"M-{number}", "title": title},
            headers=lead,
        )
        assert created.status_code == 201, created.text
    response = client.get(
        f"{API}/measures/export", params={"format": "xlsx", "sort": "code"}, headers=lead
    )
    sheet = sheet_of(response.content)
    cells = [row[1] for row in sheet.iter_rows(min_row=2) if str(row[0].value) >= "M-20"]
    assert [c.value for c in cells] == evil
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_xlsx_of_non_public_measures_is_logged_like_the_csv(
    client: TestClient, demo: Runtime
) -> None:
    lead = login(client, "ag.leitung")
    before = len(reads(demo, "measure.read"))
    client.get(f"{API}/measures/export", params={"format": "xlsx"}, headers=lead)
    assert len(reads(demo, "measure.read")) == before + 1
    client.get(f"{API}/measures/export", params={"format": "xlsx", "state": "entwurf"})
    assert len(reads(demo, "measure.read")) == before + 1


def test_csv_from_the_shared_row_source_is_unchanged(client: TestClient, demo: Runtime) -> None:
    lead = login(client, "ag.leitung")
    via_format = client.get(f"{API}/measures/export", params={"format": "csv"}, headers=lead)
    classic = client.get(f"{API}/measures/export.csv", headers=lead)
    assert via_format.content == classic.content
    assert via_format.content.decode("utf-8-sig").splitlines()[1].count(";") == 11
    assert date(2026, 12, 31).strftime("%d.%m.%Y") in via_format.content.decode("utf-8-sig")

"""The Beschlusskontrolle (the Sachstandsbericht's measures) as an Excel sheet, through the
API and the /sachstand page."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.api_calls import API, login
from tests.service.browser import signed_in
from tests.service.exports.conftest import XLSX, assert_spreadsheet_shape, sheet_of, table
from tests.service.reads import reads

PERIOD = "2026-H1"


def test_report_as_xlsx_lists_each_measure_with_light_and_budget(
    client: TestClient, demo: Runtime
) -> None:
    lead = login(client, "ag.leitung")
    response = client.get(
        f"{API}/reports/sachstand", params={"period": PERIOD, "format": "xlsx"}, headers=lead
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert 'filename="beschlusskontrolle-2026-H1.xlsx"' in response.headers["content-disposition"]
    sheet = sheet_of(response.content)
    assert sheet.title == "Sachstand 2026-H1"
    assert_spreadsheet_shape(sheet)
    rows = table(sheet)
    m01 = next(r for r in rows if r["Kennung"] == "M-01")
    assert m01["Arbeitspapier"] and m01["Vorlage"] == "VII/0680/24"
    assert m01["Zustand"] == "Umsetzung"
    assert m01["Ampel"] in {"Grün", "Gelb", "Rot", "Grau"}
    assert str(m01["Verantwortlich"]).startswith("Thomas Behrendt")
    assert m01["Zieldatum"] == datetime(2026, 12, 31)
    assert isinstance(m01["Fortschritt (%)"], int)
    assert isinstance(m01["Veranschlagt (EUR)"], int | float)
    assert len(reads(demo, "status_report.read")) == 1


def test_report_xlsx_is_negotiated_by_accept_and_public_has_no_names(
    client: TestClient, demo: Runtime
) -> None:
    lead = login(client, "ag.leitung")
    response = client.get(
        f"{API}/reports/sachstand",
        params={"period": PERIOD, "audience": "public"},
        headers={**lead, "Accept": XLSX},
    )
    assert response.headers["content-type"] == XLSX
    rows = table(sheet_of(response.content))
    assert rows and "Verantwortlich" not in rows[0]
    assert "M-06" not in {r["Kennung"] for r in rows}  # not public


def test_report_page_links_the_excel_sheet(demo: Runtime) -> None:
    lead = signed_in(demo, "ag.leitung")
    page = lead.get(f"/sachstand?zeitraum={PERIOD}")
    assert f'href="/sachstand/{PERIOD}.xlsx?fassung=intern"' in page.text
    sheet = lead.get(f"/sachstand/{PERIOD}.xlsx?fassung=intern")
    assert sheet.status_code == 200 and sheet.headers["content-type"] == XLSX
    assert "Verantwortlich" in table(sheet_of(sheet.content))[0]

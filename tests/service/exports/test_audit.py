"""The audit trail's export as an Excel workbook, through the API and the Datenschutz room."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient

from service.measures import service as measures
from service.runtime import Runtime
from tests.service.api_calls import API, login
from tests.service.browser import post_form, signed_in
from tests.service.exports.conftest import XLSX, assert_spreadsheet_shape, sheet_of, table
from tests.service.reads import reads


def _m01(runtime: Runtime) -> int:
    with runtime.read() as connection:
        return next(m.id for m in measures.list_measures(connection) if m.code == "M-01")


def test_audit_export_as_xlsx_is_typed_and_logged_with_its_purpose(
    client: TestClient, demo: Runtime
) -> None:
    m01 = _m01(demo)
    dsb = login(client, "datenschutz")
    response = client.get(
        f"{API}/audit/events/export",
        params={
            "purpose": "Prüfung M-01",
            "entity_type": "measure",
            "entity_id": m01,
            "format": "xlsx",
        },
        headers=dsb,
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"].endswith('.xlsx"')
    sheet = sheet_of(response.content)
    assert_spreadsheet_shape(sheet)
    rows = table(sheet)
    assert rows and {r["Objektart"] for r in rows} == {"measure"}
    assert {r["Objekt-Nr."] for r in rows} == {str(m01)}
    assert "measure.create" in {r["Aktion"] for r in rows}
    assert all(isinstance(r["Laufnummer"], int) for r in rows)
    assert all(isinstance(r["Zeit (Europe/Berlin)"], datetime) for r in rows)
    assert len(reads(demo, "audit.export")) == 1


def test_the_dsb_exports_a_search_as_xlsx_from_the_protocol_page(demo: Runtime) -> None:
    m01 = _m01(demo)
    dsb = signed_in(demo, "datenschutz")
    query = {"zweck": "Prüfung M-01", "objektart": "measure", "nummer": str(m01)}
    page = post_form(dsb, "/protokoll", "/protokoll", query)
    assert 'formaction="/protokoll/export.xlsx"' in page.text
    answer = post_form(dsb, "/protokoll", "/protokoll/export.xlsx", query)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == XLSX
    rows = table(sheet_of(answer.content))
    assert {r["Objekt-Nr."] for r in rows} == {str(m01)}
    assert len(reads(demo, "audit.export")) == 1

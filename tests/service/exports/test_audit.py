"""The audit trail's export as an Excel workbook, through the API and the Datenschutz room."""

from __future__ import annotations

import csv
import io
import re
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
    assert rows and {r["Objekt"] for r in rows} == {"Maßnahme M-01"}
    assert "Maßnahme: angelegt" in {r["Aktion"] for r in rows}
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
    assert {r["Objekt"] for r in rows} == {"Maßnahme M-01"}
    assert len(reads(demo, "audit.export")) == 1


def test_the_audit_exports_showed_codes_and_utc_instead_of_labels_names_and_local_time(
    client: TestClient, demo: Runtime
) -> None:
    """The Datenschutzbeauftragte opens the file in Excel: she reads it as the /protokoll
    page words it, with names, German labels and local time, not the codes JSON keeps."""
    m01 = _m01(demo)
    dsb = login(client, "datenschutz")
    query = {"purpose": "Prüfung M-01", "entity_type": "measure", "entity_id": m01}
    answer = client.get(f"{API}/audit/events/export", params={**query}, headers=dsb)
    assert answer.status_code == 200, answer.text
    rows = list(csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff")), delimiter=";"))
    steps = [r for r in rows if r["Aktion"] == "Maßnahme: Schritt im Ablauf"]
    assert steps, {r["Aktion"] for r in rows}
    cells = [cell for r in rows for cell in r.values()]
    for code in ("measure.transition", "ag_pruefung", "ag_leitung", demo.chain_key, "+00:00"):
        assert not any(code in cell for cell in cells), code
    assert all(
        re.fullmatch(r"\d\d\.\d\d\.\d{4},? \d\d:\d\d(:\d\d)?( Uhr)?", r["Zeit (Europe/Berlin)"])
        for r in rows
    )
    assert all(r["Benutzer"] and "." not in r["Benutzer"] for r in steps)
    assert any("→" in r["Änderungen"] for r in steps)
    # JSON keeps the machine form for programs.
    machine = client.get(
        f"{API}/audit/events/export", params={**query, "format": "json"}, headers=dsb
    ).json()
    assert "measure.transition" in {e["action"] for e in machine}

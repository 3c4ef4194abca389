"""Issuing a Sachstandsbericht through the API: who may, what is stored, who may read it,
and the FVA's Kenntnisnahme that alone meets the half-yearly duty. Both backends."""

from __future__ import annotations

import hashlib
from datetime import date

from fastapi.testclient import TestClient

from service.papers import consultations
from service.reports.service import taken_note
from service.runtime import Runtime
from tests.service.api_calls import assert_problem, login
from tests.service.reads import reads

URL = "/api/v1/reports/issued"


def issue(client: TestClient, **body: object) -> dict:
    response = client.post(URL, json=body, headers=login(client, "sitzungsdienst"))
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"{URL}/{response.json()['id']}"
    return response.json()


def test_the_sitzungsdienst_issues_a_report_that_the_fva_reads_unchanged(
    client: TestClient, demo: Runtime
) -> None:
    issued = issue(client, period="2024-H2")

    assert issued["title"] == "Sachstandsbericht 2. Halbjahr 2024"
    assert (issued["as_of"], issued["audience"], issued["noted_on"]) == (
        "2024-12-31",
        "internal",
        None,
    )
    assert issued["issuer_role"] == "sitzungsdienst"
    pdf = client.get(issued["pdf_url"], headers=login(client, "kaemmerei"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert hashlib.sha256(pdf.content).hexdigest() == issued["pdf_sha256"]
    as_json = client.get(issued["json_url"], headers=login(client, "kaemmerei"))
    assert hashlib.sha256(as_json.content).hexdigest() == issued["json_sha256"]
    assert as_json.json()["as_of"] == "2024-12-31"
    assert "Behrendt" not in as_json.text  # the Amt, never the person
    assert len(reads(demo, "issued_report.read")) == 2  # internal files: reads are logged

    # Staff read the issued reports; the public does not see an internal one.
    listed = client.get(URL, headers=login(client, "ob"))
    assert [r["id"] for r in listed.json()] == [issued["id"]]
    assert client.get(URL).json() == []
    assert_problem(client.get(issued["pdf_url"]), 404)

    # The Informationsvorlage for the FVA: a Kenntnisnahme step, no vote.
    with demo.read() as c:
        [step] = consultations.consultations_of(c, issued["paper_id"])
    assert (step.role, step.result) == ("kenntnisnahme", None)


def test_only_the_fvas_kenntnisnahme_meets_the_half_yearly_duty(
    client: TestClient, demo: Runtime
) -> None:
    issued = issue(client, period="2024-H2")
    with demo.read() as c:
        assert taken_note(c, "2024-H2", demo.body_id) is None
    before = _half_yearly_duty(client)
    assert before["fulfilments"] == []  # issuing alone meets nothing

    noted = client.post(
        f"{URL}/{issued['id']}/kenntnisnahme",
        json={"on": "2026-09-01"},
        headers=login(client, "sitzungsdienst"),
    )

    assert noted.status_code == 200, noted.text
    assert noted.json()["noted_on"] == "2026-09-01"
    with demo.read() as c:
        assert taken_note(c, "2024-H2", demo.body_id) == date(2026, 9, 1)
        assert taken_note(c, "2024-H1", demo.body_id) is None
        [step] = consultations.consultations_of(c, issued["paper_id"])
    assert step.result == "zur_kenntnis_genommen"
    # The resolution's half-yearly information is met by this Kenntnisnahme, and moves on.
    after = _half_yearly_duty(client)
    [met] = after["fulfilments"]
    assert met["fulfilled_on"] == "2026-09-01"
    assert "Nr. 1: Kenntnisnahme im FVA am 01.09.2026" in met["reference"]
    assert (before["due_on"], after["due_on"]) == ("2024-09-30", "2025-03-30")
    again = client.post(
        f"{URL}/{issued['id']}/kenntnisnahme",
        json={"on": "2026-09-01"},
        headers=login(client, "sitzungsdienst"),
    )
    assert_problem(again, 409, "bereits-zur-kenntnis-genommen")


def _half_yearly_duty(client: TestClient) -> dict:
    duties = client.get("/api/v1/obligations", headers=login(client, "ag.leitung")).json()
    [duty] = [d for d in duties if d["fulfilled_by"] == "kenntnisnahme_sachstand"]
    return duty


def test_issuing_and_noting_are_refused_in_german(client: TestClient, demo: Runtime) -> None:
    assert_problem(
        client.post(URL, json={"period": "2024-H2"}, headers=login(client, "kaemmerei")), 403
    )
    bad = client.post(URL, json={"period": "2024-H3"}, headers=login(client, "sitzungsdienst"))
    assert "kein Berichtszeitraum" in assert_problem(bad, 422)["detail"]
    later = client.post(URL, json={"period": "2030-H1"}, headers=login(client, "ag.leitung"))
    assert "hat noch nicht begonnen" in assert_problem(later, 422)["detail"]

    issued = issue(client, period="2024-H1")
    note = f"{URL}/{issued['id']}/kenntnisnahme"
    future = client.post(note, json={"on": "2026-09-02"}, headers=login(client, "sitzungsdienst"))
    assert "Sitzungstag" in assert_problem(future, 422)["detail"]
    by_lead = client.post(note, json={"on": "2026-09-01"}, headers=login(client, "ag.leitung"))
    assert_problem(by_lead, 403)

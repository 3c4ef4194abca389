"""Verifying issued reports through the API: a file someone holds (``POST
/api/v1/reports/verification``) and a stored report (``GET …/issued/{id}/verification``),
each with the answer the caller may be given. Demo city at 01.09.2026, both backends."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.people.service import find_person
from service.runtime import Runtime
from tests.service.api_calls import assert_problem, login
from tests.service.council_support import audit_count
from tests.service.reads import reads

URL = "/api/v1/reports"


def issue(client: TestClient, audience: str, period: str = "2024-H2") -> dict:
    response = client.post(
        f"{URL}/issued",
        json={"period": period, "audience": audience},
        headers=login(client, "sitzungsdienst"),
    )
    assert response.status_code == 201, response.text
    return response.json()


def pdf_of(client: TestClient, issued: dict) -> bytes:
    return client.get(issued["pdf_url"], headers=login(client, "kaemmerei")).content


def check(client: TestClient, content: bytes, username: str | None = None) -> dict:
    headers = login(client, username) if username else {}
    response = client.post(
        f"{URL}/verification",
        files={"file": ("sachstandsbericht.pdf", content, "application/pdf")},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_downloaded_report_is_verified_through_the_api_without_the_command_line(
    client: TestClient, demo: Runtime
) -> None:
    """Defect: only ``ratsflow report verify`` on the server could tell whether a PDF is an
    issued report; a council member or the Kämmerei holding one had no door of their own."""
    issued = issue(client, "public")
    pdf = pdf_of(client, issued)

    found = check(client, pdf)  # anyone, without signing in

    assert found["issued"] is True and found["warnings"] == []
    [match] = found["matches"]
    assert match["format"] == "pdf" and match["report"]["number"] == issued["number"]
    assert match["report"]["title"] == "Sachstandsbericht 2. Halbjahr 2024"
    assert match["report"]["issued_at_text"] == "01.09.2026 um 10:00 Uhr"  # Berlin, not UTC
    assert match["report"]["issued_by"] == "Sitzungsdienst"  # the public reads no staff names
    assert (match["entry"]["state"], match["stored_intact"]) == ("intakt", True)
    assert found["text"].startswith(
        f"Die Datei ist unverändert das PDF des ausgegebenen Berichts Nr. {issued['number']}: "
        "Sachstandsbericht 2. Halbjahr 2024, Stichtag 31.12.2024, ausgegeben am 01.09.2026 "
        "um 10:00 Uhr von einer Person mit der Rolle Sitzungsdienst."
    )
    # Staff read who it was.
    named = check(client, pdf, "kaemmerei")["matches"][0]["report"]["issued_by"]
    assert named == "Claudia Fischer (Sitzungsdienst)"

    changed = bytearray(pdf)
    changed[len(changed) // 2] ^= 0x01
    refused = check(client, bytes(changed), "kaemmerei")
    assert (refused["issued"], refused["matches"]) == (False, [])
    assert refused["text"].startswith("Die Datei ist kein ausgegebener Bericht")


def test_an_internal_report_is_recognised_only_for_those_who_may_read_it(
    client: TestClient, demo: Runtime
) -> None:
    issued = issue(client, "internal")
    pdf = pdf_of(client, issued)
    logged = len(reads(demo, "issued_report.read"))
    before = audit_count(demo)

    # The public learns nothing about internal reports: the answer a stranger's file gets.
    anonymous = check(client, pdf)
    assert (anonymous["issued"], anonymous["internal_checked"]) == (False, False)
    assert "kein öffentlich ausgegebener Bericht" in anonymous["text"]
    assert audit_count(demo) == before

    staff = check(client, pdf, "kaemmerei")
    council = check(client, pdf, "rat.mitglied")

    assert staff["issued"] and staff["internal_checked"]
    assert staff["matches"][0]["report"]["issued_by"] == "Claudia Fischer (Sitzungsdienst)"
    assert council["matches"][0]["report"]["issued_by"] == "Sitzungsdienst"
    # Each is a read of an internal report, logged like a download, naming whom it names.
    staff_read, council_read = reads(demo, "issued_report.read")[logged:]
    with demo.read() as c:
        claudia = find_person(c, demo.body_id, "Claudia", "Fischer")
    assert (staff_read.entity_id, staff_read.persons) == (issued["id"], frozenset({claudia}))
    assert (council_read.entity_id, council_read.persons) == (issued["id"], frozenset())


def test_a_stored_report_is_verified_through_the_api(client: TestClient, demo: Runtime) -> None:
    internal = issue(client, "internal")
    public = issue(client, "public", "2025-H1")

    answer = client.get(f"{URL}/issued/{internal['id']}/verification", headers=login(client, "ob"))

    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert (found["intact"], found["outcome"]) == (True, "bestaetigt")
    assert found["text"] == (
        f"Der ausgegebene Bericht Nr. {internal['number']} ist unverändert: PDF und JSON sind "
        "genau die Dateien, deren Prüfsummen das Protokoll bei der Ausgabe festgehalten hat."
    )
    assert found["entry"]["state"] == "intakt" and found["entry"]["seq"] > 0
    assert {f["format"]: f["recorded_sha256"] for f in found["files"]} == {
        "pdf": internal["pdf_sha256"],
        "json": internal["json_sha256"],
    }
    assert all(f["intact"] for f in found["files"])
    assert reads(demo, "issued_report.read")[-1].entity_id == internal["id"]

    # The public checks the public report, and finds no internal one.
    assert client.get(f"{URL}/issued/{public['id']}/verification").json()["intact"] is True
    assert_problem(client.get(f"{URL}/issued/{internal['id']}/verification"), 404)
    assert_problem(client.get(f"{URL}/issued/999999/verification"), 404)


def test_a_file_that_cannot_be_checked_is_refused_as_a_problem(
    client: TestClient, demo: Runtime
) -> None:
    empty = client.post(f"{URL}/verification", files={"file": ("leer.pdf", b"", "application/pdf")})
    assert "leer" in assert_problem(empty, 422)["detail"]
    missing = client.post(f"{URL}/verification", data={"anderes": "x"}, files={"x": ("a", b"a")})
    assert_problem(missing, 422)
    not_a_form = client.post(f"{URL}/verification", json={"file": "x"})
    assert "multipart/form-data" in assert_problem(not_a_form, 422)["detail"]

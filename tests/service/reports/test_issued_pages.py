"""The page of issued reports: the Sitzungsdienst issues one, readers download exactly the
issued file, and the FVA's Kenntnisnahme is recorded. Demo city at 01.09.2026, both
backends."""

from __future__ import annotations

import hashlib
import re

from service.actor import SYSTEM
from service.reports.issuing import issue_report
from service.runtime import Runtime
from tests.service.browser import browser, post_form, signed_in


def test_issue_download_and_note_on_the_page(demo: Runtime) -> None:
    office = signed_in(demo, "sitzungsdienst")

    issued = post_form(
        office,
        "/berichte",
        "/berichte",
        {"zeitraum": "2024-H2", "arbeitspapier": "", "fassung": "intern"},
    )

    assert issued.status_code == 303, issued.text
    page = office.get(issued.headers["location"]).text
    assert "Der Bericht wurde ausgegeben" in page
    assert "Sachstandsbericht 2. Halbjahr 2024" in page and "31.12.2024" in page
    digest = re.search(r"SHA-256 \(PDF\) ([0-9a-f]{16})", page)
    assert digest is not None

    reader = signed_in(demo, "kaemmerei")
    listed = reader.get("/berichte").text
    assert 'href="/berichte/1.pdf"' in listed and "Bericht ausgeben" not in listed
    pdf = reader.get("/berichte/1.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert hashlib.sha256(pdf.content).hexdigest().startswith(digest.group(1))
    assert reader.get("/berichte/1.docx").status_code == 404
    assert browser(demo).get("/berichte/1.pdf").status_code == 404  # internal: not public

    noted = post_form(
        office, "/berichte", "/berichte/1/kenntnisnahme", {"sitzung_am": "2026-09-01"}
    )
    assert noted.status_code == 303, noted.text
    assert "am 01.09.2026" in office.get("/berichte").text
    twice = post_form(
        office, "/berichte", "/berichte/1/kenntnisnahme", {"sitzung_am": "2026-09-01"}
    )
    assert twice.status_code == 409 and "bereits" in twice.text.lower()


def test_a_period_not_begun_is_refused_on_the_page(demo: Runtime) -> None:
    office = signed_in(demo, "sitzungsdienst")
    refused = post_form(
        office, "/berichte", "/berichte", {"zeitraum": "2027-H1", "fassung": "intern"}
    )
    assert refused.status_code == 422
    assert "nicht ausgegeben" in refused.text and "noch nicht begonnen" in refused.text


def test_public_issued_reports_need_no_login_on_the_web(demo: Runtime) -> None:
    """Defect: the public version of an issued report is for everyone (the API serves it
    anonymously), but ``/berichte`` and its downloads sent a visitor to the login."""
    with demo.write() as c:
        public = issue_report(demo, c, SYSTEM, "2024-H2", audience="public")
        internal = issue_report(demo, c, SYSTEM, "2025-H1", audience="internal")
    visitor = browser(demo)

    start = visitor.get("/oeffentlich").text
    assert 'href="/berichte"' in start
    listed = visitor.get("/berichte")
    assert listed.status_code == 200, listed.headers.get("location")
    assert "Sachstandsbericht 2. Halbjahr 2024" in listed.text
    assert "1. Halbjahr 2025" not in listed.text and "Bericht ausgeben" not in listed.text
    assert 'href="/oeffentlich/vorlagen/' in listed.text  # the Informationsvorlage, public
    pdf = visitor.get(f"/berichte/{public}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert visitor.get(f"/berichte/{internal}.pdf").status_code == 404
    assert "1. Halbjahr 2025" in signed_in(demo, "kaemmerei").get("/berichte").text

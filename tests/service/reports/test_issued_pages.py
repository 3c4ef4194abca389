"""The page of issued reports: the Sitzungsdienst issues one, readers download exactly the
issued file, and the FVA's Kenntnisnahme is recorded. Demo city at 01.09.2026, both
backends."""

from __future__ import annotations

import hashlib
import re

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
    assert browser(demo).get("/berichte/1.pdf").status_code in (303, 401)

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

"""Verifying issued reports on the web: ``/berichte/pruefen`` for a file someone holds,
``/berichte/{id}/pruefung`` for a stored report, in German a person understands. Demo city
at 01.09.2026, both backends."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from service.actor import SYSTEM
from service.auth.service import actor_for
from service.reports.issuing import issue_report, issued_file
from service.runtime import Runtime
from tests.service.browser import browser, csrf_of, signed_in


def _issue(demo: Runtime, audience: str, period: str = "2024-H2") -> int:
    with demo.write() as c:
        return issue_report(
            demo,
            c,
            actor_for(c, "sitzungsdienst"),
            period,
            audience=audience,  # type: ignore[arg-type]
        )


def upload(client: TestClient, content: bytes, name: str = "bericht.pdf") -> httpx.Response:
    token = csrf_of(client.get("/berichte/pruefen"))
    return client.post(
        "/berichte/pruefen",
        data={"csrf_token": token},
        files={"file": (name, content, "application/pdf")},
    )


def test_a_downloaded_report_is_verified_on_the_web_without_the_command_line(
    demo: Runtime,
) -> None:
    """Defect: the page of issued reports told a reader to run ``ratsflow report verify`` on
    the server; whoever holds a PDF had no way to check it in the browser."""
    public = _issue(demo, "public")
    pdf = issued_file(demo, SYSTEM, public, "pdf").content
    visitor = browser(demo)
    assert 'href="/berichte/pruefen"' in visitor.get("/berichte").text

    page = upload(visitor, pdf)

    assert page.status_code == 200, page.text
    assert "Ausgegebener Bericht" in page.text
    assert "Die Datei ist unverändert das PDF des ausgegebenen Berichts Nr. 1" in page.text
    assert "ausgegeben am 01.09.2026 um 10:00 Uhr" in page.text
    assert "Sitzungsdienst" in page.text and "Claudia Fischer" not in page.text
    assert 'href="/berichte/1/pruefung"' in page.text

    changed = bytearray(pdf)
    changed[100] ^= 0x01
    other = upload(visitor, bytes(changed))
    assert other.status_code == 200
    assert "Kein ausgegebener Bericht" in other.text
    assert "kein öffentlich ausgegebener Bericht" in other.text

    empty = upload(visitor, b"", "leer.pdf")
    assert empty.status_code == 422
    assert "Die Datei wurde nicht geprüft." in empty.text and "leer" in empty.text


def test_staff_verify_an_internal_report_and_the_public_does_not_find_it(demo: Runtime) -> None:
    internal = _issue(demo, "internal")
    pdf = issued_file(demo, SYSTEM, internal, "pdf").content
    office = signed_in(demo, "kaemmerei")

    named = upload(office, pdf).text
    assert "Die Datei ist unverändert das PDF des ausgegebenen Berichts Nr. 1" in named
    assert "Claudia Fischer (Sitzungsdienst)" in named

    stored = office.get(f"/berichte/{internal}/pruefung")
    assert stored.status_code == 200
    assert "Unverändert" in stored.text
    assert "Der ausgegebene Bericht Nr. 1 ist unverändert" in stored.text
    assert "Der Protokolleintrag der Ausgabe (Laufnummer" in stored.text
    assert "Das gespeicherte PDF hat die Prüfsumme (SHA-256), die das Protokoll" in stored.text
    assert f'href="/berichte/{internal}/pruefung"' in office.get("/berichte").text

    visitor = browser(demo)
    assert visitor.get(f"/berichte/{internal}/pruefung").status_code == 404
    assert "kein öffentlich ausgegebener Bericht" in upload(visitor, pdf).text

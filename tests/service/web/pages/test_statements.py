"""A DSB statement on the measure page, and the Anlagen uploaded and removed there (demo city
at 01.09.2026, both backends)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from service.measures import service as measures
from service.runtime import Runtime
from tests.service.browser import csrf_of, post_form, signed_in


def _ids(runtime: Runtime) -> dict[str, int]:
    with runtime.read() as connection:
        return {m.code: m.id for m in measures.list_measures(connection)}


def _upload(client: TestClient, page: str, action: str, name: str, content: bytes, kind: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get(page))
    return client.post(action, data={"csrf_token": token}, files={"file": (name, content, kind)})


def test_a_dsb_statement_and_attachments_on_the_measure_page(demo: Runtime) -> None:
    m09 = _ids(demo)["M-09"]
    url = f"/massnahmen/{m09}"
    dsb = signed_in(demo, "datenschutz")
    assert f'action="{url}/stellungnahmen"' in dsb.get(url).text
    future = post_form(
        dsb,
        url,
        f"{url}/stellungnahmen",
        {"ergebnis": "mit_auflagen", "datum": "2030-01-01", "text": "Löschkonzept"},
    )
    assert future.status_code == 422
    assert "nicht in der Zukunft" in future.text and "Löschkonzept</textarea>" in future.text
    given = post_form(
        dsb,
        url,
        f"{url}/stellungnahmen",
        {"ergebnis": "mit_auflagen", "datum": "01.09.2026", "text": "Löschkonzept"},
    )
    # Regression (issue 14): "mit Auflagen records nothing". Without a condition there is
    # nothing to fulfil later, so the form asks for them.
    assert given.status_code == 422
    assert "jede Auflage einzeln" in given.text
    given = post_form(
        dsb,
        url,
        f"{url}/stellungnahmen",
        {
            "ergebnis": "mit_auflagen",
            "datum": "01.09.2026",
            "text": "Löschkonzept",
            "auflagen": "Löschkonzept vorlegen\nVerarbeitungsverzeichnis ergänzen\n",
        },
    )
    assert given.status_code == 303
    lead = signed_in(demo, "ag.leitung")
    assert "Stellungnahme der/des Datenschutzbeauftragten fehlt" not in lead.get(url).text
    assert "stellungnahmen" not in re.findall(r'action="([^"]+)"', lead.get(url).text)[0]

    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    stored = _upload(lead, url, f"{url}/anlagen", "Konzept.pdf", pdf, "application/pdf")
    assert stored.status_code == 303
    page = lead.get(url).text
    link = re.search(rf'href="({url}/anlagen/\d+)" download>Konzept.pdf', page)
    assert link
    download = lead.get(link.group(1))
    assert download.content == pdf
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    exe = _upload(
        lead, url, f"{url}/anlagen", "Konzept.pdf", b"MZ\x90\x00" + b"\x00" * 64, "application/pdf"
    )
    assert exe.status_code == 415
    assert "Die Datei wurde nicht gespeichert." in exe.text
    assert dsb.get(url).text.count('enctype="multipart/form-data"') == 0  # DSB uploads nothing
    asked = post_form(lead, url, link.group(1) + "/loeschen", {})
    assert asked.status_code == 200
    assert "Anlage löschen?" in asked.text
    assert lead.get(link.group(1)).status_code == 200  # nothing deleted without a yes
    deleted = post_form(lead, url, link.group(1) + "/loeschen", {"bestaetigt": "ja"})
    assert deleted.status_code == 303
    assert lead.get(link.group(1)).status_code == 404
    assert "Anlage „Konzept.pdf“ gelöscht" in lead.get(url).text

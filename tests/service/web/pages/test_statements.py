"""A DSB statement on the measure page, and the Anlagen uploaded and removed there (demo city
at 01.09.2026, both backends)."""

from __future__ import annotations

import re
import threading

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import text

from service.measures import service as measures
from service.runtime import Runtime
from tests.service.browser import csrf_of, form_tokens, post_form, signed_in


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


def _statement_count(runtime: Runtime, measure_id: int) -> int:
    with runtime.read() as connection:
        return int(
            connection.execute(
                text("SELECT count(*) FROM statements WHERE measure_id = :m"), {"m": measure_id}
            ).scalar_one()
        )


def test_double_posting_the_statement_form_creates_one_statement(demo: Runtime) -> None:
    """Regression: a double click on „Stellungnahme abgeben“, or the browser sending the
    form again after a slow answer, gave the measure two statements."""
    m09 = _ids(demo)["M-09"]
    url = f"/massnahmen/{m09}"
    action = f"{url}/stellungnahmen"
    dsb = signed_in(demo, "datenschutz")
    sent = {
        "ergebnis": "zustimmend",
        "datum": "01.09.2026",
        "text": "Keine Bedenken gegen das Verfahren.",
        **form_tokens(dsb.get(url), action),
    }
    before = _statement_count(demo, m09)

    first = dsb.post(action, data=sent)
    second = dsb.post(action, data=sent)

    assert first.status_code == 303, first.text
    assert "gespeichert=stellungnahme" in first.headers["location"]
    # The same result page, not a second statement, nor an error the user did not cause.
    assert second.status_code == 303, second.text
    assert second.headers["location"] == first.headers["location"]
    assert _statement_count(demo, m09) == before + 1
    shown = dsb.get(second.headers["location"]).text
    assert shown.count("Keine Bedenken gegen das Verfahren.") == 1


def test_two_copies_of_the_statement_form_arriving_together_create_one(demo: Runtime) -> None:
    """The double click as it reaches the server: the second copy while the first is still
    being saved. It waits for the first and leads to the same page."""
    m09 = _ids(demo)["M-09"]
    url = f"/massnahmen/{m09}"
    action = f"{url}/stellungnahmen"
    dsb = signed_in(demo, "datenschutz")
    sent = {
        "ergebnis": "zustimmend",
        "datum": "01.09.2026",
        **form_tokens(dsb.get(url), action),
    }
    before = _statement_count(demo, m09)
    start = threading.Barrier(2)
    answers: list[httpx.Response] = []

    def send() -> None:
        start.wait()
        answers.append(dsb.post(action, data=sent))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [a.status_code for a in answers] == [303, 303], [a.text for a in answers]
    assert answers[0].headers["location"] == answers[1].headers["location"]
    assert _statement_count(demo, m09) == before + 1


def test_a_refused_statement_form_sent_again_corrected_is_saved(demo: Runtime) -> None:
    """A refusal changes nothing, the form's token included: the same form, corrected and
    sent again (a browser that kept the page), gives the statement."""
    m09 = _ids(demo)["M-09"]
    url = f"/massnahmen/{m09}"
    action = f"{url}/stellungnahmen"
    dsb = signed_in(demo, "datenschutz")
    tokens = form_tokens(dsb.get(url), action)
    before = _statement_count(demo, m09)
    future = {"ergebnis": "zustimmend", "datum": "01.09.2030", **tokens}
    assert dsb.post(action, data=future).status_code == 422
    corrected = dsb.post(action, data={**future, "datum": "01.09.2026"})
    assert corrected.status_code == 303, corrected.text
    assert _statement_count(demo, m09) == before + 1

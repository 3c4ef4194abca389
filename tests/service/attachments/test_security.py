"""Attachments whose names would make a harmless file run, or hide what it is.

Findings: attachments named ``.hta``, ``.bat``, ``.ps1``, ``.html``, ``.svg``, ``.exe`` with
harmless content (plain text), and names with U+202E, were stored and served under those
names. On today's main the first test's uploads answer 201 (a text file's name was checked
only against the endings of other allowed types) and the second stores the override
character. Now a name must carry an ending of its content's type (else 415, nothing
stored), a name without one gets it, and invisible characters leave every name. On the
demo city, both backends.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from service.attachments.models import Attachment
from service.runtime import Runtime
from tests.service.api_calls import API, assert_problem, login, measure_ids, snapshot
from tests.service.attachments.test_routes import PDF, stored, upload
from tests.service.browser import csrf_of, signed_in

attachments = Attachment.__table__  # type: ignore[attr-defined]
HARMLESS = b"Sitzung am Dienstag, 18 Uhr.\r\n"


def names(runtime: Runtime) -> list[str]:
    with runtime.read() as c:
        return [str(n) for n in c.execute(select(attachments.c.filename)).scalars()]


@pytest.mark.parametrize("ending", [".hta", ".bat", ".ps1", ".html", ".svg", ".exe", ".js"])
def test_an_hta_named_attachment_is_not_stored_as_such(
    client: TestClient, demo: Runtime, ending: str
) -> None:
    url = f"{API}/measures/{measure_ids(demo)['M-02']}/attachments"
    lead = login(client, "ag.leitung")
    before, count = snapshot(demo), stored(demo)

    answer = upload(client, lead, url, f"einladung{ending}", HARMLESS)

    body = assert_problem(answer, 415, "dateityp-unzulaessig")
    assert f"Die Endung {ending} passt nicht zum Inhalt" in body["detail"]
    assert "Endungen .txt erlaubt" in body["detail"]
    assert (snapshot(demo), stored(demo)) == (before, count)
    assert not any(n.lower().endswith(ending) for n in names(demo))


def test_an_hta_named_attachment_is_refused_in_the_web_form_too(demo: Runtime) -> None:
    page = f"/massnahmen/{measure_ids(demo)['M-02']}"
    with signed_in(demo, "ag.leitung") as web:
        token = csrf_of(web.get(page))
        answer = web.post(
            f"{page}/anlagen",
            data={"csrf_token": token},
            files={"file": ("start.hta", HARMLESS, "text/plain")},
        )
    assert answer.status_code == 415
    assert "Die Endung .hta passt nicht zum Inhalt" in answer.text
    assert not any(n.endswith(".hta") for n in names(demo))


def test_a_name_with_u202e_is_stored_without_it(client: TestClient, demo: Runtime) -> None:
    url = f"{API}/measures/{measure_ids(demo)['M-02']}/attachments"
    lead = login(client, "ag.leitung")
    # Shown as "rechnungfdp.txt"-looking text, the override hides the real order.
    tricky = "rech\u202enung\u2066\u200b.\u2069txt"

    created = upload(client, lead, url, tricky, HARMLESS)

    assert created.status_code == 201, created.text
    assert created.json()["filename"] == "rechnung.txt"
    download = client.get(created.json()["download"], headers=lead)
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "rechnung.txt" in download.headers["content-disposition"]
    assert "%E2%80%AE" not in download.headers["content-disposition"]
    assert names(demo)[-1] == "rechnung.txt"


def test_a_name_without_an_ending_gets_the_ending_of_its_content(
    client: TestClient, demo: Runtime
) -> None:
    url = f"{API}/measures/{measure_ids(demo)['M-02']}/attachments"
    lead = login(client, "ag.leitung")
    created = upload(client, lead, url, "Protokoll", PDF)
    assert created.status_code == 201, created.text
    assert created.json()["filename"] == "Protokoll.pdf"
    assert upload(client, lead, url, "Bericht.PDF", PDF).json()["filename"] == "Bericht.PDF"
    assert upload(client, lead, url, "notiz.txt", HARMLESS).status_code == 201
    assert upload(client, lead, url, "liste.csv", b"a;b\n1;2\n").status_code == 201


def test_a_name_stored_before_the_checks_leaves_as_a_safe_one(
    client: TestClient, demo: Runtime
) -> None:
    url = f"{API}/measures/{measure_ids(demo)['M-02']}/attachments"
    lead = login(client, "ag.leitung")
    created = upload(client, lead, url, "alt.txt", HARMLESS).json()
    with demo.write() as c:
        c.execute(
            update(attachments)
            .where(attachments.c.id == created["id"])
            .values(filename="alt\u202eatx.hta")
        )
    download = client.get(created["download"], headers=lead)
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "%E2%80%AE" not in disposition and disposition.endswith(".hta.txt")

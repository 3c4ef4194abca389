"""Anlagen on papers and measures through the API, on the demo city and both backends.

The type of a file is judged by its content; the size is limited while the body streams;
a download follows the item's access rules and is served so that a browser cannot be
talked into running it.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.actor import SYSTEM
from service.api.uploads import FORM_OVERHEAD
from service.attachments import service as service_module
from service.attachments.models import Attachment
from service.attachments.routes import content_disposition
from service.audit.models import AuditEvent
from service.auth.service import actor_for
from service.demo.working_paper import working_paper_pdf
from service.papers.service import paper_by_reference
from service.runtime import Runtime
from tests import factories
from tests.service.api_calls import API, assert_problem, login, measure_ids, snapshot
from tests.service.browser import signed_in

attachments = Attachment.__table__  # type: ignore[attr-defined]
audit_events = AuditEvent.__table__  # type: ignore[attr-defined]

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
# The start of a Windows program: "MZ" header and the DOS stub's famous sentence.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
EXE += b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 200


def paper_id(runtime: Runtime) -> int:
    with runtime.read() as c:
        return int(paper_by_reference(c, "VII/0680/24").id)


def upload(
    client: TestClient, auth: dict[str, str] | None, url: str, name: str, content: bytes
) -> Any:
    return client.post(url, files={"file": (name, content, "application/pdf")}, headers=auth or {})


def stored(runtime: Runtime) -> int:
    with runtime.read() as c:
        return int(c.execute(select(func.count()).select_from(attachments)).scalar_one())


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Kennung", "Titel"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_seed_paper_carries_its_working_paper_for_everyone(
    client: TestClient, demo: Runtime
) -> None:
    paper = paper_id(demo)
    listed = client.get(f"{API}/papers/{paper}/attachments")
    assert listed.status_code == 200, listed.text
    [item] = listed.json()
    assert item["filename"] == "Vorlage-VII-0680-24.pdf"
    assert item["content_type"] == "application/pdf"

    file = client.get(item["download"])
    assert file.status_code == 200
    assert file.content == working_paper_pdf()
    assert file.content.startswith(b"%PDF-")
    assert b"Arbeitspapier zur weiteren Digitalisierung" in file.content
    assert hashlib.sha256(file.content).hexdigest() == item["sha256"]
    assert item["size"] == len(file.content)
    assert file.headers["content-type"] == "application/pdf"
    assert file.headers["x-content-type-options"] == "nosniff"
    assert file.headers["content-disposition"].startswith(
        'attachment; filename="Vorlage-VII-0680-24.pdf"'
    )


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("Konzept.pdf", PDF, "application/pdf"),
        ("Foto.PNG", PNG, "image/png"),
        ("Kosten.xlsx", None, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("Liste.csv", "Kennung;Titel\nM-01;E-Rechnung\n".encode("cp1252"), "text/csv"),
        ("Notiz", "Rückfrage an die Kämmerei".encode(), "text/plain"),
    ],
)
def test_allowed_files_are_stored_with_the_type_of_their_content(
    client: TestClient, demo: Runtime, name: str, content: bytes | None, expected: str
) -> None:
    measure = measure_ids(demo)["M-02"]
    data = content if content is not None else xlsx_bytes()
    lead = login(client, "ag.leitung")
    before = snapshot(demo)

    response = upload(client, lead, f"{API}/measures/{measure}/attachments", name, data)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["content_type"] == expected
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert snapshot(demo).audit_events == before.audit_events + 1
    with demo.read() as c:
        event = c.execute(select(audit_events).order_by(audit_events.c.id.desc())).first()
    assert (event.action, event.entity_id) == ("attachment.create", body["id"])
    assert client.get(body["download"]).content == data  # M-02 is public


def test_a_renamed_program_is_refused_naming_what_it_is(client: TestClient, demo: Runtime) -> None:
    measure = measure_ids(demo)["M-02"]
    lead = login(client, "ag.leitung")
    before, count = snapshot(demo), stored(demo)

    response = upload(client, lead, f"{API}/measures/{measure}/attachments", "Angebot.pdf", EXE)

    body = assert_problem(response, 415, "dateityp-unzulaessig")
    assert body["detected_type"] == "application/x-msdownload"
    assert "application/x-msdownload" in body["detail"]
    assert "Angebot.pdf" in body["detail"]
    # A script is text, but a name that promises a PDF does not get a text file past.
    script = upload(
        client, lead, f"{API}/measures/{measure}/attachments", "a.pdf", b"#!/bin/sh\nrm -rf ~\n"
    )
    assert assert_problem(script, 415, "dateityp-unzulaessig")["detected_type"] == "text/plain"
    assert (snapshot(demo), stored(demo)) == (before, count)


def test_an_oversized_file_is_refused_and_nothing_is_stored(
    client: TestClient, demo: Runtime
) -> None:
    demo.settings.max_upload_bytes = 4096
    measure = measure_ids(demo)["M-02"]
    lead = login(client, "ag.leitung")
    before, count = snapshot(demo), stored(demo)
    url = f"{API}/measures/{measure}/attachments"

    body = assert_problem(upload(client, lead, url, "gross.txt", b"x" * 4097), 413, "zu-gross")
    assert "höchstens" in body["detail"]
    # A body that announces its size is refused before it is read.
    huge = client.post(
        url,
        content=b"0" * 10,
        headers={
            **lead,
            "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(4096 + FORM_OVERHEAD + 1),
        },
    )
    assert_problem(huge, 413, "zu-gross")
    assert upload(client, lead, url, "genau.txt", b"x" * 4096).status_code == 201
    assert snapshot(demo).audit_events == before.audit_events + 1
    assert stored(demo) == count + 1


def test_hidden_items_hide_their_attachments(client: TestClient, demo: Runtime) -> None:
    hidden = measure_ids(demo)["M-06"]
    lead = login(client, "ag.leitung")
    created = upload(client, lead, f"{API}/measures/{hidden}/attachments", "intern.pdf", PDF)
    assert created.status_code == 201, created.text
    url = created.json()["download"]

    assert_problem(client.get(f"{API}/measures/{hidden}/attachments"), 404, "nicht-gefunden")
    assert_problem(client.get(url), 404, "nicht-gefunden")
    staff = login(client, "revision")
    assert client.get(url, headers=staff).content == PDF
    # The attachment of one item cannot be fetched through another.
    other = measure_ids(demo)["M-02"]
    wrong = url.replace(f"/measures/{hidden}/", f"/measures/{other}/")
    assert_problem(client.get(wrong, headers=staff), 404, "nicht-gefunden")


def test_who_may_upload_and_delete(client: TestClient, demo: Runtime) -> None:
    ids = measure_ids(demo)
    with demo.read() as c:
        member = actor_for(c, "ag.mitglied")
    foreign = next(
        code for code in sorted(ids) if _responsible(demo, ids[code]) != member.person_id
    )
    # Her own draft: a decided measure keeps its Anlagen, whoever asks.
    own = "eigener Entwurf"
    ids[own] = factories.measure(demo, responsible_person_id=member.person_id)
    member_auth = login(client, "ag.mitglied")
    url = f"{API}/measures/{{}}/attachments"

    mine = upload(client, member_auth, url.format(ids[own]), "a.pdf", PDF)
    assert mine.status_code == 201
    assert_problem(upload(client, member_auth, url.format(ids[foreign]), "a.pdf", PDF), 403)
    assert_problem(
        upload(client, login(client, "revision"), url.format(ids[own]), "a.pdf", PDF), 403
    )
    assert_problem(upload(client, None, url.format(ids[own]), "a.pdf", PDF), 401)

    target = f"{url.format(ids[own])}/{mine.json()['id']}"
    assert_problem(client.delete(target, headers=member_auth), 403)
    before = snapshot(demo)
    assert client.delete(target, headers=login(client, "sitzungsdienst")).status_code == 204
    assert_problem(client.get(target), 404, "nicht-gefunden")
    assert snapshot(demo).audit_events == before.audit_events + 1
    with demo.read() as c:
        event = c.execute(select(audit_events).order_by(audit_events.c.id.desc())).first()
    assert (event.action, event.entity_id) == ("attachment.delete", mine.json()["id"])


def test_the_attachment_of_a_decided_vorlage_was_deleted_in_one_call(
    client: TestClient, demo: Runtime
) -> None:
    """Regression: the Arbeitspapier of VII/0680/24, adopted by the Stadtrat, could be
    deleted; what a committee decided on stays, refused alike for every door (409)."""
    paper = paper_id(demo)
    [working_paper] = client.get(f"{API}/papers/{paper}/attachments").json()
    target = f"{API}/papers/{paper}/attachments/{working_paper['id']}"
    before = snapshot(demo)
    refused = client.delete(target, headers=login(client, "sitzungsdienst"))
    assert_problem(refused, 409, "anlage-einer-entschiedenen-vorlage")
    assert "VII/0680/24" in refused.json()["detail"]
    assert client.get(f"{API}/papers/{paper}/attachments").json() == [working_paper]
    assert snapshot(demo) == before


@pytest.mark.parametrize("code", ["M-02", "M-03", "M-07"])
def test_measure_attachment_deletable_after_decision(
    client: TestClient, demo: Runtime, code: str
) -> None:
    """Regression: a measure's Anlage could be deleted (and so replaced) after the
    Stadtrat's decision, while a decided Vorlage's could not; in Umsetzung, abgeschlossen
    and Haushaltsplanung it is part of the record and stays (409, naming the file)."""
    measure = measure_ids(demo)[code]
    url = f"{API}/measures/{measure}/attachments"
    sitzungsdienst = login(client, "sitzungsdienst")
    added = upload(client, sitzungsdienst, url, "Angebot.pdf", PDF)
    assert added.status_code == 201, added.text
    before = snapshot(demo)
    refused = client.delete(f"{url}/{added.json()['id']}", headers=sitzungsdienst)
    assert_problem(refused, 409, "anlage-einer-entschiedenen-massnahme")
    assert code in refused.json()["detail"]
    assert "„Angebot.pdf“ wurde nicht gelöscht" in refused.json()["detail"]
    assert [a["id"] for a in client.get(url, headers=sitzungsdienst).json()] == [added.json()["id"]]
    assert snapshot(demo) == before


def test_the_attachment_of_an_undecided_measure_is_deleted(
    client: TestClient, demo: Runtime
) -> None:
    draft = measure_ids(demo)["M-09"]
    url = f"{API}/measures/{draft}/attachments"
    sitzungsdienst = login(client, "sitzungsdienst")
    added = upload(client, sitzungsdienst, url, "Entwurf.pdf", PDF)
    deleted = client.delete(f"{url}/{added.json()['id']}", headers=sitzungsdienst)
    assert deleted.status_code == 204
    assert client.get(url, headers=sitzungsdienst).json() == []


def test_upload_missing_from_verlauf(
    client: TestClient, demo: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: a deleted Anlage stood in the Verlauf of its item, an added one did not;
    now both do, written with the file and its audit event or not at all."""
    with demo.read() as c:
        member = actor_for(c, "ag.mitglied")
    own = factories.measure(demo, responsible_person_id=member.person_id)
    paper = paper_id(demo)
    for kind, item, user, role in (
        ("measures", own, "ag.mitglied", "ag_mitglied"),
        ("papers", paper, "sitzungsdienst", "sitzungsdienst"),
    ):
        auth = login(client, user)
        before = snapshot(demo)
        added = upload(client, auth, f"{API}/{kind}/{item}/attachments", "Angebot.pdf", PDF)
        assert added.status_code == 201, added.text
        assert snapshot(demo).history_entries == before.history_entries + 1
        last = client.get(f"{API}/{kind}/{item}/history", headers=auth).json()[-1]
        assert (last["event"], last["label"]) == (
            "anlage_hinzugefuegt",
            "Anlage „Angebot.pdf“ hinzugefügt",
        )
        assert (last["actor"], last["role"]) == (user, role)
        assert last["from_state"] == last["to_state"]
    web = signed_in(demo, "ag.leitung")
    verlauf = web.get(f"/massnahmen/{own}").text.split('id="verlauf-titel"', 1)[1]
    assert "Anlage „Angebot.pdf“ hinzugefügt" in verlauf

    def fails(*_: Any, **__: Any) -> None:
        raise RuntimeError("Verlauf nicht schreibbar")

    monkeypatch.setattr(service_module.lifecycle_repository, "insert_history", fails)
    before, files = snapshot(demo), stored(demo)
    with pytest.raises(RuntimeError):
        service_module.upload(demo, SYSTEM, "measure", own, "Zweites.pdf", PDF)
    assert (snapshot(demo), stored(demo)) == (before, files)


def _responsible(runtime: Runtime, measure_id: int) -> int | None:
    from service.measures.service import get_measure

    with runtime.read() as c:
        return get_measure(c, measure_id).responsible_person_id


def test_names_and_text_are_kept_verbatim_and_served_harmlessly(
    client: TestClient, demo: Runtime
) -> None:
    measure = measure_ids(demo)["M-02"]
    lead = login(client, "ag.leitung")
    name = "C:\\Users\\x\\Bericht <img src=x onerror=alert(1)> für 2024.txt"
    text = b"'); DROP TABLE attachments;--<script>alert(1)</script>"
    created = upload(client, lead, f"{API}/measures/{measure}/attachments", name, text)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["filename"] == "Bericht <img src=x onerror=alert(1)> für 2024.txt"
    file = client.get(body["download"])
    assert file.content == text
    assert file.headers["content-type"].startswith("text/plain")
    assert file.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert file.headers["content-disposition"] == (
        'attachment; filename="Bericht <img src=x onerror=alert(1)> f_r 2024.txt"; '
        "filename*=UTF-8''Bericht%20%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%20f%C3%BCr%202024.txt"
    )


def test_a_file_name_cannot_break_out_of_its_header() -> None:
    header = content_disposition('a"b\\c\r\nSet-Cookie: x.txt')
    assert header == (
        'attachment; filename="a_b_c__Set-Cookie: x.txt"; '
        "filename*=UTF-8''a%22b%5Cc%0D%0ASet-Cookie%3A%20x.txt"
    )


def test_uploads_without_a_file_name_the_field(client: TestClient, demo: Runtime) -> None:
    measure = measure_ids(demo)["M-02"]
    lead = login(client, "ag.leitung")
    url = f"{API}/measures/{measure}/attachments"
    missing = client.post(url, data={"other": "x"}, files={"x": ("a", b"a")}, headers=lead)
    assert assert_problem(missing, 422, "eingabe-ungueltig")["fields"][0]["field"] == "file"
    as_json = client.post(url, json={"file": "x"}, headers=lead)
    assert_problem(as_json, 422, "eingabe-ungueltig")
    assert_problem(upload(client, lead, f"{API}/measures/999999/attachments", "a.pdf", PDF), 404)

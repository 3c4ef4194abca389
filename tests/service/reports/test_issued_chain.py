"""An issued report is proven by the audit chain, not by its row in ``issued_reports``.

The event ``issued_report.create`` records the SHA-256 of both files in the hashed text. A
database owner who stores a forged file in place of the issued one (and its digest beside
it) must not get it verified or served; the database itself refuses such a change, so the
tests go round the triggers as such an owner could. Both backends.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from service.actor import SYSTEM
from service.audit.models import AuditEvent
from service.audit.owner import owner_transaction
from service.auth.service import actor_for
from service.config import get_settings
from service.errors import Conflict
from service.reports import issuing
from service.reports.models import IssuedReport
from service.runtime import Runtime
from tests.conftest import CHAIN_KEY
from tests.service.api_calls import assert_problem, login
from tests.service.browser import signed_in
from tests.service.cli_calls import ratsflow

issued_reports = IssuedReport.__table__  # type: ignore[attr-defined]


@pytest.fixture
def cli_env(demo: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", demo.settings.database_url)
    monkeypatch.setenv("RATSFLOW_CHAIN_KEY", CHAIN_KEY)
    get_settings.cache_clear()
    try:
        yield demo
    finally:
        get_settings.cache_clear()


def _issue(runtime: Runtime) -> int:
    with runtime.write() as c:
        return issuing.issue_report(runtime, c, actor_for(c, "sitzungsdienst"), "2025-H2")


def _forged(content: bytes) -> bytes:
    """The issued JSON with one measure's progress raised."""
    report = json.loads(content)
    measure = next(m for p in report["programmes"] for m in p["measures"])
    measure["progress"] = 100 if measure["progress"] != 100 else 0
    return json.dumps(report, ensure_ascii=False, indent=2).encode()


def _store_behind_the_triggers(runtime: Runtime, issued_id: int, **values: object) -> None:
    """What a database owner can do: switch the triggers off and change the stored row."""
    with owner_transaction(runtime.settings) as c:
        if c.dialect.name == "sqlite":
            for name in ("issued_reports_frozen", "issued_reports_no_delete"):
                c.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        else:
            c.execute(text("ALTER TABLE issued_reports DISABLE TRIGGER USER"))
        c.execute(update(issued_reports).where(issued_reports.c.id == issued_id).values(**values))


def _forge_the_stored_json(runtime: Runtime, issued_id: int) -> tuple[bytes, bytes]:
    issued = issuing.issued_file(runtime, SYSTEM, issued_id, "json").content
    forged = _forged(issued)
    _store_behind_the_triggers(
        runtime,
        issued_id,
        json_content=forged.decode(),
        json_sha256=hashlib.sha256(forged).hexdigest(),
    )
    return issued, forged


def test_report_verify_refuses_a_forged_file_stored_in_place_of_the_issued_one(
    cli_env: Runtime, tmp_path: Path
) -> None:
    issued_id = _issue(cli_env)
    issued, forged = _forge_the_stored_json(cli_env, issued_id)
    (tmp_path / "iss.json").write_bytes(issued)
    (tmp_path / "forged.json").write_bytes(forged)

    refused = ratsflow("report", "verify", str(tmp_path / "forged.json"))

    assert refused.exit_code == 1, refused.output
    assert "ist kein ausgegebener Bericht" in refused.output
    # The file really issued is still recognised by its digest in the chain, and the
    # stored copy that no longer matches is named.
    accepted = ratsflow("report", "verify", str(tmp_path / "iss.json"))
    assert accepted.exit_code == 0, accepted.output
    assert "ist unverändert das JSON des ausgegebenen Berichts Nr. 1" in accepted.output
    assert "gespeicherte JSON stimmt nicht mehr" in accepted.output


def test_a_download_refuses_a_stored_report_file_that_differs_from_its_chain_record(
    client: TestClient, demo: Runtime
) -> None:
    issued_id = _issue(demo)
    _forge_the_stored_json(demo, issued_id)

    with pytest.raises(Conflict) as refused:
        issuing.issued_file(demo, SYSTEM, issued_id, "json")
    assert refused.value.slug == "bericht-veraendert"
    headers = login(client, "kaemmerei")
    answer = client.get(f"/api/v1/reports/issued/{issued_id}/file?format=json", headers=headers)
    assert_problem(answer, 409, "bericht-veraendert")
    assert "Protokoll" in answer.json()["detail"]
    # The PDF, untouched, is still served.
    pdf = client.get(f"/api/v1/reports/issued/{issued_id}/file?format=pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_the_database_refuses_to_change_or_delete_an_issued_report(demo: Runtime) -> None:
    issued_id = _issue(demo)
    row = issuing.read_issued(demo, SYSTEM, issued_id)
    where = issued_reports.c.id == issued_id

    for values in (
        {"json_content": "{}"},
        {"json_sha256": "0" * 64},
        {"pdf_content": b"%PDF-"},
        {"period": "2024-H1"},
        {"paper_id": None},
    ):
        with pytest.raises(DBAPIError), owner_transaction(demo.settings) as c:
            c.execute(update(issued_reports).where(where).values(**values))
    with pytest.raises(DBAPIError), owner_transaction(demo.settings) as c:
        c.execute(delete(issued_reports).where(where))

    # What happens after the issue is still recorded once: the FVA's Kenntnisnahme.
    with owner_transaction(demo.settings) as c:
        c.execute(update(issued_reports).where(where).values(noted_on=row.as_of))
    with pytest.raises(DBAPIError), owner_transaction(demo.settings) as c:
        c.execute(update(issued_reports).where(where).values(noted_on=None))


def test_the_api_and_the_page_name_a_stored_file_changed_behind_the_application(
    client: TestClient, demo: Runtime
) -> None:
    issued_id = _issue(demo)
    issued, forged = _forge_the_stored_json(demo, issued_id)
    headers = login(client, "kaemmerei")

    found = client.get(f"/api/v1/reports/issued/{issued_id}/verification", headers=headers)

    assert found.status_code == 200, found.text
    assert (found.json()["intact"], found.json()["outcome"]) == (False, "veraendert")
    files = {f["format"]: f for f in found.json()["files"]}
    assert files["pdf"]["intact"] and not files["json"]["intact"]
    assert "nach der Ausgabe in der Datenbank verändert" in files["json"]["text"]
    assert found.json()["entry"]["state"] == "intakt"
    page = signed_in(demo, "kaemmerei").get(f"/berichte/{issued_id}/pruefung")
    assert "Verändert" in page.text and "lässt sich nicht als unverändert bestätigen" in page.text

    # The file really issued is still recognised, and the changed copy in ratsflow named.
    held = _check(client, issued, headers)
    assert held["issued"] is True
    assert "gespeicherte JSON stimmt nicht mehr" in held["warnings"][0]
    assert _check(client, forged, headers)["issued"] is False


def _check(client: TestClient, content: bytes, headers: dict[str, str]) -> dict:
    answer = client.post(
        "/api/v1/reports/verification",
        files={"file": ("bericht.json", content, "application/json")},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def _rewrite_the_issue_event(runtime: Runtime, issued_id: int, new: str, rehash: bool) -> None:
    """What a database owner can do to the chain: switch its triggers off and let the event
    of the issue name another JSON digest (and give it a new hash, or not)."""
    events = AuditEvent.__table__  # type: ignore[attr-defined]
    with owner_transaction(runtime.settings) as c:
        if c.dialect.name == "sqlite":
            c.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
        else:
            c.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        event = c.execute(
            select(events.c.id, events.c.payload).where(
                events.c.action == "issued_report.create", events.c.entity_id == issued_id
            )
        ).one()
        old = issuing.digests_in(event.payload)["json"]
        payload = event.payload.replace(old, new)
        values = {"payload": payload}
        if rehash:
            values["hash"] = hashlib.sha256(payload.encode()).hexdigest()
        c.execute(update(events).where(events.c.id == event.id).values(**values))


@pytest.mark.parametrize(("rehash", "state"), [(False, "veraendert"), (True, "nicht_verkettet")])
def test_a_rewritten_event_of_the_issue_confirms_no_file(
    client: TestClient, demo: Runtime, rehash: bool, state: str
) -> None:
    """The owner stores a forged JSON and rewrites the chain's event to name its digest:
    without a new hash the event no longer fits it, with one it no longer fits its chain.
    Either way the check names the event and confirms neither file."""
    issued_id = _issue(demo)
    issued, forged = _forge_the_stored_json(demo, issued_id)
    _rewrite_the_issue_event(demo, issued_id, hashlib.sha256(forged).hexdigest(), rehash)
    headers = login(client, "kaemmerei")

    stored = client.get(f"/api/v1/reports/issued/{issued_id}/verification", headers=headers)
    held = _check(client, forged, headers)

    assert stored.json()["intact"] is False
    assert stored.json()["entry"]["state"] == state
    assert held["issued"] is False
    [doubt] = held["unconfirmed"]
    assert (doubt["report"]["id"], doubt["entry"]["state"]) == (issued_id, state)
    assert held["text"].startswith("Die Datei lässt sich nicht als ausgegebener Bericht bestätigen")
    assert "Die Datei lässt sich deshalb nicht als dieser Bericht bestätigen" in held["warnings"][0]
    assert _check(client, issued, headers)["issued"] is False

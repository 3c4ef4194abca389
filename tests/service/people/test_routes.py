"""Persons through HTTP on the demo city: staff records are personal data, councillors public."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from service.audit.models import AuditEvent
from service.runtime import Runtime
from tests.service.council_support import API, assert_problem, audit_count, login

audit_events = AuditEvent.__table__  # type: ignore[attr-defined]


def test_persons_are_personal_data_staff_reads_are_logged_and_the_public_sees_councillors(
    client: TestClient, demo: Runtime
) -> None:
    reader = login(client, "kaemmerei")
    staff = client.get(f"{API}/persons", params={"is_staff": True, "limit": 200}, headers=reader)
    staff_ids = [p["id"] for p in staff.json()["items"]]
    assert len(staff_ids) == 16
    before = audit_count(demo)
    one = client.get(f"{API}/persons/{staff_ids[0]}", headers=reader).json()
    assert one["email"].endswith("@aschersleben.example") and one["is_staff"] is True
    assert audit_count(demo) == before + 1
    with demo.read() as c:
        last = c.execute(select(audit_events).order_by(audit_events.c.id.desc()).limit(1)).one()
    assert (last.action, last.entity_id) == ("person.read", staff_ids[0])

    # Anonymous: staff and unknown ids alike are "please log in", councillors are public.
    for person_id in (staff_ids[0], 999_999):
        assert_problem(client.get(f"{API}/persons/{person_id}"), 401, "nicht-angemeldet")
    public = client.get(f"{API}/persons", params={"limit": 200, "is_staff": True}).json()
    assert len(public["items"]) == 36 and not set(staff_ids) & {p["id"] for p in public["items"]}
    councillor = client.get(f"{API}/persons/{public['items'][0]['id']}").json()
    assert councillor["email"] is None and councillor["memberships"]
    assert audit_count(demo) == before + 1  # public reads are not personal-data reads

    assert_problem(client.get(f"{API}/persons/999999", headers=reader), 404, "nicht-gefunden")
    edit = client.patch(f"{API}/persons/{staff_ids[0]}", json={"function": "x"}, headers=reader)
    assert_problem(edit, 403, "rolle-fehlt")

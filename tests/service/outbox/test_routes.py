"""``/api/v1/outbox``: dead letters visible to Sitzungsdienst and admin, and resendable."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.demo.service import DEMO_PASSWORD
from service.outbox.repository import outbox
from service.outbox.service import Mail, enqueue
from service.runtime import Runtime

API = "/api/v1"


def _login(client: TestClient, username: str) -> dict[str, str]:
    response = client.post(
        f"{API}/auth/token", data={"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _dead_letter(runtime: Runtime) -> int:
    mail = Mail(
        reminder_key="measure:1/frist:1/vorher-7/person:1",
        kind="wiedervorlage",
        recipient_email="nicht-da@aschersleben.example",
        subject="Wiedervorlage fällig: M-07",
        context={
            "anrede": "Guten Tag,",
            "vertretung": None,
            "gegenstand": "die Maßnahme M-07",
            "faellig": runtime.now(),
            "link": "https://example.invalid/massnahmen/7",
        },
    )
    with runtime.write() as c:
        enqueue(runtime, c, mail)
        c.execute(outbox.update().values(status="failed", last_error="SMTP 550: unbekannt"))
        return int(c.execute(outbox.select()).first().id)  # type: ignore[union-attr]


def test_failed_mails_are_listed_and_resent_by_the_sitzungsdienst(
    runtime: Runtime, client: TestClient
) -> None:
    message_id = _dead_letter(runtime)
    auth = _login(client, "sitzungsdienst")
    listing = client.get(f"{API}/outbox", params={"status": "failed"}, headers=auth)
    assert listing.status_code == 200
    [item] = listing.json()["items"]
    assert (item["id"], item["status_label"], item["last_error"]) == (
        message_id,
        "fehlgeschlagen",
        "SMTP 550: unbekannt",
    )
    resent = client.post(f"{API}/outbox/{message_id}/retry", headers=auth)
    assert resent.status_code == 200 and resent.json()["status"] == "pending"
    assert (
        client.get(f"{API}/outbox", params={"status": "failed"}, headers=auth).json()["items"] == []
    )
    again = client.post(f"{API}/outbox/{message_id}/retry", headers=auth)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert "nur fehlgeschlagene" in again.json()["detail"]


def test_the_outbox_is_closed_to_other_roles_and_to_anonymous_callers(
    runtime: Runtime, client: TestClient
) -> None:
    message_id = _dead_letter(runtime)
    assert client.get(f"{API}/outbox").status_code == 401
    auth = _login(client, "ag.mitglied")
    assert client.get(f"{API}/outbox", headers=auth).status_code == 403
    assert client.post(f"{API}/outbox/{message_id}/retry", headers=auth).status_code == 403
    admin = _login(client, "admin")
    assert client.post(f"{API}/outbox/999999/retry", headers=admin).status_code == 404

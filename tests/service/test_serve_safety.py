"""Safe to expose: ``ratsflow serve`` on a public address refuses to start while it is not.

Finding: on today's main ``ratsflow serve --host 0.0.0.0`` starts with the demo logins'
published password, an ``http`` base URL, no SMTP server and no signing key, and says
nothing. Now it exits with code 2 and names every reason in German; ``--unsafe`` starts
anyway with the same warnings; on loopback (``make run``) nothing is checked. Both
backends.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from service.auth.repository import users
from service.auth.tokens import hash_password
from service.config import Settings
from service.demo.city import DEMO_PASSWORD
from service.runtime import Runtime
from service.safety.service import (
    configuration_reasons,
    demo_logins,
    is_loopback,
    reasons_against,
)
from tests.service.api_calls import API, login
from tests.service.serving import environment, free_port, ratsflow, serving


@pytest.fixture
def on_demo_city() -> bool:
    return True


def test_serve_on_a_public_address_refuses_the_demo_password(
    database_url: str, backend: str
) -> None:
    env = environment(database_url)
    done = ratsflow(env, "serve", "--host", "0.0.0.0", "--port", str(free_port()), timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    said = done.stderr
    assert "startet nicht auf der öffentlichen Adresse 0.0.0.0" in said
    assert f"veröffentlichten Passwort „{DEMO_PASSWORD}“" in said
    assert "aschersleben/ag.leitung" in said
    assert "RATSFLOW_BASE_URL ist „http://127.0.0.1:8000“" in said
    assert "Kein SMTP-Server eingerichtet" in said
    assert "RATSFLOW_AUDIT_SIGNING_KEY ist nicht gesetzt" in said
    assert ("RATSFLOW_ADMIN_DATABASE_URL ist nicht gesetzt" in said) == (backend == "postgresql")
    assert "ratsflow läuft" not in done.stdout


def test_serve_unsafe_starts_on_a_public_address_with_the_same_warnings(
    database_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    with serving(environment(database_url), log, "--unsafe", host="0.0.0.0") as server:
        assert httpx.get(f"{server.base}/healthz").status_code == 200
    said = log.read_text()
    assert "startet trotzdem (--unsafe)" in said
    assert "Demo-Benutzer mit dem veröffentlichten Passwort" in said


def test_serve_on_loopback_checks_nothing(demo: Runtime) -> None:
    assert reasons_against(demo, "127.0.0.1") == []
    assert reasons_against(demo, "localhost") == []
    assert reasons_against(demo, "::1") == []
    assert reasons_against(demo, "0.0.0.0") != []
    assert not is_loopback("ratsflow.example.org")


def test_a_configured_deployment_has_no_reason_against_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RATSFLOW_SMTP_HOST", "mail.aschersleben.example")
    settings = Settings(
        base_url="https://ratsflow.aschersleben.example",
        audit_signing_key=tmp_path / "key.pem",
        database_url="postgresql+psycopg://ratsflow@db/ratsflow",
        admin_database_url="postgresql+psycopg://owner@db/ratsflow",
    )
    assert configuration_reasons(settings) == []


def test_a_changed_or_deactivated_demo_login_is_no_reason(demo: Runtime) -> None:
    with demo.write() as connection:
        connection.execute(
            update(users)
            .where(users.c.username == "ag.leitung")
            .values(password_hash=hash_password("ein-anderes-langes-Passwort"))
        )
        connection.execute(update(users).where(users.c.username == "ob").values(active=False))
    named = demo_logins(demo)
    assert "aschersleben/sitzungsdienst" in named
    assert "aschersleben/ag.leitung" not in named and "aschersleben/ob" not in named


def test_answers_carry_nosniff_and_no_store(client: TestClient) -> None:
    """On today's main API answers carry neither ``nosniff`` nor ``no-store``."""
    lead = login(client, "ag.leitung")
    for answer in (
        client.get(f"{API}/measures", headers=lead),
        client.get(f"{API}/measures/999999", headers=lead),  # a problem, too
        client.post(f"{API}/auth/token", data={"username": "x", "password": "y"}),
        client.get("/login"),
    ):
        assert answer.headers["x-content-type-options"] == "nosniff", answer.url
        assert answer.headers["referrer-policy"] == "same-origin", answer.url
        assert "no-store" in answer.headers["cache-control"], answer.url
    page = client.get("/")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"
    prefixed = client.get("/b/aschersleben/api/v1/measures", headers=lead)
    assert prefixed.headers["cache-control"] == "no-store"


def test_docs_load_no_foreign_script(client: TestClient) -> None:
    """On today's main ``/docs`` loads Swagger UI from cdn.jsdelivr.net, ``/redoc`` ReDoc."""
    for url in ("/docs", "/redoc"):
        answer = client.get(url)
        assert answer.status_code == 200
        html = answer.text
        assert "<script" not in html.lower() and "http://" not in html and "https://" not in html
        assert "default-src 'none'" in answer.headers["content-security-policy"]
        assert "<code>GET /api/v1/measures</code>" in html
        assert 'href="openapi.json"' in html
    assert client.get("/openapi.json").json()["info"]["title"] == "ratsflow"


def test_an_html_answer_outside_the_pages_runs_no_script_and_is_not_framed(
    client: TestClient,
) -> None:
    """On today's main the Sachstandsbericht as HTML from the API (``format=html``) and the
    413 page come without a Content-Security-Policy: any site may frame them, and a script
    that ever slipped into a title would run in ratsflow's origin. Every HTML answer now
    carries one; the report keeps its own print styles."""
    office = login(client, "sitzungsdienst")
    report = client.get(f"{API}/reports/sachstand?period=2026-H1&format=html", headers=office)
    too_large = client.post(
        "/login",
        content=b"x" * 2_000_000,
        headers={"content-type": "application/x-www-form-urlencoded", "accept": "text/html"},
    )
    for answer in (report, too_large):
        assert answer.headers["content-type"].startswith("text/html"), answer.url
        policy = answer.headers.get("content-security-policy", "")
        assert "default-src 'none'" in policy, answer.url
        assert "frame-ancestors 'none'" in policy, answer.url
        assert "script" not in policy, answer.url
    assert report.status_code == 200 and "<style>" in report.text
    assert "style-src 'unsafe-inline'" in report.headers["content-security-policy"]
    # A page keeps its own, stricter policy.
    assert "style-src" not in client.get("/login").headers["content-security-policy"]

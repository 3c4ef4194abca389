"""Anmeldung, Abmeldung, Passwort: sessions on the demo city, on SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.audit.models import AuditEvent
from service.auth import tokens
from service.runtime import Runtime
from tests.service.browser import browser, csrf_of, sign_in, signed_in

audit_events = AuditEvent.__table__  # type: ignore[attr-defined]


def test_a_wrong_password_shows_a_german_message_and_starts_no_session(
    anonymous: TestClient,
) -> None:
    response = sign_in(anonymous, "ag.leitung", "falsch-geraten")
    assert response.status_code == 422
    assert "Benutzername oder Passwort ist falsch." in response.text
    assert 'value="ag.leitung"' in response.text  # the name stays, the password does not
    assert "ratsflow_sitzung" not in anonymous.cookies
    assert anonymous.get("/").text.count("Übersicht der Maßnahmen") == 0


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(anonymous: TestClient) -> None:
    response = sign_in(anonymous, "niemand", "egal-was")
    assert response.status_code == 422
    assert "Benutzername oder Passwort ist falsch." in response.text


def test_a_login_post_without_the_forms_csrf_token_is_refused(anonymous: TestClient) -> None:
    anonymous.get("/login")
    response = anonymous.post(
        "/login", data={"benutzername": "ag.leitung", "passwort": "ratsflow-demo"}
    )
    assert response.status_code == 403
    assert "Formular abgelaufen" in response.text
    forged = anonymous.post(
        "/login",
        data={"benutzername": "ag.leitung", "passwort": "ratsflow-demo", "csrf_token": "0" * 64},
    )
    assert forged.status_code == 403
    assert "ratsflow_sitzung" not in anonymous.cookies


def test_signing_in_sets_an_httponly_lax_cookie_and_logout_ends_the_session(
    demo: Runtime,
) -> None:
    client = browser(demo)
    response = sign_in(client, "ag.leitung")
    assert response.status_code == 303
    assert response.headers["location"] == "/aufgaben"
    cookie = response.headers["set-cookie"].lower()
    assert "ratsflow_sitzung=" in cookie
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "secure" not in cookie  # plain http: a Secure cookie would never come back
    token = client.cookies["ratsflow_sitzung"]
    assert "Übersicht der Maßnahmen" in client.get("/").text

    page = client.get("/")
    logout = client.post("/logout", data={"csrf_token": csrf_of(page)})
    assert logout.status_code == 303
    with demo.read() as connection:
        assert tokens.session_for_token(connection, token, demo.now(), demo.body_id) is None
    stolen = browser(demo)
    stolen.cookies.set("ratsflow_sitzung", token)
    assert "Übersicht der Maßnahmen" not in stolen.get("/").text


def test_behind_https_the_session_cookie_is_secure_and_host_bound(demo: Runtime) -> None:
    demo.settings = demo.settings.model_copy(update={"base_url": "https://rat.example"})
    client = browser(demo, base_url="https://testserver")
    response = sign_in(client, "ag.leitung")
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("__host-ratsflow_sitzung=")
    assert "secure" in cookie and "httponly" in cookie


def test_after_login_the_user_returns_to_the_page_asked_for_but_never_off_site(
    demo: Runtime,
) -> None:
    client = browser(demo)
    asked = client.get("/massnahmen/1")
    assert asked.status_code == 303
    assert asked.headers["location"] == "/login?weiter=%2Fmassnahmen%2F1"
    page = client.get(asked.headers["location"])
    response = client.post(
        "/login",
        data={
            "benutzername": "ag.leitung",
            "passwort": "ratsflow-demo",
            "weiter": "/massnahmen/1",
            "csrf_token": csrf_of(page),
        },
    )
    assert response.headers["location"] == "/massnahmen/1"
    other = browser(demo)
    page = other.get("/login")
    response = other.post(
        "/login",
        data={
            "benutzername": "ag.leitung",
            "passwort": "ratsflow-demo",
            "weiter": "//evil.example/",
            "csrf_token": csrf_of(page),
        },
    )
    assert response.headers["location"] == "/aufgaben"


def test_changing_the_password_needs_the_old_one_and_signs_out_other_browsers(
    demo: Runtime,
) -> None:
    here, elsewhere = signed_in(demo, "kaemmerei"), signed_in(demo, "kaemmerei")
    # Reads are logged too (the Übersicht shows a non-public measure): count the changes.
    changes = select(func.count()).where(audit_events.c.action.not_like("%.read"))
    with demo.read() as connection:
        events_before = connection.execute(changes).scalar()

    def change(old: str, new: str, again: str) -> str:
        page = here.get("/konto/passwort")
        data = {"bisher": old, "neu": new, "wiederholung": again, "csrf_token": csrf_of(page)}
        answer = here.post("/konto/passwort", data=data)
        # A change leads to a page of its own (a double click leads there too).
        return here.get(answer.headers["location"]).text if answer.is_redirect else answer.text

    assert "mindestens 10 Zeichen" in change("ratsflow-demo", "kurz", "kurz")
    assert "Wiederholung stimmt nicht" in change("ratsflow-demo", "lang-genug-1", "lang-genug-2")
    assert "bisherige Passwort stimmt nicht" in change(
        "geraten-123", "lang-genug-1", "lang-genug-1"
    )
    assert "Ihr Passwort wurde geändert." in change(
        "ratsflow-demo", "Haushalt-2027!", "Haushalt-2027!"
    )

    assert "Übersicht der Maßnahmen" in here.get("/").text  # this browser stays signed in
    assert elsewhere.get("/").text.count("Übersicht der Maßnahmen") == 0
    assert sign_in(browser(demo), "kaemmerei").status_code == 422
    assert sign_in(browser(demo), "kaemmerei", "Haushalt-2027!").status_code == 303
    with demo.read() as connection:
        actions = list(
            connection.execute(
                select(audit_events.c.action)
                .where(audit_events.c.action.not_like("%.read"))
                .order_by(audit_events.c.seq)
            ).scalars()
        )[events_before:]
    # The refused new passwords wrote nothing; the wrong old one is a failed sign-in.
    assert actions == [
        "auth.login_failed",
        "auth.password_changed",
        "auth.token_revoked",
        "auth.login_failed",
        "auth.login",
    ]

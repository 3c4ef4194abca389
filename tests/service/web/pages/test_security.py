"""Issue 13, items 1, 3 and 9, at the web's door (demo city, SQLite and PostgreSQL): the
same rules as the API (``tests/service/auth/test_security.py``), with the pages' answers.

On the main before this change an admin's own roles could be changed here too (303), the
web's sign-in and sign-out wrote no event, and the password page counted no wrong old
password and took ``1234567890``.
"""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from service.audit.models import AuditEvent
from service.runtime import Runtime
from tests.conftest import FakeClock
from tests.service.browser import browser, csrf_of, post_form, sign_in, signed_in

audit_events = AuditEvent.__table__  # type: ignore[attr-defined]
STRONG = "Leuchtturm-Kaffee-Regen-7"


def auth_events(runtime: Runtime) -> list[str]:
    with runtime.read() as c:
        return list(
            c.execute(
                select(audit_events.c.action)
                .where(audit_events.c.action.like("auth.%"))
                .order_by(audit_events.c.seq)
            ).scalars()
        )


def user_url(admin: TestClient, username: str) -> str:
    found = re.search(
        rf'href="/verwaltung/benutzer/(\d+)">{re.escape(username)}<', admin.get("/verwaltung").text
    )
    assert found
    return f"/verwaltung/benutzer/{found.group(1)}"


def test_an_admin_cannot_give_their_own_account_datenschutz_on_the_page(demo: Runtime) -> None:
    admin = signed_in(demo, "admin")
    url = user_url(admin, "admin")
    answer = post_form(admin, url, f"{url}/rollen", {"rolle_admin": "1", "rolle_datenschutz": "1"})
    assert answer.status_code == 409
    assert "eigenen Rollen nicht ändern" in answer.text
    assert 'name="rolle_datenschutz" value="1" checked' not in admin.get(url).text


def test_admin_never_holds_revision_on_the_same_account_on_the_page(demo: Runtime) -> None:
    admin = signed_in(demo, "admin")
    made = post_form(
        admin,
        "/verwaltung",
        "/verwaltung/benutzer",
        {
            "benutzername": "k.doppelt",
            "rolle_admin": "1",
            "rolle_revision": "1",
            "passwort": STRONG,
        },
    )
    assert made.status_code == 409 and "Funktionstrennung" in made.text
    assert ">k.doppelt<" not in admin.get("/verwaltung").text
    url = user_url(admin, "datenschutz")
    widen = post_form(admin, url, f"{url}/rollen", {"rolle_admin": "1", "rolle_datenschutz": "1"})
    assert widen.status_code == 409 and "Funktionstrennung" in widen.text


def test_web_sign_in_and_sign_out_leave_a_trace(demo: Runtime) -> None:
    client = browser(demo)
    assert sign_in(client, "ag.leitung", "falsch-geraten").status_code == 422
    assert sign_in(client, "ag.leitung").status_code == 303
    assert client.post("/logout", data={"csrf_token": csrf_of(client.get("/"))}).status_code == 303
    assert auth_events(demo) == ["auth.login_failed", "auth.login", "auth.logout"]


def change(client: TestClient, old: str, new: str) -> tuple[int, str, str | None]:
    answer = post_form(
        client,
        "/konto/passwort",
        "/konto/passwort",
        {"bisher": old, "neu": new, "wiederholung": new},
    )
    return answer.status_code, answer.text, answer.headers.get("retry-after")


def test_twelve_wrong_old_passwords_are_throttled_on_the_password_page(
    demo: Runtime, clock: FakeClock
) -> None:
    client = signed_in(demo, "kaemmerei")
    answers = [change(client, f"geraten-{n}", STRONG) for n in range(12)]
    assert [status for status, _, _ in answers] == [422] * 5 + [429] * 7
    _, text, retry = answers[-1]
    assert retry is not None and retry.isdigit() and "Zu viele" in text
    clock.advance(timedelta(minutes=16))
    assert change(client, "ratsflow-demo", STRONG)[0] == 303


def test_1234567890_and_passwort123_are_refused_on_the_password_page(demo: Runtime) -> None:
    client = signed_in(demo, "kaemmerei")
    for weak in ("1234567890", "passwort123"):
        status, text, _ = change(client, "ratsflow-demo", weak)
        assert status == 422 and "zu leicht zu erraten" in text
    assert change(client, "ratsflow-demo", STRONG)[0] == 303
    assert "Ihr Passwort wurde geändert." in client.get("/konto/passwort?erledigt=geaendert").text

"""Logins, accounts and deputies through the API, on the demo city, on SQLite and PostgreSQL.

The clock is a ``FakeClock``: lock-outs run out by moving it, never by sleeping. Client
addresses are set per ``TestClient`` (``client=(host, port)``), so that throttling per
account and per address can be told apart.
"""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.audit.models import AuditDetail, AuditEvent
from service.audit.verify import verify_chain
from service.demo.service import DEMO_PASSWORD
from service.runtime import Runtime
from tests.conftest import FakeClock
from tests.service.api_calls import (
    API,
    assert_problem,
    attempt,
    fire,
    from_address,
    login,
    measure_ids,
    snapshot,
)

audit_events = AuditEvent.__table__  # type: ignore[attr-defined]
audit_details = AuditDetail.__table__  # type: ignore[attr-defined]
NEW_PASSWORD = "Rathaus-Markt-2026"
TEMPORARY = "vorlaeufig-1234"


@pytest.fixture
def on_demo_city() -> bool:
    return True


def bearer(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def user_id(client: TestClient, admin: dict[str, str], username: str) -> int:
    page = client.get(f"{API}/users", headers=admin, params={"limit": 200}).json()
    return next(u["id"] for u in page["items"] if u["username"] == username)


# --- logging in and out --------------------------------------------------------------------


def test_wrong_user_and_wrong_password_look_alike_and_logout_revokes(
    client: TestClient, demo: Runtime
) -> None:
    before = snapshot(demo)
    answers = [
        client.post(f"{API}/auth/token", data={"username": username, "password": password})
        for username, password in (
            ("ag.leitung", "falsch"),
            ("niemand", DEMO_PASSWORD),
            ("niemand", "falsch"),
        )
    ]
    for answer in answers:
        assert_problem(answer, 401, "nicht-angemeldet")
        assert answer.headers["www-authenticate"] == "Bearer"
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert answers[0].json()["detail"] == "Benutzername oder Passwort ist falsch."

    nul = client.post(f"{API}/auth/token", data={"username": "ag\x00leitung", "password": "x"})
    assert nul.status_code in (401, 422)  # SQLite finds no such user, PostgreSQL refuses NUL
    assert_problem(nul, nul.status_code)

    missing = client.post(f"{API}/auth/token", data={"username": "ag.leitung"})
    assert assert_problem(missing, 422, "eingabe-ungueltig")["fields"][0]["field"] == "password"

    ids = measure_ids(demo)
    for headers in ({}, {"Authorization": "Bearer erfunden"}):
        response = fire(client, headers, ids["M-09"], "einreichen", 1)
        assert_problem(response, 401, "nicht-angemeldet")
        assert response.headers["www-authenticate"] == "Bearer"
    assert_problem(client.get(f"{API}/measures", headers={"Authorization": "Bearer x"}), 401)
    # Nothing changed but the sign-in trail (which snapshot leaves out): one
    # auth.login_failed per refused password.
    assert snapshot(demo) == before
    traced = [a for a in _actions(demo) if a.startswith("auth.")]
    assert len(traced) >= 3 and set(traced) == {"auth.login_failed"}

    auth = login(client, "ag.leitung")
    detail = client.get(f"{API}/measures/{ids['M-09']}", headers=auth)
    assert detail.status_code == 200
    assert detail.json()["allowed_transitions"]

    assert client.post(f"{API}/auth/logout", headers=auth).status_code == 204
    revoked = client.get(f"{API}/measures/{ids['M-09']}", headers=auth)
    assert_problem(revoked, 401, "nicht-angemeldet")
    assert revoked.headers["www-authenticate"] == "Bearer"
    assert_problem(fire(client, auth, ids["M-09"], "einreichen", 1), 401, "nicht-angemeldet")
    assert_problem(client.post(f"{API}/auth/logout", headers=auth), 401, "nicht-angemeldet")
    assert_problem(client.post(f"{API}/auth/logout"), 401, "nicht-angemeldet")
    # Another session of the same user is not affected by the logout.
    other = login(client, "ag.leitung")
    assert client.get(f"{API}/measures/{ids['M-09']}", headers=other).status_code == 200


# --- throttling ----------------------------------------------------------------------------


def test_failed_logins_lock_the_account_with_growing_waits_from_any_address(
    client: TestClient, clock: FakeClock
) -> None:
    for n in range(5):
        assert_problem(attempt(from_address(client, f"10.0.0.{n}"), "ag.leitung", "x"), 401)
    # Locked now: even the right password, from an address never seen before, waits 30 s.
    locked = attempt(from_address(client, "10.9.9.9"), "ag.leitung", DEMO_PASSWORD)
    body = assert_problem(locked, 429, "zu-viele-anmeldeversuche")
    assert locked.headers["retry-after"] == "30"
    assert "30 Sekunden" in body["detail"]
    # Other accounts are not affected.
    assert attempt(client, "sitzungsdienst", DEMO_PASSWORD).status_code == 200

    clock.advance(timedelta(seconds=29))
    assert attempt(client, "ag.leitung", DEMO_PASSWORD).headers["retry-after"] == "1"
    clock.advance(timedelta(seconds=1))
    # The lock has run out; one more failure doubles it.
    assert_problem(attempt(client, "ag.leitung", "x"), 401)
    assert attempt(client, "ag.leitung", DEMO_PASSWORD).headers["retry-after"] == "60"
    clock.advance(timedelta(seconds=60))
    assert_problem(attempt(client, "ag.leitung", "y"), 401)
    assert attempt(client, "ag.leitung", DEMO_PASSWORD).headers["retry-after"] == "120"
    clock.advance(timedelta(seconds=120))

    # Success clears the account's count: the next failures start from one again.
    assert attempt(client, "ag.leitung", DEMO_PASSWORD).status_code == 200
    for _ in range(4):
        assert_problem(attempt(client, "ag.leitung", "x"), 401)
    assert attempt(client, "ag.leitung", DEMO_PASSWORD).status_code == 200


def test_the_lock_out_grows_to_fifteen_minutes_and_a_quiet_hour_forgets(
    client: TestClient, clock: FakeClock
) -> None:
    for _ in range(5):
        assert_problem(attempt(client, "kaemmerei", "x"), 401)
    waits = []
    for _ in range(8):
        # While locked, attempts are refused unchecked and uncounted; after it, one more
        # failure doubles the wait.
        answer = attempt(client, "kaemmerei", DEMO_PASSWORD)
        assert_problem(answer, 429, "zu-viele-anmeldeversuche")
        waits.append(int(answer.headers["retry-after"]))
        clock.advance(timedelta(seconds=waits[-1]))
        assert_problem(attempt(client, "kaemmerei", "x"), 401)
    assert waits == [30, 60, 120, 240, 480, 900, 900, 900]

    for _ in range(4):
        assert_problem(attempt(client, "revision", "x"), 401)
    clock.advance(timedelta(hours=1, seconds=1))
    for _ in range(4):
        assert_problem(attempt(client, "revision", "x"), 401)
    assert attempt(client, "revision", DEMO_PASSWORD).status_code == 200


def test_failed_logins_lock_the_address_across_accounts(
    client: TestClient, clock: FakeClock
) -> None:
    sprayer = from_address(client, "192.0.2.7")
    # Spraying: few guesses per name (below the account threshold), many from one address.
    for n in range(20):
        assert_problem(attempt(sprayer, f"kandidat{n % 7}", "Sommer2024!"), 401)
    blocked = attempt(sprayer, "ag.mitglied", DEMO_PASSWORD)
    assert_problem(blocked, 429, "zu-viele-anmeldeversuche")
    assert blocked.headers["retry-after"] == "30"
    # The same accounts from another address work: the address is locked, not the account.
    assert (
        attempt(from_address(client, "192.0.2.8"), "ag.mitglied", DEMO_PASSWORD).status_code == 200
    )
    clock.advance(timedelta(seconds=30))
    # A correct login does not clear the address: the next failure locks it for longer.
    assert attempt(sprayer, "ag.mitglied", DEMO_PASSWORD).status_code == 200
    assert_problem(attempt(sprayer, "kandidat1", "Winter2024!"), 401)
    assert attempt(sprayer, "ag.mitglied", DEMO_PASSWORD).headers["retry-after"] == "60"


def test_unknown_wrong_and_deactivated_users_get_one_answer_also_when_locked(
    client: TestClient, demo: Runtime
) -> None:
    admin = login(client, "admin")
    gone = user_id(client, admin, "personalrat")
    assert client.post(f"{API}/users/{gone}/deactivate", headers=admin).status_code == 200

    cases = [("ag.leitung", "falsch"), ("niemand", DEMO_PASSWORD), ("personalrat", DEMO_PASSWORD)]
    first = [attempt(client, u, p) for u, p in cases]
    for answer in first:
        assert_problem(answer, 401, "nicht-angemeldet")
        assert answer.headers["www-authenticate"] == "Bearer"
    assert first[0].json() == first[1].json() == first[2].json()
    for username, password in cases:
        for _ in range(4):
            attempt(from_address(client, "198.51.100.1"), username, password)
    locked = [attempt(client, u, p) for u, p in cases]
    for answer in locked:
        assert_problem(answer, 429, "zu-viele-anmeldeversuche")
    assert locked[0].json() == locked[1].json() == locked[2].json()
    assert {a.headers["retry-after"] for a in locked} == {"30"}


# --- deactivation --------------------------------------------------------------------------


def test_a_deactivated_user_is_out_at_once_and_comes_back_without_old_tokens(
    client: TestClient, demo: Runtime
) -> None:
    admin = login(client, "admin")
    member = login(client, "ag.mitglied")
    assert client.get(f"{API}/users/me", headers=member).status_code == 200
    member_id = user_id(client, admin, "ag.mitglied")

    off = client.post(f"{API}/users/{member_id}/deactivate", headers=admin)
    assert off.status_code == 200 and off.json()["active"] is False
    revoked = client.get(f"{API}/measures", headers=member)
    assert_problem(revoked, 401, "nicht-angemeldet")
    assert revoked.headers["www-authenticate"] == "Bearer"
    assert_problem(attempt(client, "ag.mitglied", DEMO_PASSWORD), 401, "nicht-angemeldet")
    # Kept, with history: the user is still listed (as deactivated).
    inactive = client.get(f"{API}/users", headers=admin, params={"active": "false"}).json()
    assert [u["username"] for u in inactive["items"]] == ["ag.mitglied"]

    on = client.post(f"{API}/users/{member_id}/reactivate", headers=admin)
    assert on.json()["active"] is True
    assert_problem(client.get(f"{API}/measures", headers=member), 401)  # old token stays dead
    assert client.get(f"{API}/measures", headers=login(client, "ag.mitglied")).status_code == 200

    own_id = user_id(client, admin, "admin")
    self_off = client.post(f"{API}/users/{own_id}/deactivate", headers=admin)
    assert_problem(self_off, 409, "konto-konflikt")
    actions = _actions(demo)
    assert actions.count("user.deactivate") == 1 and actions.count("user.reactivate") == 1


# --- temporary password --------------------------------------------------------------------


def test_a_temporary_password_opens_only_the_password_change(
    client: TestClient, demo: Runtime
) -> None:
    admin = login(client, "admin")
    old_session = login(client, "datenschutz")
    dsb_id = user_id(client, admin, "datenschutz")

    short = client.post(
        f"{API}/users/{dsb_id}/temporary-password", headers=admin, json={"password": "kurz"}
    )
    # The schema states the minimum length, so the request is refused before the policy.
    refused = assert_problem(short, 422, "eingabe-ungueltig")["fields"][0]
    assert refused["field"] == "password" and "mindestens 10 Zeichen" in refused["message"]
    done = client.post(
        f"{API}/users/{dsb_id}/temporary-password", headers=admin, json={"password": TEMPORARY}
    )
    assert done.status_code == 204
    assert_problem(client.get(f"{API}/measures", headers=old_session), 401)
    assert_problem(attempt(client, "datenschutz", DEMO_PASSWORD), 401)

    issued = attempt(client, "datenschutz", TEMPORARY)
    assert issued.json()["password_change_required"] is True
    temp = bearer(issued)
    for response in (
        client.get(f"{API}/measures", headers=temp),
        client.get(f"{API}/users/me", headers=temp),
        client.get(f"{API}/measures/1", headers=temp),
    ):
        assert_problem(response, 403, "password_change_required")

    change = f"{API}/auth/password"
    wrong_old = client.post(
        change, headers=temp, json={"old_password": "falsch", "new_password": NEW_PASSWORD}
    )
    assert assert_problem(wrong_old, 422)["fields"][0]["field"] == "old_password"
    weak = client.post(
        change, headers=temp, json={"old_password": TEMPORARY, "new_password": "datenschutz"}
    )
    assert assert_problem(weak, 422, "passwort-abgelehnt")["fields"][0]["field"] == "new_password"
    assert_problem(client.get(f"{API}/measures", headers=temp), 403, "password_change_required")

    ok = client.post(
        change, headers=temp, json={"old_password": TEMPORARY, "new_password": NEW_PASSWORD}
    )
    assert ok.status_code == 204
    assert client.get(f"{API}/measures", headers=temp).status_code == 200  # same session
    me = client.get(f"{API}/users/me", headers=temp).json()
    assert me["password_change_required"] is False
    assert_problem(attempt(client, "datenschutz", TEMPORARY), 401)
    assert attempt(client, "datenschutz", NEW_PASSWORD).json()["password_change_required"] is False

    _assert_no_password_in_audit(demo, TEMPORARY, NEW_PASSWORD, "kurz")
    actions = _actions(demo)
    assert "user.set_temporary_password" in actions and "auth.password_changed" in actions


def test_everyone_can_change_their_password_and_other_sessions_end(
    client: TestClient, demo: Runtime
) -> None:
    here, elsewhere = login(client, "sitzungsdienst"), login(client, "sitzungsdienst")
    answer = client.post(
        f"{API}/auth/password",
        headers=here,
        json={"old_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert answer.status_code == 204
    assert client.get(f"{API}/measures", headers=here).status_code == 200
    assert_problem(client.get(f"{API}/measures", headers=elsewhere), 401)
    assert_problem(client.post(f"{API}/auth/password", json={}), 401)
    _assert_no_password_in_audit(demo, DEMO_PASSWORD, NEW_PASSWORD)


# --- administration ------------------------------------------------------------------------


def test_admin_creates_users_with_known_roles_only(client: TestClient, demo: Runtime) -> None:
    admin = login(client, "admin")
    before = _actions(demo)
    unknown = client.post(
        f"{API}/users", headers=admin, json={"username": "k.meier", "roles": ["ag_leitung", "chef"]}
    )
    body = assert_problem(unknown, 422, "rolle-unbekannt")
    assert "„chef“" in body["detail"] and body["fields"][0]["field"] == "roles"
    duplicate = client.post(
        f"{API}/users", headers=admin, json={"username": "ag.leitung", "roles": ["ag_leitung"]}
    )
    assert_problem(duplicate, 409, "benutzer-existiert")
    no_person = client.post(
        f"{API}/users",
        headers=admin,
        json={"username": "k.meier", "roles": ["ag_mitglied"], "person_id": 99999},
    )
    assert assert_problem(no_person, 422)["fields"][0]["field"] == "person_id"
    assert _actions(demo) == before

    created = client.post(
        f"{API}/users",
        headers=admin,
        json={"username": "k.meier", "roles": ["ag_mitglied"], "temporary_password": TEMPORARY},
    )
    assert created.status_code == 201, created.text
    new = created.json()
    assert new["password_change_required"] is True and new["roles"] == ["ag_mitglied"]
    assert created.headers["location"] == f"{API}/users/{new['id']}"
    assert "password_hash" not in created.text
    assert client.get(f"{API}/users/{new['id']}", headers=admin).json() == new

    roles = client.put(
        f"{API}/users/{new['id']}/roles", headers=admin, json={"roles": ["ag_leitung", "x"]}
    )
    assert_problem(roles, 422, "rolle-unbekannt")
    roles = client.put(
        f"{API}/users/{new['id']}/roles", headers=admin, json={"roles": ["ag_leitung"]}
    )
    assert roles.json()["roles"] == ["ag_leitung"]
    own = user_id(client, admin, "admin")
    assert_problem(
        client.put(f"{API}/users/{own}/roles", headers=admin, json={"roles": ["revision"]}), 409
    )
    assert_problem(client.get(f"{API}/users/99999", headers=admin), 404, "nicht-gefunden")
    _assert_no_password_in_audit(demo, TEMPORARY)
    # An admin's reads of logins are logged: the new user's record, then the list.
    assert _actions(demo)[len(before) :] == [
        "user.create",
        "user.read",
        "user.set_roles",
        "user.read",
    ]
    with demo.read() as c:
        assert verify_chain(c, demo.chain_key).intact


def test_only_admins_manage_users_and_everyone_has_their_own_account(
    client: TestClient,
) -> None:
    lead = login(client, "ag.leitung")
    for method, path in (
        ("GET", "/users"),
        ("POST", "/users"),
        ("GET", "/users/1"),
        ("POST", "/users/1/deactivate"),
        ("POST", "/users/1/reactivate"),
        ("PUT", "/users/1/roles"),
        ("POST", "/users/1/temporary-password"),
        ("GET", "/users/1/deputies"),
    ):
        answer = client.request(method, f"{API}{path}", headers=lead, json={})
        assert answer.status_code in (403, 422), (method, path, answer.text)
        if answer.status_code == 403:
            assert_problem(answer, 403, "rolle-fehlt")
        assert_problem(client.request(method, f"{API}{path}", json={}), 401)
    assert_problem(client.get(f"{API}/users", headers=lead), 403, "rolle-fehlt")
    me = client.get(f"{API}/users/me", headers=lead).json()
    assert me["username"] == "ag.leitung" and me["roles"] == ["ag_leitung"]
    assert me["deputies"] == [] and me["acts_for"] == []


# --- deputies ------------------------------------------------------------------------------


def test_a_deputy_acts_for_the_absent_user_only_within_the_period(
    client: TestClient, clock: FakeClock
) -> None:
    member = login(client, "ag.mitglied")
    today = date(2026, 9, 1)
    period = {
        "deputy_username": "ag.leitung",
        "starts_on": str(today + timedelta(days=1)),
        "ends_on": str(today + timedelta(days=2)),
    }
    created = client.post(f"{API}/users/me/deputies", headers=member, json=period)
    assert created.status_code == 201, created.text
    assert created.json()["current"] is False
    member_person = client.get(f"{API}/users/me", headers=member).json()["person_id"]

    def acts_for() -> list[int]:
        return client.get(f"{API}/users/me", headers=login(client, "ag.leitung")).json()["acts_for"]

    assert acts_for() == []
    clock.advance(timedelta(days=1))
    assert acts_for() == [member_person]
    clock.advance(timedelta(days=2))
    assert acts_for() == []

    listed = client.get(f"{API}/users/me/deputies", headers=login(client, "ag.mitglied")).json()
    assert [d["deputy_username"] for d in listed] == ["ag.leitung"]


def test_deputies_are_named_checked_and_withdrawn(client: TestClient, demo: Runtime) -> None:
    member = login(client, "ag.mitglied")
    url = f"{API}/users/me/deputies"
    bad = [
        (
            {"deputy_username": "niemand", "starts_on": "2026-09-01", "ends_on": "2026-09-02"},
            "deputy_username",
        ),
        (
            {"deputy_username": "ag.mitglied", "starts_on": "2026-09-01", "ends_on": "2026-09-02"},
            "deputy_username",
        ),
        (
            {"deputy_username": "ag.leitung", "starts_on": "2026-09-05", "ends_on": "2026-09-02"},
            "ends_on",
        ),
        (
            {"deputy_username": "ag.leitung", "starts_on": "2026-08-01", "ends_on": "2026-08-31"},
            "ends_on",
        ),
    ]
    for body, field in bad:
        answer = assert_problem(client.post(url, headers=member, json=body), 422)
        assert answer["fields"][0]["field"] == field, answer
    good = {"deputy_username": "ag.leitung", "starts_on": "2026-09-01", "ends_on": "2026-09-30"}
    made = client.post(url, headers=member, json=good).json()
    assert made["current"] is True
    lead = login(client, "ag.leitung")
    assert client.get(f"{API}/users/me", headers=lead).json()["acts_for"]

    other = login(client, "sitzungsdienst")
    assert_problem(client.delete(f"{url}/{made['id']}", headers=other), 404)
    assert client.delete(f"{url}/{made['id']}", headers=member).status_code == 204
    assert_problem(client.delete(f"{url}/{made['id']}", headers=member), 404)
    assert client.get(url, headers=member).json() == []
    assert client.get(f"{API}/users/me", headers=lead).json()["acts_for"] == []
    changes = [a for a in _actions(demo) if not a.startswith("auth.")]
    assert changes[-2:] == ["deputyship.create", "deputyship.withdraw"]


# --- helpers -------------------------------------------------------------------------------


def _actions(runtime: Runtime) -> list[str]:
    with runtime.read() as c:
        return list(c.execute(select(audit_events.c.action).order_by(audit_events.c.id)).scalars())


def _assert_no_password_in_audit(runtime: Runtime, *passwords: str) -> None:
    with runtime.read() as c:
        payloads = list(c.execute(select(audit_events.c.payload)).scalars())
        values = [v for v in c.execute(select(audit_details.c.value)).scalars() if v]
    for text in [*payloads, *values]:
        for password in passwords:
            assert password not in text
        assert "argon2" not in text

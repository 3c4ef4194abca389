"""Issue 13, items 1, 3 and 9, through the API on the demo city, on SQLite and PostgreSQL:
separation of duties, the sign-in trail, and passwords (throttled change, strength).

Each test is named after a finding as reported. On the main before this change each fails:
an admin could set their own roles (200), no ``auth.*`` event was ever written, the throttle
kept a plain SHA-256 of the typed name, ``POST /api/v1/auth/password`` counted no failure
(twelve times 422, never 429), and ``1234567890`` passed the policy (only length counted).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from service.audit.models import AuditDetail, AuditEvent
from service.audit.repository.retention import kind_of_action
from service.audit.verify import verify_chain
from service.auth import repository, trail
from service.auth.models import LoginThrottle
from service.demo.service import DEMO_PASSWORD
from service.runtime import Runtime
from tests.conftest import FakeClock
from tests.service.api_calls import API, assert_problem, attempt, from_address, login
from workflow.roles import ROLE_LABELS

audit_events = AuditEvent.__table__  # type: ignore[attr-defined]
audit_details = AuditDetail.__table__  # type: ignore[attr-defined]
throttles = LoginThrottle.__table__  # type: ignore[attr-defined]
STRONG = "Leuchtturm-Kaffee-Regen-7"


@pytest.fixture
def on_demo_city() -> bool:
    return True


def user_id(client: TestClient, admin: dict[str, str], username: str) -> int:
    page = client.get(f"{API}/users", headers=admin, params={"limit": 200}).json()
    return next(u["id"] for u in page["items"] if u["username"] == username)


def roles_of(client: TestClient, admin: dict[str, str], uid: int) -> list[str]:
    roles: list[str] = client.get(f"{API}/users/{uid}", headers=admin).json()["roles"]
    return roles


def events(runtime: Runtime, prefix: str = "auth.") -> list[tuple[str, int | None, str]]:
    """(action, entity id, retention kind) of the events whose action starts so, in order."""
    with runtime.read() as c:
        rows = c.execute(
            select(audit_events.c.action, audit_events.c.entity_id, kind_of_action)
            .where(audit_events.c.action.like(f"{prefix}%"))
            .order_by(audit_events.c.seq)
        ).all()
    return [(r[0], r[1], r[2]) for r in rows]


def everything_stored(runtime: Runtime) -> str:
    """Every audit payload and detail value and every throttle row, as one text."""
    with runtime.read() as c:
        parts = [*c.execute(select(audit_events.c.payload)).scalars()]
        parts += [v or "" for v in c.execute(select(audit_details.c.value)).scalars()]
        parts += [" ".join(map(str, row)) for row in c.execute(select(throttles)).all()]
    return "\n".join(parts)


# --- item 1: separation of duties ----------------------------------------------------------


def test_an_admin_cannot_give_their_own_account_datenschutz(
    client: TestClient, demo: Runtime
) -> None:
    admin = login(client, "admin")
    own = user_id(client, admin, "admin")
    for roles in (["admin", "datenschutz"], ["datenschutz"], ["admin", "revision"], ["admin"]):
        answer = client.put(f"{API}/users/{own}/roles", headers=admin, json={"roles": roles})
        problem = assert_problem(answer, 409, "eigene-rollen")
        assert "eigenen Rollen" in problem["detail"]
    assert roles_of(client, admin, own) == ["admin"]
    # And so the trail stays closed to the admin.
    assert_problem(client.get(f"{API}/audit/events", headers=admin), 403)
    assert not [e for e in events(demo, "user.set_roles")]


def test_admin_never_holds_datenschutz_or_revision_on_the_same_account(
    client: TestClient, demo: Runtime
) -> None:
    admin = login(client, "admin")
    for controlling in ("datenschutz", "revision"):
        made = client.post(
            f"{API}/users",
            headers=admin,
            json={"username": f"doppelt.{controlling}", "roles": ["admin", controlling]},
        )
        problem = assert_problem(made, 409, "funktionstrennung")
        # A sentence a person reads: the roles by their labels.
        assert "Funktionstrennung" in problem["detail"]
        assert f"„{ROLE_LABELS[controlling]}“" in problem["detail"]
    names = [u["username"] for u in client.get(f"{API}/users", headers=admin).json()["items"]]
    assert not [n for n in names if n.startswith("doppelt.")]

    # Another account, changed by an admin other than its holder: refused alike.
    dsb = user_id(client, admin, "datenschutz")
    widen = client.put(
        f"{API}/users/{dsb}/roles", headers=admin, json={"roles": ["admin", "datenschutz"]}
    )
    assert_problem(widen, 409, "funktionstrennung")
    revision = user_id(client, admin, "revision")
    widen = client.put(f"{API}/users/{revision}/roles", headers=admin, json={"roles": ["admin"]})
    assert widen.status_code == 200  # admin alone is allowed, only not together
    assert roles_of(client, admin, dsb) == ["datenschutz"]


def test_an_account_that_already_combines_them_must_be_separated_at_its_next_change(
    client: TestClient, demo: Runtime
) -> None:
    admin = login(client, "admin")
    dsb = user_id(client, admin, "datenschutz")
    with demo.write() as c:  # made before the rule, by hand
        c.execute(
            update(repository.users)
            .where(repository.users.c.id == dsb)
            .values(roles=["admin", "datenschutz"])
        )
    same = client.put(
        f"{API}/users/{dsb}/roles", headers=admin, json={"roles": ["admin", "datenschutz"]}
    )
    assert_problem(same, 409, "funktionstrennung")
    fixed = client.put(f"{API}/users/{dsb}/roles", headers=admin, json={"roles": ["datenschutz"]})
    assert fixed.status_code == 200 and fixed.json()["roles"] == ["datenschutz"]


# --- item 3: the sign-in trail -------------------------------------------------------------


def test_no_sign_in_sign_out_or_failed_sign_in_left_a_trace(
    client: TestClient, demo: Runtime
) -> None:
    assert attempt(client, "ag.leitung", "falsch-geraten").status_code == 401
    auth = login(client, "ag.leitung")
    assert client.post(f"{API}/auth/logout", headers=auth).status_code == 204
    lead = user_id(client, login(client, "admin"), "ag.leitung")
    trace = events(demo)
    assert [(a, e) for a, e, _ in trace] == [
        ("auth.login_failed", lead),
        ("auth.login", lead),
        ("auth.logout", lead),
        ("auth.login", user_id(client, login(client, "admin"), "admin")),
    ]
    assert {kind for _, _, kind in trace} == {"anmeldung"}
    with demo.read() as c:
        actors = list(
            c.execute(
                select(audit_events.c.actor_id)
                .where(audit_events.c.action.in_(["auth.login", "auth.logout"]))
                .order_by(audit_events.c.seq)
                .limit(2)
            ).scalars()
        )
        assert actors == [lead, lead]
        assert verify_chain(c, demo.chain_key).intact


def test_a_failed_sign_in_leaves_a_trace_without_the_typed_name(
    client: TestClient, demo: Runtime
) -> None:
    typed = "Erika.Mustermann-Vertraulich"
    assert attempt(client, typed, "Sommer-Geheim-2026").status_code == 401
    assert [(a, e) for a, e, _ in events(demo)] == [("auth.login_failed", None)]
    stored = everything_stored(demo)
    for form in (typed, typed.casefold(), "Sommer-Geheim-2026"):
        assert form not in stored
    # Not the unsalted digest either: a list of names would find that one.
    for value in (f"{demo.chain_key}\x00{typed.casefold()}", typed.casefold()):
        plain = hashlib.sha256(f"account\x00{value}".encode()).hexdigest()
        assert plain not in stored
    # What is kept is the keyed digest: who knows the secret can test a name, nobody else.
    assert trail.name_digest(demo, typed) in stored
    assert trail.name_digest(demo, "jemand.anders") not in stored


def test_an_unknown_name_is_locked_like_a_known_one(
    client: TestClient, demo: Runtime, clock: FakeClock
) -> None:
    answers: dict[str, list[httpx.Response]] = {}
    for n, name in enumerate(("ag.leitung", "gibt.es.nicht")):
        caller = from_address(client, f"10.0.0.{n + 1}")
        answers[name] = [attempt(caller, name, "falsch-geraten") for _ in range(6)]
    known, unknown = answers["ag.leitung"], answers["gibt.es.nicht"]
    assert [a.status_code for a in known] == [a.status_code for a in unknown] == [401] * 5 + [429]
    assert known[-1].headers["retry-after"] == unknown[-1].headers["retry-after"]
    assert known[-1].json()["detail"] == unknown[-1].json()["detail"]
    locked = [(a, e) for a, e, _ in events(demo) if a == "auth.locked"]
    lead = user_id(client, login(client, "admin"), "ag.leitung")
    assert locked == [("auth.locked", lead), ("auth.locked", None)]
    clock.advance(timedelta(seconds=31))
    assert attempt(client, "ag.leitung", DEMO_PASSWORD).status_code == 200


# --- item 9: passwords ---------------------------------------------------------------------


def change(client: TestClient, auth: dict[str, str], old: str, new: str) -> httpx.Response:
    body = {"old_password": old, "new_password": new}
    return client.post(f"{API}/auth/password", headers=auth, json=body)


def test_twelve_wrong_old_passwords_are_throttled(
    client: TestClient, demo: Runtime, clock: FakeClock
) -> None:
    auth = login(client, "kaemmerei")
    answers = [change(client, auth, f"geraten-{n}", STRONG) for n in range(12)]
    assert [a.status_code for a in answers] == [422] * 5 + [429] * 7
    assert answers[-1].headers["retry-after"].isdigit()
    assert_problem(answers[-1], 429, "zu-viele-anmeldeversuche")
    # While locked even the right old password is refused; the login is locked too.
    assert change(client, auth, DEMO_PASSWORD, STRONG).status_code == 429
    assert attempt(client, "kaemmerei", DEMO_PASSWORD).status_code == 429
    actions = [a for a, _, _ in events(demo)]
    assert actions.count("auth.login_failed") == 5 and "auth.locked" in actions
    clock.advance(timedelta(minutes=16))
    assert change(client, auth, DEMO_PASSWORD, STRONG).status_code == 204
    assert events(demo)[-1][0] == "auth.password_changed"


def test_1234567890_and_passwort123_are_refused(client: TestClient, demo: Runtime) -> None:
    auth = login(client, "kaemmerei")
    hints = {}
    for weak in ("1234567890", "passwort123", "Kaemmerei-2026", "qwertzuiop1", "abcdefghijkl"):
        problem = assert_problem(change(client, auth, DEMO_PASSWORD, weak), 422)
        assert problem["type"].endswith("passwort-abgelehnt")
        assert problem["fields"][0]["field"] == "new_password"
        assert "zu leicht zu erraten" in problem["detail"]
        hints[weak] = problem["detail"]
    assert "häufiger Passwörter" in hints["1234567890"]
    assert "naheliegenden Wort" in hints["passwort123"]
    assert "Benutzernamen" in hints["Kaemmerei-2026"]
    assert "Folgen" in hints["abcdefghijkl"]
    # An admin's temporary password goes through the same policy.
    admin = login(client, "admin")
    made = client.post(
        f"{API}/users",
        headers=admin,
        json={"username": "k.neu", "roles": ["kaemmerei"], "temporary_password": "passwort123"},
    )
    assert assert_problem(made, 422)["fields"][0]["field"] == "temporary_password"
    assert change(client, auth, DEMO_PASSWORD, STRONG).status_code == 204


def test_revoked_tokens_leave_a_trace(client: TestClient, demo: Runtime) -> None:
    admin = login(client, "admin")
    member = user_id(client, admin, "ag.mitglied")
    login(client, "ag.mitglied")
    login(client, "ag.mitglied")
    off = client.post(f"{API}/users/{member}/deactivate", headers=admin)
    assert off.status_code == 200
    assert ("auth.token_revoked", member, "anmeldung") in events(demo)
    # The user's own password change ends the other sessions, traced alike.
    here, there = login(client, "kaemmerei"), login(client, "kaemmerei")
    assert change(client, here, DEMO_PASSWORD, STRONG).status_code == 204
    assert_problem(client.get(f"{API}/users/me", headers=there), 401)
    assert [a for a, _, _ in events(demo)][-2:] == ["auth.password_changed", "auth.token_revoked"]

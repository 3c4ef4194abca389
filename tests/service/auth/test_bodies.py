"""Logins belong to their body (issue 17), on SQLite and PostgreSQL.

The same login name may exist in two bodies; each logs in only at its own address, a
failed guess at one city locks nothing at the other, and an admin of one body neither sees
nor changes the logins of another: their ids answer 404 like a wrong id.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import httpx
import pytest
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from typer.testing import CliRunner

from service.actor import SYSTEM
from service.auth import overview, tokens
from service.auth import service as accounts
from service.auth.deputies import name_deputy
from service.auth.errors import DuplicateUser
from service.cli import app
from service.config import get_settings
from service.errors import NotFound
from service.main import create_app
from service.runtime import Runtime
from tests import factories
from tests.conftest import CHAIN_KEY

NEIGHBOUR = "nachbarstadt"
OURS, THEIRS = "Rathaus-Markt-2026", "Nachbar-Rathaus-2026"
_FAST = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "hasher", lambda: _FAST)


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime), raise_server_exceptions=False) as test_client:
        yield test_client


def _login_user(runtime: Runtime, username: str, password: str, *roles: str) -> int:
    with runtime.write() as c:
        person_id = factories.person(runtime, c)
        return accounts.create_user(
            runtime,
            c,
            SYSTEM,
            username=username,
            roles=list(roles) or ["ag_mitglied"],
            person_id=person_id,
            password_hash=tokens.hash_password(password),
        )


def _token(client: TestClient, prefix: str, username: str, password: str) -> httpx.Response:
    return client.post(
        f"{prefix}/api/v1/auth/token", data={"username": username, "password": password}
    )


def _bearer(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_the_same_name_in_two_bodies_logs_in_only_at_its_own_address(
    runtime: Runtime, client: TestClient
) -> None:
    other = runtime.for_body(NEIGHBOUR)
    ours = _login_user(runtime, "k.meier", OURS)
    theirs = _login_user(other, "k.meier", THEIRS)
    assert ours != theirs

    assert _token(client, "", "k.meier", THEIRS).status_code == 401
    assert _token(client, f"/b/{NEIGHBOUR}", "k.meier", OURS).status_code == 401
    here = _bearer(_token(client, "", "k.meier", OURS))
    there = _bearer(_token(client, f"/b/{NEIGHBOUR}", "k.meier", THEIRS))

    assert client.get("/api/v1/users/me", headers=here).json()["id"] == ours
    assert client.get(f"/b/{NEIGHBOUR}/api/v1/users/me", headers=there).json()["id"] == theirs
    assert client.get("/api/v1/users/me", headers=there).status_code == 401
    with runtime.read() as c:
        assert accounts.actor_for(c, "k.meier").user_id == ours
        assert accounts.actor_for(c, "k.meier", body=NEIGHBOUR).user_id == theirs
        assert accounts.user_id_by_name(c, "k.meier", other.body_id) == theirs


def test_guessing_at_one_city_locks_nothing_at_the_other(
    runtime: Runtime, client: TestClient
) -> None:
    other = runtime.for_body(NEIGHBOUR)
    _login_user(runtime, "k.meier", OURS)
    _login_user(other, "k.meier", THEIRS)
    for _ in range(5):
        assert _token(client, "", "k.meier", "falsch-falsch-1").status_code == 401

    assert _token(client, "", "k.meier", OURS).status_code == 429
    assert _token(client, f"/b/{NEIGHBOUR}", "k.meier", THEIRS).status_code == 200


def test_a_name_taken_in_one_body_is_free_in_another_but_not_twice_in_one(
    runtime: Runtime,
) -> None:
    other = runtime.for_body(NEIGHBOUR)
    factories.user(runtime, "ag_leitung", username="ag.leitung")
    actor = factories.user(other, "ag_leitung", username="ag.leitung")
    assert actor.body_id == other.body_id
    with pytest.raises(DuplicateUser), runtime.write() as c:
        accounts.create_user(runtime, c, SYSTEM, username="ag.leitung", roles=["ag_mitglied"])


def test_an_admin_neither_sees_nor_changes_another_bodys_logins(
    runtime: Runtime, client: TestClient
) -> None:
    other = runtime.for_body(NEIGHBOUR)
    _login_user(runtime, "admin", OURS, "admin")
    mine = _login_user(runtime, "k.meier", OURS)
    theirs = _login_user(other, "k.schulz", THEIRS)
    _login_user(other, "k.meier", THEIRS)
    admin = _bearer(_token(client, "", "admin", OURS))
    users = "/api/v1/users"

    listed = client.get(users, headers=admin, params={"limit": 200}).json()["items"]
    assert {u["username"] for u in listed} == {"admin", "k.meier"}
    assert client.get(f"{users}/{theirs}", headers=admin).status_code == 404
    assert client.get(f"{users}/{theirs}/deputies", headers=admin).status_code == 404
    for path, payload in [
        ("deactivate", None),
        ("reactivate", None),
        ("temporary-password", {"password": "vorlaeufig-12345"}),
    ]:
        answer = client.post(f"{users}/{theirs}/{path}", headers=admin, json=payload)
        assert answer.status_code == 404, (path, answer.text)
    roles = client.put(f"{users}/{theirs}/roles", headers=admin, json={"roles": ["admin"]})
    assert roles.status_code == 404
    period = {"starts_on": "2026-01-01", "ends_on": "2026-12-31"}
    named = client.post(
        f"{users}/{theirs}/deputies",
        headers=admin,
        json={"deputy_username": "k.meier", **period},
    )
    assert named.status_code == 404
    # A user of another body is no deputy here, even under a name that exists there.
    foreign = client.post(
        f"{users}/{mine}/deputies",
        headers=admin,
        json={"deputy_username": "k.schulz", **period},
    )
    assert foreign.status_code == 422
    assert client.delete(f"{users}/{theirs}/deputies/1", headers=admin).status_code == 404

    with runtime.read() as c:
        unchanged = accounts.get_user(c, theirs, other.body_id)
        with pytest.raises(NotFound):
            accounts.get_user(c, theirs, runtime.body_id)
    assert unchanged.active and unchanged.roles == ["ag_mitglied"]
    assert [u.username for u in overview.read_accounts(other, SYSTEM)] == [
        "k.meier",
        "k.schulz",
    ]


def test_a_deputy_named_at_the_neighbour_stands_in_there(runtime: Runtime) -> None:
    other = runtime.for_body(NEIGHBOUR)
    absent = factories.user(other, "ag_mitglied", username="k.meier")
    factories.user(runtime, "ag_mitglied", username="vertretung")
    deputy = factories.user(other, "ag_mitglied", username="vertretung")
    assert absent.user_id is not None
    with other.write() as c:
        name_deputy(
            other,
            c,
            SYSTEM,
            user_id=absent.user_id,
            deputy_username="vertretung",
            starts_on=date(2000, 1, 1),
            ends_on=date(2099, 12, 31),
        )
    with runtime.read() as c:
        assert not accounts.actor_for(c, "vertretung", runtime.now()).acts_for
        there = accounts.actor_for(c, "vertretung", runtime.now(), body=NEIGHBOUR)
    assert there.user_id == deputy.user_id
    assert there.acts_for == {absent.person_id}


def test_user_list_and_deactivate_take_the_body(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = runtime.for_body(NEIGHBOUR)
    factories.user(runtime, "ag_mitglied", username="k.meier")
    factories.user(other, "ag_mitglied", username="k.meier")
    factories.user(other, "kaemmerei", username="k.schulz")
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", runtime.settings.database_url)
    monkeypatch.setenv("RATSFLOW_CHAIN_KEY", CHAIN_KEY)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        listed = runner.invoke(app, ["user", "list", "--body", NEIGHBOUR])
        assert listed.exit_code == 0, listed.output
        assert "k.schulz" in listed.output
        own = runner.invoke(app, ["user", "list"])
        assert "k.meier" in own.output and "k.schulz" not in own.output
        done = runner.invoke(app, ["user", "deactivate", "k.meier", "--body", NEIGHBOUR])
        assert done.exit_code == 0, done.output
    finally:
        get_settings.cache_clear()
    with runtime.read() as c:
        assert accounts.actor_for(c, "k.meier").user_id is not None
        with pytest.raises(NotFound):
            accounts.actor_for(c, "k.meier", body=NEIGHBOUR)

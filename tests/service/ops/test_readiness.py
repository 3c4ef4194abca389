"""``/readyz`` takes a worker out of the load balancer only for what the worker cannot do
without: the database and its schema. A dead scheduler is a metric, not unreadiness."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import text

from service.main import create_app
from service.runtime import Runtime


def test_readyz_fails_while_migrations_are_behind(runtime: Runtime) -> None:
    client = TestClient(create_app(runtime))
    assert client.get("/readyz").status_code == 200
    with runtime.write() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '0009'"))

    response = client.get("/readyz")

    assert (response.status_code, response.json()) == (503, {"status": "Migrationen ausstehend"})


def test_readyz_does_not_ask_for_the_scheduler(runtime: Runtime) -> None:
    # No scheduler ever ran on this database: no heartbeat at all, and still ready.
    assert TestClient(create_app(runtime)).get("/readyz").status_code == 200

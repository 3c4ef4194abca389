"""Migration in place of a database that holds logins but no body yet (an operator added
users before the first city): the upgrade creates the deployment's body under its chain
key, so the audit chain written so far stays that body's chain."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from service.migrate import alembic_config, upgrade
from service.runtime import Runtime


def test_logins_without_a_body_get_the_deployments_body_under_its_chain_key(
    runtime: Runtime,
) -> None:
    url = runtime.settings.database_url
    runtime.engine.dispose()
    command.downgrade(alembic_config(url), "0007")
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("DELETE FROM bodies"))
        c.execute(
            text(
                "INSERT INTO users (username, roles, must_change_password, active, created_at) "
                "VALUES ('admin', '[\"admin\"]', false, true, '2026-01-05 09:00:00')"
            )
        )
    engine.dispose()

    upgrade(url)

    engine = create_engine(url)
    with engine.connect() as c:
        bodies = c.execute(text("SELECT id, slug FROM bodies")).all()
        users = c.execute(text("SELECT username, body_id FROM users")).all()
    engine.dispose()
    assert [slug for _id, slug in bodies] == [runtime.chain_key]
    assert users == [("admin", bodies[0][0])]

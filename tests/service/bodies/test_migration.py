"""Migration in place: a database of the single-body era upgrades to one body holding all.

The database is made at today's head with the demo city and taken back to 0007 (the last
single-body revision, whose tables name no body on measures, meetings, logins, deadlines,
outbox and attachments), so the upgrade meets data shaped as a real 0007 database holds it.
"""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from service.audit import trail
from service.migrate import alembic_config, upgrade
from service.runtime import Runtime

TABLES = ("measures", "meetings", "users", "deadlines", "outbox", "attachments")
COUNTED = (*TABLES, "persons", "committees", "papers", "programmes", "audit_events")


@pytest.fixture
def on_demo_city() -> bool:
    return True


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return {
                t: int(c.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in COUNTED
            }
    finally:
        engine.dispose()


def test_a_single_body_database_upgrades_to_one_body_holding_every_row(
    runtime: Runtime,
) -> None:
    url = runtime.settings.database_url
    with runtime.read() as c:
        head_before = trail.verify_all(c, runtime.chain_key)
    runtime.engine.dispose()
    command.downgrade(alembic_config(url), "0007")
    engine = create_engine(url)
    with engine.connect() as c:
        assert "body_id" not in {col["name"] for col in inspect(c).get_columns("measures")}
        bodies_before = c.execute(text("SELECT id, slug FROM bodies")).all()
    engine.dispose()
    before = _counts(url)
    assert before["measures"] > 0 and before["users"] > 0 and before["deadlines"] > 0

    upgrade(url)

    assert _counts(url) == before
    engine = create_engine(url)
    with engine.connect() as c:
        assert c.execute(text("SELECT id, slug FROM bodies")).all() == bodies_before
        [(body_id, _slug)] = bodies_before
        for table in TABLES:
            bodies = c.execute(text(f"SELECT DISTINCT body_id FROM {table}")).scalars().all()
            assert bodies in ([body_id], []), table
        # The measures keep the body of their programme, the meetings that of their committee.
        assert not c.execute(
            text(
                "SELECT 1 FROM measures m JOIN programmes p ON p.id = m.programme_id "
                "WHERE m.body_id <> p.body_id"
            )
        ).first()
    engine.dispose()
    with runtime.read() as c:
        after = trail.verify_all(c, runtime.chain_key)
    assert [r.verification.intact for r in after] == [True]
    assert [r.verification.checked for r in after] == [r.verification.checked for r in head_before]

"""Nobody changes the trail through the product: the database itself refuses.

On PostgreSQL the application runs as a role with only INSERT and SELECT on the audit
tables (the grants the README gives the operator); on both backends triggers refuse UPDATE
and DELETE as a second line, and allow on a detail row only its erasure.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from service.audit.checkpoints import write_checkpoint
from service.audit.models import AuditEvent
from service.audit.owner import app_role_grants
from service.audit.verify import verify_chain
from service.config import Settings
from service.db import make_engine
from service.measures.service import fire
from service.runtime import Runtime
from tests import factories as make
from tests.conftest import FakeClock

events = AuditEvent.__table__  # type: ignore[attr-defined]


@pytest.fixture
def trail(keyed: Runtime, clock: FakeClock) -> Runtime:
    with keyed.write() as c:
        mitglied = make.user(keyed, "ag_mitglied", connection=c)
        measure_id = make.measure(keyed, c)
        fire(keyed, c, mitglied, measure_id, "einreichen", comment="Bitte prüfen.")
    write_checkpoint(keyed, clock.now)
    return keyed


REFUSED_BY_TRIGGERS = [
    "UPDATE audit_checkpoints SET seq = seq + 1",
    "DELETE FROM audit_checkpoints",
    "DELETE FROM audit_details",
    "UPDATE audit_details SET value = 'anders' WHERE value IS NOT NULL",
    "UPDATE audit_details SET path = 'comment', value = NULL, salt = NULL",
]


@pytest.mark.parametrize("statement", REFUSED_BY_TRIGGERS)
def test_triggers_refuse_changes_to_checkpoints_and_details(trail: Runtime, statement: str) -> None:
    with pytest.raises(DBAPIError, match=r"unveränderlich|nur das Löschen"), trail.write() as c:
        c.execute(text(statement))
    with trail.read() as c:
        assert verify_chain(c, trail.chain_key).intact


@pytest.fixture
def app_role(trail: Runtime, database_url: str) -> Iterator[str]:
    """A login role with exactly the README's grants, on the test's own database."""
    if not database_url.startswith("postgresql"):
        pytest.skip("Rollen gibt es nur auf PostgreSQL")
    role = f"ratsflow_app_{uuid.uuid4().hex[:12]}"
    database = make_url(database_url).database or ""
    owner = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with owner.connect() as c:
        c.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
        for statement in app_role_grants(role, database):
            c.exec_driver_sql(statement)
    try:
        yield make_url(database_url).set(username=role).render_as_string(hide_password=False)
    finally:
        with owner.connect() as c:
            c.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
                (role,),
            )
            c.exec_driver_sql(f"DROP OWNED BY {role}")
            c.exec_driver_sql(f"DROP ROLE {role}")
        owner.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET actor_id = 4711",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events CASCADE",
        "UPDATE audit_details SET value = NULL, salt = NULL",
        "DELETE FROM audit_event_persons",
        "DELETE FROM audit_checkpoints",
    ],
)
def test_the_application_role_can_neither_change_nor_delete_an_event(
    trail: Runtime, app_role: str, clock: FakeClock, statement: str
) -> None:
    app = Runtime(
        Settings(database_url=app_role, chain_key=trail.chain_key), make_engine(app_role), clock
    )
    try:
        # It does its ordinary work: a transition with its audit event.
        with app.write() as c:
            leitung = make.user(app, "ag_leitung", connection=c)
            measure_id = make.measure(app, c)
            fire(app, c, leitung, measure_id, "einreichen")
            count = c.execute(select(func.count()).select_from(events)).scalar_one()
        with pytest.raises(DBAPIError, match="permission denied"), app.write() as c:
            c.execute(text(statement))
        with app.read() as c:
            assert c.execute(select(func.count()).select_from(events)).scalar_one() == count
            assert verify_chain(c, app.chain_key).intact
    finally:
        app.engine.dispose()

"""The owner connection: migrations, retention and erasure, never the running application.

On PostgreSQL the application connects as a role that may only INSERT and SELECT on the
audit tables (docs/protokoll.md, "Schreibschutz in der Datenbank"); removing or erasing
audit data needs the owner, named by ``RATSFLOW_ADMIN_DATABASE_URL``. When that is unset
the application's URL does both, which is the embedded default and is said aloud once per command.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection

from service.config import Settings
from service.db import is_sqlite, make_engine, write_transaction

OWNER_URL_MISSING = (
    "Warnung: RATSFLOW_ADMIN_DATABASE_URL ist nicht gesetzt; die Anwendungs-Verbindung "
    "(RATSFLOW_DATABASE_URL) wird auch als Eigentümer benutzt. Auf PostgreSQL sollte die "
    "Anwendung eine Rolle ohne UPDATE/DELETE auf den Protokolltabellen haben "
    "(docs/protokoll.md)."
)


def owner_url(settings: Settings, *, warn: bool = True) -> str:
    if settings.admin_database_url:
        return settings.admin_database_url
    if warn and not is_sqlite(settings.database_url):
        print(OWNER_URL_MISSING, file=sys.stderr)
    return settings.database_url


@contextmanager
def owner_transaction(settings: Settings) -> Iterator[Connection]:
    """One transaction as the owner role, on an engine of its own that is closed after."""
    engine = make_engine(owner_url(settings))
    try:
        with write_transaction(engine) as connection:
            yield connection
    finally:
        engine.dispose()


AUDIT_TABLES = ("audit_events", "audit_event_persons", "audit_details", "audit_checkpoints")


def app_role_grants(role: str, database: str) -> list[str]:
    """The grants of the application role, run by the owner after ``db upgrade``.

    The same statements stand in docs/protokoll.md; a test runs them and proves that the
    role can write and read the trail but neither change nor delete it.
    """
    audit = ", ".join(AUDIT_TABLES)
    return [
        f'GRANT CONNECT ON DATABASE "{database}" TO {role}',
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {audit} FROM {role}",
        f"REVOKE ALL ON alembic_version FROM {role}",
        f"GRANT SELECT ON alembic_version TO {role}",
    ]

"""Work on a whole database rather than on rows: reclaiming what deleted rows left in its
files, asking its server's version, dropping everything ratsflow made (the demo's reset)."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, MetaData, text
from sqlalchemy.exc import SAWarning

from service.db import is_sqlite, make_engine


def reclaim_free_space(engine: Engine, tables: Iterable[str]) -> None:
    """Overwrites what deleted or updated rows of ``tables`` left behind in the database's
    files (SQLite: the whole file). Runs outside any transaction: VACUUM refuses one."""
    raw = engine.raw_connection()
    try:
        driver: Any = raw.driver_connection
        if engine.dialect.name == "sqlite":
            # secure_delete (set on every connection) zeroes freed cells; VACUUM rebuilds
            # the file and the WAL checkpoint removes old page images from the log.
            driver.execute("PRAGMA secure_delete=ON")
            driver.execute("VACUUM")
            driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            driver.autocommit = True
            # FULL rewrites each table into new files, so dead row versions are gone.
            for table in tables:
                driver.execute(f"VACUUM (FULL, ANALYZE) {table}")
            driver.autocommit = False
    finally:
        raw.close()


def postgres_major(url: str) -> int:
    """The PostgreSQL server's major version (its pg_dump must be at least as new)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            number = connection.execute(text("SHOW server_version_num")).scalar_one()
    finally:
        engine.dispose()
    return int(number) // 10000


# The functions of the audit trail's triggers, which outlive their tables on PostgreSQL.
_OWN_FUNCTIONS = text(
    "SELECT p.oid::regprocedure::text FROM pg_proc p "
    "JOIN pg_namespace n ON n.oid = p.pronamespace "
    "WHERE n.nspname = current_schema() AND p.proname LIKE 'ratsflow%'"
)


def drop_everything(url: str) -> None:
    """Drops every table of the database and the functions of its audit triggers (which
    outlive their tables on PostgreSQL); ``url`` must be the owner's."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            tables = MetaData()
            with warnings.catch_warnings():
                # The Kennung's index on lower(code) is dropped with its table all the same.
                warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
                tables.reflect(connection)
            tables.drop_all(connection)
            if not is_sqlite(url):
                for function in connection.execute(_OWN_FUNCTIONS).scalars().all():
                    connection.execute(text(f"DROP FUNCTION {function} CASCADE"))
    finally:
        engine.dispose()

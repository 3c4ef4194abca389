"""Alembic environment: the schema is ``SQLModel.metadata``; the URL comes from the config."""

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import service.models  # noqa: F401  (registers every table)
from service.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url must be set by service.migrate"
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            _run_without_foreign_keys(connection)
        else:
            _run(connection)
    engine.dispose()


def _run_without_foreign_keys(connection: Connection) -> None:
    """SQLite changes a column by rebuilding its table (batch mode); with foreign keys on,
    dropping the old copy of a table others reference would fail. The pragma works only
    outside a transaction, so it is set on the driver's connection before the first BEGIN,
    and what the rebuilt tables hold is checked before they are used again."""
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        _run(connection)
        broken = driver.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"Fremdschlüssel nach der Migration verletzt: {broken[:5]}")
    finally:
        driver.execute("PRAGMA foreign_keys=ON")


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()

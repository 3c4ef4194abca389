"""Report tests run on the demo city, with the fixtures of the API tests (one clone of the
loaded demo per test, on SQLite and PostgreSQL; the clock at 01.09.2026, 10:00)."""

from tests.service.api.conftest import (  # noqa: F401 - fixtures, found by pytest by name
    _demo_postgres_template,
    _demo_sqlite_template,
    _fast_password_hashing,
    clock,
    database_url,
)

"""Deadline tests run on the demo city and share its templates."""

from tests.service.api.conftest import (  # noqa: F401 - fixtures, used by name
    _demo_postgres_template,
    _demo_sqlite_template,
    _fast_password_hashing,
    clock,
    database_url,
)
from tests.service.web.conftest import demo  # noqa: F401 - a fixture, used by name

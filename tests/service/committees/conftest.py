"""Committee and meeting tests run on the demo city, through the API and the web (both backends).

The demo database fixtures come from ``tests/service/api``; importing them here makes them
available to this folder, so every folder clones the same templates.
"""

from __future__ import annotations

from tests.service.api.conftest import (  # noqa: F401 - fixtures, used by name
    _demo_postgres_template,
    _demo_sqlite_template,
    _fast_password_hashing,
    clock,
    database_url,
)
from tests.service.api.council_support import client, demo  # noqa: F401 - fixtures

"""Tests of the API kits and of the authorisation matrix run on the demo city: each test gets
its own copy of it (see ``tests/conftest.py``), with the clock at 01.09.2026, 10:00."""

import pytest


@pytest.fixture
def on_demo_city() -> bool:
    return True

"""Report tests that read the demo city (API, web pages, command line)."""

import pytest


@pytest.fixture
def on_demo_city() -> bool:
    return True

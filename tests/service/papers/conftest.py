"""Paper tests run on the demo city, through the API and the web alike (both backends)."""

import pytest


@pytest.fixture
def on_demo_city() -> bool:
    return True

"""Web page tests run on the demo city, like the API tests (same templates, same clock)."""

import pytest


@pytest.fixture
def on_demo_city() -> bool:
    return True

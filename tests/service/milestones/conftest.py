"""Milestone tests run on the demo city."""

import pytest


@pytest.fixture
def on_demo_city() -> bool:
    return True

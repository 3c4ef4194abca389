"""Attachment tests run on the demo city, with the API and the web pages side by side."""

import pytest


@pytest.fixture
def on_demo_city() -> bool:
    return True

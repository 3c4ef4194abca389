"""Outbox tests run on the demo city."""

import pytest

# The in-process SMTP server of the scheduler tests, for the dispatcher's tests here.
from tests.service.scheduler.conftest import inbox, rt, smtp  # noqa: F401


@pytest.fixture
def on_demo_city() -> bool:
    return True

"""Person tests run on the demo city, through the API and the web alike (both backends)."""

import pytest

# The in-process SMTP server of the scheduler tests, for mail sent before an erasure.
from tests.service.scheduler.conftest import inbox, rt, smtp  # noqa: F401


@pytest.fixture
def on_demo_city() -> bool:
    return True

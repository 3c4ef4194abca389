"""Invitation tests run on the demo city and send through a real SMTP server (aiosmtpd)."""

import pytest

from tests.service.scheduler.conftest import inbox, rt, smtp  # noqa: F401


@pytest.fixture
def on_demo_city() -> bool:
    return True

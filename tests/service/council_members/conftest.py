"""Council members' tests run on the demo city: ``rat.mitglied`` (Karin Albrecht) sits in the
FVA and the Stadtrat; the clock stands at 01.09.2026, 10:00."""

import pytest


@pytest.fixture
def on_demo_city() -> bool:
    return True

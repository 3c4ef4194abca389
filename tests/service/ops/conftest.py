"""An operator's view of the test database: commands read it from the environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from service.audit import signing
from service.config import get_settings
from service.runtime import Runtime
from tests.conftest import CHAIN_KEY


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    """The folder an operator keeps outside the database: signing key, erasure register."""
    folder = tmp_path / "keys"
    signing.create_key(folder / "audit-signing.key")
    return folder


@pytest.fixture
def operator(runtime: Runtime, monkeypatch: pytest.MonkeyPatch, keys: Path) -> Iterator[Runtime]:
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", runtime.settings.database_url)
    monkeypatch.setenv("RATSFLOW_CHAIN_KEY", CHAIN_KEY)
    monkeypatch.setenv("RATSFLOW_AUDIT_SIGNING_KEY", str(keys / "audit-signing.key"))
    get_settings.cache_clear()
    try:
        yield runtime
    finally:
        get_settings.cache_clear()

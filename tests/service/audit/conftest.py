"""A runtime whose checkpoints are signed with a key of the test's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.audit import signing
from service.runtime import Runtime


@pytest.fixture
def signing_key(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "audit-signing.key"
    signing.create_key(path)
    return path


@pytest.fixture
def keyed(runtime: Runtime, signing_key: Path) -> Runtime:
    runtime.settings = runtime.settings.model_copy(update={"audit_signing_key": signing_key})
    return runtime

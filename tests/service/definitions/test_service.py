"""Loading definition versions: stored once, audited, and the chain lock taken first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from service.actor import SYSTEM
from service.audit.models import AuditEvent
from service.config import PROJECT_ROOT
from service.definitions.service import store_files, stored_versions
from service.runtime import Runtime
from tests.service.chain_first import while_chain_held

events = AuditEvent.__table__  # type: ignore[attr-defined]


def _new_version(tmp_path: Path) -> tuple[Path, int]:
    """The shipped measure definition as a version no database holds yet."""
    text = (PROJECT_ROOT / "definitions" / "massnahme.yaml").read_text(encoding="utf-8")
    shipped = int(re.search(r"^version: (\d+)$", text, re.MULTILINE).group(1))  # type: ignore[union-attr]
    version = shipped + 100
    path = tmp_path / "massnahme.yaml"
    path.write_text(re.sub(r"^version: \d+$", f"version: {version}", text, flags=re.MULTILINE))
    return path, version


def _store(runtime: Runtime, path: Path) -> list[tuple[str, int, bool]]:
    with runtime.write() as c:
        return store_files(c, runtime.chain_key, [path], SYSTEM, runtime.now())


def _loads(runtime: Runtime) -> int:
    with runtime.read() as c:
        return len(c.execute(select(events.c.id).where(events.c.action == "definition.load")).all())


def test_a_new_version_is_stored_and_audited_once(runtime: Runtime, tmp_path: Path) -> None:
    path, version = _new_version(tmp_path)
    before = _loads(runtime)
    assert _store(runtime, path) == [("massnahme", version, True)]
    assert _store(runtime, path) == [("massnahme", version, False)]
    assert _loads(runtime) == before + 1
    with runtime.read() as c:
        assert ("massnahme", version) in {(n, v) for n, v, _, _ in stored_versions(c)}


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
@pytest.mark.postgres
def test_loading_a_version_waits_for_the_chain_lock_before_it_writes(
    runtime: Runtime, tmp_path: Path
) -> None:
    path, version = _new_version(tmp_path)
    waiting = while_chain_held(runtime, lambda: _store(runtime, path))
    assert waiting.changes == []
    with runtime.read() as c:
        assert ("massnahme", version) in {(n, v) for n, v, _, _ in stored_versions(c)}

"""``ratsflow demo reset``: after trying things out, the demo as on its first start; a
database holding more than the demo is refused in German unless ``--force``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.config import get_settings
from service.runtime import Runtime
from tests import factories
from tests.conftest import CHAIN_KEY
from tests.service.cli_calls import ok, ratsflow


@pytest.fixture
def on_demo_city() -> bool:
    return True


@pytest.fixture
def cli(demo: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", demo.settings.database_url)
    monkeypatch.setenv("RATSFLOW_CHAIN_KEY", CHAIN_KEY)
    monkeypatch.setenv("RATSFLOW_AUDIT_SIGNING_KEY", str(tmp_path / "audit-signing.key"))
    get_settings.cache_clear()
    try:
        yield demo
    finally:
        get_settings.cache_clear()
        demo.engine.dispose()


def _codes() -> list[str]:
    return [m["code"] for m in json.loads(ok("measure", "list", "--json").stdout)]


def test_reset_drops_what_was_tried_and_loads_the_demo_again(cli: Runtime) -> None:
    factories.measure(cli, code="M-99", title="Ausprobiert")
    assert "M-99" in _codes()
    reset = ok("demo", "reset")
    assert "Alle Daten gelöscht." in reset.stdout
    assert "Demodaten der Stadt Aschersleben geladen." in reset.stdout
    assert "ag.leitung" in reset.stdout and "ratsflow-demo" in reset.stdout
    assert _codes() == [f"M-0{i}" for i in range(1, 10)]
    assert ok("audit", "verify").exit_code == 0


def test_reset_keeps_the_neighbour_town_when_it_was_loaded(cli: Runtime) -> None:
    ok("demo", "load", "--with-neighbour")
    reset = ok("demo", "reset")
    assert "Benutzer der Nachbarstadt" in reset.stdout and "buergermeister" in reset.stdout
    assert "Demodaten sind bereits geladen." in ok("demo", "load", "--with-neighbour").stdout


def test_reset_refuses_a_database_with_more_than_the_demo(cli: Runtime) -> None:
    factories.body(cli, slug="magdeburg", name="Landeshauptstadt Magdeburg")
    refused = ratsflow("demo", "reset")
    assert refused.exit_code == 1
    assert "enthält mehr als die Demodaten (weitere Körperschaften: magdeburg)" in refused.output
    assert "ratsflow demo reset --force" in refused.output
    assert "M-01" in _codes()  # nothing was deleted
    forced = ok("demo", "reset", "--force")
    assert "Demodaten der Stadt Aschersleben geladen." in forced.stdout

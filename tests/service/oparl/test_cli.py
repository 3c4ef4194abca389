"""``ratsflow oparl import`` as an operator runs it, and the daily job that repeats it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from service.oparl.importing import import_known_sources
from service.runtime import Runtime
from tests.service.cli_calls import ok, ratsflow
from tests.service.oparl.ris import Ris, serve


@pytest.fixture
def ris() -> Iterator[Ris]:
    with serve() as server:
        yield server


def test_the_command_imports_and_prints_a_german_report(cli_runtime: Runtime, ris: Ris) -> None:
    result = ok("oparl", "import", ris.system_url, "--remote-body", "1")
    assert "Vorlage: 5 neu, 0 geändert" in result.output
    assert "Übersprungen: Gremium" in result.output
    again = ok("oparl", "import", ris.system_url)
    assert "neu" not in again.output


def test_an_interrupted_command_ends_with_exit_1_and_says_it_will_resume(
    cli_runtime: Runtime, ris: Ris
) -> None:
    ris.fail_once.add(f"{ris.base}body/1/meeting?page=2")
    result = ratsflow("oparl", "import", ris.system_url)
    assert result.exit_code == 1
    assert "Abgebrochen" in result.output and "setzt an dieser Stelle fort" in result.output
    resumed = ok("oparl", "import", ris.system_url)
    assert "Fortgesetzt bei Sitzung-Liste" in resumed.output


def test_a_wrong_since_is_refused_with_exit_2(cli_runtime: Runtime, ris: Ris) -> None:
    result = ratsflow("oparl", "import", ris.system_url, "--since", "gestern")
    assert result.exit_code == 2
    assert "kein Zeitpunkt" in result.output


def test_the_daily_job_reads_again_what_was_imported_once(cli_runtime: Runtime, ris: Ris) -> None:
    ok("oparl", "import", ris.system_url)
    ris.change("meeting/2", "2030-01-01T10:00:00+01:00", start="2025-02-21T17:00:00+01:00")
    assert import_known_sources(cli_runtime, cli_runtime.now()) == 1
    with cli_runtime.read() as c:
        starts = c.execute(text("select starts_at from meetings")).scalars().all()
    assert any(str(s).startswith("2025-02-21 16:00") for s in starts)  # 17:00 in Berlin

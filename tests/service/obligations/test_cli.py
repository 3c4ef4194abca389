"""``ratsflow obligation``: the duties listed and one recorded as fulfilled, on the demo city
(both backends)."""

from __future__ import annotations

import json

import pytest

from service.runtime import Runtime
from tests.service.cli_calls import ok, ratsflow


@pytest.fixture
def on_demo_city() -> bool:
    return True


def test_the_duties_are_listed_and_one_is_recorded_as_fulfilled(cli_runtime: Runtime) -> None:
    listed = ok("obligation", "list").output
    assert "VII/0680/24" in listed and "ÜBERFÄLLIG" in listed
    duties = {d["title"]: d for d in json.loads(ok("obligation", "list", "--json").output)}
    info = duties["Arbeitspapier auf Zielerreichung überprüfen und fortschreiben"]
    by_report = duties["Halbjährliche Information des FVA zum Sachstand"]
    not_by_hand = ratsflow(
        "obligation", "fulfil", str(by_report["id"]), "--reference", "FVA", "--as", "ag.leitung"
    )
    assert not_by_hand.exit_code != 0
    assert "von Hand wird sie nicht vermerkt" in not_by_hand.output

    refused = ratsflow(
        "obligation", "fulfil", str(info["id"]), "--reference", "FVA", "--as", "revision"
    )
    assert refused.exit_code != 0
    done = ok(
        "obligation",
        "fulfil",
        str(info["id"]),
        "--reference",
        "Kenntnisnahme FVA 20.11.2024",
        "--on",
        "2024-11-20",
        "--as",
        "ag.leitung",
    )
    assert "nächste Fälligkeit 28.02.2025" in done.output
    again = {d["title"]: d for d in json.loads(ok("obligation", "list", "--json").output)}
    assert again[info["title"]]["fulfilments"] == ["Kenntnisnahme FVA 20.11.2024"]

"""The Sachstandsbericht from the reports service, on the demo city (both backends).

Reading the internal variant is a logged read, through every door. It names non-public
measures and the persons responsible for them: the API (JSON and PDF), the web page and its
PDF and the command line all call the same service read, which commits one
``status_report.read`` before the report is shown, and shows nothing (503) when that cannot
be written. The public variant is not logged.

What the report holds: the clock stands at 01.09.2026, 10:00; the 2025 measures went into
implementation on 14.10.2024 with target 31.12.2026, so 85 % of their time has passed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.actor import SYSTEM
from service.auth.service import actor_for
from service.cli import app as cli
from service.config import get_settings
from service.measures.service import fire, list_measures
from service.reports.period import InvalidPeriod
from service.reports.schemas import ReportMeasure, SachstandReport
from service.reports.service import read_sachstand
from service.runtime import Runtime
from tests.conftest import CHAIN_KEY, FakeClock
from tests.service.api_calls import login
from tests.service.browser import signed_in
from tests.service.reads import audit_fails, reads
from workflow.traffic_light import TrafficLightRules

READER = "kaemmerei"
API = "/api/v1/reports/sachstand?period=2024-H1"


@pytest.fixture
def api(served_app: FastAPI) -> Iterator[TestClient]:
    """The API on the session's app, serving the test's demo city (a client of its own)."""
    with TestClient(served_app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def web(demo: Runtime) -> Iterator[TestClient]:
    with signed_in(demo, READER) as client:
        yield client


DOORS: dict[str, tuple[str, str]] = {
    "api-json": ("api", API),
    "api-pdf": ("api", API + "&format=pdf"),
    "web-page": ("web", "/sachstand?zeitraum=2024-H1"),
    "web-pdf": ("web", "/sachstand/2024-H1.pdf"),
}
PUBLIC: dict[str, tuple[str, str]] = {
    "api-json": ("api", API + "&audience=public"),
    "web-page": ("web", "/sachstand?zeitraum=2024-H1&fassung=oeffentlich"),
}


def fetch(api: TestClient, web: TestClient, door: str, url: str) -> httpx.Response:
    if door == "api":
        return api.get(url, headers=login(api, READER))
    return web.get(url)


def responsible_persons(runtime: Runtime) -> set[int]:
    with runtime.read() as c:
        return {r.responsible_person_id for r in list_measures(c) if r.responsible_person_id}


@pytest.mark.parametrize("door", DOORS)
def test_reading_the_internal_sachstand_is_logged(
    demo: Runtime, api: TestClient, web: TestClient, door: str
) -> None:
    response = fetch(api, web, *DOORS[door])

    assert response.status_code == 200, response.text
    [read] = reads(demo, "status_report.read")
    with demo.read() as c:
        assert read.actor_id == actor_for(c, READER).user_id
    assert read.persons and read.persons <= responsible_persons(demo)


@pytest.mark.parametrize("door", PUBLIC)
def test_the_public_sachstand_is_not_logged(
    demo: Runtime, api: TestClient, web: TestClient, door: str
) -> None:
    response = fetch(api, web, *PUBLIC[door])

    assert response.status_code == 200, response.text
    assert reads(demo, "status_report.read") == []


@pytest.mark.parametrize("door", DOORS)
def test_a_sachstand_whose_read_cannot_be_logged_answers_503_and_shows_nothing(
    demo: Runtime, api: TestClient, web: TestClient, door: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    via, url = DOORS[door]
    headers = login(api, READER) if via == "api" else {}
    audit_fails(monkeypatch)

    response = (api if via == "api" else web).get(url, headers=headers)

    assert response.status_code == 503
    assert "M-01" not in response.text and b"%PDF" not in response.content
    assert response.headers["retry-after"] == "5"


def test_the_command_line_logs_the_internal_sachstand_as_the_system(
    demo: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", demo.settings.database_url)
    monkeypatch.setenv("RATSFLOW_CHAIN_KEY", CHAIN_KEY)
    get_settings.cache_clear()
    try:
        internal = CliRunner().invoke(cli, ["report", "sachstand", "--period", "2024-H1"])
        public = CliRunner().invoke(cli, ["report", "sachstand", "--period", "2024-H1", "--public"])
    finally:
        get_settings.cache_clear()

    assert internal.exit_code == 0 and public.exit_code == 0, internal.output
    [read] = reads(demo, "status_report.read")
    assert read.actor_id is None and read.persons


# --- what the report holds ------------------------------------------------------------------


OPEN = ["M-01", "M-02", "M-04", "M-05", "M-06", "M-07", "M-08"]  # M-09 is a draft


def report(runtime: Runtime, period: str, **kwargs: object) -> SachstandReport:
    return read_sachstand(runtime, SYSTEM, period, **kwargs)  # type: ignore[arg-type]


def measures(result: SachstandReport) -> dict[str, ReportMeasure]:
    return {m.code: m for p in result.programmes for m in p.measures}


def ids(runtime: Runtime) -> dict[str, int]:
    with runtime.read() as c:
        return {r.code: r.id for r in list_measures(c)}


def act(runtime: Runtime, username: str, code: str, event: str, **kwargs: object) -> None:
    with runtime.write() as c:
        fire(runtime, c, actor_for(c, username), ids(runtime)[code], event, **kwargs)  # type: ignore[arg-type]


def test_every_open_measure_is_reported_with_state_progress_light_and_budget(
    runtime: Runtime,
) -> None:
    result = report(runtime, "2026-H2")  # running: as of today

    assert (result.period_start.isoformat(), result.period_end.isoformat()) == (
        "2026-07-01",
        "2026-12-31",
    )
    assert result.as_of.isoformat() == "2026-09-01"
    assert result.body == "Stadt Aschersleben"
    [programme] = result.programmes
    assert programme.paper_reference == "VII/0680/24"
    by_code = measures(result)
    assert list(by_code) == OPEN  # M-03 was finished in 2024
    assert [m.code for m in programme.undecided] == ["M-09"]
    assert programme.undecided[0].light is None
    assert {c: m.light for c, m in by_code.items()} == {
        "M-01": "rot",  # the milestone "Rollout Bürgeramt" is 63 days overdue
        "M-02": "gruen",  # 80 %: 5 points behind
        "M-04": "gelb",
        "M-05": "gelb",  # 60 %: 25 points behind
        "M-06": "gelb",
        "M-07": "rot",  # planned again on 01.09.2025, its deadline long overdue
        "M-08": "gruen",
    }
    e_akte = by_code["M-01"]
    assert (e_akte.state, e_akte.state_label, e_akte.progress) == ("umsetzung", "Umsetzung", 45)
    assert e_akte.start_date.isoformat() == "2024-10-14"  # type: ignore[union-attr]
    assert e_akte.target_date.isoformat() == "2026-12-31"  # type: ignore[union-attr]
    assert e_akte.expected_progress == 85
    assert e_akte.light_reasons == [
        "Meilenstein „Rollout Bürgeramt“ (fällig 30.06.2026) ist seit 63 Tagen überfällig."
    ]
    assert e_akte.budget is not None
    # Planned: 185,000 one-off and 26,000 a year in 2024, and 26,000 in each of the three
    # years of the Finanzplanung that "Im Haushalt einplanen" planned with it.
    assert (e_akte.budget.planned, e_akte.budget.spent, e_akte.budget.spent_percent) == (
        Decimal("289000.00"),
        Decimal("94950.00"),
        33,
    )
    assert e_akte.responsible == "Thomas Behrendt (Leiter Amt 21)"
    assert [(c.key, c.count) for c in result.lights] == [("rot", 2), ("gelb", 3), ("gruen", 2)]
    states = {c.key: c.count for c in result.states}
    assert states["umsetzung"] == 6 and states["zurueckgestellt"] == 0
    assert "entwurf" not in states  # undecided measures are counted apart
    assert result.undecided_count == 1
    assert result.rules.text[0].startswith("Rot: Das Zieldatum ist überschritten")


def test_public_variant_leaves_out_non_public_measures_and_every_name(runtime: Runtime) -> None:
    result = report(runtime, "2026-H2", audience="public")

    by_code = measures(result)
    assert "M-06" not in by_code  # IT-Sicherheitskonzept is not public
    assert list(by_code) == [c for c in OPEN if c != "M-06"]
    assert all(m.responsible is None for m in by_code.values())
    text = result.model_dump_json()
    assert "Behrendt" not in text and "Grundschutz" not in text


def test_a_measure_stopped_in_the_period_is_red_with_its_reason(
    runtime: Runtime, clock: FakeClock
) -> None:
    act(runtime, "ob", "M-05", "stoppen", data={"grund": "Anbieter hat den Vertrag gekündigt."})

    stopped = measures(report(runtime, "2026-H2"))["M-05"]
    assert (stopped.state, stopped.light) == ("gestoppt", "rot")
    assert stopped.light_reasons == ["Die Maßnahme ist im Zustand „Gestoppt“."]
    assert [(d.event, d.text) for d in stopped.delay_reasons] == [
        ("stoppen", "Anbieter hat den Vertrag gekündigt.")
    ]
    # On the first half-year's last day it was still being implemented; the next year it is
    # long over.
    assert measures(report(runtime, "2026-H1"))["M-05"].state == "umsetzung"
    clock.advance(timedelta(days=200))
    assert "M-05" not in measures(report(runtime, "2027-H1"))


def test_deferred_measure_is_red_and_keeps_the_reason_it_was_deferred(
    runtime: Runtime, clock: FakeClock
) -> None:
    act(
        runtime,
        "kaemmerei",
        "M-07",
        "nicht_finanzieren",
        data={"wiedervorlage_am": "2027-03-01"},
        comment="Haushaltssperre 2027.",
    )
    clock.advance(timedelta(days=150))  # 2027: the deferral happened in the previous period

    deferred = measures(report(runtime, "2027-H1"))["M-07"]
    assert deferred.light == "rot"
    assert [(d.on.isoformat(), d.text) for d in deferred.delay_reasons] == [
        ("2026-09-01", "Haushaltssperre 2027.")
    ]


def test_a_reported_delay_reason_is_listed_in_its_period_only(
    runtime: Runtime, clock: FakeClock
) -> None:
    act(
        runtime,
        "ag.leitung",
        "M-04",
        "fortschritt_melden",
        data={"fortschritt": 35, "verzoegerungsgrund": "Schnittstelle des Landes fehlt."},
    )

    late = measures(report(runtime, "2026-H2"))["M-04"]
    assert [d.text for d in late.delay_reasons] == ["Schnittstelle des Landes fehlt."]
    assert late.progress == 35
    assert measures(report(runtime, "2026-H1"))["M-04"].delay_reasons == []


def test_configured_rules_change_the_lights_and_the_printed_rules(runtime: Runtime) -> None:
    lenient = TrafficLightRules(lag_points=70, overdue_red_days=1000, red_states=frozenset())

    result = report(runtime, "2026-H1", rules=lenient)

    lights = {c: m.light for c, m in measures(result).items()}
    assert lights["M-05"] == lights["M-06"] == "gruen"  # far behind, but within 70 points
    assert lights["M-07"] == "gelb"  # its deadline is overdue, not yet 1000 days
    assert "mehr als 70 Prozentpunkte" in result.rules.text[1]


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2024-H3", "„2024-H3“ ist kein Berichtszeitraum"),
        ("2024/1", "erwartet wird Jahr und Halbjahr, z. B. 2024-H1"),
        ("2027-H1", "Der Berichtszeitraum 2027-H1 hat noch nicht begonnen (Beginn 01.01.2027)."),
    ],
)
def test_a_period_that_names_no_half_year_is_refused_in_german(
    runtime: Runtime, period: str, message: str
) -> None:
    with pytest.raises(InvalidPeriod, match=re.escape(message)):
        report(runtime, period)

"""Reading the internal Sachstandsbericht is a logged read, through every door.

The internal variant names non-public measures and the persons responsible for them: the
API (JSON and PDF), the web page and its PDF and the command line all call the same
service read, which commits one ``status_report.read`` before the report is shown, and
shows nothing (503) when that cannot be written. The public variant is not logged.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.auth.service import actor_for
from service.cli import app as cli
from service.config import get_settings
from service.main import create_app
from service.measures.service import list_measures
from service.runtime import Runtime
from tests.conftest import CHAIN_KEY
from tests.service.api_calls import login
from tests.service.browser import signed_in
from tests.service.reads import audit_fails, reads

READER = "kaemmerei"
API = "/api/v1/reports/sachstand?period=2024-H1"


@pytest.fixture
def api(demo: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(demo), raise_server_exceptions=False) as client:
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

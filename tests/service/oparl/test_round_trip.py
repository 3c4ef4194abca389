"""ratsflow's own OParl server imported into an empty second ratsflow database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from service.bootstrap import prepare_database
from service.config import Settings
from service.db import make_engine
from service.main import create_app
from service.oparl.importing import import_system
from service.runtime import Runtime
from tests.conftest import CHAIN_KEY, FakeClock


@pytest.fixture
def second(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, clock: FakeClock
) -> Iterator[Runtime]:
    """An empty, migrated database beside the demo's, on the same backend."""
    release = None
    if backend == "sqlite":
        template: Path = request.getfixturevalue("_sqlite_template")
        target = tmp_path / "second.db"
        shutil.copyfile(template, target)
        url = f"sqlite:///{target}"
    else:
        postgres: Any = request.getfixturevalue("_postgres")
        name = postgres.clone()
        url = postgres.url(name)
        release = lambda: postgres.release(name)  # noqa: E731
    rt = Runtime(Settings(database_url=url, chain_key=CHAIN_KEY), make_engine(url), clock)
    prepare_database(rt)
    try:
        yield rt
    finally:
        rt.engine.dispose()
        if release is not None:
            release()


PUBLIC = {
    "committees": "select name, short_name, kind from committees "
    "where kind in ('rat', 'ausschuss') order by name",
    "meetings": "select c.name, m.starts_at, m.location from meetings m "
    "join committees c on c.id = m.committee_id where c.kind in ('rat', 'ausschuss') "
    "order by m.starts_at",
    "members": "select p.given_name, p.family_name, c.name, m.voting_right from memberships m "
    "join persons p on p.id = m.person_id join committees c on c.id = m.committee_id "
    "where c.kind in ('rat', 'ausschuss') and not p.is_staff and p.erased_at is null "
    "order by c.name, p.family_name, p.given_name",
    "papers": "select reference, title from papers where public order by reference",
    "consultations": "select p.reference, s.position, c.name, s.role, m.starts_at "
    "from consultations s join papers p on p.id = s.paper_id "
    "join committees c on c.id = s.committee_id left join meetings m on m.id = s.meeting_id "
    "where p.public and c.kind in ('rat', 'ausschuss') order by p.reference, s.position",
}


def rows(runtime: Runtime, sql: str) -> list[tuple[Any, ...]]:
    with runtime.read() as c:
        return [
            tuple(v.isoformat() if hasattr(v, "isoformat") else v for v in row)
            for row in c.execute(text(sql))
        ]


def test_the_own_oparl_server_imported_into_an_empty_database_reproduces_the_public_record(
    demo: Runtime, second: Runtime
) -> None:
    with TestClient(create_app(demo)) as http:
        report = import_system(second, "http://testserver/oparl/v1/system", http=http)
    assert report.interrupted is None, report.lines()
    for name, sql in PUBLIC.items():
        original = rows(demo, sql)
        assert original, name
        assert rows(second, sql) == original, name
    # Nothing internal came along: no working group, no staff, no measure.
    assert rows(
        second, "select count(*) from committees where kind not in ('rat', 'ausschuss')"
    ) == [(0,)]
    assert rows(second, "select count(*) from persons where is_staff") == [(0,)]
    assert rows(second, "select count(*) from measures") == [(0,)]


def test_imported_files_without_bytes_are_not_published_again(
    demo: Runtime, second: Runtime
) -> None:
    with TestClient(create_app(demo)) as http:
        import_system(second, "http://testserver/oparl/v1/system", http=http)
    assert rows(second, "select count(*) from attachments where owner_type = 'paper'") == [(1,)]
    with TestClient(create_app(second)) as client:
        body = client.get("/oparl/v1/body").json()["data"][0]
        assert client.get(body["file"]).json()["data"] == []
        paper = client.get(body["paper"]).json()["data"][0]
    assert paper["reference"] == "VII/0680/24"
    assert "auxiliaryFile" not in paper

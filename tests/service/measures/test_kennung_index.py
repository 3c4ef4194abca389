"""A Kennung names one measure of its body, in the database too (migration 0018).

The service's check (``rules.code_holder``) runs before the write; two creates at the same
moment could both pass it. The unique index on (body_id, lower(code)) refuses the second,
and the service answers that refusal as the check would have: create, edit and import alike.
The race is simulated by a check that finds nothing. On the demo city, both backends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from service.imports import repository as import_repository
from service.measures import rules
from service.migrate import alembic_config, upgrade
from service.runtime import Runtime
from tests import factories
from tests.service.api_calls import API, login, snapshot
from tests.service.measures.conftest import ids

HEADER = "Kennung;Titel\n"


def _answers(client: TestClient, send: Callable[[], Any]) -> tuple[int, str, str]:
    response = send()
    problem = response.json()
    return response.status_code, problem["type"], problem["detail"]


def _race(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on the checks find no holder: as if the clashing row was written by another
    transaction between the check and the write."""
    monkeypatch.setattr(rules, "code_holder", lambda *_: None)
    monkeypatch.setattr(import_repository, "codes_of", lambda *_: set())


def test_duplicate_kennung_race_passes_service_check(
    client: TestClient, demo: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: with the check passed, a second measure "m-01" was stored beside "M-01";
    now the database refuses it and the caller gets the check's answer, nothing kept."""
    lead = login(client, "ag.leitung")
    measures = ids(demo)
    programme = client.get(f"{API}/measures/{measures['M-02']}", headers=lead).json()
    create = {"programme_id": programme["programme_id"], "code": "m-01", "title": "Doppelt"}
    rename = {"version": 1, "code": "M-01"}
    draft = measures["M-09"]
    sends: dict[str, Callable[[], Any]] = {
        "create": lambda: client.post(f"{API}/measures", json=create, headers=lead),
        "edit": lambda: client.patch(f"{API}/measures/{draft}", json=rename, headers=lead),
        "import": lambda: client.post(
            f"{API}/measures/import",
            params={"programme": str(programme["programme_id"])},
            files={"file": ("m.csv", (HEADER + "m-01;Doppelt\n").encode())},
            headers=lead,
        ),
    }
    checked = {door: _answers(client, send) for door, send in sends.items()}
    before = snapshot(demo)

    _race(monkeypatch)
    for door, send in sends.items():
        status, kind, detail = _answers(client, send)
        assert (status, kind) == checked[door][:2], (door, detail)
        assert status == 422, door
        assert ("„m-01“" if door != "edit" else "„M-01“") in detail, door
    assert snapshot(demo) == before
    with demo.read() as c:
        codes = [r.code for r in c.execute(text("SELECT code FROM measures")).all()]
    assert sorted(c.lower() for c in codes).count("m-01") == 1


def test_the_index_refuses_a_kennung_in_another_case_but_not_in_another_body(
    demo: Runtime,
) -> None:
    other_body = factories.body(demo, slug="zweite-stadt", name="Zweite Stadt")
    with demo.write() as c:
        c.execute(text("UPDATE measures SET body_id = :b WHERE code = 'M-09'"), {"b": other_body})
        c.execute(text("UPDATE measures SET code = 'm-01' WHERE code = 'M-09'"))
    with pytest.raises(IntegrityError), demo.write() as c:
        c.execute(text("UPDATE measures SET code = 'm-01' WHERE code = 'M-02'"))


def test_the_migration_renames_later_clashes_and_keeps_every_row(runtime: Runtime) -> None:
    first = factories.measure(runtime)
    same_body = [factories.measure(runtime) for _ in range(5)]
    elsewhere = factories.measure(runtime)
    other_body = factories.body(runtime, slug="zweite-stadt", name="Zweite Stadt")
    url = runtime.settings.database_url
    runtime.engine.dispose()
    command.downgrade(alembic_config(url), "0017")
    long_code = "X" * 30
    codes = {
        first: "K-01",
        same_body[0]: "k-01",  # later, same in any case: renamed
        same_body[1]: "K-01-2",  # already there: the suffix skips it
        same_body[2]: "K-01",
        same_body[3]: long_code,
        same_body[4]: long_code.lower(),  # shortened before its suffix
        elsewhere: "K-01",  # another body's: left alone
    }
    engine = create_engine(url)
    with engine.begin() as c:
        for measure_id, code in codes.items():
            c.execute(
                text("UPDATE measures SET code = :code WHERE id = :id"),
                {"code": code, "id": measure_id},
            )
        c.execute(
            text("UPDATE measures SET body_id = :b WHERE id = :id"),
            {"b": other_body, "id": elsewhere},
        )
        count = c.execute(text("SELECT count(*) FROM measures")).scalar_one()
    engine.dispose()

    upgrade(url)

    engine = create_engine(url)
    with engine.connect() as c:
        after = dict(c.execute(text("SELECT id, code FROM measures")).all())
        c.rollback()
        # The index stands (SQLite's reflection skips an index on an expression).
        with pytest.raises(IntegrityError), c.begin():
            c.execute(
                text("UPDATE measures SET code = 'K-01' WHERE id = :id"), {"id": same_body[0]}
            )
    engine.dispose()
    assert len(after) == count
    assert {i: after[i] for i in codes} == {
        first: "K-01",
        same_body[0]: "k-01-3",
        same_body[1]: "K-01-2",
        same_body[2]: "K-01-4",
        same_body[3]: long_code,
        same_body[4]: "x" * 28 + "-2",
        elsewhere: "K-01",
    }

"""A Drucksachennummer names one paper of its body, in any case, in the database too
(migration 0024), as a Kennung names one measure (0018).

The service's check (``repository.reference_holder``) runs before the write; two creates at
the same moment could both pass it. The unique index on (body_id, lower(reference)) refuses
the second, and the service answers that refusal as the check would have, 409 at either
door. The race is simulated by a check that finds nothing the first time it is asked. On the
demo city (VII/0680/24), both backends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from service.papers import repository
from service.runtime import Runtime
from tests import factories
from tests.service.browser import post_form, signed_in
from tests.service.council_support import API, assert_problem, audit_count, login

DEMO = "VII/0680/24"


def _papers(runtime: Runtime, reference: str) -> list[str]:
    with runtime.read() as c:
        rows = c.execute(
            text("SELECT reference FROM papers WHERE lower(reference) = lower(:r)"),
            {"r": reference},
        )
        return [r.reference for r in rows]


def _doors(client: TestClient, runtime: Runtime) -> dict[str, Callable[[str], httpx.Response]]:
    headers = login(client, "sitzungsdienst")
    web = signed_in(runtime, "sitzungsdienst")
    return {
        "api": lambda reference: client.post(
            f"{API}/papers", json={"reference": reference, "title": "Doppelt"}, headers=headers
        ),
        "web": lambda reference: post_form(
            web,
            "/vorlagen/neu",
            "/vorlagen/neu",
            {"reference": reference, "title": "Doppelt", "public": "ja"},
        ),
    }


def _refused(door: str, answer: httpx.Response, said: str) -> None:
    if door == "api":
        problem = assert_problem(answer, 409, "drucksachennummer-vergeben")
        assert problem["detail"] == said
    else:
        assert answer.status_code == 409, answer.text[-1500:]
        assert said in answer.text and 'role="alert"' in answer.text


def _race(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on each create's check finds nothing: as if the clashing paper was written
    by another transaction between the check and the write. Asked again (after the
    database refused the write), it finds the paper."""
    found = repository.reference_holder
    asked: list[object] = []

    def racing(connection: Any, body_id: int, reference: str) -> str | None:
        asked.append(reference)
        return None if len(asked) % 2 == 1 else found(connection, body_id, reference)

    monkeypatch.setattr(repository, "reference_holder", racing)


def test_a_drucksachennummer_in_another_case_is_taken(client: TestClient, demo: Runtime) -> None:
    """Regression: „vii/0680/24“ was stored beside VII/0680/24 (201): the check and the
    constraint compared case. Now it is the same Drucksachennummer, refused alike at both
    doors with the spelling it is stored in."""
    said = f"Die Drucksachennummer „vii/0680/24“ ist bereits vergeben (als „{DEMO}“)."
    before = audit_count(demo)
    for door, send in _doors(client, demo).items():
        _refused(door, send("vii/0680/24"), said)
        _refused(door, send(" Vii/0680/24 "), said.replace("vii/", "Vii/"))
    assert _papers(demo, DEMO) == [DEMO]
    assert audit_count(demo) == before


def test_two_simultaneous_creates_of_one_drucksachennummer_answer_409_not_500(
    client: TestClient, demo: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: with the check passed by both, the second insert broke the unique
    constraint and the caller got a 500 (the form an error page). Now the database refuses
    it in a savepoint and the caller gets the check's answer, 409 problem+json in German;
    nothing of the attempt is kept."""
    doors = _doors(client, demo)
    checked = {door: send(DEMO) for door, send in doors.items()}
    said = f"Die Drucksachennummer „{DEMO}“ ist bereits vergeben."
    in_lower_case = f"Die Drucksachennummer „vii/0680/24“ ist bereits vergeben (als „{DEMO}“)."
    for door, answer in checked.items():
        _refused(door, answer, said)
    before = audit_count(demo)

    _race(monkeypatch)
    for door, send in doors.items():
        _refused(door, send(DEMO), said)
        _refused(door, send("vii/0680/24"), in_lower_case)
    assert _papers(demo, DEMO) == [DEMO]
    assert audit_count(demo) == before


def test_the_index_refuses_a_drucksachennummer_in_another_case_but_not_in_another_body(
    demo: Runtime,
) -> None:
    other_body = factories.body(demo, slug="zweite-stadt", name="Zweite Stadt")
    factories.paper(demo, reference="vii/0680/24", body_id=other_body)
    mine = factories.paper(demo, reference="VII/0681/24")
    with pytest.raises(IntegrityError), demo.write() as c:
        c.execute(text("UPDATE papers SET reference = 'vii/0680/24' WHERE id = :id"), {"id": mine})
    assert sorted(_papers(demo, DEMO)) == [DEMO, "vii/0680/24"]

"""Every list pages with the one keyset cursor of ``service.keyset``, and refuses alike.

The measure list once answered a broken cursor with 404 while the council lists answered
422, and the audit search and the user list had formats of their own.
"""

from __future__ import annotations

import base64
import json

import pytest
from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.council_support import API, assert_problem, committee_id, login

PURPOSE = {"purpose": "Prüfung der Seitenzeiger"}


def _forged(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


# Not base64 JSON, "{}", "[1]", an id beyond any id column, a cursor of another sort order,
# and the old measure format ({"after": id}).
BAD_CURSORS = [
    "kein-cursor",
    "e30=",
    "WzFd",
    _forged({"s": "id", "v": 1, "id": 2**63}),
    _forged({"s": "-zeit", "v": 1, "id": 1}),
    _forged({"after": 1}),
]


def _lists(runtime: Runtime) -> list[tuple[str, str, dict[str, str]]]:
    """(path, user, extra query) of every list that pages with a cursor."""
    fva = committee_id(runtime, "fva")
    return [
        ("/measures", "ag.leitung", {}),
        ("/measures", "ag.leitung", {"sort": "-updated_at"}),
        ("/programmes", "ag.leitung", {}),
        ("/budget-lines", "kaemmerei", {}),
        ("/papers", "sitzungsdienst", {}),
        ("/committees", "sitzungsdienst", {}),
        (f"/committees/{fva}/memberships", "sitzungsdienst", {}),
        ("/meetings", "sitzungsdienst", {}),
        ("/persons", "sitzungsdienst", {}),
        ("/users", "admin", {}),
        ("/audit/events", "datenschutz", PURPOSE),
    ]


def test_a_bad_cursor_gets_the_same_422_problem_on_every_list(
    client: TestClient, demo: Runtime
) -> None:
    tokens: dict[str, dict[str, str]] = {}
    for path, user, extra in _lists(demo):
        auth = tokens.setdefault(user, login(client, user))
        for bad in BAD_CURSORS:
            response = client.get(API + path, params={**extra, "cursor": bad}, headers=auth)
            problem = assert_problem(response, 422, "angaben-fehlen")
            assert [f["field"] for f in problem["fields"]] == ["cursor"], (path, bad)


@pytest.mark.parametrize(
    ("path", "user"),
    [
        ("/measures", "ag.leitung"),
        ("/budget-lines", "kaemmerei"),
        ("/users", "admin"),
        ("/audit/events", "datenschutz"),
    ],
)
def test_every_list_hands_out_cursors_that_name_their_sort(
    client: TestClient, demo: Runtime, path: str, user: str
) -> None:
    extra = PURPOSE if path == "/audit/events" else {}
    page = client.get(API + path, params={**extra, "limit": 1}, headers=login(client, user))
    assert page.status_code == 200, page.text
    cursor = page.json()["next_cursor"]
    payload = json.loads(base64.urlsafe_b64decode(cursor))
    assert set(payload) == {"s", "v", "id"}
    assert payload["s"] == ("-ts" if path == "/audit/events" else "id")

"""Who may call which council endpoint: one table, every role and the public, both backends.

Each row names an endpoint and, written out by hand rather than read from
``service.access``, who may use it; the test asks every demo role and an anonymous caller,
once for a public and once for a non-public item, and compares the exact status codes.
"Public" means: a public paper, a council body (Ausschuss) with its meetings and a council
member; "non-public": a non-public paper, an internal working group (AG) with its meetings
and a member of the administrative staff. A write whose success changes what the next
caller meets (a withdrawn paper, an ended membership) gets a fresh item per call
(``fresh``); the others share one, since a second success looks like the first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.actor import SYSTEM
from service.committees import meetings
from service.committees import service as committees
from service.papers import votes
from service.papers.consultations import consultations_of, insert_consultation
from service.people.service import find_person
from service.runtime import Runtime
from tests import factories as make
from tests.service.council_support import (
    API,
    USERS,
    actor,
    committee_id,
    login,
)

ROLES = (*USERS, None)  # None: anonymous
COUNCIL = "ratsmitglied"  # rat.mitglied, a member of the FVA and the Stadtrat; changes nothing
SESSION = frozenset({"sitzungsdienst"})


# --- what each caller should get --------------------------------------------------------------

Expect = Callable[[str | None, bool], int]


def everyone(status: int = 200) -> Expect:
    return lambda role, public: status


def public_or_staff(hidden: int = 404) -> Expect:
    """Readable by staff; the public sees public items only, and so does a council member
    (who is not staff) unless the item is a paper of a committee they sit in (``members``)."""
    return lambda role, public: 200 if public or role not in (None, COUNCIL) else hidden


def hidden_from_council(hidden: int) -> Expect:
    """Staff only on non-public items; without a login ``hidden``, a signed-in council
    member (who is not staff) is told the item is not found (404)."""
    return lambda role, public: (
        404 if role == COUNCIL and not public else (200 if role is not None or public else hidden)
    )


def members(hidden: int = 404) -> Expect:
    """A paper in the FVA's Beratungsfolge: ``rat.mitglied`` sits in the FVA and reads it
    whole, as staff do; the public sees it when it is public."""
    return lambda role, public: 200 if role is not None or public else hidden


def writers(roles: frozenset[str], ok: int) -> Expect:
    return lambda role, public: 401 if role is None else ok if role in roles else 403


def writers_of_seen(roles: frozenset[str], ok: int) -> Expect:
    """As ``writers``, on an item found first: a council member does not see a non-public
    paper outside their committees, so it is not found (404) for them."""
    refused = writers(roles, ok)
    return lambda role, public: 404 if role == COUNCIL and not public else refused(role, public)


# --- fresh items for one call ----------------------------------------------------------------


def _paper(rt: Runtime, public: bool, **extra: Any) -> dict[str, Any]:
    with rt.write() as c:
        paper_id = make.paper(rt, c, public=public, **extra)
    return {"paper": paper_id}


def _paper_in_committee(rt: Runtime, public: bool) -> dict[str, Any]:
    fva = committee_id(rt, "fva")
    with rt.write() as c:
        paper_id = make.paper(rt, c, public=public, consultations=[(fva, "vorberatung")])
        rt.lifecycle.fire(
            c,
            "paper",
            paper_id,
            "in_vorberatung_geben",
            actor=actor(rt, "ag.leitung"),
            now=rt.now(),
            data={"sitzung_am": "2026-08-26"},
        )
    with rt.read() as c:
        step = consultations_of(c, paper_id)[0].id
    return {"paper": paper_id, "consultation": step, "version": 2}


def _paper_voted(rt: Runtime, public: bool) -> dict[str, Any]:
    ids = _paper_in_committee(rt, public)
    with rt.write() as c:
        recorded = votes.record_vote(
            rt,
            c,
            actor(rt, "sitzungsdienst"),
            ids["paper"],
            votes.VoteRequest(
                committee_slug=None,
                consultation_id=ids["consultation"],
                held_on=date(2026, 8, 26),
                unanimous=True,
            ),
        )
    return {**ids, "vote": recorded.vote_id}


def _paper_left_behind(rt: Runtime, public: bool) -> dict[str, Any]:
    """A paper the FVA's vote sent to the Entscheidung with a second FVA Vorberatung still
    open, as the old rule left it (``service.papers.left_behind``)."""
    ids = _paper_voted(rt, public)
    with rt.write() as c:
        step = insert_consultation(
            rt,
            c,
            SYSTEM,
            paper_id=ids["paper"],
            position=2,
            committee_id=committee_id(rt, "fva"),
            role="vorberatung",
        )
    return {**ids, "consultation": step}


def _committee(rt: Runtime, public: bool) -> dict[str, Any]:
    with rt.write() as c:
        kind = "ausschuss" if public else "ag"
        cid = make.committee(rt, c, members=0, kind=kind)
        person = make.person(rt, c, is_staff=not public)
        mid = committees.insert_membership(
            rt, c, SYSTEM, person_id=person, committee_id=cid, valid_from=date(2024, 1, 1)
        )
        # After the demo's clock (01.09.2026): a meeting that has begun is not cancelled.
        meeting = meetings.insert_meeting(
            rt, c, SYSTEM, committee_id=cid, starts_at=datetime(2026, 9, 16, 15, tzinfo=UTC)
        )
    return {"committee": cid, "membership": mid, "meeting": meeting, "person": person}


def _person(rt: Runtime, public: bool) -> dict[str, Any]:
    with rt.read() as c:
        body = make.body(rt, c)
        # A council member of the Stadtrat, or the Sitzungsdienst's own record.
        pid = (
            find_person(c, body, "Karin", "Albrecht")
            if public
            else find_person(c, body, "Claudia", "Fischer")
        )
    return {"person": pid}


def _measure(rt: Runtime, public: bool) -> dict[str, Any]:
    return {**_paper(rt, public), "measure": make.measure(rt)}


# --- the table --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str
    setup: Callable[[Runtime, bool], dict[str, Any]]
    expect: Expect
    body: Callable[[dict[str, Any], bool], Any] | None = None
    fresh: bool = False  # success changes the item: every caller needs a new one


TABLE = [
    # papers
    Row("papers.list", "GET", "/papers", _paper, everyone()),
    Row("papers.get", "GET", "/papers/{paper}", _paper, public_or_staff()),
    Row("papers.get.fva", "GET", "/papers/{paper}", _paper_in_committee, members()),
    Row("papers.history", "GET", "/papers/{paper}/history", _paper, public_or_staff()),
    Row("papers.history.fva", "GET", "/papers/{paper}/history", _paper_in_committee, members()),
    Row("papers.obligations", "GET", "/papers/{paper}/obligations", _paper, public_or_staff()),
    Row(
        "papers.obligations.fva",
        "GET",
        "/papers/{paper}/obligations",
        _paper_in_committee,
        members(),
    ),
    Row(
        "papers.obligations_create",
        "POST",
        "/papers/{paper}/obligations",
        _paper,
        writers(frozenset({"sitzungsdienst", "verwaltungsleitung"}), 201),
        lambda ids, public: {
            "title": "Halbjährliche Information des FVA",
            "responsible_role": "ag_leitung",
            "due_on": "2026-09-30",
            "every_months": 6,
        },
    ),
    Row(
        "papers.create",
        "POST",
        "/papers",
        lambda rt, public: {},
        writers(frozenset({"ag_leitung", "sitzungsdienst"}), 201),
        lambda ids, public: {"reference": make.unique("X/"), "title": "Neu", "public": public},
    ),
    Row(
        "papers.consultations",
        "POST",
        "/papers/{paper}/consultations",
        _paper,
        writers(SESSION, 201),
        lambda ids, public: {"committee_id": 3, "role": "vorberatung"},
    ),
    Row(
        "papers.consultations.drop",
        "POST",
        "/papers/{paper}/consultations/{consultation}/drop",
        _paper_left_behind,
        writers(SESSION, 200),
        lambda ids, public: {"reason": "Der Ausschuss hat nicht mehr getagt."},
        fresh=True,
    ),
    Row(
        "papers.measures",
        "POST",
        "/papers/{paper}/measures",
        _measure,
        writers(frozenset({"ag_leitung", "sitzungsdienst"}), 200),
        lambda ids, public: {"measure_ids": [ids["measure"]]},
    ),
    Row(
        "papers.transitions",
        "POST",
        "/papers/{paper}/transitions",
        _paper,
        # vorlage.yaml: only the AG lead and the Verwaltungsleitung withdraw a paper.
        writers_of_seen(frozenset({"ag_leitung", "verwaltungsleitung"}), 200),
        lambda ids, public: {"event": "zurueckziehen", "version": 1, "comment": "Erledigt."},
        fresh=True,
    ),
    Row(
        "papers.votes",
        "POST",
        "/papers/{paper}/votes",
        _paper_in_committee,
        writers(SESSION, 201),
        lambda ids, public: {
            "consultation_id": ids["consultation"],
            "held_on": "2026-08-26",
            "version": ids["version"],
            "present": 9,
            "yes": 9,
            "no": 0,
            "abstain": 0,
        },
        fresh=True,
    ),
    Row(
        "papers.votes.correct",
        "PATCH",
        "/papers/{paper}/votes/{vote}",
        _paper_voted,
        writers(SESSION, 200),
        lambda ids, public: {"reason": "Laut Niederschrift.", "decision_text": "Beschlossen."},
    ),
    # committees and memberships
    Row("committees.list", "GET", "/committees", _committee, everyone()),
    Row("committees.get", "GET", "/committees/{committee}", _committee, everyone()),
    Row(
        "committees.create",
        "POST",
        "/committees",
        lambda rt, public: {},
        writers(SESSION, 201),
        lambda ids, public: {
            "slug": make.unique("g-"),
            "name": "Neues Gremium",
            "short_name": "NG",
            "kind": "ausschuss" if public else "ag",
        },
    ),
    Row(
        "committees.edit",
        "PATCH",
        "/committees/{committee}",
        _committee,
        writers(SESSION, 200),
        lambda ids, public: {"name": "Umbenannt"},
    ),
    Row(
        "memberships.list",
        "GET",
        "/committees/{committee}/memberships",
        _committee,
        hidden_from_council(hidden=401),
    ),
    Row(
        "memberships.create",
        "POST",
        "/committees/{committee}/memberships",
        _committee,
        writers(SESSION, 201),
        lambda ids, public: {"person_id": ids["person"], "role": "stellvertretung"},
    ),
    Row(
        "memberships.end",
        "POST",
        "/committees/{committee}/memberships/{membership}/end",
        _committee,
        writers(SESSION, 200),
        lambda ids, public: {"valid_until": "2026-08-31"},
        fresh=True,
    ),
    # meetings
    Row("meetings.list", "GET", "/meetings", _committee, everyone()),
    Row("meetings.get", "GET", "/meetings/{meeting}", _committee, public_or_staff()),
    Row(
        "meetings.attendance",
        "GET",
        "/meetings/{meeting}/attendance",
        _committee,
        public_or_staff(),
    ),
    Row(
        "meetings.create",
        "POST",
        "/meetings",
        _committee,
        writers(SESSION, 201),
        lambda ids, public: {
            "committee_id": ids["committee"],
            "starts_at": "2026-10-01T17:00:00+02:00",
        },
    ),
    Row(
        "meetings.edit",
        "PATCH",
        "/meetings/{meeting}",
        _committee,
        writers(SESSION, 200),
        lambda ids, public: {"location": "Bestehornhaus"},
    ),
    Row(
        "meetings.cancel",
        "POST",
        "/meetings/{meeting}/cancel",
        _committee,
        writers(SESSION, 200),
        lambda ids, public: {"reason": "Beschlussunfähigkeit absehbar"},
    ),
    Row(
        "meetings.agenda_items",
        "POST",
        "/meetings/{meeting}/agenda-items",
        _committee,
        writers(SESSION, 201),
        lambda ids, public: {"number": "Ö 1", "title": "Eröffnung", "public": public},
    ),
    Row(
        "meetings.attendance_put",
        "PUT",
        "/meetings/{meeting}/attendance",
        _committee,
        writers(SESSION, 200),
        lambda ids, public: {"entries": [{"person_id": ids["person"], "status": "anwesend"}]},
    ),
    # persons
    Row("persons.list", "GET", "/persons", _person, everyone()),
    Row("persons.get", "GET", "/persons/{person}", _person, hidden_from_council(hidden=401)),
    Row(
        "persons.create",
        "POST",
        "/persons",
        lambda rt, public: {},
        writers(frozenset({"admin", "ag_leitung", "sitzungsdienst"}), 201),
        lambda ids, public: {"family_name": "Neumann", "is_staff": not public},
    ),
    Row(
        "persons.edit",
        "PATCH",
        "/persons/{person}",
        _person,
        writers(frozenset({"admin", "ag_leitung", "sitzungsdienst"}), 200),
        lambda ids, public: {"function": "Mitglied des Stadtrates"},
    ),
]


@pytest.mark.parametrize("row", TABLE, ids=[r.name for r in TABLE])
def test_each_role_and_the_public_get_exactly_the_status_the_table_names(
    row: Row, client: TestClient, demo: Runtime
) -> None:
    tokens = {role: login(client, user) for role, user in USERS.items()}
    shared = {public: row.setup(demo, public) for public in (True, False)}
    wrong = []
    for public in (True, False):
        for role in ROLES:
            ids = row.setup(demo, public) if row.fresh else shared[public]
            headers = tokens[role] if role is not None else {}
            body = row.body(ids, public) if row.body else None
            response = client.request(
                row.method, API + row.path.format(**ids), json=body, headers=headers
            )
            expected = row.expect(role, public)
            if response.status_code != expected:
                wrong.append(
                    f"{role or 'anonym'} / {'öffentlich' if public else 'nicht öffentlich'}: "
                    f"{response.status_code} statt {expected}: {response.text[:200]}"
                )
            if expected == 401:
                assert response.headers.get("www-authenticate") == "Bearer"
    assert not wrong, "\n".join(wrong)


def test_the_table_covers_every_council_endpoint(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    council = ("/api/v1/papers", "/api/v1/committees", "/api/v1/meetings", "/api/v1/persons")
    served = {
        (method.upper(), path.removeprefix(API))
        for path, operations in spec["paths"].items()
        # Attachments of papers and measures have their own table in test_attachments.py.
        if path.startswith(council) and "/attachments" not in path
        for method in operations
    }
    covered = {(r.method, re.sub(r"\{(\w+)\}", r"{\1_id}", r.path)) for r in TABLE}
    assert served == covered

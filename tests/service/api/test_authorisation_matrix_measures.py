"""The authorisation matrix of the measure side: every endpoint × every role (and
anonymous) × own/foreign × public/non-public measure, each asserting the exact status code.

``ENDPOINTS`` is the one table the cases are generated from. It is written from the roles in
DESIGN.md, not read from ``service.access``, so a wrong entry there fails here. "Own" and
"foreign" are seen from the demo's AG member (``ag.mitglied``, Julia Neumann): she is
responsible for M-04 (public) and M-08 (made non-public below); M-05 (public) and M-06
(non-public) belong to others. All four are in ``umsetzung``.

Each endpoint runs on a database of its own; within it the requests expected to fail run
first, and each must leave the audit trail as it was.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from service.actor import SYSTEM
from service.audit.models import AuditEvent
from service.auth.service import actor_for
from service.budget import routes as budget_routes
from service.budget.models import BudgetLine
from service.measures import routes as measure_routes
from service.measures.models import Measure
from service.measures.service import list_measures
from service.milestones import routes as milestone_routes
from service.milestones.models import Milestone
from service.milestones.service import insert_milestone
from service.programmes import routes as programme_routes
from service.runtime import Runtime
from service.statements import routes as statement_routes
from service.statements.models import Condition
from service.statements.service import insert_statement
from tests.service.api_calls import login

API = "/api/v1"

# One demo user per role; "anonym" sends no token.
USERS = {
    "anonym": None,
    "ag_leitung": "ag.leitung",
    "ag_mitglied": "ag.mitglied",
    "sitzungsdienst": "sitzungsdienst",
    "kaemmerei": "kaemmerei",
    "datenschutz": "datenschutz",
    "informationssicherheit": "informationssicherheit",
    "personalrat": "personalrat",
    "verwaltungsleitung": "dezernent",
    "admin": "admin",
    "revision": "revision",
    "ratsmitglied": "rat.mitglied",
}

ROLES = list(USERS)
# A council member is signed in but not staff: measures are not theirs to read beyond the
# public ones (the Beschlusskontrolle and the reports show them), nor to change.
COUNCIL = "ratsmitglied"
STAFF = set(ROLES) - {"anonym", COUNCIL}
ITEMS = {  # name -> (demo code, own for ag.mitglied, public)
    "own-public": ("M-04", True, True),
    "own-hidden": ("M-08", True, False),
    "foreign-public": ("M-05", False, True),
    "foreign-hidden": ("M-06", False, False),
}
measures = Measure.__table__  # type: ignore[attr-defined]
budget_lines = BudgetLine.__table__  # type: ignore[attr-defined]
milestones = Milestone.__table__  # type: ignore[attr-defined]
conditions = Condition.__table__  # type: ignore[attr-defined]
audit_events = AuditEvent.__table__  # type: ignore[attr-defined]


@dataclass
class World:
    """Ids of the four measures and of one milestone and budget line of each."""

    runtime: Runtime
    measure: dict[str, int] = field(default_factory=dict)
    milestone: dict[str, int] = field(default_factory=dict)
    budget_line: dict[str, int] = field(default_factory=dict)
    # An "ablehnend" DSB statement on each measure (for the Abwägung).
    rejection: dict[str, int] = field(default_factory=dict)
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(100))

    def version(self, item: str) -> int:
        with self.runtime.read() as c:
            query = select(measures.c.version).where(measures.c.id == self.measure[item])
            return int(c.execute(query).scalar_one())


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    json: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    files: dict[str, Any] | None = None


@dataclass(frozen=True)
class Endpoint:
    """Who may call it. ``roles``: succeed on any item; ``own``: only on their own items.

    ``reads``: anyone may call it, on items they may see (the public: public items only).
    ``item``: whether the endpoint addresses one measure (else the item column is moot, and
    "own" says whether the request itself is about the caller's own measure).
    """

    name: str
    build: Callable[[World, str], Request]
    ok: int = 200
    reads: bool = False
    roles: frozenset[str] = frozenset()
    own: frozenset[str] = frozenset()
    item: bool = True
    # The item is looked up before the permission is checked: a signed-in caller who may not
    # see it (a council member, on a non-public measure) is told it is not found.
    finds_first: bool = False


def _r(method: str, path: str, **kw: Any) -> Callable[[World, str], Request]:
    return lambda w, item: Request(method, path.format(m=w.measure.get(item, 0)), **kw)


def _fire(event: str, data: dict[str, Any]) -> Callable[[World, str], Request]:
    return lambda w, item: Request(
        "POST",
        f"{API}/measures/{w.measure[item]}/transitions",
        json={"event": event, "version": w.version(item), "data": data},
    )


def _new_measure(responsible: str | None) -> Callable[[World, str], Request]:
    def build(w: World, item: str) -> Request:
        body: dict[str, Any] = {"programme_id": 1, "code": f"T-{next(w.counter)}", "title": "Neu"}
        if responsible:
            with w.runtime.read() as c:
                owner = c.execute(
                    select(measures.c.responsible_person_id).where(
                        measures.c.id == w.measure[responsible]
                    )
                ).scalar_one()
            body["responsible_person_id"] = owner
        return Request("POST", f"{API}/measures", json=body)

    return build


CSV = "Maßnahme;Haushaltsjahr;Verausgabt\nM-05;2025;1.000,00\n".encode()
LEAD = frozenset({"ag_leitung"})
MEMBER = frozenset({"ag_mitglied"})
STATEMENTS = frozenset({"datenschutz", "informationssicherheit", "personalrat"})


def _fulfil(w: World, item: str) -> Request:
    """The first open Auflage of the item's measure (each success uses one up)."""
    condition = -5
    if w.runtime is not None:
        with w.runtime.read() as c:
            condition = c.execute(
                select(func.min(conditions.c.id)).where(
                    conditions.c.measure_id == w.measure[item], conditions.c.fulfilled_at.is_(None)
                )
            ).scalar_one()
    return Request(
        "POST", f"{API}/measures/{w.measure[item]}/conditions/{condition}/fulfilment", json={}
    )


ENDPOINTS = [
    # reading one measure and its parts
    Endpoint("measure.get", _r("GET", API + "/measures/{m}"), reads=True),
    Endpoint("measure.history", _r("GET", API + "/measures/{m}/history"), reads=True),
    Endpoint("statements.list", _r("GET", API + "/measures/{m}/statements"), reads=True),
    Endpoint(
        "statements.requests", _r("GET", API + "/measures/{m}/statement-requests"), reads=True
    ),
    Endpoint("milestones.list", _r("GET", API + "/measures/{m}/milestones"), reads=True),
    Endpoint("budget.list", _r("GET", API + "/measures/{m}/budget-lines"), reads=True),
    # lists, not about one item
    Endpoint("measures.list", _r("GET", API + "/measures"), reads=True, item=False),
    Endpoint("measures.export", _r("GET", API + "/measures/export.csv"), reads=True, item=False),
    Endpoint(
        "measures.export_xlsx",
        _r("GET", API + "/measures/export?format=xlsx"),
        reads=True,
        item=False,
    ),
    Endpoint("programmes.list", _r("GET", API + "/programmes"), reads=True, item=False),
    Endpoint("programmes.get", _r("GET", API + "/programmes/1"), reads=True, item=False),
    Endpoint(
        "budget.by_year", _r("GET", API + "/budget-lines?fiscal_year=2025"), reads=True, item=False
    ),
    # writing one measure
    Endpoint(
        "measure.edit",
        _r("PATCH", API + "/measures/{m}", json={"description": "Neu."}, headers={"If-Match": "*"}),
        roles=LEAD,
        own=MEMBER,
    ),
    Endpoint(
        "measure.progress",
        _fire("fortschritt_melden", {"fortschritt": 70}),
        roles=LEAD,
        own=MEMBER,
        finds_first=True,
    ),
    Endpoint(
        "measure.stop",
        _fire("stoppen", {"grund": "Test"}),
        roles=frozenset({"verwaltungsleitung"}),
        finds_first=True,
    ),
    Endpoint(
        "statement.create",
        _r(
            "POST",
            API + "/measures/{m}/statements",
            json={"outcome": "zustimmend", "given_on": "2026-08-31"},
        ),
        ok=201,
        roles=STATEMENTS,
        finds_first=True,
    ),
    Endpoint(
        "statement.weigh",
        lambda w, item: Request(
            "POST",
            f"{API}/measures/{w.measure[item]}/statements/{w.rejection[item]}/weighing",
            json={"reason": "Der Nutzen überwiegt."},
        ),
        ok=201,
        roles=frozenset({"verwaltungsleitung"}),
    ),
    Endpoint("condition.fulfil", _fulfil, roles=LEAD | STATEMENTS),
    Endpoint(
        "milestone.create",
        _r("POST", API + "/measures/{m}/milestones", json={"title": "Abnahme"}),
        ok=201,
        roles=LEAD,
        own=MEMBER,
        finds_first=True,
    ),
    Endpoint(
        "milestone.edit",
        lambda w, item: Request(
            "PATCH", f"{API}/milestones/{w.milestone[item]}", json={"done_on": "2026-08-30"}
        ),
        roles=LEAD,
        own=MEMBER,
        finds_first=True,
    ),
    Endpoint(
        "budget.plan",
        _r(
            "POST",
            API + "/measures/{m}/budget-lines",
            json={"fiscal_year": 2027, "one_off_planned": "100.00"},
        ),
        ok=201,
        roles=frozenset({"ag_leitung", "kaemmerei"}),
        finds_first=True,
    ),
    Endpoint(
        "budget.approve",
        lambda w, item: Request(
            "PATCH", f"{API}/budget-lines/{w.budget_line[item]}", json={"approved": "5.00"}
        ),
        roles=frozenset({"kaemmerei"}),
        finds_first=True,
    ),
    Endpoint(
        "budget.spend",
        lambda w, item: Request(
            "PATCH", f"{API}/budget-lines/{w.budget_line[item]}", json={"spent": "10.00"}
        ),
        roles=frozenset({"kaemmerei"}),
        finds_first=True,
    ),
    # creating, not about one existing item
    Endpoint("measure.create_own", _new_measure(None), ok=201, roles=LEAD, own=MEMBER, item=False),
    Endpoint(
        "measure.create_foreign", _new_measure("foreign-public"), ok=201, roles=LEAD, item=False
    ),
    Endpoint(
        "programme.create",
        _r("POST", API + "/programmes", json={"title": "Arbeitspapier Eigenbetriebe"}),
        ok=201,
        roles=LEAD,
        item=False,
    ),
    Endpoint(
        "programme.edit",
        _r("PATCH", API + "/programmes/1", json={"review_cycle": "P3M"}, headers={"If-Match": "*"}),
        roles=LEAD,
        item=False,
    ),
    Endpoint(
        "budget.import",
        lambda w, item: Request(
            "POST",
            f"{API}/budget-lines/import",
            files={"file": ("ausgaben.csv", io.BytesIO(CSV), "text/csv")},
        ),
        roles=frozenset({"kaemmerei"}),
        item=False,
    ),
]


def expected(endpoint: Endpoint, role: str, item: str) -> int:
    _, own, public = ITEMS[item]
    if endpoint.reads:
        if endpoint.item and role in ("anonym", COUNCIL) and not public:
            return 404  # hidden, and indistinguishable from missing
        return endpoint.ok
    if role == "anonym":
        return 401
    if role == COUNCIL and endpoint.finds_first and not public:
        return 404
    if role in endpoint.roles or (role in endpoint.own and own):
        return endpoint.ok
    return 403


def _world(runtime: Runtime) -> World:
    world = World(runtime)
    with runtime.write() as c:
        codes = {row.code: row.id for row in list_measures(c)}
        for item, (code, _, public) in ITEMS.items():
            measure_id = codes[code]
            world.measure[item] = measure_id
            c.execute(update(measures).where(measures.c.id == measure_id).values(public=public))
            world.milestone[item] = insert_milestone(
                runtime, c, SYSTEM, measure_id=measure_id, title=f"Meilenstein {code}"
            )
            # The line of the budget year (the Finanzplanung's years follow it).
            world.budget_line[item] = c.execute(
                select(budget_lines.c.id)
                .where(budget_lines.c.measure_id == measure_id)
                .order_by(budget_lines.c.fiscal_year)
                .limit(1)
            ).scalar_one()
            dsb = actor_for(c, "datenschutz", body=runtime.chain_key)
            world.rejection[item] = insert_statement(
                runtime,
                c,
                dsb,
                measure_id=measure_id,
                kind="datenschutz",
                outcome="ablehnend",
                given_on=date(2026, 8, 31),
            )
            # One Auflage for each role that might succeed in marking one fulfilled.
            insert_statement(
                runtime,
                c,
                dsb,
                measure_id=measure_id,
                kind="datenschutz",
                outcome="mit_auflagen",
                given_on=date(2026, 8, 31),
                conditions=[f"Auflage {n}" for n in range(len(ROLES))],
            )
    return world


def _events(runtime: Runtime) -> int:
    with runtime.read() as c:
        return int(c.execute(select(func.count()).select_from(audit_events)).scalar_one())


def _send(client: TestClient, request: Request, auth: dict[str, str]) -> Any:
    headers = {**auth, **request.headers}
    if request.files is not None:
        return client.request(request.method, request.path, files=request.files, headers=headers)
    return client.request(request.method, request.path, json=request.json, headers=headers)


# The routers of the measure side; other rooms (papers, accounts, attachments) have their own.
ROUTERS = [
    measure_routes.router,
    programme_routes.router,
    statement_routes.router,
    milestone_routes.router,
    budget_routes.router,
]


def test_the_matrix_covers_every_endpoint_of_the_measure_side() -> None:
    """A new endpoint in these routers without a row in ``ENDPOINTS`` fails here."""
    covered = {(r.method, r.path.split("?")[0]) for r in _templates()}
    routes = {
        (method, route.path)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods - {"HEAD"}
    }
    assert len(routes) >= 21  # the measure side as built in issue 5
    assert routes - covered == set()


def _templates() -> list[Request]:
    """Each endpoint's request with path parameters as the app names them."""
    names = {"m": "{measure_id}"}
    fake = World(None)  # type: ignore[arg-type]
    fake.measure = {item: -1 for item in ITEMS}
    fake.milestone = {item: -2 for item in ITEMS}
    fake.budget_line = {item: -3 for item in ITEMS}
    fake.rejection = {item: -4 for item in ITEMS}
    fake.version = lambda item: 1  # type: ignore[method-assign]
    out = []
    for endpoint in ENDPOINTS:
        if endpoint.build.__name__ == "build":
            request = Request("POST", f"{API}/measures")
        else:
            request = endpoint.build(fake, "own-public")
        path = (
            request.path.replace("/-1", "/" + names["m"])
            .replace("/-2", "/{milestone_id}")
            .replace("/-3", "/{line_id}")
            .replace("/-4", "/{statement_id}")
            .replace("/-5", "/{condition_id}")
            .replace("/programmes/1", "/programmes/{programme_id}")
        )
        out.append(Request(request.method, path))
    return out


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
def test_authorisation_matrix(client: TestClient, demo: Runtime, endpoint: Endpoint) -> None:
    world = _world(demo)
    auth = {role: login(client, user) if user else {} for role, user in USERS.items()}
    items = list(ITEMS) if endpoint.item else ["own-public"]
    cases = [(role, item, expected(endpoint, role, item)) for role in ROLES for item in items]
    # Failures first: each must change nothing, and a success must not spoil a later case.
    cases.sort(key=lambda case: case[2] < 300)
    mismatches = []
    for role, item, status in cases:
        before = _events(demo)
        response = _send(client, endpoint.build(world, item), auth[role])
        if response.status_code != status:
            mismatches.append((role, item, status, response.status_code, response.text[:200]))
        elif status >= 400:
            assert response.headers["content-type"].startswith("application/problem+json")
            assert _events(demo) == before, (role, item)
        if status == 401:
            assert response.headers["www-authenticate"] == "Bearer"
    assert mismatches == []

"""A council member changes nothing: every write of the API and every form of the web is
refused for her (403, or 404 for an item she may not see), and the trail stays as it was.

The API's answers are asserted, endpoint by endpoint and item by item, in the three
authorisation matrices (tests/service/api/test_authorisation_matrix_*.py), which fail when an
endpoint has no row; here their expectations for her are read back, so that a row that let
her write would fail even if the app agreed with it. The web's forms are tried here.
"""

from __future__ import annotations

import re

from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from service.actor import SYSTEM
from service.main import create_app
from service.measures.service import list_measures
from service.reports.issuing import issue_report
from service.runtime import Runtime
from tests.service.api import test_authorisation_matrix_council as council_matrix
from tests.service.api import test_authorisation_matrix_measures as measure_matrix
from tests.service.api import test_authorisation_matrix_rest as rest_matrix
from tests.service.browser import csrf_of, signed_in
from tests.service.council_members.support import COUNCIL_MEMBER, paper_in
from tests.service.council_support import API, audit_count, login
from tests.service.reads import accesses

ROLE = "ratsmitglied"
# Her own session, password and calendar address: the only things she changes.
OWN_SESSION = {"auth.token", "auth.logout", "auth.password", "calendar.new", "calendar.revoke"}
WEB_OWN_SESSION = {
    "/login",
    "/logout",
    "/konto/passwort",
    "/konto/kalender/neu",
    "/konto/kalender/widerrufen",
    "/b/{slug}/login",
}
# POSTs that change nothing: a file someone holds, checked against the issued reports.
CHECKS_ONLY = {"reports.verification"}
WEB_CHECKS_ONLY = {"/berichte/pruefen"}


def test_the_matrices_let_her_write_nothing() -> None:
    allowed = []
    for row in council_matrix.TABLE:
        if row.method != "GET":
            allowed += [(row.name, p) for p in (True, False) if row.expect(ROLE, p) < 400]
    for room in rest_matrix.ROOMS.values():
        for rest in room:
            if rest.method != "GET" and rest.name not in OWN_SESSION | CHECKS_ONLY:
                allowed += [(rest.name, c) for c in rest.cases if rest.expect(ROLE, c) < 400]
    for endpoint in measure_matrix.ENDPOINTS:
        if not endpoint.reads:
            allowed += [
                (endpoint.name, item)
                for item in measure_matrix.ITEMS
                if measure_matrix.expected(endpoint, ROLE, item) < 400
            ]
    assert allowed == []


def test_the_matrices_ask_her(client: TestClient) -> None:
    assert council_matrix.USERS[ROLE] == COUNCIL_MEMBER
    assert measure_matrix.USERS[ROLE] == COUNCIL_MEMBER
    # A route without a row fails the matrices themselves; every API write has one.
    spec = client.get("/openapi.json").json()
    writes = [(m, p) for p, ops in spec["paths"].items() for m in ops if m != "get"]
    assert len(writes) > 40


def test_a_staff_persons_record_is_not_found_for_her_rather_than_asking_her_to_sign_in(
    client: TestClient, demo: Runtime
) -> None:
    """Was a 401 "nur für angemeldete Beschäftigte" without a challenge, to a signed-in reader."""
    response = client.get(f"{API}/persons/1", headers=login(client, COUNCIL_MEMBER))
    assert response.status_code == 404, response.text


def _web_posts() -> list[str]:
    return sorted(
        {
            str(route.path)
            for route in iter_route_contexts(create_app().routes)
            if route.methods is not None
            and "POST" in route.methods
            and not str(route.path).startswith((API, "/oparl"))
            and route.path not in WEB_OWN_SESSION | WEB_CHECKS_ONLY
        }
    )


# What a form sends (the rest send nothing): filled in, so that what answers is the question
# of who may, not a missing field.
FORMS = {
    "/berichte/{issued_id}/kenntnisnahme": {"sitzung_am": "2026-08-26"},
    "/massnahmen/neu": {"arbeitspapier": "1", "kennung": "M-99", "titel": "Neu"},
    "/vorlagen/{paper_id}/beratungsfolge": {"gremium": "3", "rolle": "vorberatung"},
    "/vorlagen/{paper_id}/beratungsfolge/{consultation_id}/entfallen": {
        "begruendung": "Der Ausschuss hat nicht mehr getagt."
    },
    "/vorlagen/{paper_id}/massnahmen": {"massnahme": "1"},
    "/vorlagen/{paper_id}/schritte": {
        "ereignis": "zurueckziehen",
        "version": "1",
        "kommentar": "Erledigt.",
    },
}


def _changes(runtime: Runtime) -> int:
    """Events that record a change (a refused form may show its page again: a read)."""
    return audit_count(runtime) - len(accesses(runtime))


def test_every_form_of_the_web_refuses_her(demo: Runtime) -> None:
    paper = paper_in(demo, "fva")  # a paper of her committee: she sees it, changes nothing
    with demo.read() as c:
        measure = next(m.id for m in list_measures(c) if m.code == "M-01")  # public
    with demo.write() as c:
        issued = issue_report(demo, c, SYSTEM, "2026-H1")
    ids = {"paper_id": paper, "measure_id": measure, "issued_id": issued}
    posts = _web_posts()
    assert len(posts) > 20
    wrong = []
    with signed_in(demo, COUNCIL_MEMBER) as web:
        token = csrf_of(web.get("/vorlagen"))
        before = _changes(demo)
        for path in posts:
            url = re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), path)
            response = web.post(url, data={**FORMS.get(path, {}), "csrf_token": token})
            if response.status_code not in (403, 404):
                wrong.append(f"{path}: {response.status_code}")
        assert _changes(demo) == before
    assert wrong == [], "\n".join(wrong)

"""Every single-line text of every domain refuses CR, LF and the other line breaks, with a
422 naming the field; texts of several lines keep their line breaks. Both backends.

The finding: a committee named ``Gremium\\r\\nBcc: x@example.org`` put its line break into
the subject of every invitation. The kit (service/texts.py) refused C0/C1 characters in a
single line already; it let U+2028 and U+2029 through, at which the e-mail library breaks
a header just as at CR/LF (checked by reverting the kit's pattern: the separator cases of
these tests fail).
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.council_support import API, assert_problem, committee_id, login

POISON = "Gremium\r\nBcc: x@example.org"
BREAKS = [POISON, "Gremium\nX", "Gremium\u2028X", "Gremium\u2029X", "Gremium\x85X"]


@pytest.fixture
def on_demo_city() -> bool:
    return True


def _refused(response: Any, field: str) -> None:
    body = assert_problem(response, 422)
    assert [f["field"] for f in body["fields"]] == [field], body
    assert "Steuerzeichen" in body["detail"]


@pytest.mark.parametrize("name", BREAKS)
def test_a_committee_name_with_a_line_break_is_refused(
    client: TestClient, demo: Runtime, name: str
) -> None:
    office = login(client, "sitzungsdienst")
    created = client.post(
        f"{API}/committees",
        json={"slug": "hfa", "name": name, "short_name": "HA", "kind": "ausschuss"},
        headers=office,
    )
    _refused(created, "name")
    fva = committee_id(demo, "fva")
    _refused(client.patch(f"{API}/committees/{fva}", json={"name": name}, headers=office), "name")


def test_every_single_line_text_of_every_domain_refuses_a_line_break(
    client: TestClient, demo: Runtime
) -> None:
    office, admin, lead = (login(client, u) for u in ("sitzungsdienst", "admin", "ag.leitung"))
    treasury = login(client, "kaemmerei")
    fva = committee_id(demo, "fva")
    measure = client.post(
        f"{API}/measures",
        json={"programme_id": 1, "code": "M-20", "title": "Digitale Bauakte"},
        headers=lead,
    )
    assert measure.status_code == 201, measure.text
    measure_url = f"{API}/measures/{measure.json()['id']}"
    cases: list[tuple[str, str, dict[str, Any], dict[str, str], str]] = [
        (
            "post",
            "/committees",
            {"slug": "x", "name": "X", "short_name": POISON, "kind": "ausschuss"},
            office,
            "short_name",
        ),
        (
            "post",
            "/meetings",
            {"committee_id": fva, "starts_at": "2026-10-07T17:00:00+02:00", "location": POISON},
            office,
            "location",
        ),
        ("post", "/persons", {"family_name": POISON}, admin, "family_name"),
        ("post", "/persons", {"family_name": "Muster", "given_name": POISON}, admin, "given_name"),
        ("post", "/persons", {"family_name": "Muster", "email": f"a@b.de{POISON}"}, admin, "email"),
        ("post", "/papers", {"reference": "VII/9/26", "title": POISON}, office, "title"),
        ("post", "/papers", {"reference": f"VII/9{POISON}", "title": "T"}, office, "reference"),
        (
            "post",
            "/measures",
            {"programme_id": 1, "code": f"M-{POISON}", "title": "T"},
            lead,
            "code",
        ),
        ("post", "/measures", {"programme_id": 1, "code": "M-21", "title": POISON}, lead, "title"),
        ("patch", measure_url.removeprefix(API), {"version": 1, "title": POISON}, lead, "title"),
        ("post", "/programmes", {"title": POISON}, lead, "title"),
        ("post", f"{measure_url.removeprefix(API)}/milestones", {"title": POISON}, lead, "title"),
        (
            "post",
            f"{measure_url.removeprefix(API)}/budget-lines",
            {"fiscal_year": 2026, "product_account": POISON},
            treasury,
            "product_account",
        ),
    ]
    for method, path, body, headers, field in cases:
        response = client.request(method.upper(), f"{API}{path}", json=body, headers=headers)
        _refused(response, field)


def test_texts_of_several_lines_keep_their_line_breaks(client: TestClient, demo: Runtime) -> None:
    lead = login(client, "ag.leitung")
    created = client.post(
        f"{API}/measures",
        json={
            "programme_id": 1,
            "code": "M-22",
            "title": "Digitale Bauakte",
            "description": "Erstens\r\nZweitens\n\tDrittens",
        },
        headers=lead,
    )
    assert created.status_code == 201, created.text
    assert created.json()["description"] == "Erstens\r\nZweitens\n\tDrittens"

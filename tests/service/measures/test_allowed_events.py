"""What a caller may fire is computed once (``Lifecycle.allowed_events``): the API's
``allowed_transitions`` and the steps the web page offers are the same list, for every role.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.browser import signed_in
from tests.service.measures.conftest import API, ids, offered_steps, token

STAFF = ("ag.leitung", "ag.mitglied", "sitzungsdienst", "kaemmerei", "datenschutz", "dezernent")


def test_the_api_and_the_web_page_offer_the_same_steps_to_every_role(
    demo: Runtime, api: TestClient
) -> None:
    measure_ids = ids(demo)
    offered: dict[tuple[str, str], list[str]] = {}
    for username in STAFF:
        headers, browser = token(api, username), signed_in(demo, username)
        for code in ("M-01", "M-04", "M-07", "M-09"):
            detail = api.get(f"{API}/measures/{measure_ids[code]}", headers=headers).json()
            by_api = [a["event"] for a in detail["allowed_transitions"]]
            by_page = offered_steps(browser.get(f"/massnahmen/{measure_ids[code]}"))
            assert by_api == by_page, (username, code)
            offered[username, code] = by_page
    # The own-item rule: Julia Neumann reports on her M-04, not on Thomas Behrendt's M-01.
    assert offered["ag.mitglied", "M-04"] == ["fortschritt_melden"]
    assert offered["ag.mitglied", "M-01"] == []
    assert offered["ag.leitung", "M-09"] == ["einreichen", "zurueckziehen"]
    assert offered["kaemmerei", "M-07"] == ["finanzieren", "nicht_finanzieren"]
    assert offered["dezernent", "M-01"] == ["stoppen"]

"""Meine Vertretung: every user names their own deputy and ends the deputyship (demo city,
both backends)."""

from __future__ import annotations

import re

from service.runtime import Runtime
from tests.service.browser import post_form, signed_in


def test_every_user_names_and_ends_their_own_deputy(demo: Runtime) -> None:
    lead = signed_in(demo, "ag.leitung")
    page = "/konto/vertretung"
    backwards = post_form(
        lead, page, page, {"vertretung": "ag.mitglied", "von": "2026-09-20", "bis": "2026-09-10"}
    )
    assert backwards.status_code == 422
    assert "Das Ende liegt vor dem Beginn." in backwards.text
    assert 'value="2026-09-20"' in backwards.text
    named = post_form(
        lead, page, page, {"vertretung": "ag.mitglied", "von": "2026-09-01", "bis": "2026-09-10"}
    )
    assert named.status_code == 303
    assert (
        "Thomas Behrendt" in signed_in(demo, "ag.mitglied").get(page).text
    )  # whom she stands in for
    listing = lead.get(page).text
    withdraw = re.search(r'action="(/konto/vertretung/\d+/beenden)"', listing)
    assert withdraw
    assert post_form(lead, page, withdraw.group(1), {}).status_code == 303
    assert "Keine Vertretung eingetragen." in lead.get(page).text

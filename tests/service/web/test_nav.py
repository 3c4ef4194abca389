"""The navigation shows each room only to the roles that use it, and the rooms themselves
refuse everyone else (demo city at 01.09.2026, both backends)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.browser import post_form, signed_in


def test_each_room_shows_in_the_navigation_only_for_the_roles_that_use_it(demo: Runtime) -> None:
    office = signed_in(demo, "sitzungsdienst").get("/").text
    assert 'href="/sitzungen"' in office and 'href="/verwaltung"' not in office
    admin = signed_in(demo, "admin")
    assert 'href="/verwaltung"' in admin.get("/").text
    dsb = signed_in(demo, "datenschutz")
    assert dsb.get("/verwaltung").status_code == 403
    assert "Keine Berechtigung" in dsb.get("/verwaltung").text
    planned = {"massnahme": "1", "jahr": "2027", "einmalig": "100"}
    assert post_form(dsb, "/haushalt", "/haushalt/ansaetze", planned).status_code == 403
    anonymous = TestClient(admin.app, follow_redirects=False)
    for path in (
        "/vorlagen",
        "/sitzungen",
        "/haushalt",
        "/fristen",
        "/sachstand",
        "/konto/vertretung",
    ):
        answer = anonymous.get(path)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login?weiter=")

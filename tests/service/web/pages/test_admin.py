"""Verwaltung, and the temporary password that opens only the password change (demo city,
both backends)."""

from __future__ import annotations

import re

from service.runtime import Runtime
from tests.service.browser import browser, post_form, sign_in, signed_in


def test_an_admin_creates_a_user_whose_temporary_password_opens_only_the_password_change(
    demo: Runtime,
) -> None:
    admin = signed_in(demo, "admin")
    page = admin.get("/verwaltung").text
    assert "kaemmerei" in page and "massnahme" in page and "vorlage" in page  # users, definitions
    short = post_form(
        admin,
        "/verwaltung",
        "/verwaltung/benutzer",
        {"benutzername": "k.meier", "rolle_kaemmerei": "1", "passwort": "kurz"},
    )
    assert short.status_code == 422
    assert "mindestens 10 Zeichen" in short.text and 'value="k.meier"' in short.text
    assert "kurz" not in short.text.split("<main", 1)[1]  # a password is never echoed
    created = post_form(
        admin,
        "/verwaltung",
        "/verwaltung/benutzer",
        {"benutzername": "k.meier", "rolle_kaemmerei": "1", "passwort": "Anfang-2026!"},
    )
    assert created.status_code == 303

    newcomer = browser(demo)
    assert sign_in(newcomer, "k.meier", "Anfang-2026!").headers["location"] == "/konto/passwort"
    for path in ("/", "/haushalt", "/vorlagen", "/konto/vertretung"):
        answer = newcomer.get(path)
        assert answer.status_code == 303 and answer.headers["location"] == "/konto/passwort"
    assert newcomer.get("/konto/passwort").status_code == 200
    assert newcomer.get("/impressum").status_code == 200
    changed = post_form(
        newcomer,
        "/konto/passwort",
        "/konto/passwort",
        {"bisher": "Anfang-2026!", "neu": "Haushalt-2027!", "wiederholung": "Haushalt-2027!"},
    )
    assert changed.status_code == 200 and "Ihr Passwort wurde geändert." in changed.text
    assert newcomer.get("/haushalt").status_code == 200


def test_an_admin_changes_roles_deactivates_and_resets_a_password(demo: Runtime) -> None:
    admin = signed_in(demo, "admin")
    victim = signed_in(demo, "ag.mitglied")
    listing = admin.get("/verwaltung").text
    user_id = re.search(r'href="/verwaltung/benutzer/(\d+)">ag.mitglied<', listing)
    assert user_id
    url = f"/verwaltung/benutzer/{user_id.group(1)}"
    roles = post_form(
        admin, url, f"{url}/rollen", {"rolle_ag_mitglied": "1", "rolle_personalrat": "1"}
    )
    assert roles.status_code == 303
    assert 'name="rolle_personalrat" value="1" checked' in admin.get(url).text
    none = post_form(admin, url, f"{url}/rollen", {})
    assert none.status_code == 422 and "mindestens eine Rolle" in none.text

    asked = post_form(admin, url, f"{url}/deaktivieren", {})
    assert asked.status_code == 200 and "Benutzer deaktivieren?" in asked.text
    assert victim.get("/massnahmen/neu").status_code == 200  # nothing happened yet
    assert post_form(admin, url, f"{url}/deaktivieren", {"bestaetigt": "ja"}).status_code == 303
    assert "Übersicht der Maßnahmen" not in victim.get("/").text  # the session has ended
    assert sign_in(browser(demo), "ag.mitglied").status_code == 422
    assert post_form(admin, url, f"{url}/reaktivieren", {}).status_code == 303
    reset = post_form(admin, url, f"{url}/passwort", {"passwort": "ag.mitglied"})
    assert reset.status_code == 422 and "nicht der Benutzername" in reset.text
    assert (
        post_form(admin, url, f"{url}/passwort", {"passwort": "Neu-Start-2026"}).status_code == 303
    )
    again = browser(demo)
    assert sign_in(again, "ag.mitglied", "Neu-Start-2026").headers["location"] == "/konto/passwort"

    own = admin.get("/verwaltung").text
    own_id = re.search(r'href="/verwaltung/benutzer/(\d+)">admin<', own)
    assert own_id
    self_url = f"/verwaltung/benutzer/{own_id.group(1)}"
    refused = post_form(admin, self_url, f"{self_url}/deaktivieren", {"bestaetigt": "ja"})
    assert refused.status_code == 409 and "eigenes Konto" in refused.text

"""Verwaltung, and the temporary password that opens only the password change (demo city,
both backends)."""

from __future__ import annotations

import re
from datetime import date

from service.actor import SYSTEM
from service.auth.deputies import name_deputy
from service.auth.service import user_id_by_name
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
    assert changed.status_code == 303
    assert "Ihr Passwort wurde geändert." in newcomer.get(changed.headers["location"]).text
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


def test_the_verwaltung_page_names_a_council_members_person_her_lock_out_and_deputy(
    demo: Runtime,
) -> None:
    """Regression: the page took its names from a web module's list of staff, so the login
    of a council member (rat.mitglied, Karin Albrecht) showed „–“ as its person, and the
    picker for a new login offered no council member. It now reads the service's overview
    of the logins, which the command line prints too: with a lock-out after failed logins
    and the deputy standing in today."""
    with demo.write() as c:
        absent = user_id_by_name(c, "rat.mitglied", demo.body_id)
        name_deputy(
            demo, c, SYSTEM, user_id=absent, deputy_username="sitzungsdienst",
            starts_on=date(2026, 9, 1), ends_on=date(2026, 9, 30),
        )  # fmt: skip
    guessing = browser(demo)
    for _ in range(5):
        assert sign_in(guessing, "rat.mitglied", "falsch-geraten").status_code == 422
    admin = signed_in(demo, "admin")
    page = admin.get("/verwaltung").text
    row = re.search(r">rat\.mitglied</a></td>(.*?)</tr>", page, re.S)
    assert row, page
    cells = re.findall(r"<td>(.*?)</td>", row.group(1), re.S)
    assert cells[0] == "Karin Albrecht (Mitglied des Stadtrates)"
    assert cells[1] == "Ratsmitglied"
    assert "gesperrt bis 01.09.2026, 10:00 Uhr" in cells[2]
    assert cells[3].endswith(" bis 30.09.2026") and "sitzungsdienst" not in cells[3]
    picker = page.split('id="u-person"', 1)[1].split("</select>", 1)[0]
    assert ">Karin Albrecht (Mitglied des Stadtrates)</option>" in picker

    user_page = admin.get(f"/verwaltung/benutzer/{absent}").text
    assert "<dd>Karin Albrecht (Mitglied des Stadtrates)</dd>" in user_page
    assert "nach Fehlversuchen gesperrt bis 01.09.2026, 10:00 Uhr" in user_page

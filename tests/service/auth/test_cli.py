"""``ratsflow user`` against a real database, on SQLite and on PostgreSQL.

``CliRunner`` feeds standard input from ``input=``, which is not a terminal: exactly the
scripted case (``echo … | ratsflow user add``) the password is read from.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from service.actor import SYSTEM
from service.audit.models import AuditDetail, AuditEvent
from service.auth import repository, service, tokens
from service.auth.deputies import name_deputy
from service.demo import data
from service.runtime import Runtime
from tests import factories
from tests.service.cli_calls import ratsflow
from workflow.spec import KNOWN_ROLES

PASSWORD = "Marktplatz-Aschersleben-1"


def test_user_add_reads_the_password_from_stdin_and_the_user_can_log_in(
    cli_runtime: Runtime,
) -> None:
    added = ratsflow(
        "user",
        "add",
        "k.meier",
        "--role",
        "ag_leitung",
        "--role",
        "revision",
        input=PASSWORD + "\n",
    )
    assert added.exit_code == 0, added.output
    assert "Benutzer „k.meier“ angelegt." in added.stdout
    with cli_runtime.read() as c:
        found = tokens.credentials(c, "k.meier", cli_runtime.body_id)
        assert tokens.verify(found, PASSWORD)
        assert not tokens.verify(found, PASSWORD + "x")
        assert found is not None and not found.must_change_password
        # The password is in no audit event nor detail, not even as the hash.
        texts = [*c.execute(select(AuditEvent.payload)).scalars()]
        texts += [v for v in c.execute(select(AuditDetail.value)).scalars() if v]
    assert texts and not any(PASSWORD in t or "argon2" in t for t in texts)

    listed = ratsflow("user", "list")
    assert listed.exit_code == 0
    [block] = [b for b in listed.stdout.split("\n\n") if b.startswith("k.meier")]
    assert "AG-Leitung (ag_leitung), Revision (Rechnungsprüfung) (revision)" in block
    assert "Stand: aktiv" in block

    off = ratsflow("user", "deactivate", "k.meier")
    assert off.exit_code == 0 and "deaktiviert" in off.stdout
    with cli_runtime.read() as c:
        assert not tokens.verify(tokens.credentials(c, "k.meier", cli_runtime.body_id), PASSWORD)
    assert "deaktiviert" in ratsflow("user", "list").stdout


def _users(runtime: Runtime) -> int:
    with runtime.read() as c:
        return int(c.execute(select(func.count()).select_from(repository.users)).scalar_one())


def test_user_add_explains_every_refusal_in_german_and_adds_nothing(
    cli_runtime: Runtime,
) -> None:
    assert ratsflow("user", "add", "a.b", "--role", "admin", input=PASSWORD).exit_code == 0
    before = _users(cli_runtime)
    cases = [
        (("a.c", "--role", "ag_leitung", "--role", "chef"), PASSWORD, "Unbekannte Rolle „chef“"),
        (("a.b", "--role", "admin"), PASSWORD, "Den Benutzer „a.b“ gibt es bereits."),
        (("a.d", "--role", "admin"), "", "Kein Passwort auf der Standardeingabe"),
        (("a.e", "--role", "admin"), "kurz\n", "mindestens 10 Zeichen"),
        (("a.f", "--role", "admin", "--person-id", "4711"), PASSWORD, "Person 4711 gibt es nicht"),
        (("a.g", "--role", "admin"), "1234567890\n", "zu leicht zu erraten"),
        (("a.h", "--role", "admin", "--role", "revision"), PASSWORD, "Funktionstrennung"),
        (("a.i", "--role", "datenschutz", "--role", "admin"), PASSWORD, "Funktionstrennung"),
    ]
    for args, stdin, message in cases:
        result = ratsflow("user", "add", *args, input=stdin)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.stderr, (args, result.stderr)
    assert _users(cli_runtime) == before

    missing = ratsflow("user", "deactivate", "niemand")
    assert missing.exit_code == 1
    assert "Benutzer „niemand“ wurde nicht gefunden." in missing.stderr


def test_user_roles_keeps_admin_apart_from_datenschutz_and_revision(
    cli_runtime: Runtime,
) -> None:
    """Issue 13, item 1 at the CLI: before, there was no ``user roles`` and nothing refused
    ``admin`` with ``revision``; ``user list`` marks an account that combines them."""
    assert ratsflow("user", "add", "k.pruef", "--role", "revision", input=PASSWORD).exit_code == 0
    refused = ratsflow("user", "roles", "k.pruef", "--role", "revision", "--role", "admin")
    assert refused.exit_code == 1 and "Funktionstrennung" in refused.stderr
    done = ratsflow("user", "roles", "k.pruef", "--role", "revision", "--role", "kaemmerei")
    assert done.exit_code == 0
    assert "Kämmerei (kaemmerei), Revision (Rechnungsprüfung) (revision)" in done.output
    with cli_runtime.write() as c:  # an account made before the rule
        c.execute(
            repository.users.update()
            .where(repository.users.c.username == "k.pruef")
            .values(roles=["admin", "revision"])
        )
    listed = ratsflow("user", "list").output
    assert "k.pruef" in listed
    assert "Funktionstrennung verletzt: Administration und Revision (Rechnungsprüfung)" in listed


def test_the_demo_has_one_login_per_role() -> None:
    # ``demo load`` prints these users (see tests/service/test_cli.py); the anonymous
    # ``public`` role is no login.
    roles = [role for person in data.WITH_LOGIN for role in person.roles]
    assert set(roles) == KNOWN_ROLES - {"public"}


def test_user_list_shows_the_persons_name_and_each_role_by_label_and_code(
    cli_runtime: Runtime,
) -> None:
    """Regression: ``ratsflow user list`` printed role codes and „Person 15“. Admins type
    codes into ``user roles``, so every user command now shows each role as its label with
    the code, and the person by name (a council member's too), the state and the deputies;
    ``user show`` shows one login."""
    council = factories.person(
        cli_runtime, given_name="Karin", family_name="Albrecht", function=None, is_staff=False
    )
    added = ratsflow(
        "user", "add", "k.albrecht", "--role", "ratsmitglied", "--person-id", str(council),
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert added.stdout.splitlines() == [
        "Benutzer „k.albrecht“ (Karin Albrecht) angelegt.",
        "  Rollen: Ratsmitglied (ratsmitglied)",
    ]
    lisa = factories.person(cli_runtime, given_name="Lisa", family_name="Schmidt")
    factories.user(cli_runtime, "ag_mitglied", username="l.schmidt", person_id=lisa)
    roles = ratsflow("user", "roles", "l.schmidt", "--role", "kaemmerei", "--role", "ag_leitung")
    assert roles.stdout == (
        "Rollen von „l.schmidt“ (Lisa Schmidt): AG-Leitung (ag_leitung), Kämmerei (kaemmerei).\n"
    )
    with cli_runtime.write() as c:
        absent = service.user_id_by_name(c, "k.albrecht", cli_runtime.body_id)
        name_deputy(
            cli_runtime, c, SYSTEM, user_id=absent, deputy_username="l.schmidt",
            starts_on=date(2024, 1, 8), ends_on=date(2099, 12, 31),
        )  # fmt: skip

    listed = ratsflow("user", "list")
    assert listed.exit_code == 0, listed.output
    blocks = {b.split(" ", 1)[0]: b for b in listed.stdout.strip().split("\n\n")}
    assert blocks["k.albrecht"].splitlines() == [
        "k.albrecht – Karin Albrecht",
        "  Rollen: Ratsmitglied (ratsmitglied)",
        "  Stand: aktiv",
        "  Vertretung: l.schmidt – Lisa Schmidt, 08.01.2024 bis 31.12.2099, gilt heute",
    ]
    assert blocks["l.schmidt"].splitlines()[:3] == [
        "l.schmidt – Lisa Schmidt (Sachbearbeitung)",
        "  Rollen: AG-Leitung (ag_leitung), Kämmerei (kaemmerei)",
        "  Stand: aktiv",
    ]
    assert not re.search(r"Person \d", listed.stdout)

    shown = ratsflow("user", "show", "k.albrecht")
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines[:3] == blocks["k.albrecht"].splitlines()[:3]
    assert lines[3].startswith("  Angelegt: ") and lines[3].endswith(" Uhr")
    assert lines[4:] == [blocks["k.albrecht"].splitlines()[3]]
    off = ratsflow("user", "deactivate", "l.schmidt")
    assert off.stdout == "Benutzer „l.schmidt“ (Lisa Schmidt) ist deaktiviert.\n"
    missing = ratsflow("user", "show", "niemand")
    assert missing.exit_code == 1
    assert missing.stderr == "Benutzer „niemand“ wurde nicht gefunden.\n"
    unknown = ratsflow("user", "roles", "l.schmidt", "--role", "chef")
    assert "Unbekannte Rolle „chef“. Bekannt sind: AG-Leitung (ag_leitung), " in unknown.stderr

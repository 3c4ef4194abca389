"""``ratsflow user``: add, set roles of, deactivate, list and show logins from the command
line.

Changes are made as the system (no login) and audited like any other. A password comes from
standard input when that is not a terminal (scripts, ``echo … |``), else it is asked twice
without echo. What is printed about a login comes from ``service.auth.overview``, as on the
Verwaltung page: the person's name, and each role as its label with the code ``--role``
takes.
"""

from __future__ import annotations

import getpass
import sys
from typing import TYPE_CHECKING

import typer

from service.cli_support import BODY_OPTION, fail, open_runtime, user_errors

if TYPE_CHECKING:
    from service.auth.overview import Account

user_app = typer.Typer(
    no_args_is_help=True, help="Benutzer anlegen, Rollen setzen, deaktivieren, auflisten, zeigen."
)


def _read_password() -> str:
    if not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise fail("Kein Passwort auf der Standardeingabe erhalten.")
        return password
    first = getpass.getpass("Passwort: ")
    if getpass.getpass("Passwort wiederholen: ") != first:
        raise fail("Die beiden Eingaben stimmen nicht überein; nichts wurde angelegt.")
    return first


@user_app.command("add")
def add(
    username: str = typer.Argument(..., help="Anmeldename, z. B. k.meier."),
    roles: list[str] = typer.Option(..., "--role", help="Rolle (mehrfach möglich)."),
    person_id: int | None = typer.Option(None, "--person-id", help="Verknüpfte Person."),
    body: str | None = BODY_OPTION,
) -> None:
    """Legt einen Benutzer mit dauerhaftem Passwort an (von der Standardeingabe).

    Mit mehreren Körperschaften nennt --body die, zu der der Benutzer gehört."""
    from service.actor import SYSTEM
    from service.auth import overview
    from service.auth.password_policy import check_policy
    from service.auth.service import create_user
    from service.auth.tokens import hash_password

    password = _read_password()
    runtime = open_runtime(body)
    with user_errors():
        check_policy(password, username)
        with runtime.write() as connection:
            user_id = create_user(
                runtime,
                connection,
                SYSTEM,
                username=username,
                roles=roles,
                person_id=person_id,
                password_hash=hash_password(password),
            )
            made = overview.account(runtime, connection, user_id)
    typer.echo(f"Benutzer „{username}“{_whose(made)} angelegt.")
    typer.echo(f"  Rollen: {', '.join(made.roles_with_codes)}")


@user_app.command("roles")
def set_roles(
    username: str = typer.Argument(..., help="Anmeldename."),
    roles: list[str] = typer.Option(..., "--role", help="Rolle (mehrfach möglich)."),
    body: str | None = BODY_OPTION,
) -> None:
    """Ersetzt die Rollen eines Benutzers. admin zusammen mit datenschutz oder revision
    wird abgelehnt (Funktionstrennung)."""
    from service.actor import SYSTEM
    from service.auth import overview, service

    runtime = open_runtime(body)
    with user_errors():
        body_id = runtime.body_id
        with runtime.write() as connection:
            user_id = service.user_id_by_name(connection, username, body_id)
            service.set_roles(runtime, connection, SYSTEM, user_id, roles)
            changed = overview.account(runtime, connection, user_id)
    typer.echo(f"Rollen von „{username}“{_whose(changed)}: {', '.join(changed.roles_with_codes)}.")


@user_app.command("deactivate")
def deactivate(
    username: str = typer.Argument(..., help="Anmeldename."),
    body: str | None = BODY_OPTION,
) -> None:
    """Deaktiviert einen Benutzer der Körperschaft; seine Tokens werden sofort ungültig."""
    from service.actor import SYSTEM
    from service.auth import overview, service

    runtime = open_runtime(body)
    with user_errors():
        body_id = runtime.body_id
        with runtime.write() as connection:
            user_id = service.user_id_by_name(connection, username, body_id)
            service.deactivate(runtime, connection, SYSTEM, user_id)
            ended = overview.account(runtime, connection, user_id)
    typer.echo(f"Benutzer „{username}“{_whose(ended)} ist deaktiviert.")


@user_app.command("list")
def list_users(body: str | None = BODY_OPTION) -> None:
    """Listet alle Benutzer der Körperschaft: Person, Rollen (Bezeichnung und Kürzel für
    --role), Stand und laufende Vertretungen (der Abruf wird protokolliert)."""
    from service.actor import SYSTEM
    from service.auth import overview

    with user_errors():
        accounts = overview.read_accounts(open_runtime(body), SYSTEM)
    if not accounts:
        typer.echo("Keine Benutzer.")
    for number, account in enumerate(accounts):
        if number:
            typer.echo("")
        for line in _describe(account):
            typer.echo(line)


@user_app.command("show")
def show(
    username: str = typer.Argument(..., help="Anmeldename."),
    body: str | None = BODY_OPTION,
) -> None:
    """Zeigt einen Benutzer mit Person, Rollen, Stand, Anlagedatum und jeder eingetragenen,
    noch nicht abgelaufenen Vertretung (der Abruf wird protokolliert)."""
    from service.actor import SYSTEM
    from service.auth import overview

    with user_errors():
        account = overview.read_account_named(open_runtime(body), SYSTEM, username)
    for line in _describe(account, full=True):
        typer.echo(line)


def _whose(account: Account) -> str:
    return f" ({account.person})" if account.person else ""


def _describe(account: Account, *, full: bool = False) -> list[str]:
    """The login in a few lines: the login name first, so a line can be found by it."""
    from service.formatting import date_de, datetime_de

    lines = [
        f"{account.username} – {account.person_label or 'ohne Person'}",
        f"  Rollen: {', '.join(account.roles_with_codes)}",
    ]
    state = account.state
    if account.locked_until is not None:
        state += f"; nach Fehlversuchen gesperrt bis {datetime_de(account.locked_until)}"
    lines.append(f"  Stand: {state}")
    if account.duties_combined:
        lines.append(
            f"  Funktionstrennung verletzt: {' und '.join(account.combined_labels)} auf einem "
            "Konto; bitte eine Seite streichen (ratsflow user roles)."
        )
    if full:
        lines.append(f"  Angelegt: {datetime_de(account.created_at)}")
    for deputy in account.deputies:
        if full or deputy.current:
            who = deputy.username
            if deputy.name != deputy.username:
                who += f" – {deputy.name}"
            when = f"{date_de(deputy.starts_on)} bis {date_de(deputy.ends_on)}"
            today = ", gilt heute" if deputy.current else ""
            lines.append(f"  Vertretung: {who}, {when}{today}")
    if full and not account.deputies:
        lines.append("  Vertretung: keine eingetragen")
    return lines

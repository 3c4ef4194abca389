"""``ratsflow user``: add, set roles of, deactivate and list logins from the command line.

Changes are made as the system (no login) and audited like any other. A password comes from
standard input when that is not a terminal (scripts, ``echo … |``), else it is asked twice
without echo.
"""

from __future__ import annotations

import getpass
import sys

import typer

from service.cli_support import BODY_OPTION, fail, open_runtime, user_errors

user_app = typer.Typer(
    no_args_is_help=True, help="Benutzer anlegen, Rollen setzen, deaktivieren, auflisten."
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
    typer.echo(f"Benutzer „{username}“ angelegt (Nr. {user_id}, Rollen: {', '.join(roles)}).")


@user_app.command("roles")
def set_roles(
    username: str = typer.Argument(..., help="Anmeldename."),
    roles: list[str] = typer.Option(..., "--role", help="Rolle (mehrfach möglich)."),
    body: str | None = BODY_OPTION,
) -> None:
    """Ersetzt die Rollen eines Benutzers. admin zusammen mit datenschutz oder revision
    wird abgelehnt (Funktionstrennung)."""
    from service.actor import SYSTEM
    from service.auth import service

    runtime = open_runtime(body)
    with user_errors():
        body_id = runtime.body_id
        with runtime.write() as connection:
            user_id = service.user_id_by_name(connection, username, body_id)
            row = service.set_roles(runtime, connection, SYSTEM, user_id, roles)
    typer.echo(f"Rollen von „{username}“: {', '.join(row.roles)}.")


@user_app.command("deactivate")
def deactivate(
    username: str = typer.Argument(..., help="Anmeldename."),
    body: str | None = BODY_OPTION,
) -> None:
    """Deaktiviert einen Benutzer der Körperschaft; seine Tokens werden sofort ungültig."""
    from service.actor import SYSTEM
    from service.auth import service

    runtime = open_runtime(body)
    with user_errors():
        body_id = runtime.body_id
        with runtime.write() as connection:
            user_id = service.user_id_by_name(connection, username, body_id)
            service.deactivate(runtime, connection, SYSTEM, user_id)
    typer.echo(f"Benutzer „{username}“ ist deaktiviert.")


@user_app.command("list")
def list_users(body: str | None = BODY_OPTION) -> None:
    """Listet alle Benutzer der Körperschaft mit Rollen und Zustand (der Abruf wird
    protokolliert)."""
    from service.actor import SYSTEM
    from service.auth import service

    with user_errors():
        rows = service.read_all_users(open_runtime(body), SYSTEM)
    for row in rows:
        state = "aktiv" if row.active else "deaktiviert"
        if row.active and row.must_change_password:
            state = "aktiv, Passwort vorläufig"
        person = f"Person {row.person_id}" if row.person_id else "ohne Person"
        line = f"{row.username:<24} {', '.join(row.roles):<30} {state:<26} {person}"
        if service.duties_combined(row.roles):
            line += "  (Funktionstrennung: admin mit datenschutz/revision)"
        typer.echo(line)

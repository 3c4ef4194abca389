"""``ratsflow body``: the Körperschaften of a deployment (the operator adds and changes them)."""

from __future__ import annotations

import json
from typing import Any

import typer

from service.cli_support import fail, open_runtime, user_errors

body_app = typer.Typer(no_args_is_help=True, help="Körperschaften anlegen, ändern, auflisten.")


@body_app.command("add")
def add(
    slug: str = typer.Argument(..., help="Kennung, z. B. hecklingen (in Adressen: /b/<kennung>)."),
    name: str = typer.Argument(..., help="Name, z. B. „Stadt Hecklingen“."),
    land: str = typer.Option("ST", "--land", help="Land für die Feiertage, z. B. ST, NI, BY."),
    host: str | None = typer.Option(None, "--host", help="Eigener Hostname der Körperschaft."),
) -> None:
    """Legt eine Körperschaft mit eigener Protokollkette und eigenem Signaturschlüssel an."""
    from service.audit.signing import SigningKeyMissing
    from service.bodies.admin import add_body

    runtime = open_runtime()
    with user_errors():
        try:
            added = add_body(runtime, slug, name, land=land, host=host)
        except SigningKeyMissing as exc:
            raise fail(str(exc)) from None
    typer.echo(f"Körperschaft „{added.name}“ angelegt (Kennung {added.slug}, Land {added.land}).")
    typer.echo(f"Adresse: {runtime.settings.base_url.rstrip('/')}/b/{added.slug}/")
    typer.echo(f"Signaturschlüssel der Prüfpunkte: {added.key_path} (außerhalb sichern).")


@body_app.command("list")
def list_bodies() -> None:
    """Listet die Körperschaften der Installation."""
    from service.bodies.admin import read_bodies

    with user_errors():
        rows = read_bodies(open_runtime())
    for body in rows:
        host = f"  Host {body.host}" if body.host else ""
        typer.echo(f"{body.slug:<24} {body.name:<40} {body.land_name}{host}")


@body_app.command("set")
def set_(
    slug: str = typer.Argument(..., help="Kennung der Körperschaft."),
    name: str | None = typer.Option(None, "--name", help="Neuer Name."),
    land: str | None = typer.Option(None, "--land", help="Land für die Feiertage."),
    host: str | None = typer.Option(None, "--host", help="Eigener Hostname (leer: keiner)."),
    settings: list[str] = typer.Option(
        [],
        "--setting",
        help="SCHLÜSSEL=WERT, z. B. mail_sender='Stadt X <post@x.de>' oder lag_points=20; "
        "SCHLÜSSEL= (leer) nimmt wieder die Vorgabe der Installation.",
    ),
) -> None:
    """Ändert Name, Land, Host oder Einstellungen einer Körperschaft (protokolliert).

    Laufende Dienste lesen die Körperschaft einmal: nach dem Ändern neu starten."""
    from service.bodies.admin import change_body

    given: dict[str, Any] = {}
    for item in settings:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise fail(f"„{item}“: bitte als SCHLÜSSEL=WERT angeben.")
        given[key.strip()] = _value(raw)
    with user_errors():
        changed = change_body(open_runtime(), slug, name=name, land=land, host=host, settings=given)
    typer.echo(f"Körperschaft „{changed.name}“ ({changed.slug}) geändert.")
    for key, value in changed.settings.model_dump(exclude_none=True).items():
        typer.echo(f"  {key} = {value}")


def _value(raw: str) -> Any:
    """A number or a JSON list as typed; any other text as it is; nothing: the default."""
    if raw == "":
        return None
    try:
        return json.loads(raw) if raw[0] in "[0123456789" else raw
    except json.JSONDecodeError:
        return raw

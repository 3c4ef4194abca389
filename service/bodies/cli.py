"""``ratsflow body``: the Körperschaften of a deployment (the operator adds them)."""

from __future__ import annotations

import typer

from service.cli_support import fail, open_runtime, user_errors

body_app = typer.Typer(no_args_is_help=True, help="Körperschaften anlegen und auflisten.")


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

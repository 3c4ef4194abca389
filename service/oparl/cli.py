"""``ratsflow oparl import SYSTEM_URL``: the OParl import from the command line."""

from __future__ import annotations

from datetime import datetime

import typer

from service.cli_support import BODY_OPTION

oparl_app = typer.Typer(no_args_is_help=True, help="OParl 1.1: Daten aus einem RIS übernehmen.")


@oparl_app.command("import")
def import_command(
    system_url: str = typer.Argument(..., help="URL des OParl-System-Objekts des RIS."),
    remote_body: str | None = typer.Option(
        None, "--remote-body", help="Id (URL oder letzter Teil) der Körperschaft im RIS."
    ),
    since: str | None = typer.Option(
        None, "--since", help="Nur seit diesem Zeitpunkt Geändertes (ISO 8601)."
    ),
    body: str | None = BODY_OPTION,
) -> None:
    """Übernimmt Gremien, Personen, Sitzungen und Vorlagen; Exit 1, wenn der Lauf abbrach."""
    from service.cli_support import fail, open_runtime, user_errors
    from service.oparl.importing import import_system
    from workflow.calendar import BERLIN

    moment = None
    if since is not None:
        try:
            moment = datetime.fromisoformat(since)
        except ValueError:
            raise fail(
                f"--since: „{since}“ ist kein Zeitpunkt (z. B. 2026-01-31T00:00).", 2
            ) from None
        moment = moment.replace(tzinfo=BERLIN) if moment.tzinfo is None else moment
    runtime = open_runtime(body)
    with user_errors():
        report = import_system(runtime, system_url, remote_body=remote_body, since=moment)
    for line in report.lines():
        typer.echo(line)
    if report.interrupted:
        raise typer.Exit(1)

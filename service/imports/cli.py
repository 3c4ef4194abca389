"""``ratsflow import measures FILE``: the import from the command line, errors with line."""

from __future__ import annotations

from pathlib import Path

import typer

from service.cli_support import BODY_OPTION

import_app = typer.Typer(no_args_is_help=True, help="Daten aus Dateien übernehmen.")


@import_app.command("measures")
def import_measures_command(
    file: Path = typer.Argument(..., help="CSV- (; , oder Tabulator) oder Excel-Datei (.xlsx)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Nur prüfen, nichts speichern."),
    programme: str | None = typer.Option(
        None, "--programme", help="Arbeitspapier: Nummer oder genauer Titel."
    ),
    as_user: str | None = typer.Option(
        None, "--as", help="Benutzername, unter dem importiert wird (sonst „System“)."
    ),
    body: str | None = BODY_OPTION,
) -> None:
    """Importiert Maßnahmen; ist eine Zeile fehlerhaft, wird nichts gespeichert."""
    from service.actor import SYSTEM
    from service.auth.service import actor_for
    from service.cli_support import open_runtime, user_errors
    from service.imports.service import ImportFailed, import_measures, read_import

    if not file.is_file():
        typer.echo(f"{file}: Datei nicht gefunden.", err=True)
        raise typer.Exit(2)
    runtime = open_runtime(body)
    with user_errors():
        source = read_import(file.name, file.read_bytes())  # before the write lock
    transaction = runtime.read() if dry_run else runtime.write()
    with user_errors(), transaction as connection:
        actor = actor_for(connection, as_user, body=runtime.chain_key) if as_user else SYSTEM
        try:
            report = import_measures(
                runtime,
                connection,
                actor,
                source=source,
                programme=programme,
                dry_run=dry_run,
            )
        except ImportFailed as exc:
            for error in exc.errors:
                typer.echo(f"{file}:{error}", err=True)
            typer.echo(f"{len(exc.errors)} Fehler; nichts wurde gespeichert.", err=True)
            raise typer.Exit(1) from None  # leaves the transaction by rolling it back
    for row in report.rows:
        suffix = f" (Nr. {row.id})" if row.id is not None else ""
        typer.echo(f"Zeile {row.row}: {row.code} {row.title}{suffix}")
    verb = "würden angelegt (Probelauf, nichts gespeichert)" if dry_run else "angelegt"
    typer.echo(f"{len(report.rows)} Maßnahmen {verb}.")

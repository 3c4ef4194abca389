"""The ``ratsflow`` command line: thin commands that call services and print German text."""

from pathlib import Path

import typer

from service.config import get_settings

app = typer.Typer(no_args_is_help=True, help="ratsflow – Beschlusssteuerung für Kommunen.")
definitions_app = typer.Typer(no_args_is_help=True, help="Ablaufdefinitionen prüfen und laden.")
app.add_typer(definitions_app, name="definitions")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Adresse, an der der Dienst lauscht."),
    port: int = typer.Option(8000, help="Port, an dem der Dienst lauscht."),
) -> None:
    """Startet API, Webseiten und Scheduler."""
    import uvicorn

    from service.main import create_app

    typer.echo(f"ratsflow läuft auf http://{host}:{port}")
    uvicorn.run(create_app(), host=host, port=port, log_level="info")


@definitions_app.command("check")
def definitions_check(
    paths: list[Path] = typer.Argument(
        None, help="Dateien oder Ordner; ohne Angabe der Ordner definitions/."
    ),
) -> None:
    """Prüft Ablaufdefinitionen und nennt jeden Fehler mit Datei und Zeile."""
    from workflow.errors import DefinitionError
    from workflow.registry import load_registry

    targets = paths or [get_settings().definitions_dir]
    missing = [p for p in targets if not p.exists()]
    if missing:
        for path in missing:
            typer.echo(f"{path}: Datei oder Ordner nicht gefunden.", err=True)
        raise typer.Exit(2)
    try:
        registry = load_registry(targets)
    except DefinitionError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"{len(exc.problems)} Fehler gefunden.", err=True)
        raise typer.Exit(1) from None
    for spec in registry.specs():
        typer.echo(
            f"{spec.source_file}: „{spec.name}“ Version {spec.version} in Ordnung "
            f"({len(spec.states)} Zustände, {len(spec.transitions)} Übergänge)."
        )

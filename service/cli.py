"""The ``ratsflow`` command line."""

import typer

app = typer.Typer(no_args_is_help=True, help="ratsflow – Beschlusssteuerung für Kommunen.")


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

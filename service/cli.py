"""The ``ratsflow`` command line: thin commands that call services and print German text.

Errors are printed as one German sentence (with file and line for definitions) and a
non-zero exit code; a user never sees a traceback unless asked (``--debug``), not even of
a defect (``service.cli_support.CommandLine``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from service.audit.cli import register as register_audit
from service.auth.cli import user_app
from service.bodies.cli import body_app
from service.cli_support import CommandLine, fail, open_runtime, user_errors
from service.config import get_settings
from service.imports.cli import import_app
from service.measures.cli import measure_app
from service.obligations.cli import obligation_app
from service.oparl.cli import oparl_app
from service.reports.cli import report_app
from service.scheduler.cli import register as register_scheduler

app = typer.Typer(
    cls=CommandLine,
    no_args_is_help=True,
    help="ratsflow – Beschlusssteuerung für Kommunen.",
    pretty_exceptions_enable=False,
)
definitions_app = typer.Typer(no_args_is_help=True, help="Ablaufdefinitionen prüfen und laden.")
db_app = typer.Typer(no_args_is_help=True, help="Datenbank einrichten, sichern, wiederherstellen.")
demo_app = typer.Typer(no_args_is_help=True, help="Demodaten der Stadt Aschersleben.")
app.add_typer(definitions_app, name="definitions")
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(measure_app, name="measure")
app.add_typer(user_app, name="user")
app.add_typer(body_app, name="body")
app.add_typer(obligation_app, name="obligation")
app.add_typer(import_app, name="import")
app.add_typer(report_app, name="report")
app.add_typer(oparl_app, name="oparl")
register_scheduler(app)
register_audit(app)


@app.callback()
def root(
    debug: bool = typer.Option(
        False,
        "--debug",
        envvar="RATSFLOW_DEBUG",
        help="Bei einem unerwarteten Fehler die technischen Einzelheiten (Traceback) ausgeben.",
    ),
) -> None:
    """ratsflow – Beschlusssteuerung für Kommunen."""
    # The option is read where a failure is caught: CommandLine.invoke.


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Adresse, an der der Dienst lauscht."),
    port: int = typer.Option(8000, help="Port, an dem der Dienst lauscht."),
    workers: int = typer.Option(
        1, "--workers", min=1, help="Prozesse für Anfragen (PostgreSQL; Kennzahlen gemeinsam)."
    ),
    unsafe: bool = typer.Option(
        False,
        "--unsafe",
        help="Auf einer öffentlichen Adresse trotz der Bedenken starten (nur zum Ausprobieren).",
    ),
) -> None:
    """Startet API, Webseiten und Scheduler.

    Auf einer Adresse außer localhost startet der Dienst nicht, solange Demo-Passwörter,
    http, fehlender SMTP-Server oder Signaturschlüssel (auf PostgreSQL: die Eigentümer-URL)
    ihn angreifbar machen; ``--unsafe`` startet trotzdem, mit denselben Warnungen."""
    import uvicorn

    from service.ops.logs import configure
    from service.ops.serving import prepare_workers
    from service.outbox.settings import local_mailbox
    from service.safety.service import is_loopback, reasons_against

    with user_errors():
        runtime = open_runtime()
        reasons = reasons_against(runtime, host)
        prepare_workers(runtime.settings, workers)
    if reasons:
        verdict = "startet trotzdem (--unsafe)" if unsafe else "startet nicht"
        typer.echo(f"ratsflow {verdict} auf der öffentlichen Adresse {host}:", err=True)
        for reason in reasons:
            typer.echo(f"  - {reason}", err=True)
        if not unsafe:
            typer.echo("Zum Ausprobieren trotzdem: ratsflow serve --unsafe", err=True)
            raise typer.Exit(2)
    settings = get_settings()
    mailbox = local_mailbox(settings.mail, loopback=is_loopback(host))
    if mailbox is not None:
        # The cached settings are the ones the app's runtime and its scheduler start with.
        settings.mail = settings.mail.model_copy(update={"mail_folder": str(mailbox)})
        os.environ["RATSFLOW_MAIL_FOLDER"] = str(mailbox)  # for worker processes too
        typer.echo(
            f"E-Mails werden nicht versandt, sondern als .eml-Dateien im Ordner {mailbox} "
            "abgelegt (kein SMTP-Server eingerichtet, RATSFLOW_SMTP_HOST)."
        )
    configure(runtime.settings.log_format)
    typer.echo(f"ratsflow läuft auf http://{host}:{port}")
    # Our own line per request replaces uvicorn's, which would log paths with their query
    # (a searched name); log_config=None keeps the handler configured above.
    uvicorn.run(
        "service.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_config=None,
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bringt die Datenbank auf den neuesten Stand und lädt neue Definitionsversionen."""
    from service.bootstrap import prepare_database

    with user_errors():
        stored = prepare_database(open_runtime())
    for name, version, new in stored:
        state = "neu geladen" if new else "bereits vorhanden"
        typer.echo(f"Definition „{name}“ Version {version}: {state}.")
    typer.echo("Datenbank ist auf dem neuesten Stand.")


@db_app.command("backup")
def db_backup(
    file: Path = typer.Argument(..., help="Zieldatei der Sicherung."),
    force: bool = typer.Option(False, "--force", help="Eine bestehende Datei überschreiben."),
) -> None:
    """Sichert die ganze Datenbank in eine Datei (SQLite: Online-Backup; PostgreSQL:
    pg_dump -Fc). Signaturschlüssel und Löschregister gehören getrennt gesichert."""
    from service.ops.backup import backup

    with user_errors():
        backup(get_settings(), file, force=force)
    typer.echo(f"Sicherung geschrieben: {file}.")


@db_app.command("restore")
def db_restore(
    file: Path = typer.Argument(..., help="Die Sicherung (ratsflow db backup)."),
    force: bool = typer.Option(False, "--force", help="Eine Datenbank mit Inhalt ersetzen."),
) -> None:
    """Stellt eine Sicherung in die konfigurierte, leere Datenbank her und löscht danach
    erneut jede Person, die das Löschregister nennt. Den Dienst vorher anhalten."""
    from service.ops.backup import restore
    from service.runtime import system_clock

    with user_errors():
        done = restore(get_settings(), file, system_clock(), force=force)
    typer.echo(f"Sicherung wiederhergestellt: {file}.")
    for body, person_id in done.erased_again:
        typer.echo(f"Person {person_id} ({body}) laut Löschregister erneut gelöscht.")
    typer.echo("Zur Kontrolle: ratsflow audit verify")


@demo_app.command("load")
def demo_load(
    first_start: bool = typer.Option(
        False, "--first-start", help="Nur laden, wenn die Datenbank noch leer ist."
    ),
    city_only: bool = typer.Option(
        False,
        "--city-only",
        help="Nur Stadt, Personen, Anmeldungen und Gremien, ohne Vorlage und Maßnahmen.",
    ),
    with_neighbour: bool = typer.Option(
        False,
        "--with-neighbour",
        help="Dazu die Nachbarstadt Hecklingen als zweite Körperschaft (unter /b/hecklingen/).",
    ),
) -> None:
    """Lädt die Stadt Aschersleben mit der Vorlage VII/0680/24 (idempotent)."""
    from service.demo.neighbour import load_neighbour
    from service.demo.service import load_demo

    runtime = open_runtime()
    with user_errors():
        result = load_demo(runtime, first_start=first_start, city_only=city_only)
    _say_demo_users(result.message, result.users)
    if not with_neighbour:
        return
    with user_errors():
        neighbour = load_neighbour(runtime, city_only=city_only)
    typer.echo(neighbour.message)
    _say_neighbour(runtime.settings.base_url, neighbour.users)


@demo_app.command("reset")
def demo_reset(
    force: bool = typer.Option(
        False,
        "--force",
        help="Auch zurücksetzen, wenn die Datenbank mehr als die Demodaten enthält.",
    ),
) -> None:
    """Löscht alle Daten und lädt die Demo neu, wie beim ersten Start.

    Verweigert das auf einer Datenbank, die mehr als die Demo enthält (etwa eine weitere
    Körperschaft oder keine Demo-Anmeldungen), außer mit --force."""
    from service.demo.neighbour import user_list
    from service.demo.reset import reset_demo

    runtime = open_runtime()
    with user_errors():
        result, with_neighbour = reset_demo(runtime, force=force)
    typer.echo("Alle Daten gelöscht.")
    _say_demo_users(result.message, result.users)
    if with_neighbour:
        _say_neighbour(runtime.settings.base_url, user_list())


def _say_demo_users(message: str, users: tuple[tuple[str, str, tuple[str, ...]], ...]) -> None:
    from service.demo.service import DEMO_PASSWORD

    typer.echo(message)
    if users:
        typer.echo(f"Demo-Benutzer (eine Rolle je Benutzer), Passwort für alle: {DEMO_PASSWORD}")
        for username, who, roles in users:
            typer.echo(f"  {username:<24} {', '.join(roles):<24} {who}")


def _say_neighbour(base_url: str, users: tuple[tuple[str, str, tuple[str, ...]], ...]) -> None:
    from service.demo.neighbour import ADDRESS
    from service.demo.service import DEMO_PASSWORD

    address = base_url.rstrip("/") + ADDRESS
    typer.echo(f"Benutzer der Nachbarstadt, Anmeldung unter {address}, Passwort: {DEMO_PASSWORD}")
    for username, who, roles in users:
        typer.echo(f"  {username:<24} {', '.join(roles):<24} {who}")


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


@definitions_app.command("load")
def definitions_load(
    file: Path = typer.Argument(..., help="Die YAML-Datei der neuen Version."),
) -> None:
    """Registriert eine neue Definitionsversion; sie gilt für neu angelegte Vorgänge."""
    from service.actor import SYSTEM
    from service.definitions.service import store_files

    if not file.exists():
        raise fail(f"{file}: Datei nicht gefunden.", 2)
    runtime = open_runtime()
    with user_errors(), runtime.write() as connection:
        stored = store_files(connection, runtime.chain_key, [file], SYSTEM, runtime.now())
    for name, version, new in stored:
        state = "geladen" if new else "war bereits mit gleichem Inhalt geladen"
        typer.echo(f"„{name}“ Version {version} {state}.")


def main() -> None:  # pragma: no cover - console entry
    app(prog_name="ratsflow")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())

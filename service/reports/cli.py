"""``ratsflow report``: render a report from current data into a file (or to the terminal)."""

from __future__ import annotations

import errno
import sys
from pathlib import Path

import typer

report_app = typer.Typer(no_args_is_help=True, help="Berichte erzeugen.")

_FORMATS = ("html", "pdf", "json")
_OS_REASONS = {
    errno.ENOENT: "Ordner nicht gefunden",
    errno.EACCES: "keine Schreibberechtigung",
    errno.EISDIR: "das ist ein Ordner",
    errno.ENOSPC: "kein Platz auf dem Datenträger",
    errno.EROFS: "Dateisystem nur lesbar",
}


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


@report_app.command("sachstand")
def sachstand_command(
    period: str = typer.Option(..., "--period", help="Halbjahr wie 2024-H1 oder 2024-H2."),
    output_format: str = typer.Option("html", "--format", help="html, pdf oder json."),
    output: Path | None = typer.Option(
        None, "--output", help="Zieldatei; ohne Angabe auf die Standardausgabe (nicht bei PDF)."
    ),
    public: bool = typer.Option(
        False, "--public", help="Öffentliche Fassung: ohne nicht öffentliche Maßnahmen und Namen."
    ),
) -> None:
    """Sachstandsbericht eines Halbjahres aus den aktuellen Daten."""
    from sqlalchemy.exc import OperationalError

    from service.reports.period import InvalidPeriod
    from service.reports.render import render
    from service.reports.service import sachstand
    from service.runtime import Runtime

    if output_format not in _FORMATS:
        raise _fail(f"--format „{output_format}“: erlaubt sind html, pdf oder json.")
    if output_format == "pdf" and output is None:
        raise _fail("Ein PDF braucht eine Zieldatei: --output DATEI.pdf")
    runtime = Runtime.from_settings()
    try:
        with runtime.read() as connection:
            report = sachstand(runtime, connection, period, "public" if public else "internal")
    except InvalidPeriod as exc:
        raise _fail(f"--period: {exc}") from None
    except OperationalError as exc:
        raise _fail(f"Datenbank nicht erreichbar oder nicht eingerichtet: {exc.orig}") from None
    content = render(report, output_format)  # type: ignore[arg-type]
    if output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(content)
    except OSError as exc:
        reason = _OS_REASONS.get(exc.errno or 0, exc.strerror or "Ein-/Ausgabefehler")
        raise _fail(f"{output}: kann nicht geschrieben werden ({reason}).") from None
    typer.echo(
        f"Sachstandsbericht {report.period_label} ({report.measure_count} Maßnahmen) "
        f"geschrieben nach {output}."
    )

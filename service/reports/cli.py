"""``ratsflow report``: render a report from current data into a file (or to the terminal)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from service.cli_support import BODY_OPTION, fail, open_runtime, user_errors, write_failed

report_app = typer.Typer(no_args_is_help=True, help="Berichte erzeugen.")

_FORMATS = ("html", "pdf", "json")


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
    body: str | None = BODY_OPTION,
) -> None:
    """Sachstandsbericht eines Halbjahres aus den aktuellen Daten (die interne Fassung wird
    protokolliert)."""
    from service.actor import SYSTEM
    from service.reports.period import InvalidPeriod
    from service.reports.render import render
    from service.reports.service import read_sachstand

    if output_format not in _FORMATS:
        raise fail(f"--format „{output_format}“: erlaubt sind html, pdf oder json.")
    if output_format == "pdf" and output is None:
        raise fail("Ein PDF braucht eine Zieldatei: --output DATEI.pdf")
    runtime = open_runtime(body)
    with user_errors():
        try:
            report = read_sachstand(runtime, SYSTEM, period, "public" if public else "internal")
        except InvalidPeriod as exc:
            raise fail(f"--period: {exc}") from None
    content = render(report, output_format)  # type: ignore[arg-type]
    if output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(content)
    except OSError as exc:
        raise write_failed(output, exc) from None
    typer.echo(
        f"Sachstandsbericht {report.period_label} ({report.measure_count} Maßnahmen) "
        f"geschrieben nach {output}."
    )

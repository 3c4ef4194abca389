"""``ratsflow report``: render a report into a file (or to the terminal), issue it to the
FVA, and verify that a file is an issued report."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from service.cli_support import (
    BODY_OPTION,
    fail,
    open_runtime,
    os_reason,
    user_errors,
    write_failed,
)

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


@report_app.command("issue")
def issue_command(
    period: str = typer.Option(..., "--period", help="Halbjahr wie 2024-H1 oder 2024-H2."),
    output: Path = typer.Option(..., "--output", help="Zieldatei des ausgegebenen Berichts."),
    output_format: str = typer.Option("pdf", "--format", help="pdf oder json."),
    programme: int | None = typer.Option(
        None, "--programme", help="Nur dieses Arbeitspapier (Nummer); ohne Angabe alle."
    ),
    public: bool = typer.Option(
        False, "--public", help="Öffentliche Fassung: ohne nicht öffentliche Maßnahmen."
    ),
    as_user: str | None = typer.Option(
        None, "--as", help="Benutzername, unter dem ausgegeben wird (sonst „System“)."
    ),
    body: str | None = BODY_OPTION,
) -> None:
    """Gibt den Sachstandsbericht eines Halbjahres aus: friert ihn ein, speichert JSON und PDF
    mit ihrer Prüfsumme im Protokoll und legt die Informationsvorlage für den FVA an."""
    from service.actor import SYSTEM
    from service.auth.service import actor_for
    from service.reports.issuing import issue_report, issued_file, read_issued, title

    if output_format not in ("pdf", "json"):
        raise fail(f"--format „{output_format}“: erlaubt sind pdf oder json.")
    runtime = open_runtime(body)
    with user_errors():
        with runtime.write() as connection:
            actor = actor_for(connection, as_user, body=runtime.chain_key) if as_user else SYSTEM
            issued_id = issue_report(
                runtime,
                connection,
                actor,
                period,
                programme_id=programme,
                audience="public" if public else "internal",
            )
        row = read_issued(runtime, SYSTEM, issued_id)
        file = issued_file(runtime, SYSTEM, issued_id, output_format)  # type: ignore[arg-type]
    try:
        output.write_bytes(file.content)
    except OSError as exc:
        raise write_failed(output, exc) from None
    digest = row.pdf_sha256 if output_format == "pdf" else row.json_sha256
    typer.echo(
        f"{title(row)} ausgegeben als Nr. {row.number}, Stichtag {row.as_of:%d.%m.%Y}; "
        f"Informationsvorlage für den Finanz- und Verwaltungsausschuss zur Kenntnisnahme "
        f"angelegt. {output_format.upper()} geschrieben nach {output} (SHA-256 {digest})."
    )


@report_app.command("verify")
def verify_command(
    file: Path = typer.Argument(..., help="PDF- oder JSON-Datei eines ausgegebenen Berichts."),
    body: str | None = BODY_OPTION,
) -> None:
    """Prüft, ob eine Datei ein unverändert ausgegebener Bericht ist, und sagt welcher (wie
    die Seite /berichte/pruefen; Exit 1, wenn nicht)."""
    from service.actor import SYSTEM
    from service.reports.verification import verify_file

    try:
        content = file.read_bytes()
    except OSError as exc:
        raise fail(f"{file}: kann nicht gelesen werden ({os_reason(exc)}).") from None
    runtime = open_runtime(body)
    with user_errors():
        found = verify_file(runtime, SYSTEM, content)
    if not found.issued:
        raise fail("\n".join([f"{file}: {found.text}", *found.warnings()]))
    typer.echo(f"{file}: {found.text}")
    for warning in found.warnings():
        typer.echo(warning, err=True)

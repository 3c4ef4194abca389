"""``ratsflow scheduler``, ``ratsflow outbox`` and ``ratsflow invitation`` commands."""

from __future__ import annotations

import signal
import threading

import typer

from service.cli_support import BODY_OPTION, fail, open_runtime, user_errors

scheduler_app = typer.Typer(
    help="Zeitplan: Fristen, Erinnerungen, Sachstand und Überprüfungen als eigener Prozess.",
    invoke_without_command=True,
)
outbox_app = typer.Typer(
    no_args_is_help=True, help="Postausgang: versandte und fehlgeschlagene E-Mails."
)
invitation_app = typer.Typer(no_args_is_help=True, help="Sitzungseinladungen mit Kalendereintrag.")


def register(app: typer.Typer) -> None:
    app.add_typer(scheduler_app, name="scheduler")
    app.add_typer(outbox_app, name="outbox")
    app.add_typer(invitation_app, name="invitation")


@scheduler_app.callback()
def scheduler_main(ctx: typer.Context) -> None:
    """Startet den Scheduler; auf PostgreSQL wartet ein zweiter Prozess als Bereitschaft."""
    if ctx.invoked_subcommand is not None:
        return
    from service.ops.logs import configure
    from service.scheduler.runner import SchedulerRunner

    with user_errors():
        runtime = open_runtime()
        configure(runtime.settings.log_format)
        stop = threading.Event()
        runner = SchedulerRunner(runtime, on_state=lambda m: typer.echo(m))
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        runner.start()
        stop.wait()
        typer.echo("Scheduler wird beendet.")
        runner.stop()


@scheduler_app.command("jobs")
def scheduler_jobs() -> None:
    """Listet die Aufträge mit Kennung, Zeitplan und zuletzt erledigtem Zeitraum."""
    from service.scheduler import service as scheduler
    from service.scheduler.jobs import job_specs
    from workflow.calendar import to_local

    runtime = open_runtime()
    with runtime.read() as connection:
        for spec in job_specs(runtime.settings.schedule):
            plan = spec.cron if spec.cron else f"alle {spec.seconds} s"
            last = scheduler.last_period(connection, spec.id) if spec.periodic else None
            done = f"  zuletzt: {to_local(last):%d.%m.%Y %H:%M}" if last else ""
            typer.echo(f"{spec.id:<24} {plan:<18} {spec.label}{done}")


@scheduler_app.command("run")
def scheduler_run(job_id: str = typer.Argument(..., metavar="AUFTRAG")) -> None:
    """Führt einen Auftrag jetzt einmal aus (unabhängig von seinem Zeitraum)."""
    from service.scheduler.jobs import job_specs

    runtime = open_runtime()
    specs = {s.id: s for s in job_specs(runtime.settings.schedule)}
    if job_id not in specs:
        raise fail(f"Unbekannter Auftrag „{job_id}“. Bekannt: {', '.join(specs)}.", 2)
    with user_errors():
        result = specs[job_id].function(runtime, runtime.now())
    typer.echo(f"„{specs[job_id].label}“ ausgeführt: {result}.")


@outbox_app.command("list")
def outbox_list(
    failed: bool = typer.Option(False, "--failed", help="Nur endgültig fehlgeschlagene."),
    status: str | None = typer.Option(None, "--status", help="pending, sending, sent, failed."),
    limit: int = typer.Option(100, "--limit", help="Höchstens so viele Zeilen."),
    body: str | None = BODY_OPTION,
) -> None:
    """Listet den Postausgang der Körperschaft: Nummer, Zustand, Versuche, Empfänger,
    Betreff, letzter Fehler."""
    from service.actor import SYSTEM
    from service.outbox.service import STATUS_LABELS, read_messages
    from workflow.calendar import to_local

    statuses = ["failed"] if failed else ([status] if status else None)
    with user_errors():
        rows = read_messages(open_runtime(body), SYSTEM, statuses, None, limit).rows
    if not rows:
        typer.echo("Keine Nachrichten.")
    for r in rows:
        when = to_local(r.sent_at or r.next_attempt_at)
        typer.echo(
            f"{r.id:>6}  {STATUS_LABELS.get(r.status, r.status):<15} {r.attempts:>2}×  "
            f"{when:%d.%m.%Y %H:%M}  {r.recipient_email:<32} {r.subject}"
        )
        if r.last_error:
            typer.echo(f"        Fehler: {r.last_error}")


@outbox_app.command("retry")
def outbox_retry(
    message_id: int = typer.Argument(..., metavar="ID"), body: str | None = BODY_OPTION
) -> None:
    """Stellt eine fehlgeschlagene Nachricht erneut in den Versand (gleiche Message-ID)."""
    from service.actor import SYSTEM
    from service.outbox.service import retry

    runtime = open_runtime(body)
    with user_errors(), runtime.write() as connection:
        retry(connection, runtime.chain_key, message_id, SYSTEM, runtime.now())
    typer.echo(f"Nachricht {message_id} wird beim nächsten Versandlauf erneut gesendet.")


@outbox_app.command("send")
def outbox_send() -> None:
    """Versendet jetzt alle fälligen Nachrichten (sonst tut das der Scheduler)."""
    from service.outbox.dispatcher import dispatch

    with user_errors():
        result = dispatch(open_runtime())
    typer.echo(
        f"Versandt: {result.sent}, später erneut: {result.retrying}, "
        f"fehlgeschlagen: {result.failed}."
    )


@invitation_app.command("send")
def invitation_send(meeting_id: int = typer.Argument(..., metavar="SITZUNG")) -> None:
    """Lädt die Mitglieder zur Sitzung ein (mit ICS) und prüft die Ladungsfrist; nach einer
    Verlegung erhalten alle die geänderte Einladung, nach neuen Tagesordnungspunkten den
    Nachtrag zur Einladung."""
    from service.actor import SYSTEM
    from service.invitations.service import send_invitation

    runtime = open_runtime()
    with user_errors(), runtime.write() as connection:
        result = send_invitation(runtime, connection, SYSTEM, meeting_id)
    if result.changed:
        typer.echo(f"Geänderte Einladung an {_members(result.changed)} vorgemerkt.")
    if result.supplemented:
        typer.echo(
            f"Nachtrag zur Einladung an {_members(result.supplemented)} vorgemerkt; neu auf "
            f"der Tagesordnung: {'; '.join(result.added)}."
        )
    if result.first or not result.invited:
        typer.echo(f"Einladung an {_members(result.first)} vorgemerkt.")
    if result.already:
        typer.echo(
            f"{_members(result.already)} {'hatte' if result.already == 1 else 'hatten'} diese "
            "Fassung schon; erneut geht eine Einladung hinaus, wenn Beginn oder Ort der "
            "Sitzung sich ändern (geänderte Einladung) oder Punkte auf die Tagesordnung kommen "
            "(Nachtrag)."
        )
    if result.without_email:
        typer.echo(
            "Ohne E-Mail-Adresse, bitte auf anderem Weg einladen (z. B. per Post): "
            f"{', '.join(result.without_email)}."
        )
        typer.echo(
            f"Ihre Einladung ging zur Weitergabe an: {', '.join(result.passed_to)}."
            if result.passed_to
            else "Ihre Einladung ging an niemanden: kein Sitzungsdienst hat eine E-Mail-Adresse."
        )
    if result.late:
        typer.echo(
            f"Ladungsfrist verletzt: Versand war bis {result.last_day:%d.%m.%Y} "
            "nötig; der Sitzungsdienst ist informiert.",
            err=True,
        )


def _members(count: int) -> str:
    return "1 Mitglied" if count == 1 else f"{count} Mitglieder"

"""``ratsflow audit …`` and ``ratsflow person erase``: the trail from the command line.

Searches and exports act as a named user (``--as``) who must hold the Datenschutz or
Revision role, and state a purpose, exactly as through the API. Retention and erasure are
operator commands on the owner connection (``RATSFLOW_ADMIN_DATABASE_URL``).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import typer

from service.cli_support import BODY_OPTION, fail, open_runtime, user_errors, write_failed

app = typer.Typer(no_args_is_help=True, help="Protokoll (Audit-Trail) durchsuchen und prüfen.")
person_app = typer.Typer(no_args_is_help=True, help="Personen (Löschung nach Art. 17 DSGVO).")


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="audit")
    parent.add_typer(person_app, name="person")


AS_USER = typer.Option(..., "--as", help="Benutzer (Rolle datenschutz oder revision).")
PURPOSE = typer.Option(..., "--purpose", "--zweck", help="Zweck der Abfrage (Pflicht).")


def _moment(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    from workflow.calendar import BERLIN

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise fail(
            f"{option} „{value}“: erwartet ISO 8601, etwa 2026-03-01 oder 2026-03-01T08:00.", 2
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=BERLIN)


def _reader(connection: Any, username: str, body: str) -> Any:
    from service.access import holds
    from service.auth.service import actor_for

    actor = actor_for(connection, username, body=body)
    if not holds(actor, "audit.read"):
        raise fail(
            f"„{username}“ darf das Protokoll nicht lesen: nur die Rollen datenschutz und "
            "revision.",
        )
    return actor


def _filters(
    connection: Any,
    body: str,
    actor: str | None,
    person: int | None,
    entity: str | None,
    action: str | None,
    since: str | None,
    until: str | None,
    text: str | None,
) -> Any:
    from service.audit.search import Filters
    from service.auth.service import actor_for

    actor_id = None
    if actor is not None:
        actor_id = (
            int(actor) if actor.isdigit() else actor_for(connection, actor, body=body).user_id
        )
    entity_type, entity_id = None, None
    if entity:
        entity_type, _, number = entity.partition(":")
        if number and not number.isdigit():
            raise fail(f"--entity „{entity}“: erwartet TYP oder TYP:ID, etwa measure:3.", 2)
        entity_id = int(number) if number else None
    return Filters(
        actor_id=actor_id,
        person_id=person,
        entity_type=entity_type or None,
        entity_id=entity_id,
        action=action,
        since=_moment(since, "--since"),
        until=_moment(until, "--until"),
        text=text,
    )


ACTOR = typer.Option(None, "--actor", help="Handelnder Benutzer (Name oder ID).")
PERSON = typer.Option(None, "--person", help="Betroffene Person (ID).")
ENTITY = typer.Option(None, "--entity", help="Objekt als TYP oder TYP:ID, etwa measure:3.")
ACTION = typer.Option(None, "--action", help="Aktion, etwa measure.transition.")
SINCE = typer.Option(None, "--since", help="Ab (ISO 8601, ohne Zone: Europe/Berlin).")
UNTIL = typer.Option(None, "--until", help="Vor (ISO 8601, ohne Zone: Europe/Berlin).")
TEXT = typer.Option(None, "--text", help="Freitext in Kommentaren.")


@app.command("search")
def search(
    as_user: str = AS_USER,
    purpose: str = PURPOSE,
    actor: str | None = ACTOR,
    person: int | None = PERSON,
    entity: str | None = ENTITY,
    action: str | None = ACTION,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    text: str | None = TEXT,
    limit: int = typer.Option(50, "--limit", min=1, max=10000, help="Höchstens so viele."),
    as_json: bool = typer.Option(False, "--json", help="Als JSON-Liste."),
    body: str | None = BODY_OPTION,
) -> None:
    """Durchsucht das Protokoll, neueste Einträge zuerst; die Suche wird protokolliert."""
    from service.audit import naming, trail
    from service.audit.export import as_dict
    from service.audit.labels import row
    from workflow.calendar import to_local

    runtime = open_runtime(body)
    with user_errors(), runtime.write() as connection:
        reader = _reader(connection, as_user, runtime.chain_key)
        chosen = _filters(
            connection, runtime.chain_key, actor, person, entity, action, since, until, text
        )
        found = trail.search(runtime, connection, reader, chosen, purpose, None, limit)
        words = naming.wording(runtime, connection, reader, found)
    if as_json:
        typer.echo(json.dumps([as_dict(e) for e in found], ensure_ascii=False, indent=2))
        return
    # As the /protokoll page shows them: labels, names and local time, never codes.
    for shown in (row(e, words) for e in found):
        e = shown.event
        typer.echo(
            f"{e.seq:>7}  {to_local(e.ts):%d.%m.%Y %H:%M:%S}  {shown.actor} ({shown.role})  "
            f"{shown.action}  {shown.entity}"
        )
        for line in shown.lines:
            typer.echo(f"         {line}")
    typer.echo(f"{len(found)} Einträge.", err=True)


@app.command("export")
def export(
    as_user: str = AS_USER,
    purpose: str = PURPOSE,
    kind: str = typer.Option("csv", "--format", help="csv oder json."),
    output: Path | None = typer.Option(None, "--output", help="Datei; ohne: Standardausgabe."),
    actor: str | None = ACTOR,
    person: int | None = PERSON,
    entity: str | None = ENTITY,
    action: str | None = ACTION,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    text: str | None = TEXT,
    body: str | None = BODY_OPTION,
) -> None:
    """Exportiert alle Treffer als CSV oder JSON, als Datenstrom; der Export wird protokolliert."""
    from service.audit import exporting

    if kind not in ("csv", "json"):
        raise fail(f"--format „{kind}“: erwartet csv oder json.", 2)
    runtime = open_runtime(body)
    with user_errors():
        with runtime.read() as connection:
            reader = _reader(connection, as_user, runtime.chain_key)
            chosen = _filters(
                connection, runtime.chain_key, actor, person, entity, action, since, until, text
            )
        chunks = exporting.start_export(runtime, reader, chosen, purpose, kind)
        target = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
        try:
            for chunk in chunks:
                assert isinstance(chunk, str)  # csv and json, checked above
                target.write(chunk)
        finally:
            if output:
                target.close()
    if output:
        typer.echo(f"Export geschrieben: {output}", err=True)


@app.command("disclosure")
def disclosure(
    person_id: int = typer.Argument(..., metavar="PERSON_ID"),
    as_user: str = AS_USER,
    purpose: str = PURPOSE,
    kind: str = typer.Option("json", "--format", help="json oder pdf."),
    output: Path = typer.Option(..., "--output", help="Zieldatei."),
    body: str | None = BODY_OPTION,
) -> None:
    """Auskunft nach Art. 15 DSGVO: alles über eine Person, als JSON oder PDF."""
    from service.audit import naming, trail

    if kind not in ("json", "pdf"):
        raise fail(f"--format „{kind}“: erwartet json oder pdf.", 2)
    runtime = open_runtime(body)
    with user_errors(), runtime.write() as connection:
        reader = _reader(connection, as_user, runtime.chain_key)
        data = trail.disclose(runtime, connection, reader, person_id, purpose)
        # Names are read in the same transaction; the PDF is laid out after it.
        pdf_words = (
            naming.disclosure_wording(runtime, connection, reader, data) if kind == "pdf" else None
        )
    if pdf_words is not None:
        from service.audit.pdf import disclosure_pdf

        content = disclosure_pdf(data, pdf_words)
    else:
        content = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    try:
        output.write_bytes(content)
    except OSError as exc:
        raise write_failed(output, exc) from None
    typer.echo(f"Auskunft über Person {person_id} geschrieben: {output}")


@app.command("verify")
def verify(
    from_seq: int | None = typer.Option(None, "--from", help="Ab dieser Laufnummer."),
    to_seq: int | None = typer.Option(None, "--to", help="Bis zu dieser Laufnummer."),
    checkpoint: Path | None = typer.Option(
        None, "--checkpoint", help="Prüfpunkt-Datei (ratsflow audit checkpoint --output)."
    ),
    body: str | None = BODY_OPTION,
) -> None:
    """Prüft die Hash-Kette (und gegen Prüfpunkte); nennt die erste fehlerhafte Laufnummer.

    Ohne --body jede Kette der Installation, mit --body nur die der Körperschaft."""
    from service.audit import trail
    from service.audit.checkpoints import read_file

    runtime = open_runtime(body)
    broken = False
    with user_errors():
        external = read_file(checkpoint) if checkpoint else None
        with runtime.read() as connection:
            reports = trail.verify_all(
                connection,
                runtime.chain_key,
                from_seq,
                to_seq,
                external,
                only=runtime.chain_key if body else None,
            )
    for report in reports:
        result = report.verification
        against = (
            f", gegen {report.checkpoints_checked} signierte Prüfpunkte"
            if report.checkpoints_checked
            else ""
        )
        if result.intact:
            typer.echo(
                f"Kette „{report.chain_key}“ intakt: {result.checked} Einträge geprüft{against}."
            )
        else:
            broken = True
            typer.echo(
                f"Kette „{report.chain_key}“ BESCHÄDIGT bei Laufnummer {result.first_bad_seq}: "
                f"{result.reason}",
                err=True,
            )
    if broken:
        raise typer.Exit(1)


@app.command("checkpoint")
def checkpoint(
    output: Path | None = typer.Option(None, "--output", help="Prüfpunkt-Datei schreiben."),
    body: str | None = BODY_OPTION,
) -> None:
    """Signiert den Kopf jeder Kette (mit --body: der einen) und schreibt die Prüfpunkte in
    eine Datei."""
    from service.audit.checkpoints import stored, write_checkpoint, write_file
    from service.audit.signing import SigningKeyMissing

    runtime = open_runtime(body)
    with user_errors():
        try:
            made = write_checkpoint(runtime, runtime.now(), runtime.chain_key if body else None)
        except SigningKeyMissing as exc:
            raise fail(str(exc)) from None
        with runtime.read() as connection:
            everything = stored(connection, runtime.chain_key if body else None)
    for c in made:
        typer.echo(f"Prüfpunkt „{c.chain}“ bei Laufnummer {c.seq} signiert ({c.hash[:16]}…).")
    if not made:
        typer.echo("Kein neuer Prüfpunkt: seit dem letzten wurde nichts protokolliert.")
    if output:
        try:
            write_file(output, everything)
        except OSError as exc:
            raise write_failed(output, exc) from None
        typer.echo(
            f"{len(everything)} Prüfpunkte geschrieben: {output}. "
            "Außerhalb der Datenbank aufbewahren."
        )


@app.command("retention")
def retention(
    dry_run: bool = typer.Option(False, "--dry-run", help="Nur anzeigen, nichts löschen."),
) -> None:
    """Entfernt abgelaufene Abschnitte bis zu einem signierten Prüfpunkt (Eigentümer-Rolle)."""
    from service.audit.owner import owner_transaction
    from service.audit.retention import apply_retention

    runtime = open_runtime()
    with user_errors(), owner_transaction(runtime.settings) as connection:
        removals = apply_retention(runtime.settings, connection, runtime.now(), dry_run=dry_run)
    verb = "würde entfernen" if dry_run else "entfernt"
    for r in removals:
        if r.up_to_seq is None or not r.total:
            typer.echo(f"Kette „{r.chain_key}“: nichts abgelaufen bis zu einem Prüfpunkt.")
            continue
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(r.removed.items()))
        typer.echo(
            f"Kette „{r.chain_key}“: {verb} {r.total} Einträge bis Laufnummer {r.up_to_seq} "
            f"({kinds}); Prüfung beginnt danach am Prüfpunkt {r.up_to_seq}."
        )


@person_app.command("erase")
def erase(
    person_id: int = typer.Argument(..., metavar="PERSON_ID"),
    yes: bool = typer.Option(False, "--yes", help="Ohne Rückfrage."),
    body: str | None = BODY_OPTION,
) -> None:
    """Löscht die identifizierenden Daten einer Person und bereinigt den Speicher."""
    from service.audit.owner import owner_transaction, owner_url
    from service.db import make_engine
    from service.ops.erasure_register import register_path
    from service.people.erasure import clean_storage, erase_person

    if not yes:
        typer.confirm(
            f"Person {person_id} unwiderruflich löschen (Name, E-Mail, Anmeldung, "
            "Protokoll-Klartexte)?",
            abort=True,
        )
    runtime = open_runtime(body)
    with user_errors():
        with owner_transaction(runtime.settings) as connection:
            done = erase_person(
                connection,
                runtime.chain_key,
                person_id,
                runtime.now(),
                register=register_path(runtime.settings),
            )
        engine = make_engine(owner_url(runtime.settings, warn=False))
        try:
            clean_storage(engine)
        finally:
            engine.dispose()
    typer.echo(
        f"Person {person_id} gelöscht: {done.users} Anmeldung(en) pseudonymisiert, "
        f"{done.details} Protokoll-Klartexte entfernt, Speicher bereinigt."
    )

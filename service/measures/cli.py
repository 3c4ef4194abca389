"""``ratsflow measure``: the measures listed, shown and their history read in German labels,
and a step taken on one."""

from __future__ import annotations

import json

import typer

from service.cli_support import BODY_OPTION, fail, open_runtime, user_errors

measure_app = typer.Typer(no_args_is_help=True, help="Maßnahmen anzeigen und fortschreiben.")


@measure_app.command("list")
def measure_list(
    as_json: bool = typer.Option(False, "--json", help="Als JSON-Liste."),
    body: str | None = BODY_OPTION,
) -> None:
    """Listet alle Maßnahmen: Nummer, Zustand und Titel."""
    from service.actor import SYSTEM
    from service.measures.service import MeasureFilter, export_measures

    runtime = open_runtime(body)
    with user_errors():
        rows = [row for row, _ in export_measures(runtime, SYSTEM, MeasureFilter(), "id").rows]
    if as_json:
        items = [
            {"id": r.id, "code": r.code, "state": r.state, "title": r.title, "version": r.version}
            for r in rows
        ]
        typer.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    states = runtime.registry.latest("massnahme").spec.states
    labelled = [(r, states[r.state].label if r.state in states else r.state) for r in rows]
    width = max((len(label) for _, label in labelled), default=0)
    for r, state in labelled:
        typer.echo(f"{r.id:>5}  {r.code:<6} {state:<{width}}  {r.title}")


@measure_app.command("show")
def measure_show(
    measure_id: int = typer.Argument(..., metavar="ID"), body: str | None = BODY_OPTION
) -> None:
    """Zeigt eine Maßnahme mit Zustand, Version, Feldern und Stellungnahmen."""
    from service.actor import SYSTEM
    from service.formatting import date_de, field_value
    from service.measures.service import OUTCOME_LABELS, STATEMENT_LABELS, read_measure

    runtime = open_runtime(body)
    with user_errors():
        view = read_measure(runtime, SYSTEM, measure_id)
    row, spec = view.measure, view.spec
    typer.echo(f"{row.code} {row.title}")
    typer.echo(f"Zustand: {spec.states[row.state].label}, Version {row.version}")
    typer.echo(f"Ablauf: {spec.label}, Version {row.definition_version}")
    for name, value in sorted((row.fields or {}).items()):
        field = spec.fields.get(name)
        typer.echo(f"  {field.label if field else name}: {field_value(field, value)}")
    for s in view.statements:
        kind = STATEMENT_LABELS.get(s.kind, s.kind)
        outcome = OUTCOME_LABELS.get(s.outcome, s.outcome)
        typer.echo(f"Stellungnahme {kind}: {outcome} ({date_de(s.given_on)})")


@measure_app.command("history")
def measure_history(
    measure_id: int = typer.Argument(..., metavar="ID"), body: str | None = BODY_OPTION
) -> None:
    """Zeigt den Verlauf einer Maßnahme: jeder Schritt mit Zeit, Person, Rolle und Kommentar."""
    from service.actor import SYSTEM
    from service.measures.service import read_history
    from workflow.calendar import to_local
    from workflow.roles import role_label

    runtime = open_runtime(body)
    with user_errors():
        read = read_history(runtime, SYSTEM, measure_id, named=True)
    states = read.spec.states

    def state(slug: str) -> str:
        return states[slug].label if slug in states else slug

    for e in read.entries:
        who = read.users.get(e.actor_user_id, "System")
        role = f", {role_label(e.actor_role)}" if e.actor_role else ""
        line = f"{to_local(e.at):%d.%m.%Y %H:%M}  {state(e.from_state)} → {state(e.to_state)}"
        typer.echo(f"{line}  {e.label}  [{who}{role}]")
        if e.comment:
            typer.echo(f"    „{e.comment}“")


@measure_app.command("fire")
def measure_fire(
    measure_id: int = typer.Argument(..., metavar="ID"),
    event: str = typer.Argument(..., help="Ereignis, z. B. einreichen."),
    as_user: str = typer.Option(..., "--as", help="Benutzername, unter dem gehandelt wird."),
    data: list[str] = typer.Option([], "--data", help="Angabe als name=wert (mehrfach)."),
    comment: str | None = typer.Option(None, "--comment", help="Kommentar zum Schritt."),
    version: int | None = typer.Option(None, "--version", help="Erwartete Version."),
    body: str | None = BODY_OPTION,
) -> None:
    """Löst ein Ereignis an einer Maßnahme aus."""
    from service.auth.service import actor_for
    from service.measures.service import fire_by_user
    from workflow.values import as_typed

    values: dict[str, str] = {}
    for item in data:
        if "=" not in item:
            raise fail(f"--data „{item}“: erwartet name=wert.", 2)
        key, value = item.split("=", 1)
        values[key.strip()] = value
    runtime = open_runtime(body)
    with user_errors(), runtime.write() as connection:
        actor = actor_for(connection, as_user, runtime.now(), body=runtime.chain_key)
        done = fire_by_user(
            runtime,
            connection,
            actor,
            measure_id,
            event,
            version=version,
            data=as_typed(values),
            comment=comment,
        )
    result = done.result
    states = runtime.registry.latest("massnahme").spec.states
    source, target = (states[s].label if s in states else s for s in (result.source, result.target))
    typer.echo(f"{result.label}: {source} → {target} (Version {done.version}).")
    if result.deadline is not None:
        from workflow.calendar import to_local

        typer.echo(
            f"Frist: {result.deadline.label} bis {to_local(result.deadline.due_at):%d.%m.%Y}."
        )

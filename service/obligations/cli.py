"""``ratsflow obligation``: the duties resolutions impose, and recording their fulfilment."""

from __future__ import annotations

import json
from datetime import date

import typer

from service.cli_support import BODY_OPTION, fail, open_runtime, user_errors

obligation_app = typer.Typer(
    no_args_is_help=True, help="Pflichten aus Beschlüssen anzeigen und als erfüllt vermerken."
)


@obligation_app.command("list")
def obligation_list(
    as_json: bool = typer.Option(False, "--json", help="Als JSON-Liste."),
    body: str | None = BODY_OPTION,
) -> None:
    """Listet die Pflichten: Nummer, Vorlage, Fälligkeit, Zuständigkeit und Titel."""
    from service.actor import SYSTEM
    from service.obligations.service import read_obligations

    runtime = open_runtime(body)
    with user_errors():
        read = read_obligations(runtime, SYSTEM)
    if as_json:
        items = [
            {
                "id": o.row.id,
                "paper": o.row.paper_reference,
                "title": o.row.title,
                "responsible": o.role_label,
                "due_on": o.row.due_on.isoformat(),
                "open": o.row.open,
                "overdue": o.overdue,
                "fulfilments": [f.reference for f in o.fulfilments],
            }
            for o in read.items
        ]
        typer.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    for o in read.items:
        due = "erledigt" if not o.row.open else f"fällig {o.row.due_on:%d.%m.%Y}"
        flag = " ÜBERFÄLLIG" if o.overdue else ""
        typer.echo(
            f"{o.row.id:>5}  {o.row.paper_reference:<12} {due}{flag}  [{o.role_label}]  "
            f"{o.row.title}"
        )


@obligation_app.command("fulfil")
def obligation_fulfil(
    obligation_id: int = typer.Argument(..., metavar="ID"),
    reference: str = typer.Option(..., "--reference", help="Nachweis, z. B. die Vorlage."),
    as_user: str = typer.Option(..., "--as", help="Benutzername, unter dem gehandelt wird."),
    on: str | None = typer.Option(None, "--on", help="Erfüllt am (JJJJ-MM-TT); sonst heute."),
    note: str | None = typer.Option(None, "--note", help="Vermerk."),
    body: str | None = BODY_OPTION,
) -> None:
    """Vermerkt die Erfüllung einer Pflicht; eine wiederkehrende rückt auf ihre nächste
    Fälligkeit vor."""
    from service.auth.service import actor_for
    from service.obligations.service import fulfil_obligation, written_obligation

    try:
        day = date.fromisoformat(on) if on else None
    except ValueError:
        raise fail(f"--on „{on}“: erwartet ein Datum JJJJ-MM-TT.", 2) from None
    runtime = open_runtime(body)
    with user_errors(), runtime.write() as connection:
        actor = actor_for(connection, as_user, runtime.now(), body=runtime.chain_key)
        fulfil_obligation(
            runtime,
            connection,
            actor,
            obligation_id,
            reference=reference,
            fulfilled_on=day,
            note=note,
        )
        (view,) = written_obligation(runtime, connection, actor, obligation_id).items
    if view.row.open:
        typer.echo(f"Erfüllt; nächste Fälligkeit {view.row.due_on:%d.%m.%Y}: {view.row.title}")
    else:
        typer.echo(f"Erfüllt und erledigt: {view.row.title}")

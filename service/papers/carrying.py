"""The measures a paper carries: a decision on the paper applies to each of them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.audit.repository import lock_chain
from service.audit.service import record
from service.errors import Conflict
from service.lifecycle import repository as lifecycle_repository
from service.papers import repository
from service.papers.service import invalid, visible_paper
from service.runtime import Runtime

# What a new paper usually carries: measures still before the committees.
CARRIABLE_STATES = ("ag_pruefung", "entwurf")
CARRIABLE_LIMIT = 200


def insert_carried(
    runtime: Runtime, connection: Connection, actor: Actor, paper_id: int, measure_ids: list[int]
) -> None:
    """Lets the paper carry these measures, audited; checks nothing."""
    repository.insert_carried(connection, paper_id, measure_ids)
    record(
        connection,
        runtime.chain_key,
        actor=actor,
        now=runtime.now(),
        action="paper.carry_measures",
        entity_type="paper",
        entity_id=paper_id,
        context={"measure_id": sorted(measure_ids)},
    )


def attach_measures(
    runtime: Runtime, connection: Connection, actor: Actor, paper_id: int, measure_ids: list[int]
) -> list[int]:
    """Lets the paper carry more measures, before its Beratungsfolge starts.

    Once a committee has the paper, its members decide on what was sent to them; a measure
    added later would be decided without having been put before them.
    """
    access.require(actor, "paper.carry_measures")
    # The chain lock before the first change: see service.records.
    lock_chain(connection, runtime.chain_key)
    paper = visible_paper(runtime, connection, actor, paper_id)
    spec = runtime.registry.engine(paper.definition_name, paper.definition_version).spec
    if paper.state != spec.initial:
        raise Conflict(
            "vorlage-in-beratung",
            "Vorlage bereits in Beratung",
            f"Die Vorlage {paper.reference} ist im Zustand „{spec.states[paper.state].label}“; "
            "Maßnahmen lassen sich nur im Entwurf hinzufügen.",
        )
    wanted = list(dict.fromkeys(measure_ids))
    # Another body's measure is refused as a wrong id is: it does not exist here.
    body_id = runtime.body_id_in(connection)
    found = {row.id: row for row in repository.measures_by_id(connection, body_id, wanted)}
    unknown = [m for m in wanted if m not in found]
    if unknown:
        names = ", ".join(str(m) for m in unknown)
        raise invalid("measure_ids", "Maßnahmen", f"Diese Maßnahmen gibt es nicht: {names}.")
    ended = [found[m].code for m in wanted if _measure_final(runtime, connection, m)]
    if ended:
        raise invalid(
            "measure_ids",
            "Maßnahmen",
            f"Diese Maßnahmen sind abgeschlossen und können keiner Vorlage mehr folgen: "
            f"{', '.join(ended)}.",
        )
    new = [m for m in wanted if m not in repository.carried_ids(connection, paper_id)]
    if new:
        insert_carried(runtime, connection, actor, paper_id, new)
    return sorted(repository.carried_ids(connection, paper_id))


def _measure_final(runtime: Runtime, connection: Connection, measure_id: int) -> bool:
    row = lifecycle_repository.existing_item(connection, "measure", measure_id)
    spec = runtime.registry.engine(row.definition_name, row.definition_version).spec
    return bool(spec.states[row.state].final)


def carriable_measures(runtime: Runtime, connection: Connection, paper: Any) -> list[Any]:
    """The measures a paper in its draft could still take on (none once it is sent)."""
    spec = runtime.registry.engine(paper.definition_name, paper.definition_version).spec
    if paper.state != spec.initial:
        return []
    return repository.carriable_measures(
        connection, paper.body_id, paper.id, CARRIABLE_STATES, CARRIABLE_LIMIT
    )

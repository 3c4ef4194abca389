"""The Datenschutzbeauftragte's use of the trail: search, export, disclosure, verification.

Every use that shows contents states a purpose and is itself written to the trail, in the
same transaction as the read (exports: committed before the first byte leaves).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.engine import Connection

from service import keyset
from service.access import holds
from service.actor import Actor
from service.audit import checkpoints, repository
from service.audit.checkpoints import Checkpoint, Contradiction
from service.audit.disclosure import disclosure
from service.audit.models import DISCLOSURE, EXPORT, QUERY
from service.audit.purpose import check_purpose
from service.audit.repository.search import page as search_page
from service.audit.search import Filters, FoundEvent, Position
from service.audit.service import record_query
from service.audit.verify import Verification, verify_chain
from service.errors import AccessDenied, ServiceError
from service.runtime import Runtime

# The search's one order, newest first; its cursor is the keyset cursor every list uses.
NEWEST_FIRST = keyset.Sort("ts", descending=True)
T = TypeVar("T")


def search_cursor(event: FoundEvent) -> str:
    """The cursor of the page that follows ``event``."""
    return keyset.encode(NEWEST_FIRST, event.ts, event.id)


def search_position(cursor: str | None) -> Position | None:
    """Where a cursor from ``search_cursor`` resumes; a cursor it did not make is a 422."""
    after = keyset.decode(cursor, NEWEST_FIRST, datetime)
    return None if after is None else Position(after.value, after.id)


def require_reader(actor: Actor) -> None:
    """Only the Datenschutzbeauftragte and the Revision read the trail; never the admin."""
    if not holds(actor, "audit.read"):
        raise AccessDenied("Das Protokoll lesen nur die Datenschutzbeauftragte und die Revision.")


def search(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    filters: Filters,
    purpose: str,
    after: Position | None = None,
    limit: int = 50,
) -> list[FoundEvent]:
    require_reader(actor)
    check_purpose(purpose, QUERY)
    page = search_page(connection, runtime.chain_key, filters, after, limit)
    record_query(runtime, connection, actor, QUERY, purpose, filters.given())
    return page


def pages(
    connection_for_batch: Any,
    chain_key: str,
    filters: Filters,
    after: Position | None,
    read_also: Callable[[Connection, list[FoundEvent]], T],
    batch: int = 1000,
) -> Iterator[tuple[list[FoundEvent], T]]:
    """Every matching event, newest first, in pages of ``batch``, each with what
    ``read_also`` reads for it in the same short read transaction.

    ``connection_for_batch`` is a context manager factory (``runtime.read``): a stream that
    a slow client reads for minutes holds no transaction open in between.
    """
    while True:
        with connection_for_batch() as connection:
            page = search_page(connection, chain_key, filters, after, batch)
            also = read_also(connection, page)
        yield page, also
        if len(page) < batch:
            return
        after = Position(page[-1].ts, page[-1].id)


def record_export(
    runtime: Runtime, actor: Actor, filters: Filters, purpose: str, kind: str
) -> Position:
    """Records an export (committed) and returns where the events older than that record
    begin: the export holds everything before its own record."""
    require_reader(actor)
    check_purpose(purpose, EXPORT)
    with runtime.write() as connection:
        sealed = record_query(
            runtime, connection, actor, EXPORT, purpose, {**filters.given(), "format": kind}
        )
        own = repository.event_at(connection, runtime.chain_key, sealed.seq)
    return Position(own.ts, own.id)


def disclose(
    runtime: Runtime, connection: Connection, actor: Actor, person_id: int, purpose: str
) -> dict[str, Any]:
    require_reader(actor)
    check_purpose(purpose, DISCLOSURE)
    data = disclosure(connection, runtime.chain_key, person_id, runtime.now())
    record_query(
        runtime,
        connection,
        actor,
        DISCLOSURE,
        purpose,
        {},
        entity_type="person",
        entity_id=person_id,
        persons=[person_id],
    )
    return data


@dataclass(frozen=True)
class ChainReport:
    chain_key: str
    verification: Verification
    checkpoints_checked: int


def verify_all(
    connection: Connection,
    default_chain: str,
    from_seq: int | None = None,
    to_seq: int | None = None,
    external: list[Checkpoint] | None = None,
    only: str | None = None,
) -> list[ChainReport]:
    """Each chain by itself, then against the stored and the given signed checkpoints.

    The earliest problem found either way is reported: a chain cut short or rebuilt verifies
    by itself, and only a checkpoint shows it.
    """
    if from_seq is not None and to_seq is not None and from_seq > to_seq:
        # An empty range would be reported intact, as if the events had been checked.
        raise ServiceError(
            f"Die erste Laufnummer {from_seq} liegt nach der letzten ({to_seq}).", field="from"
        )
    reports = []
    keys = [only] if only is not None else repository.chain_keys(connection) or [default_chain]
    for key in keys:
        result = verify_chain(connection, key, from_seq, to_seq)
        anchors = [c for c in checkpoints.stored(connection, key) if c.signed()]
        anchors += [c for c in external or [] if c.chain == key]
        if to_seq is not None:
            anchors = [c for c in anchors if c.seq <= to_seq]
        anchors = list({c.signature: c for c in anchors}.values())  # the file repeats the table
        contradiction = checkpoints.check_against(connection, key, anchors)
        if contradiction is not None and _checkpoint_tells_more(result, contradiction):
            result = Verification(
                key,
                result.checked,
                contradiction.first,
                contradiction.reason,
                cleared=result.cleared,
            )
        reports.append(ChainReport(key, result, len(anchors)))
    return reports


def _checkpoint_tells_more(result: Verification, contradiction: Contradiction) -> bool:
    """The chain's own finding is exact; a checkpoint only bounds a range. The range wins
    when the chain found nothing, or nothing within or before that range."""
    if result.first_bad_seq is None:
        return True
    return contradiction.first < result.first_bad_seq and result.first_bad_seq > contradiction.last

"""An export of the trail for its readers: recorded first (``trail.record_export``,
committed before the first byte leaves), then streamed page by page. CSV and Excel word each
event as the /protokoll page does, so each page's names are read with it
(``naming.wording``); JSON keeps the machine form."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.engine import Connection

from service.actor import Actor
from service.audit import export, naming, trail
from service.audit.labels import Wording
from service.audit.search import Filters, FoundEvent
from service.runtime import Runtime


def start_export(
    runtime: Runtime, actor: Actor, filters: Filters, purpose: str, kind: str
) -> Iterator[str] | Iterator[bytes]:
    after = trail.record_export(runtime, actor, filters, purpose, kind)
    if kind == "json":
        found = trail.pages(runtime.read, runtime.chain_key, filters, after, _nothing)
        return export.json_chunks(event for page, _ in found for event in page)

    def words(connection: Connection, page: list[FoundEvent]) -> Wording:
        return naming.wording(runtime, connection, actor, page, persons=True)

    worded = trail.pages(runtime.read, runtime.chain_key, filters, after, words)
    events = ((event, said) for page, said in worded for event in page)
    return export.xlsx_chunks(events) if kind == "xlsx" else export.csv_lines(events)


def _nothing(connection: Connection, page: list[FoundEvent]) -> None:
    return None

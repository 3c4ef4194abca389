"""The OParl server's use cases: what a council information system publishes, with stamps.

Only public data goes out, to everybody alike (logged in or not): council bodies (never the
internal working groups), their public meetings with the public part of the agenda, public
papers with their Beratungsfolge and files, and persons only as council members (never
staff, never erased persons). Nothing here is logged as a read: none of it is internal.

OParl 1.1 wants ``created``/``modified`` on every object and removed or depublished objects
kept as ``deleted: true``. ratsflow's rows do not all carry such stamps, so the server keeps
them beside the rows (``oparl_records``): each request builds what would be published, and
when an object's content (its fingerprint) differs from what was last published, its
``modified`` moves to now; what is no longer published is marked deleted. The check reads;
only a change opens a write transaction, under the body's chain lock, so two requests never
stamp the same object twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.engine import Connection

from service.audit.repository import head as chain_head
from service.audit.repository import lock_chain
from service.errors import Gone, NotFound, ServiceError
from service.oparl import repository
from service.oparl.objects import (
    BODY_LISTS,
    EMBEDS,
    TYPE_NAMES,
    VERSION_URI,
    Key,
    Urls,
    compact,
    deleted,
    fingerprint,
    head,
    moment,
)
from service.oparl.snapshot import BASE, Snapshot, build
from service.runtime import Runtime

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

# Every write that changes published data writes an audit event in its transaction, so the
# chain's head names the data a snapshot was built from. What changes with time alone (a
# meeting's state when it begins, a traffic light when a deadline passes) may lag by this
# much on the runtime's clock; a write is seen at the next request.
FRESH_FOR = timedelta(seconds=60)
_MEMO = "oparl.published"


@dataclass(frozen=True)
class Filters:
    created_since: datetime | None = None
    created_until: datetime | None = None
    modified_since: datetime | None = None
    modified_until: datetime | None = None
    # ``omit_internal=true``: the client syncs and leaves out the internal lists (OParl 1.1).
    omit_internal: bool = False

    def admits(self, record: Any) -> bool:
        if record.deleted and self.modified_since is None:
            return False  # deleted objects are listed only to a client that syncs
        checks = (
            (self.created_since, record.created, True),
            (self.created_until, record.created, False),
            (self.modified_since, record.modified, True),
            (self.modified_until, record.modified, False),
        )
        for bound, value, lower in checks:
            if bound is None:
                continue
            if value is None or (value < bound if lower else value > bound):
                return False
        return True

    def query(self) -> dict[str, str]:
        # As the client wrote them: converting a time near the year 9999 could overflow.
        return {
            name: value.isoformat()
            for name, value in vars(self).items()
            if isinstance(value, datetime)
        }


# --- stamps --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Published:
    mark: tuple[Any, ...]
    until: datetime
    snap: Snapshot
    records: dict[Key, Any]


def _current(runtime: Runtime) -> tuple[Snapshot, dict[Key, Any]]:
    """What is published now and its stamps, brought up to date when anything changed;
    rebuilt only when the body's chain has moved on or the last build is older than
    ``FRESH_FOR`` (building reads every public row: 50-250 ms)."""
    with runtime.read() as connection:
        last = chain_head(connection, runtime.chain_key)
        mark = (last.seq, last.hash) if last is not None else ()
        cached = runtime.memo.get(_MEMO)
        if isinstance(cached, _Published) and cached.mark == mark and runtime.now() < cached.until:
            return cached.snap, cached.records
        snap = build(runtime, connection)
        records = _records(connection, runtime)
    prints = {key: fingerprint(snap.content(key)) for key in snap.objects}
    if _stale(prints, records):
        with runtime.write() as connection:
            lock_chain(connection, runtime.chain_key)
            records = _records(connection, runtime)
            _stamp(connection, runtime, snap, prints, records)
            records = _records(connection, runtime)
    runtime.memo[_MEMO] = _Published(mark, runtime.now() + FRESH_FOR, snap, records)
    return snap, records


def _records(connection: Connection, runtime: Runtime) -> dict[Key, Any]:
    body_id = runtime.body_id_in(connection)
    return {(r.entity_type, r.entity_id): r for r in repository.records_of(connection, body_id)}


def _stale(prints: Mapping[Key, str], records: Mapping[Key, Any]) -> bool:
    for key, print_ in prints.items():
        record = records.get(key)
        if record is None or record.deleted or record.fingerprint != print_:
            return True
    return any(
        r.fingerprint is not None and not r.deleted and key not in prints
        for key, r in records.items()
    )


def _stamp(
    connection: Connection,
    runtime: Runtime,
    snap: Snapshot,
    prints: Mapping[Key, str],
    records: Mapping[Key, Any],
) -> None:
    now = runtime.now()
    body_id = runtime.body_id_in(connection)
    for key, print_ in prints.items():
        record = records.get(key)
        if record is None:
            born = snap.born.get(key)
            repository.insert_record(
                connection,
                {
                    "body_id": body_id,
                    "entity_type": key[0],
                    "entity_id": key[1],
                    "fingerprint": print_,
                    "created": min(born, now) if born else now,
                    "modified": now,
                    "deleted": False,
                },
            )
        elif record.deleted or record.fingerprint != print_:
            values: dict[str, Any] = {"fingerprint": print_, "modified": now, "deleted": False}
            if record.created is None:
                born = snap.born.get(key)
                values["created"] = min(born, now) if born else now
            repository.update_record(connection, record.id, values)
    for key, record in records.items():
        if record.fingerprint is not None and not record.deleted and key not in prints:
            repository.update_record(connection, record.id, {"deleted": True, "modified": now})


# --- the use cases -------------------------------------------------------------------------


def system(runtime: Runtime, urls: Urls) -> dict[str, Any]:
    return {
        **head(urls, "system", 0),
        "id": urls.system(),
        "oparlVersion": VERSION_URI,
        "body": urls.api("body"),
        "name": f"ratsflow – {runtime.body.name}",
        "product": "https://github.com/ratsflow/ratsflow",
    }


def bodies(runtime: Runtime, urls: Urls) -> dict[str, Any]:
    """The System's list of bodies: the one this address serves (each body its own System)."""
    snap, records = _current(runtime)
    body_keys = [k for k in snap.objects if k[0] == "body"]
    data = [_render(snap, records, key, urls) for key in body_keys]
    return {
        "data": data,
        "pagination": {
            "totalElements": len(data),
            "elementsPerPage": max(len(data), 1),
            "currentPage": 1,
            "totalPages": 1,
        },
        "links": {"first": urls.api("body"), "self": urls.api("body"), "last": urls.api("body")},
    }


def one(runtime: Runtime, urls: Urls, entity_type: str, entity_id: int) -> dict[str, Any]:
    if entity_type not in TYPE_NAMES or entity_type == "system":
        raise NotFound("OParl-Objekt", f"{entity_type}/{entity_id}")
    snap, records = _current(runtime)
    key = (entity_type, entity_id)
    if key in snap.objects:
        return _render(snap, records, key, urls)
    record = records.get(key)
    if record is not None and record.deleted:
        return deleted(urls, entity_type, entity_id, record.created, record.modified)
    raise NotFound(f"OParl-Objekt {TYPE_NAMES[entity_type]}", entity_id)


def body_list(
    runtime: Runtime,
    urls: Urls,
    body_id: int,
    prop: str,
    filters: Filters,
    page: int,
    limit: int | None,
) -> dict[str, Any]:
    """One page of one of the body's external lists, sorted by id (stable), filters kept in
    every link; deleted objects only when the client asks ``modified_since``."""
    entity_type = BODY_LISTS.get(prop)
    if entity_type is None:
        raise NotFound("OParl-Liste", prop)
    snap, records = _current(runtime)
    if ("body", body_id) not in snap.objects:
        raise NotFound("Körperschaft", body_id)
    size = min(max(limit or DEFAULT_LIMIT, 1), MAX_LIMIT)
    if page < 1:
        raise ServiceError("Die Seitenzahl beginnt bei 1.", field="page")
    keys = sorted(
        key
        for key, record in records.items()
        if key[0] == entity_type
        and (key in snap.objects or record.deleted)
        and filters.admits(record)
    )
    total_pages = max((len(keys) + size - 1) // size, 1)
    chunk = keys[(page - 1) * size : page * size]
    data = []
    for key in chunk:
        if key in snap.objects:
            data.append(_render(snap, records, key, urls, omit=filters.omit_internal))
        else:
            r = records[key]
            data.append(deleted(urls, key[0], key[1], r.created, r.modified))

    def link(number: int) -> str:
        query = {
            **filters.query(),
            **({"omit_internal": "true"} if filters.omit_internal else {}),
            **({"limit": str(limit)} if limit else {}),
            "page": str(number),
        }
        return f"{urls.body_list(body_id, prop)}?{urlencode(query)}"

    links = {"first": link(1), "self": link(page), "last": link(total_pages)}
    if page > 1:
        links["prev"] = link(page - 1)
    if page < total_pages:
        links["next"] = link(page + 1)
    return {
        "data": data,
        "pagination": {
            "totalElements": len(keys),
            "elementsPerPage": size,
            "currentPage": page,
            "totalPages": total_pages,
        },
        "links": links,
    }


def published_file(runtime: Runtime, file_id: int) -> Any:
    """The row of a file the server publishes (its bytes included). A file that was
    published and no longer is answers 410, as OParl 1.1 recommends; others do not exist."""
    snap, records = _current(runtime)
    key = ("file", file_id)
    if key not in snap.objects:
        record = records.get(key)
        if record is not None and record.deleted:
            raise Gone("Datei", file_id)
        raise NotFound("Datei", file_id)
    with runtime.read() as connection:
        return repository.file_content(connection, runtime.body_id_in(connection), file_id)


# The embedded lists a client may ask to be left out (``omit_internal``), of those we embed.
_INTERNAL = frozenset(
    {
        ("body", "legislativeTerm"),
        ("person", "membership"),
        ("meeting", "agendaItem"),
        ("paper", "auxiliaryFile"),
    }
)


def _render(
    snap: Snapshot, records: Mapping[Key, Any], key: Key, urls: Urls, *, omit: bool = False
) -> dict[str, Any]:
    values = dict(snap.objects[key])
    record = records.get(key)
    if record is not None:
        values["created"] = moment(record.created) if record.created else None
        values["modified"] = moment(record.modified) if record.modified else None
    for prop, children in snap.embeds.get(key, {}).items():
        if omit and (key[0], prop) in _INTERNAL:
            continue
        rendered = [_render(snap, records, child, urls) for child in children]
        many = EMBEDS[key[0]][prop][1]
        values[prop] = rendered if many else rendered[0]
    values = compact(values)
    if key[0] == "body":
        values.setdefault("legislativeTerm", [])  # required, even when empty
    addressed: dict[str, Any] = _addressed(values, urls)
    return addressed


def _addressed(value: Any, urls: Urls) -> Any:
    if isinstance(value, str) and value.startswith(BASE):
        return urls.base + value[len(BASE) :]
    if isinstance(value, list):
        return [_addressed(v, urls) for v in value]
    if isinstance(value, dict):
        return {k: _addressed(v, urls) for k, v in value.items()}
    return value

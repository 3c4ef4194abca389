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
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.engine import Connection

from service import access
from service.audit.repository import lock_chain
from service.errors import NotFound, ServiceError
from service.oparl import repository
from service.oparl.objects import (
    BODY_LISTS,
    EMBEDS,
    TYPE_NAMES,
    VERSION_URI,
    Key,
    Urls,
    compact,
    day,
    deleted,
    fingerprint,
    head,
    moment,
    roman,
)
from service.people.service import display_name
from service.reports.builder import build_report
from service.reports.period import period_of
from service.reports.service import body_rules, load
from service.runtime import Runtime
from workflow.calendar import to_local

# Objects are built against this placeholder and the request's address is put in on the
# way out, so a fingerprint does not change with the host name a client used.
_BASE = "urn:ratsflow:oparl/"
_PLACEHOLDER = Urls(_BASE)
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
_COMMITTEE_CLASS = {"rat": "Rat", "ausschuss": "Ausschuss"}
_ROLES = {"entscheidung": "Entscheidung", "vorberatung": "Vorberatung"}


@dataclass
class Snapshot:
    """Everything the server would publish now, flat, with the embedding named apart."""

    objects: dict[Key, dict[str, Any]] = field(default_factory=dict)
    embeds: dict[Key, dict[str, list[Key]]] = field(default_factory=dict)
    born: dict[Key, datetime] = field(default_factory=dict)  # a row's own creation time

    def add(self, key: Key, values: dict[str, Any], born: datetime | None = None) -> None:
        self.objects[key] = compact({**head(_PLACEHOLDER, *key), **values})
        if born is not None:
            self.born[key] = born

    def embed(self, parent: Key, prop: str, child: Key) -> None:
        if child in self.objects:
            self.embeds.setdefault(parent, {}).setdefault(prop, []).append(child)

    def content(self, key: Key) -> dict[str, Any]:
        """The object with what it embeds, without stamps: what its fingerprint covers."""
        values = dict(self.objects[key])
        for prop, children in self.embeds.get(key, {}).items():
            values[prop] = [self.content(child) for child in children]
        return values


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


# --- building what is published ------------------------------------------------------------


def build(runtime: Runtime, connection: Connection) -> Snapshot:
    body_id = runtime.body_id_in(connection)
    urls = _PLACEHOLDER
    snap = Snapshot()
    body_key: Key = ("body", body_id)
    body_url = urls.of(*body_key)

    committees = repository.council_committees(connection, body_id, access.PUBLIC_COMMITTEE_KINDS)
    committee_ids = [c.id for c in committees]
    memberships = repository.memberships_in(connection, committee_ids)
    people = {
        p.id: p
        for p in repository.persons_in(connection, body_id, [m.person_id for m in memberships])
        if access.person_is_public(p, True)
    }
    memberships = [m for m in memberships if m.person_id in people]
    for m in memberships:
        snap.add(
            ("membership", m.id),
            {
                "person": urls.of("person", m.person_id),
                "organization": urls.of("organization", m.committee_id),
                "role": m.role.capitalize() if m.role else None,
                "votingRight": m.voting_right,
                "startDate": day(m.valid_from),
                "endDate": day(m.valid_until),
            },
        )
    for p in people.values():
        snap.add(
            ("person", p.id),
            {
                "body": body_url,
                "name": display_name(p),
                "familyName": p.family_name,
                "givenName": p.given_name,
                "title": [p.title] if p.title else None,
            },
        )
        for m in memberships:
            if m.person_id == p.id:
                snap.embed(("person", p.id), "membership", ("membership", m.id))
    for c in committees:
        snap.add(
            ("organization", c.id),
            {
                "body": body_url,
                "name": c.name,
                "shortName": c.short_name,
                "organizationType": "Gremium",
                "classification": _COMMITTEE_CLASS.get(c.kind),
                "membership": [
                    urls.of("membership", m.id) for m in memberships if m.committee_id == c.id
                ],
            },
        )

    meetings = repository.meetings_of(connection, body_id, committee_ids)
    meeting_ids = {m.id for m in meetings}
    agenda = repository.public_agenda_of(connection, sorted(meeting_ids))
    papers = repository.public_papers(connection, body_id)
    paper_ids = [p.id for p in papers]
    consultations = [
        c
        for c in repository.consultations_of(connection, paper_ids)
        if c.committee_id in committee_ids
    ]
    # The agenda item that treats a paper's step: same paper, same meeting.
    item_of = {(a.paper_id, a.meeting_id): a.id for a in agenda if a.paper_id is not None}
    consultation_of = {
        item_of[(c.paper_id, c.meeting_id)]: c.id
        for c in consultations
        if (c.paper_id, c.meeting_id) in item_of
    }
    now = runtime.now()
    names = {c.id: c.name for c in committees}
    for a in agenda:
        snap.add(
            ("agendaitem", a.id),
            {
                "meeting": urls.of("meeting", a.meeting_id),
                "number": a.number,
                "order": a.position,
                "name": a.title,
                "public": True,
                "consultation": urls.of("consultation", consultation_of[a.id])
                if a.id in consultation_of
                else None,
            },
        )
    for m in meetings:
        if m.location:
            snap.add(
                ("location", m.id),
                {"description": m.location, "meetings": [urls.of("meeting", m.id)]},
            )
        local = to_local(m.starts_at)
        snap.add(
            ("meeting", m.id),
            {
                "name": f"{names[m.committee_id]}, Sitzung am {local:%d.%m.%Y}",
                "meetingState": "durchgeführt" if m.starts_at <= now else "terminiert",
                "cancelled": False,
                "start": moment(m.starts_at),
                "organization": [urls.of("organization", m.committee_id)],
            },
        )
        snap.embed(("meeting", m.id), "location", ("location", m.id))
        for a in agenda:
            if a.meeting_id == m.id:
                snap.embed(("meeting", m.id), "agendaItem", ("agendaitem", a.id))

    for c in consultations:
        item = item_of.get((c.paper_id, c.meeting_id))
        snap.add(
            ("consultation", c.id),
            {
                "paper": urls.of("paper", c.paper_id),
                "meeting": urls.of("meeting", c.meeting_id)
                if c.meeting_id in meeting_ids
                else None,
                "agendaItem": urls.of("agendaitem", item) if item else None,
                "organization": [urls.of("organization", c.committee_id)],
                "authoritative": c.role == "entscheidung",
                "role": _ROLES.get(c.role, c.role),
            },
        )
    for f in repository.paper_files(connection, body_id, paper_ids):
        snap.add(
            ("file", f.id),
            {
                "name": f.filename,
                "fileName": f.filename,
                "mimeType": f.content_type,
                "date": day(to_local(f.uploaded_at).date()),
                "size": f.size,
                "sha512Checksum": _sha512(f.content),
                "accessUrl": urls.file_access(f.id),
                "downloadUrl": urls.file_download(f.id),
                "paper": [urls.of("paper", f.owner_id)],
            },
            born=f.uploaded_at,
        )
    files_of: dict[int, list[int]] = {}
    for key in snap.objects:
        if key[0] == "file":
            owner = int(snap.objects[key]["paper"][0].rsplit("/", 1)[1])
            files_of.setdefault(owner, []).append(key[1])
    extension = _beschlusskontrolle(runtime, connection, paper_ids)
    terms: set[int] = set()
    for p in papers:
        snap.add(
            ("paper", p.id),
            {
                "body": body_url,
                "name": p.title,
                "reference": p.reference,
                "date": day(to_local(p.created_at).date()),
                "paperType": "Vorlage",
                **extension.get(p.id, {}),
            },
            born=p.created_at,
        )
        for c in consultations:
            if c.paper_id == p.id:
                snap.embed(("paper", p.id), "consultation", ("consultation", c.id))
        for file_id in files_of.get(p.id, []):
            snap.embed(("paper", p.id), "auxiliaryFile", ("file", file_id))
        number = roman(p.reference.split("/", 1)[0]) if "/" in p.reference else None
        if number:
            terms.add(number)
    for number in sorted(terms):
        snap.add(
            ("legislativeterm", number),
            {"body": body_url, "name": f"Wahlperiode {_roman_text(number, papers)}"},
        )
    profile = runtime.body
    snap.add(
        body_key,
        {
            "system": urls.system(),
            "name": profile.name,
            "shortName": profile.slug,
            "mainOrganization": next(
                (urls.of("organization", c.id) for c in committees if c.kind == "rat"), None
            ),
            **{prop: urls.body_list(body_id, prop) for prop in BODY_LISTS},
            "legislativeTerm": [],
        },
    )
    for number in sorted(terms):
        snap.embed(body_key, "legislativeTerm", ("legislativeterm", number))
    return snap


def _roman_text(number: int, papers: list[Any]) -> str:
    for p in papers:
        prefix = p.reference.split("/", 1)[0]
        if roman(prefix) == number:
            return str(prefix)
    return str(number)


def _sha512(content: bytes) -> str:
    import hashlib

    return hashlib.sha512(content).hexdigest()


def _beschlusskontrolle(
    runtime: Runtime, connection: Connection, paper_ids: list[int]
) -> dict[int, dict[str, Any]]:
    """The vendor extension of each paper: its public measures with state, the traffic light
    the public Sachstandsbericht would give them today (open measures only, as there), and
    the Beschlussnummer of the public vote that decided the paper."""
    rules = body_rules(runtime)
    now = runtime.now()
    today = to_local(now).date()
    report = build_report(
        load(runtime, connection, True, rules),
        period=period_of(today),
        as_of=today,
        generated_at=now,
        audience="public",
        rules=rules,
        spec_of=lambda name, version: runtime.registry.engine(name, version).spec,
    )
    lights = {m.id: m.light_label for p in report.programmes for m in p.measures}
    numbers: dict[int, str] = {}
    for v in repository.public_votes_of(connection, paper_ids):
        if v.resolution_number:
            numbers[v.paper_id] = v.resolution_number  # the latest decision counts
    out: dict[int, dict[str, Any]] = {}
    for m in repository.public_measures_of(connection, paper_ids):
        spec = runtime.registry.engine(m.definition_name, m.definition_version).spec
        entry = out.setdefault(m.paper_id, {"ratsflow:measure": []})
        entry["ratsflow:measure"].append(
            compact(
                {
                    "code": m.code,
                    "name": m.title,
                    "state": spec.states[m.state].label,
                    "trafficLight": lights.get(m.id),
                    "resolutionNumber": numbers.get(m.paper_id),
                }
            )
        )
    for paper_id, number in numbers.items():
        out.setdefault(paper_id, {})["ratsflow:resolutionNumber"] = number
    return out


# --- stamps --------------------------------------------------------------------------------


def _current(runtime: Runtime) -> tuple[Snapshot, dict[Key, Any]]:
    """What is published now and its stamps, brought up to date when anything changed."""
    with runtime.read() as connection:
        snap = build(runtime, connection)
        records = _records(connection, runtime)
    prints = {key: fingerprint(snap.content(key)) for key in snap.objects}
    if _stale(prints, records):
        with runtime.write() as connection:
            lock_chain(connection, runtime.chain_key)
            records = _records(connection, runtime)
            _stamp(connection, runtime, snap, prints, records)
            records = _records(connection, runtime)
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
    """The row of a file the server publishes (its bytes included); others do not exist."""
    with runtime.read() as connection:
        snap = build(runtime, connection)
        if ("file", file_id) not in snap.objects:
            raise NotFound("Datei", file_id)
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
    if isinstance(value, str) and value.startswith(_BASE):
        return urls.base + value[len(_BASE) :]
    if isinstance(value, list):
        return [_addressed(v, urls) for v in value]
    if isinstance(value, dict):
        return {k: _addressed(v, urls) for k, v in value.items()}
    return value

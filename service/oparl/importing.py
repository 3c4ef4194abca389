"""``ratsflow oparl import``: a city's RIS read through OParl, keyed by the OParl ids.

What the import creates, it owns and keeps up to date: Gremien, Personen,
Mitgliedschaften, Sitzungen with their Tagesordnung, Vorlagen with their Beratungsfolge and
the metadata of their files. It never touches what ratsflow itself owns: measures, votes,
statements, the state of a paper (an imported paper starts in the first state of its
workflow and no transition is ever fired), nor any row it did not create itself (a paper
whose Drucksachennummer ratsflow already has is reported, not overwritten). Every write goes
through the audited path under the import actor.

Each list page is one transaction that also records where the run stands, so an interrupted
run (network, 5xx) resumes at the page it stopped at; a run that got through remembers
when it started and the next asks only for what changed since (``modified_since``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.engine import Connection

from service.actor import Actor
from service.oparl import repository
from service.oparl.client import Remote, Unreachable, external_key
from service.papers.service import insert_paper
from service.records import insert_audited, update_audited
from service.runtime import Runtime
from workflow.calendar import BERLIN

# Audited as the role ``oparl_import``: a role with no permission, so the trail names the import.
IMPORT_ACTOR = Actor(
    user_id=None, person_id=None, roles=frozenset({"oparl_import"}), name="OParl-Import"
)
LISTS = ("organization", "person", "membership", "meeting", "paper")
LABELS = {
    "organization": "Gremium",
    "person": "Person",
    "membership": "Mitgliedschaft",
    "meeting": "Sitzung",
    "agendaitem": "Tagesordnungspunkt",
    "paper": "Vorlage",
    "consultation": "Beratung",
    "file": "Anlage",
}
AUDIT_TYPES = {"organization": "committee", "agendaitem": "agenda_item", "file": "attachment"}
# Changes made on the remote while a run reads are caught by the next run's window.
_OVERLAP = timedelta(minutes=5)


@dataclass
class ImportReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    interrupted: str | None = None
    resumed_at: str | None = None

    def lines(self) -> list[str]:
        out = []
        if self.resumed_at:
            out.append(f"Fortgesetzt bei {self.resumed_at}.")
        for kind in LABELS:
            if self.created[kind] or self.updated[kind]:
                out.append(
                    f"{LABELS[kind]}: {self.created[kind]} neu, {self.updated[kind]} geändert"
                )
        out.append(f"Unverändert: {self.unchanged}")
        out += [f"Übersprungen: {reason}" for reason in self.skipped]
        if self.interrupted:
            out.append(
                f"Abgebrochen: {self.interrupted}. Der nächste Lauf setzt an dieser Stelle fort."
            )
        return out


@dataclass
class _Run:
    runtime: Runtime
    remote: Remote
    source_key: str
    report: ImportReport
    since: datetime | None
    # Objects that could not be taken over in this run: asked for and reported once only.
    failed: set[str] = field(default_factory=set)

    def skip(self, oparl_id: str, reason: str) -> None:
        key = external_key(oparl_id)
        if key not in self.failed:
            self.failed.add(key)
            self.report.skipped.append(reason)


def import_system(
    runtime: Runtime,
    system_url: str,
    *,
    remote_body: str | None = None,
    since: datetime | None = None,
    http: httpx.Client | None = None,
) -> ImportReport:
    """Imports one body of the remote system; see the module's text for what and how."""
    remote = Remote(system_url, http)
    try:
        return _run(runtime, remote, system_url, remote_body, since)
    finally:
        remote.close()


def _run(
    runtime: Runtime,
    remote: Remote,
    system_url: str,
    remote_body: str | None,
    since: datetime | None,
) -> ImportReport:
    report = ImportReport()
    started = runtime.now()
    try:
        system = remote.get(system_url)
        if system is None:
            raise Unreachable(f"{system_url}: kein OParl-System gefunden")
        body = _choose_body(remote, system, remote_body)
    except Unreachable as exc:
        report.interrupted = str(exc)
        return report
    key = external_key(system_url)
    with runtime.write() as c:
        body_id = runtime.body_id_in(c)
        source = repository.source(c, body_id, key)
        if source is None:
            repository.insert_source(
                c, {"body_id": body_id, "system_key": key, "system_url": system_url}
            )
            source = repository.source(c, body_id, key)
        if source.resume_list is None:
            repository.update_source(
                c, source.id, {"run_started_at": started, "remote_body": body["id"]}
            )
        else:
            started = source.run_started_at or started
    if since is None and source.synced_until is not None:
        since = source.synced_until - _OVERLAP
    run = _Run(runtime, remote, key, report, since)
    lists = list(LISTS)
    resume_url = None
    if source.resume_list in lists:
        lists = lists[lists.index(source.resume_list) :]
        resume_url = source.resume_url
        report.resumed_at = f"{LABELS[source.resume_list]}-Liste, {resume_url}"
    for name in lists:
        url = resume_url or body.get(name)
        params = None if resume_url else _filters(since)
        resume_url = None
        if not isinstance(url, str):
            continue
        try:
            for items, following in remote.pages(url, params):
                with runtime.write() as c:
                    for item in items:
                        _import(run, c, name, item)
                    at = {"resume_list": name, "resume_url": following}
                    if following is None:
                        nxt = LISTS.index(name) + 1
                        at = {
                            "resume_list": LISTS[nxt] if nxt < len(LISTS) else None,
                            "resume_url": None,
                        }
                    repository.update_source(c, source.id, at)
        except Unreachable as exc:
            report.interrupted = str(exc)
            return report
    with runtime.write() as c:
        repository.update_source(
            c, source.id, {"resume_list": None, "resume_url": None, "synced_until": started}
        )
    return report


def _filters(since: datetime | None) -> dict[str, str] | None:
    return {"modified_since": since.isoformat(timespec="seconds")} if since else None


def _choose_body(remote: Remote, system: dict[str, Any], wanted: str | None) -> dict[str, Any]:
    url = system.get("body")
    bodies: list[dict[str, Any]] = []
    if isinstance(url, str):
        for items, _ in remote.pages(url):
            bodies += items
    for body in bodies:
        if (
            wanted is None
            or external_key(body.get("id", "")) == external_key(wanted)
            or (body.get("id", "").rstrip("/").endswith("/" + wanted))
        ):
            return body
    raise Unreachable(
        f"Körperschaft „{wanted}“ nicht im System" if wanted else "keine Körperschaft im System"
    )


# --- one object ----------------------------------------------------------------------------


def _import(run: _Run, c: Connection, kind: str, item: dict[str, Any]) -> int | None:
    if not isinstance(item.get("id"), str):
        run.report.skipped.append(f"{LABELS[kind]} ohne id")
        return None
    if item.get("deleted"):
        return _deleted(run, c, kind, item)
    handler = _HANDLERS.get(kind)
    if handler is None:  # agenda items come with their meeting, nothing else fetches them
        run.skip(item["id"], f"{LABELS[kind]} {item['id']}: nur mit der Sitzung übernommen")
        return None
    return handler(run, c, item)


def _deleted(run: _Run, c: Connection, kind: str, item: dict[str, Any]) -> int | None:
    record = repository.record_by_key(c, run.runtime.body_id_in(c), kind, external_key(item["id"]))
    if record is None:
        return None
    if kind == "paper":
        # Depublished at the source: the paper stays (measures may hang on it), non-public.
        _upsert(run, c, "paper", item["id"], {"public": False})
    else:
        run.skip(
            item["id"],
            f"{LABELS[kind]} {item['id']}: in der Quelle gelöscht; in ratsflow bleibt sie stehen",
        )
    return int(record.entity_id)


def _resolve(run: _Run, c: Connection, kind: str, url: Any) -> int | None:
    """The local row of a referenced object, fetched and imported when not yet known."""
    if not isinstance(url, str):
        return None
    record = repository.record_by_key(c, run.runtime.body_id_in(c), kind, external_key(url))
    if record is not None:
        return int(record.entity_id)
    if external_key(url) in run.failed:
        return None
    document = run.remote.get(url)
    if document is None:
        run.skip(url, f"{LABELS[kind]} {url}: antwortet 404 (nicht gefunden)")
        return None
    return _import(run, c, kind, document)


def _upsert(
    run: _Run,
    c: Connection,
    kind: str,
    oparl_id: str,
    values: dict[str, Any],
    *,
    create: dict[str, Any] | None = None,
) -> int:
    """Creates the row on first sight, afterwards writes only what changed (audited)."""
    runtime = run.runtime
    body_id = runtime.body_id_in(c)
    key = external_key(oparl_id)
    record = repository.record_by_key(c, body_id, kind, key)
    table = repository.TABLES[kind]
    audit_type = AUDIT_TYPES.get(kind, kind)
    if record is not None:
        before = repository.row(c, kind, record.entity_id)
        if before is not None:
            if any(getattr(before, k) != v for k, v in values.items()):
                update_audited(
                    c,
                    runtime.chain_key,
                    table,
                    record.entity_id,
                    values,
                    actor=IMPORT_ACTOR,
                    now=runtime.now(),
                    entity_type=audit_type,
                    before=before,
                )
                run.report.updated[kind] += 1
            else:
                run.report.unchanged += 1
            return int(record.entity_id)
    row = {**values, **(create or {})}
    if kind == "paper":
        row_id = insert_paper(runtime, c, IMPORT_ACTOR, **row)
    else:
        row_id = insert_audited(
            c,
            runtime.chain_key,
            table,
            row,
            actor=IMPORT_ACTOR,
            now=runtime.now(),
            entity_type=audit_type,
        )
    if record is None:
        repository.insert_record(
            c,
            {
                "body_id": body_id,
                "entity_type": kind,
                "entity_id": row_id,
                "external_key": key,
                "source": run.source_key,
                "deleted": False,
            },
        )
    else:  # the row was removed in ratsflow: the record follows the new one
        repository.update_record(c, record.id, {"entity_id": row_id})
    run.report.created[kind] += 1
    return row_id


def _organization(run: _Run, c: Connection, item: dict[str, Any]) -> int | None:
    kind = _committee_kind(item)
    name = _text(item.get("name")) or _text(item.get("shortName"))
    if kind is None or name is None:
        reason = "kein Gremium" if kind is None else "ohne Namen"
        run.skip(item["id"], f"Gremium {item['id']}: {reason}")
        return None
    short = (_text(item.get("shortName")) or name)[:50]
    body_id = run.runtime.body_id_in(c)
    return _upsert(
        run,
        c,
        "organization",
        item["id"],
        {"name": name[:200], "short_name": short, "kind": kind},
        create={"body_id": body_id, "slug": _free_slug(c, body_id, short), "vote_rules": {}},
    )


def _person(run: _Run, c: Connection, item: dict[str, Any]) -> int | None:
    given, family = _text(item.get("givenName")), _text(item.get("familyName"))
    if given is None and family is None:
        name = _text(item.get("name"))
        if name is None:
            run.skip(item["id"], f"Person {item['id']}: ohne Namen")
            return None
        given, _, family = name.rpartition(" ")
        given = given or None
    titles = item.get("title")
    title = " ".join(t for t in titles if isinstance(t, str)) if isinstance(titles, list) else None
    person_id = _upsert(
        run,
        c,
        "person",
        item["id"],
        {"given_name": given, "family_name": family, "title": title or None},
        create={"body_id": run.runtime.body_id_in(c), "is_staff": False},
    )
    for membership in item.get("membership") or []:
        if isinstance(membership, dict):
            _membership(run, c, {"person": item["id"], **membership})
    return person_id


def _membership(run: _Run, c: Connection, item: dict[str, Any]) -> int | None:
    committee_id = _resolve(run, c, "organization", item.get("organization"))
    person_id = _resolve(run, c, "person", item.get("person"))
    if committee_id is None or person_id is None:
        missing = "Gremium" if committee_id is None else "Person"
        run.skip(item["id"], f"Mitgliedschaft {item['id']}: {missing} nicht übernommen")
        return None
    return _upsert(
        run,
        c,
        "membership",
        item["id"],
        {
            "person_id": person_id,
            "committee_id": committee_id,
            "role": (_text(item.get("role")) or "mitglied")[:50].lower(),
            "voting_right": item.get("votingRight") is not False,
            "valid_from": _day(item.get("startDate")),
            "valid_until": _day(item.get("endDate")),
        },
    )


def _meeting(run: _Run, c: Connection, item: dict[str, Any]) -> int | None:
    starts_at = _moment(item.get("start"))
    organizations = item.get("organization") or []
    committee_id = _resolve(run, c, "organization", organizations[0]) if organizations else None
    if starts_at is None or committee_id is None:
        reason = "ohne Beginn" if starts_at is None else "ohne bekanntes Gremium"
        run.skip(item["id"], f"Sitzung {item['id']}: {reason}")
        return None
    location = item.get("location")
    place = None
    if isinstance(location, dict):
        parts = [location.get(k) for k in ("description", "streetAddress", "room")]
        place = ", ".join(p for p in parts if isinstance(p, str) and p) or None
    meeting_id = _upsert(
        run,
        c,
        "meeting",
        item["id"],
        {
            "committee_id": committee_id,
            "starts_at": starts_at,
            "location": place[:200] if place else None,
        },
        create={"body_id": run.runtime.body_id_in(c)},
    )
    for position, agenda in enumerate(item.get("agendaItem") or [], start=1):
        if isinstance(agenda, dict) and isinstance(agenda.get("id"), str):
            order = agenda.get("order")
            _upsert(
                run,
                c,
                "agendaitem",
                agenda["id"],
                {
                    "meeting_id": meeting_id,
                    "position": order if isinstance(order, int) else position,
                    "number": (_text(agenda.get("number")) or str(position))[:20],
                    "title": (_text(agenda.get("name")) or "(ohne Titel)")[:500],
                    "public": agenda.get("public") is not False,
                },
            )
    return meeting_id


def _paper(run: _Run, c: Connection, item: dict[str, Any]) -> int | None:
    reference = _text(item.get("reference"))
    title = _text(item.get("name"))
    if reference is None or title is None:
        run.skip(item["id"], f"Vorlage {item['id']}: ohne Drucksachennummer oder Titel")
        return None
    body_id = run.runtime.body_id_in(c)
    known = repository.record_by_key(c, body_id, "paper", external_key(item["id"]))
    if known is None and repository.paper_by_reference(c, body_id, reference) is not None:
        run.skip(
            item["id"],
            f"Vorlage {reference}: gibt es in ratsflow bereits; sie wird nicht überschrieben",
        )
        return None
    paper_id = _upsert(
        run,
        c,
        "paper",
        item["id"],
        {"reference": reference[:50], "title": title[:500], "public": True},
        create={"body_id": body_id},
    )
    for position, step in enumerate(item.get("consultation") or [], start=1):
        if isinstance(step, dict) and isinstance(step.get("id"), str):
            _consultation(run, c, paper_id, position, step)
    files = [item.get("mainFile"), *(item.get("auxiliaryFile") or [])]
    for file in files:
        if isinstance(file, dict) and isinstance(file.get("id"), str):
            _file(run, c, paper_id, file)
    return paper_id


def _consultation(
    run: _Run, c: Connection, paper_id: int, position: int, item: dict[str, Any]
) -> None:
    organizations = item.get("organization") or []
    committee_id = _resolve(run, c, "organization", organizations[0]) if organizations else None
    if committee_id is None:
        run.skip(item["id"], f"Beratung {item['id']}: ohne bekanntes Gremium")
        return
    meeting_id = _resolve(run, c, "meeting", item.get("meeting"))
    role = (
        "entscheidung"
        if item.get("authoritative") or _text(item.get("role")) == "Entscheidung"
        else "vorberatung"
    )
    body_id = run.runtime.body_id_in(c)
    if repository.record_by_key(c, body_id, "consultation", external_key(item["id"])) is None:
        taken = repository.consultation_at(c, paper_id, position)
        if taken is not None:
            run.skip(item["id"], f"Beratung {item['id']}: Position {position} ist belegt")
            return
    _upsert(
        run,
        c,
        "consultation",
        item["id"],
        {
            "paper_id": paper_id,
            "committee_id": committee_id,
            "meeting_id": meeting_id,
            "role": role,
        },
        create={"position": position},
    )
    agenda_id = (
        _resolve(run, c, "agendaitem", item.get("agendaItem")) if item.get("agendaItem") else None
    )
    if agenda_id is not None:
        _upsert(run, c, "agendaitem", item["agendaItem"], {"paper_id": paper_id})


def _file(run: _Run, c: Connection, paper_id: int, item: dict[str, Any]) -> None:
    name = _text(item.get("fileName")) or _text(item.get("name")) or "Anlage"
    _upsert(
        run,
        c,
        "file",
        item["id"],
        {
            "filename": name[:255],
            "content_type": (_text(item.get("mimeType")) or "application/octet-stream")[:100],
        },
        create={
            # Metadata only: the bytes stay at the source (accessUrl).
            "body_id": run.runtime.body_id_in(c),
            "owner_type": "paper",
            "owner_id": paper_id,
            "size": 0,
            "sha256": "",
            "content": b"",
            "uploaded_at": run.runtime.now(),
        },
    )


_HANDLERS = {
    "organization": _organization,
    "person": _person,
    "membership": _membership,
    "meeting": _meeting,
    "paper": _paper,
}


# --- values --------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=BERLIN) if parsed.tzinfo is None else parsed


def _committee_kind(item: dict[str, Any]) -> str | None:
    if item.get("organizationType") not in (None, "Gremium"):
        return None  # Fraktionen, Parteien, Verwaltung: no council body
    text = " ".join(str(item.get(k) or "") for k in ("classification", "name")).lower()
    if "ausschuss" in text:
        return "ausschuss"
    return "rat" if re.search(r"rat\b|kreistag|vertretung", text) else "ausschuss"


def _free_slug(c: Connection, body_id: int, text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("ß", "ss")).encode("ascii", "ignore")
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text.decode().lower()).strip("-")[:56] or "gremium"
    slug, n = base, 1
    while repository.committee_slug_taken(c, body_id, slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def import_known_sources(runtime: Runtime, now: datetime) -> int:
    """The scheduled run: every RIS this body has imported from once (``ratsflow oparl
    import URL`` registers it) is read again for what changed; returns the objects written."""
    with runtime.read() as c:
        known = repository.sources_of(c, runtime.body_id_in(c))
    written = 0
    for source in known:
        report = import_system(runtime, source.system_url, remote_body=source.remote_body)
        written += sum(report.created.values()) + sum(report.updated.values())
        if report.interrupted:
            raise Unreachable(report.interrupted)  # the period stays owed; the next run resumes
    return written

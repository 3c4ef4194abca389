"""Verifying issued Sachstandsberichte, the same through every door: the stored report (is
it the one issued, is the chain's entry of its issue intact) and a file someone holds (is it
exactly an issued report, and which).

The chain's event of the issue (``issued_report.create``) is what counts: its hashed text
records the SHA-256 of both files. ``issued_reports`` is an ordinary table that a database
owner can change, digests and all; its own digests count only where retention has removed
the event (after ten years, docs/protokoll.md).

Who may verify what follows who may read what (``issuing.may_read``): a public report
anyone, an internal one staff and council members. For anyone else a file that is an
internal report gets the answer a file that is none gets ("no public issued report"), so
the answer tells nothing about internal reports. Whoever issued a report is named for staff
(``access.may_see_names``), for everyone else by role. Verifying an internal report reads
it (what it is, who issued it), so it is logged like a download, before the answer is
given, one event per request.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.audit.chain import GENESIS, payload_hash
from service.audit.service import log_read
from service.people.service import display_name
from service.reports import issuing
from service.reports.issuing import ENTITY, FileFormat
from service.reports.repository import issued as repository
from service.reports.verdicts import (
    EntryCheck,
    FileCheck,
    FileVerification,
    Issue,
    Match,
    StoredVerification,
)
from service.runtime import Runtime
from workflow.roles import role_label

KINDS: tuple[FileFormat, ...] = ("pdf", "json")
CONSOLE = "ratsflow selbst (Kommandozeile oder Zeitplan)"


def verify_issued(runtime: Runtime, actor: Actor | None, issued_id: int) -> StoredVerification:
    """Whether the stored issued report is the one issued: both stored files against the
    digests in the chain's event of the issue, and that event against its own hash and its
    neighbours in the chain. A report the caller may not read is not found."""
    with runtime.read() as connection:
        row = issuing.readable(connection, runtime.body_id, issued_id, actor)
        events = repository.issue_events(connection, runtime.chain_key, issued_id)
        event = events[0] if events else None
        entry = _entry(connection, runtime.chain_key, issued_id, event)
        if event is None:
            recorded: dict[FileFormat, str] = {"pdf": row.pdf_sha256, "json": row.json_sha256}
        else:
            recorded = {} if entry.state == "veraendert" else issuing.recorded_digests(event)
        files = tuple(
            FileCheck(
                kind,
                issuing.sha256(issuing.stored_content(connection, runtime.body_id, row.id, kind)),
                recorded.get(kind),
                from_chain=event is not None,
            )
            for kind in KINDS
        )
        [issue], persons = _issues(connection, actor, [row])
    _log(runtime, actor, [issue], persons, "Prüfung des gespeicherten Berichts")
    return StoredVerification(issue, entry, files)


def verify_file(runtime: Runtime, actor: Actor | None, content: bytes) -> FileVerification:
    """Which issued reports (that the caller may read) this file is exactly, by the SHA-256
    the chain recorded at their issue; none for any other file (a changed byte gives another
    digest), also for one stored in ``issued_reports`` in place of the issued file, or named
    only by an event of the chain that is not intact."""
    digest = issuing.sha256(content)
    found: list[tuple[Any, FileFormat, EntryCheck, bool]] = []
    with runtime.read() as connection:
        for event in repository.issue_events(connection, runtime.chain_key, containing=digest):
            kinds = [k for k, named in issuing.digests_in(event.payload).items() if named == digest]
            row = repository.issued(connection, runtime.body_id, event.entity_id)
            if not kinds or row is None or not issuing.may_read(actor, row):
                continue  # another body's report in a shared chain, or not for the caller
            entry = _entry(connection, runtime.chain_key, row.id, event)
            for kind in kinds:
                stored = issuing.stored_content(connection, runtime.body_id, row.id, kind)
                found.append((row, kind, entry, issuing.sha256(stored) == digest))
        # A report whose event of the issue retention has removed has only its stored digest
        # left to be recognised by; one whose event is still there was answered above.
        for issued_id, kind in repository.issued_with_sha256(connection, runtime.body_id, digest):
            row = repository.issued(connection, runtime.body_id, issued_id)
            if not issuing.may_read(actor, row) or repository.issue_events(
                connection, runtime.chain_key, issued_id
            ):
                continue
            found.append((row, kind, EntryCheck("fehlt"), True))
        found.sort(key=lambda f: f[0].number)
        issues, persons = _issues(connection, actor, [f[0] for f in found])
    _log(runtime, actor, issues, persons, "Prüfung einer vorgelegten Datei")
    checked = [
        Match(issue, kind, entry, intact)
        for issue, (_, kind, entry, intact) in zip(issues, found, strict=True)
    ]
    return FileVerification(
        digest,
        tuple(m for m in checked if m.entry.state in ("intakt", "fehlt")),
        issuing.reads_internal(actor),
        tuple(m for m in checked if m.entry.state not in ("intakt", "fehlt")),
    )


def _entry(connection: Connection, chain_key: str, issued_id: int, event: Any | None) -> EntryCheck:
    """The event of the issue checked where it stands: its text against its hash, its text
    against the report it is filed under, its links against the events before and after it.
    (Whether the whole chain is unbroken is ``audit verify``'s question, for the DSB.)"""
    if event is None:
        return EntryCheck("fehlt")
    if payload_hash(event.payload) != event.hash:
        return EntryCheck("veraendert", event.seq)
    text = json.loads(event.payload)
    said = (text.get("chain"), text.get("seq"), text.get("action"), text.get("entity"))
    if said != (chain_key, event.seq, f"{ENTITY}.create", {"type": ENTITY, "id": issued_id}):
        return EntryCheck("veraendert", event.seq)
    before, after = repository.chain_neighbours(connection, chain_key, event.seq)
    if before is None and event.seq == 1:
        before = GENESIS
    linked = (before is None or before == text.get("prev") == event.prev_hash) and (
        after is None or after == event.hash
    )
    return EntryCheck("intakt" if linked else "nicht_verkettet", event.seq)


def _issues(
    connection: Connection, actor: Actor | None, rows: Sequence[Any]
) -> tuple[list[Issue], list[int]]:
    """The reports as the caller may be told them, and the persons named in them (staff
    see who issued a report, everyone else the role)."""
    names = access.may_see_names(actor)
    logins = (
        repository.issuers(connection, {r.issued_by for r in rows if r.issued_by}) if names else {}
    )
    issues, persons = [], []
    for row in rows:
        role = role_label(row.issuer_role) if row.issuer_role else None
        login = logins.get(row.issued_by)
        if row.issued_by is None:
            issues.append(Issue(row, CONSOLE))
        elif login is None:
            issues.append(Issue(row, role or "Verwaltung", by_role_only=True))
        else:
            name = _name(login)
            issues.append(Issue(row, f"{name} ({role})" if role else name))
            if login.person_id is not None and row.audience != "public":
                persons.append(login.person_id)
    return issues, persons


def _name(login: Any) -> str:
    if login.person_id is None:
        return str(login.username)
    if login.erased_at is not None:
        return "(gelöscht)"
    return display_name(login)


def _log(
    runtime: Runtime, actor: Actor | None, issues: Sequence[Issue], persons: list[int], what: str
) -> None:
    """One access event for the internal reports the answer names, before it is given."""
    internal = [i for i in issues if i.row.audience != "public"]
    if not internal:
        return
    named = "; ".join(f"{i.title}, Nr. {i.row.number}" for i in internal)
    log_read(
        runtime,
        actor,
        ENTITY,
        internal[0].row.id if len(internal) == 1 else None,
        persons=sorted(set(persons)),
        purpose=f"{what}: {named}",
    )

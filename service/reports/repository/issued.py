"""The queries behind issued Sachstandsberichte: the frozen rows and files, and the audit
chain's events of their issue, which prove what was issued."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from service.audit.models import AuditEvent
from service.auth.models import User
from service.people.models import Person
from service.programmes.models import Programme
from service.reports.models import IssuedReport

audit_events = AuditEvent.__table__  # type: ignore[attr-defined]
users = User.__table__  # type: ignore[attr-defined]
persons = Person.__table__  # type: ignore[attr-defined]
programmes = Programme.__table__  # type: ignore[attr-defined]
issued_reports = IssuedReport.__table__  # type: ignore[attr-defined]
# Everything of an issued report but its files, for lists and look-ups.
ISSUED_COLUMNS = [c for c in issued_reports.c if c.name not in ("json_content", "pdf_content")]


def issued(connection: Connection, body_id: int, issued_id: int) -> Any:
    return connection.execute(
        select(*ISSUED_COLUMNS, programmes.c.title.label("programme_title"))
        .select_from(
            issued_reports.outerjoin(programmes, programmes.c.id == issued_reports.c.programme_id)
        )
        .where(issued_reports.c.id == issued_id, issued_reports.c.body_id == body_id)
    ).first()


def issued_page(connection: Connection, body_id: int, public_only: bool, limit: int) -> list[Any]:
    """The newest issued reports first."""
    query = (
        select(*ISSUED_COLUMNS, programmes.c.title.label("programme_title"))
        .select_from(
            issued_reports.outerjoin(programmes, programmes.c.id == issued_reports.c.programme_id)
        )
        .where(issued_reports.c.body_id == body_id)
    )
    if public_only:
        query = query.where(issued_reports.c.audience == "public")
    return list(connection.execute(query.order_by(issued_reports.c.id.desc()).limit(limit)))


def issued_file(connection: Connection, body_id: int, issued_id: int, column: str) -> Any:
    """One stored file of an issued report (``json_content`` or ``pdf_content``)."""
    return connection.execute(
        select(issued_reports.c[column]).where(
            issued_reports.c.id == issued_id, issued_reports.c.body_id == body_id
        )
    ).scalar_one_or_none()


def issued_with_sha256(connection: Connection, body_id: int, digest: str) -> list[Any]:
    """(id, kind) of every report stored with this PDF or JSON digest, oldest first (the
    table's word only: see ``issue_events`` for the chain's). Reports of one period issued
    twice have the same JSON."""
    found = []
    digests = ((issued_reports.c.pdf_sha256, "pdf"), (issued_reports.c.json_sha256, "json"))
    for column, kind in digests:
        rows = connection.execute(
            select(issued_reports.c.id)
            .where(issued_reports.c.body_id == body_id, column == digest)
            .order_by(issued_reports.c.id)
        )
        found += [(row.id, kind) for row in rows]
    return found


def issue_events(
    connection: Connection,
    chain_key: str,
    issued_id: int | None = None,
    containing: str | None = None,
) -> list[Any]:
    """The chain's events of issuing reports (of one report, if ``issued_id``; whose hashed
    text names ``containing``, a digest, if given), oldest first: their hashed text records
    the digests of the issued files."""
    query = select(
        audit_events.c.entity_id,
        audit_events.c.seq,
        audit_events.c.payload,
        audit_events.c.prev_hash,
        audit_events.c.hash,
    ).where(
        audit_events.c.chain_key == chain_key,
        audit_events.c.entity_type == "issued_report",
        audit_events.c.action == "issued_report.create",
    )
    if issued_id is not None:
        query = query.where(audit_events.c.entity_id == issued_id)
    if containing is not None:
        # A digest is hexadecimal: nothing in it is a wildcard of LIKE.
        query = query.where(audit_events.c.payload.contains(containing, autoescape=True))
    return list(connection.execute(query.order_by(audit_events.c.seq)))


def chain_neighbours(connection: Connection, chain_key: str, seq: int) -> tuple[Any, Any]:
    """The hash of the event before ``seq`` and the link of the event after it (None where
    there is none: the chain's start, its end, or events retention has removed)."""
    rows = {
        row.seq: row
        for row in connection.execute(
            select(audit_events.c.seq, audit_events.c.prev_hash, audit_events.c.hash).where(
                audit_events.c.chain_key == chain_key,
                audit_events.c.seq.in_((seq - 1, seq + 1)),
            )
        )
    }
    before, after = rows.get(seq - 1), rows.get(seq + 1)
    return (
        before.hash if before is not None else None,
        after.prev_hash if after is not None else None,
    )


def issuers(connection: Connection, user_ids: Collection[int]) -> dict[int, Any]:
    """The logins that issued reports, with the name of their person (if any)."""
    if not user_ids:
        return {}
    rows = connection.execute(
        select(
            users.c.id,
            users.c.username,
            users.c.person_id,
            persons.c.title,
            persons.c.given_name,
            persons.c.family_name,
            persons.c.erased_at,
        )
        .select_from(users.outerjoin(persons, persons.c.id == users.c.person_id))
        .where(users.c.id.in_(sorted(user_ids)))
    )
    return {r.id: r for r in rows}


def noted_in(connection: Connection, body_id: int, period: str) -> Any:
    """The first day the FVA took note of a report issued for ``period`` (None: not yet)."""
    return connection.execute(
        select(func.min(issued_reports.c.noted_on)).where(
            issued_reports.c.body_id == body_id, issued_reports.c.period == period
        )
    ).scalar_one_or_none()


def link_paper(connection: Connection, issued_id: int, paper_id: int, consultation_id: int) -> None:
    """The Informationsvorlage an issued report went to the FVA with (set once, at issue)."""
    connection.execute(
        update(issued_reports)
        .where(issued_reports.c.id == issued_id)
        .values(paper_id=paper_id, consultation_id=consultation_id)
    )


def next_number(connection: Connection, body_id: int) -> int:
    """The number the body's next issued report gets (the caller holds the chain lock)."""
    last = connection.execute(
        select(func.max(issued_reports.c.number)).where(issued_reports.c.body_id == body_id)
    ).scalar_one_or_none()
    return int(last or 0) + 1

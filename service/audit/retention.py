"""Retention: removing whole segments of the chain whose every event has expired.

Periods are per kind of event (``RATSFLOW_AUDIT_RETENTION_DAYS``; reasons in
docs/protokoll.md). Only a prefix of the chain that ends at a signed checkpoint is ever
removed, and that checkpoint stays: the first remaining event links to it, so what
remains still verifies. Runs on the owner connection, the only role allowed to delete
audit rows (SQL in ``repository.retention``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.engine import Connection

from service.actor import SYSTEM
from service.audit import repository
from service.audit.checkpoints import stored
from service.audit.repository import retention as segments
from service.audit.service import record
from service.config import Settings

# Kinds of events (``repository.retention.kind_of_action``); every other action is a change.
KINDS = ("zugriff", "anmeldung", "aenderung")


@dataclass
class Removal:
    chain_key: str
    up_to_seq: int | None  # the closing checkpoint; None: nothing may go yet
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.removed.values())


def retention_days(settings: Settings) -> dict[str, int]:
    unknown = set(settings.audit_retention_days) - set(KINDS)
    if unknown:
        raise ValueError(
            f"RATSFLOW_AUDIT_RETENTION_DAYS: unbekannte Art {', '.join(sorted(unknown))}; "
            f"bekannt sind {', '.join(KINDS)}."
        )
    return dict(settings.audit_retention_days)


def plan(connection: Connection, chain_key: str, days: dict[str, int], now: datetime) -> Removal:
    """The longest removable prefix: up to the last checkpoint before any unexpired event."""
    limit: int | None = None
    for kind, kept in days.items():
        young = segments.first_seq_since(connection, chain_key, kind, now - timedelta(days=kept))
        if young is not None:
            limit = young - 1 if limit is None else min(limit, young - 1)
    head = repository.head(connection, chain_key)
    if head is None:
        return Removal(chain_key, None)
    limit = head.seq if limit is None else limit
    first = repository.first_seq(connection, chain_key) or 1
    # The head always stays: the next event must find its forerunner in the table.
    closing = [
        c.seq
        for c in stored(connection, chain_key)
        if first <= c.seq <= limit and c.seq < head.seq and c.signed()
    ]
    if not closing:
        return Removal(chain_key, None)
    up_to_seq = max(closing)
    return Removal(chain_key, up_to_seq, segments.counts_up_to(connection, chain_key, up_to_seq))


def apply_retention(
    settings: Settings, connection: Connection, now: datetime, *, dry_run: bool = False
) -> list[Removal]:
    """On the owner connection; writes one ``audit.retention`` event per chain it shortens.

    Every chain's lock comes first, in one order, before a row or a table is touched: the
    removal sets the audit tables' triggers aside (PostgreSQL: a table lock until commit),
    and a writer holding its chain lock while waiting for that table would otherwise wait
    for retention while retention waits for its chain.
    """
    days = retention_days(settings)
    keys = repository.chain_keys(connection)
    if dry_run:
        return [plan(connection, key, days, now) for key in keys]
    for key in keys:
        repository.lock_chain(connection, key)
    removals = [plan(connection, key, days, now) for key in keys]
    for removal in removals:
        if removal.up_to_seq is None or not removal.total:
            continue
        segments.remove_up_to(connection, removal.chain_key, removal.up_to_seq)
        record(
            connection,
            removal.chain_key,
            actor=SYSTEM,
            now=now,
            action="audit.retention",
            entity_type="audit_trail",
            entity_id=None,
            context={"up_to_seq": removal.up_to_seq, **removal.removed},
        )
    return removals

"""Verification of an audit chain: the first bad sequence number and why, or intact."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.engine import Connection

from service.audit import repository
from service.audit.chain import GENESIS, digest_at, format_ts, payload_hash, value_digest

_BATCH = 2000


@dataclass(frozen=True)
class Verification:
    chain_key: str
    checked: int
    first_bad_seq: int | None = None
    reason: str | None = None
    last_seq: int | None = None
    last_hash: str | None = None

    @property
    def intact(self) -> bool:
        return self.first_bad_seq is None


def verify_chain(
    connection: Connection,
    chain_key: str,
    from_seq: int | None = None,
    to_seq: int | None = None,
) -> Verification:
    """Walks the chain in order; every event must hash to itself and link to its forerunner.

    The indexed columns must agree with the hashed text, and every readable detail value
    must match its digest, so a change anywhere is caught; erased details are skipped.
    """
    start = repository.first_seq(connection, chain_key) or 1
    expected_seq = max(from_seq or start, start)
    prev = _start_hash(connection, chain_key, expected_seq, start)
    checked = 0
    last_hash: str | None = None
    before_prev: str | None = None
    batch: list[tuple[int, int, dict[str, object]]] = []

    def fail(seq: int, reason: str) -> Verification:
        # Detail rows are checked per batch: a changed detail of an earlier event in the
        # batch is the first bad one, even when a later event fails on its own.
        earlier = _check_details(connection, batch)
        if earlier is not None:
            seq, reason = earlier
        return Verification(chain_key, checked, seq, reason)

    if prev is None:
        if expected_seq == start:
            missing = _first_unanchored(connection, chain_key, start)
            return fail(
                missing,
                f"Die Kette beginnt bei Laufnummer {start}, aber kein signierter Prüfpunkt "
                f"belegt Laufnummer {start - 1}: Einträge ab {missing} wurden entfernt.",
            )
        return fail(expected_seq - 1, "Vorgängereintrag fehlt.")
    for row in repository.chain_rows(connection, chain_key, from_seq, to_seq):
        if row.seq != expected_seq:
            return fail(expected_seq, f"Eintrag {expected_seq} fehlt (gefunden: {row.seq}).")
        if payload_hash(row.payload) != row.hash:
            return fail(row.seq, "Inhalt passt nicht zum gespeicherten Hash.")
        if row.prev_hash != prev:
            if checked and row.prev_hash == before_prev:
                # Linked past its forerunner: the forerunner was slipped in afterwards.
                return fail(row.seq - 1, f"Eintrag {row.seq - 1} wurde nachträglich eingefügt.")
            return fail(row.seq, "Verkettung zum Vorgänger ist unterbrochen.")
        document = json.loads(row.payload)
        if document.get("prev") != prev or document.get("seq") != row.seq:
            return fail(row.seq, "Verkettung zum Vorgänger ist unterbrochen.")
        if (
            document.get("chain") != chain_key
            or document.get("ts") != format_ts(row.ts)
            or document.get("actor") != row.actor_id
            or document.get("role") != row.actor_role
            or document.get("action") != row.action
            or document.get("entity") != {"type": row.entity_type, "id": row.entity_id}
        ):
            return fail(row.seq, "Spalten des Eintrags weichen vom gehashten Inhalt ab.")
        batch.append((row.id, row.seq, document))
        if len(batch) >= _BATCH:
            bad = _check_details(connection, batch)
            if bad is not None:
                return fail(*bad)
            batch.clear()
        before_prev, prev = prev, row.hash
        last_hash = row.hash
        expected_seq += 1
        checked += 1
    bad = _check_details(connection, batch)
    if bad is not None:
        return fail(*bad)
    last_seq = expected_seq - 1 if checked else None
    return Verification(chain_key, checked, None, None, last_seq, last_hash)


def _start_hash(connection: Connection, chain_key: str, seq: int, first: int) -> str | None:
    """The hash that event ``seq`` must link to.

    After retention the chain begins later than 1; its first remaining event then links to
    the signed checkpoint that closed the removed segment.
    """
    if seq == 1:
        return GENESIS
    if seq > first:
        return repository.previous_hash(connection, chain_key, seq - 1)
    from service.audit.checkpoints import anchor  # checkpoints builds on this module

    found = anchor(connection, chain_key, seq - 1)
    return found.hash if found else None


def _first_unanchored(connection: Connection, chain_key: str, start: int) -> int:
    """After a removed beginning: the first seq after the last signed checkpoint below it."""
    from service.audit.checkpoints import stored

    below = [c.seq for c in stored(connection, chain_key) if c.seq < start and c.signed()]
    return max(below, default=0) + 1


def _check_details(
    connection: Connection, batch: list[tuple[int, int, dict[str, object]]]
) -> tuple[int, str] | None:
    if not batch:
        return None
    rows = repository.detail_rows(connection, [event_id for event_id, _, _ in batch])
    for event_id, seq, document in batch:
        for detail in rows.get(event_id, []):
            if detail.value is None:
                continue  # erased: the digest stays, the value is gone by design
            try:
                expected = digest_at(document, detail.path)
            except (KeyError, IndexError, ValueError, TypeError):
                return seq, f"Detailwert „{detail.path}“ gehört zu keinem Feld des Eintrags."
            if value_digest(detail.salt or "", detail.value) != expected:
                return seq, f"Detailwert „{detail.path}“ wurde verändert."
    return None

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
    expected_seq = from_seq or 1
    prev = (
        GENESIS
        if expected_seq == 1
        else repository.previous_hash(connection, chain_key, expected_seq - 1)
    )
    checked = 0
    last_hash: str | None = None
    batch: list[tuple[int, int, dict[str, object]]] = []

    def fail(seq: int, reason: str) -> Verification:
        # Detail rows are checked per batch: a changed detail of an earlier event in the
        # batch is the first bad one, even when a later event fails on its own.
        earlier = _check_details(connection, batch)
        if earlier is not None:
            seq, reason = earlier
        return Verification(chain_key, checked, seq, reason)

    if prev is None:
        return fail(expected_seq - 1, "Vorgängereintrag fehlt.")
    for row in repository.chain_rows(connection, chain_key, from_seq, to_seq):
        if row.seq != expected_seq:
            return fail(expected_seq, f"Eintrag {expected_seq} fehlt (gefunden: {row.seq}).")
        if payload_hash(row.payload) != row.hash:
            return fail(row.seq, "Inhalt passt nicht zum gespeicherten Hash.")
        if row.prev_hash != prev:
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
        prev = row.hash
        last_hash = row.hash
        expected_seq += 1
        checked += 1
    bad = _check_details(connection, batch)
    if bad is not None:
        return fail(*bad)
    last_seq = expected_seq - 1 if checked else None
    return Verification(chain_key, checked, None, None, last_seq, last_hash)


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

"""Verification of an audit chain: the first bad sequence number and why, or intact."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.engine import Connection

from service.audit import repository
from service.audit.chain import GENESIS, digest_at, payload_hash, value_digest

_BATCH = 2000


@dataclass(frozen=True)
class Verification:
    chain_key: str
    checked: int
    first_bad_seq: int | None = None
    reason: str | None = None
    last_seq: int | None = None
    last_hash: str | None = None
    # Laufnummern whose detail values were cleared without an erasure of their person.
    cleared: tuple[int, ...] = ()

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
    must match its digest, so a change anywhere is caught. An empty detail is accepted only
    where a ``person.erase`` of its person follows its event in the chain (erasure clears
    what was written before it); every other cleared value is reported by its Laufnummer.
    """
    erased = repository.erasures(connection, chain_key)
    cleared = tuple(
        sorted(
            {
                seq
                for seq, _, person in repository.cleared_details(
                    connection, chain_key, from_seq, to_seq
                )
                if not _erased(erased, person, seq)
            }
        )
    )
    start = repository.first_seq(connection, chain_key) or 1
    expected_seq = max(from_seq or start, start)
    prev = _start_hash(connection, chain_key, expected_seq, start)
    checked = 0
    last_hash: str | None = None
    before_prev: str | None = None
    batch: list[tuple[int, int, str]] = []

    rows = repository.chain_rows(connection, chain_key, from_seq, to_seq)

    def fail(seq: int, reason: str) -> Verification:
        rows.close()  # the connection serves the checks below, not the rest of the chain
        # Detail rows are checked per batch: a changed detail of an earlier event in the
        # batch is the first bad one, even when a later event fails on its own.
        earlier = _check_details(connection, batch, erased, cleared)
        if earlier is not None:
            seq, reason = earlier
        return Verification(chain_key, checked, seq, reason, cleared=cleared)

    if prev is None:
        if expected_seq == start:
            missing = _first_unanchored(connection, chain_key, start)
            return fail(
                missing,
                f"Die Kette beginnt bei Laufnummer {start}, aber kein signierter Prüfpunkt "
                f"belegt Laufnummer {start - 1}: Einträge ab {missing} wurden entfernt.",
            )
        return fail(expected_seq - 1, "Vorgängereintrag fehlt.")
    agrees = _Agreement(chain_key)
    # SQLite's stored time text lacks the hashed text's "T" and "Z" (``chain_rows``).
    sqlite = connection.dialect.name == "sqlite"
    for row in rows:
        event_id, seq, ts, actor_id, role, action, entity_type, entity_id, payload, link, own = row
        if sqlite:
            ts = ts.replace(" ", "T") + "Z"
        if seq != expected_seq:
            return fail(expected_seq, f"Eintrag {expected_seq} fehlt (gefunden: {seq}).")
        if payload_hash(payload) != own:
            return fail(seq, "Inhalt passt nicht zum gespeicherten Hash.")
        if link != prev:
            if checked and link == before_prev:
                # Linked past its forerunner: the forerunner was slipped in afterwards.
                return fail(seq - 1, f"Eintrag {seq - 1} wurde nachträglich eingefügt.")
            return fail(seq, "Verkettung zum Vorgänger ist unterbrochen.")
        if not agrees(seq, ts, actor_id, role, action, entity_type, entity_id, payload, prev):
            # The exact text did not match: parse it to say what differs.
            document = json.loads(payload)
            if document.get("prev") != prev or document.get("seq") != seq:
                return fail(seq, "Verkettung zum Vorgänger ist unterbrochen.")
            if (
                document.get("chain") != chain_key
                or document.get("ts") != ts
                or document.get("actor") != actor_id
                or document.get("role") != role
                or document.get("action") != action
                or document.get("entity") != {"type": entity_type, "id": entity_id}
            ):
                return fail(seq, "Spalten des Eintrags weichen vom gehashten Inhalt ab.")
        batch.append((event_id, seq, payload))
        if len(batch) >= _BATCH:
            bad = _check_details(connection, batch, erased, cleared)
            if bad is not None:
                return fail(*bad)
            batch.clear()
        before_prev, prev = prev, own
        last_hash = own
        expected_seq += 1
        checked += 1
    bad = _check_details(connection, batch, erased, cleared)
    if bad is not None:
        return fail(*bad)
    last_seq = expected_seq - 1 if checked else None
    return Verification(chain_key, checked, None, None, last_seq, last_hash, cleared)


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


class _Agreement:
    """Whether a row's columns and link agree with its hashed text, checked on the text.

    The payload is RFC 8785 JSON, keys sorted: it begins with action, actor, chain and ends
    with entity, persons (ids only), prev, request, role, seq, ts, v, so both ends can be
    written out from the columns and compared without parsing the JSON; parsing is what
    made verification slow. Anything that does not match exactly goes the slow way.
    One per verification: it remembers the JSON text of the few distinct actions, actors,
    roles and types, since writing them out per event was half the time of a verification.
    """

    def __init__(self, chain_key: str) -> None:
        self.chain = _json_text(chain_key)
        self.heads: dict[tuple[Any, Any], str] = {}
        self.texts: dict[Any, str] = {}

    def text(self, value: Any) -> str:
        found = self.texts.get(value)
        if found is None:
            found = _json_text(value)
            if len(self.texts) < 10_000:
                self.texts[value] = found
        return found

    def __call__(
        self,
        seq: int,
        ts: str,
        actor_id: int | None,
        role: str | None,
        action: str,
        entity_type: str,
        entity_id: int | None,
        payload: str,
        prev: str,
    ) -> bool:
        head = self.heads.get((action, actor_id))
        if head is None:
            action_text, actor_text = self.text(action), self.text(actor_id)
            head = f'{{"action":{action_text},"actor":{actor_text},"chain":{self.chain},'
            if len(self.heads) < 10_000:
                self.heads[(action, actor_id)] = head
        if not payload.startswith(head):
            return False
        tail_start = payload.rfind(',"prev":"')
        if tail_start < 0 or not payload.startswith(f',"prev":"{prev}","request":', tail_start):
            return False
        if not payload.endswith(f',"role":{self.text(role)},"seq":{seq},"ts":"{ts}","v":1}}'):
            return False
        persons_start = payload.rfind(',"persons":[', 0, tail_start)
        entity_text = "null" if entity_id is None else str(entity_id)
        entity = f',"entity":{{"id":{entity_text},"type":{self.text(entity_type)}}}'
        return persons_start > 0 and payload.endswith(entity, 0, persons_start)


def _json_text(value: object) -> str:
    """JSON text of a column value, as RFC 8785 writes it."""
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def _erased(erased: dict[int, int], person_id: int | None, seq: int) -> bool:
    """Whether an erasure of ``person_id`` follows event ``seq`` and so may have cleared it."""
    return person_id is not None and erased.get(person_id, 0) > seq


def _cleared_reason(path: str, cleared: tuple[int, ...]) -> str:
    listed = ", ".join(str(seq) for seq in cleared[:50]) + (" …" if len(cleared) > 50 else "")
    return (
        f"Detailwert „{path}“ wurde geleert, ohne dass die Person danach gelöscht wurde "
        f"(kein „person.erase“). Geleerte Werte ohne Löschung in Laufnummer {listed}."
    )


def _check_details(
    connection: Connection,
    batch: list[tuple[int, int, str]],
    erased: dict[int, int],
    cleared: tuple[int, ...],
) -> tuple[int, str] | None:
    if not batch:
        return None
    rows = repository.detail_rows_between(connection, batch[0][0], batch[-1][0])
    for event_id, seq, payload in batch:
        found = rows.get(event_id, [])
        document = orjson.loads(payload) if found else {}
        for detail in found:
            if detail.value is None:
                if _erased(erased, detail.person_id, seq):
                    continue  # erased: the digest stays, the value is gone by design
                return seq, _cleared_reason(detail.path, cleared or (seq,))
            try:
                expected = digest_at(document, detail.path)
            except (KeyError, IndexError, ValueError, TypeError):
                return seq, f"Detailwert „{detail.path}“ gehört zu keinem Feld des Eintrags."
            if value_digest(detail.salt or "", detail.value) != expected:
                return seq, f"Detailwert „{detail.path}“ wurde verändert."
    return None

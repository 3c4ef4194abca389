"""Verification of an audit chain: the first bad sequence number and why, or intact."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.engine import Connection

from service.audit import canonical, repository
from service.audit.chain import GENESIS, digest_at, payload_hash, value_digest


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

    chunks = repository.chain_chunks(connection, chain_key, from_seq, to_seq)

    def fail(seq: int, reason: str) -> Verification:
        chunks.close()  # the connection serves the checks below, not the rest of the chain
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
    # SQLite's stored time text lacks the hashed text's "T" and "Z" (``chain_chunks``).
    sqlite = connection.dialect.name == "sqlite"
    for chunk in chunks:
        # Few events carry detail rows: one range query per chunk finds them all.
        found = repository.detail_rows_between(connection, chunk[0][0], chunk[-1][0])
        for row in chunk:
            (
                event_id,
                seq,
                ts,
                actor_id,
                role,
                action,
                entity_type,
                entity_id,
                request,
                payload,
                link,
                own,
            ) = row
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
            if not agrees(
                seq, ts, actor_id, role, action, entity_type, entity_id, request, payload, prev
            ):
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
                    or document.get("request") != request
                ):
                    return fail(seq, "Spalten des Eintrags weichen vom gehashten Inhalt ab.")
            if event_id in found:
                bad = _check_details(found[event_id], seq, payload, erased, cleared)
                if bad is not None:
                    return fail(seq, bad)
            before_prev, prev = prev, own
            last_hash = own
            expected_seq += 1
            checked += 1
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


def _text(value: str | int | None) -> str:
    return canonical.dumps(value).decode()


# A text value as canonical JSON writes it (the C encoder's quoting, as ``canonical`` uses).
_quoted = json.encoder.encode_basestring


class _Agreement:
    """Whether a row's columns and link agree with its hashed text, checked on the text.

    The payload is RFC 8785 JSON, keys sorted: it begins with action, actor, chain and ends
    with entity, persons (ids only), prev, request, role, seq, ts, v, so both ends can be
    written out from the columns and compared without parsing the JSON; parsing is what
    made verification slow. Anything that does not match exactly goes the slow way.
    One per verification: the text around the few distinct actions, actors, roles and
    entity types is written once, since writing it per event was most of its cost.
    ``,"persons":[`` cannot occur inside a JSON string (each quote there is escaped), and
    the nested objects of changes and context come before it, so the last one found before
    the tail is the key's.
    """

    _LIMIT = 10_000

    def __init__(self, chain_key: str) -> None:
        self.chain = _text(chain_key)
        self.heads: dict[tuple[Any, Any], str] = {}
        self.roles: dict[Any, str] = {}
        self.types: dict[Any, str] = {}

    def _remembered(self, texts: dict[Any, str], key: Any, text: str) -> str:
        if len(texts) < self._LIMIT:
            texts[key] = text
        return text

    def __call__(
        self,
        seq: int,
        ts: str,
        actor_id: int | None,
        role: str | None,
        action: str,
        entity_type: str,
        entity_id: int | None,
        request: str | None,
        payload: str,
        prev: str,
    ) -> bool:
        head = self.heads.get((action, actor_id)) or self._remembered(
            self.heads,
            (action, actor_id),
            f'{{"action":{_text(action)},"actor":{_text(actor_id)},"chain":{self.chain},',
        )
        if not payload.startswith(head):
            return False
        role_text = self.roles.get(role) or self._remembered(
            self.roles, role, f',"role":{_text(role)},"seq":'
        )
        request_text = "null" if request is None else _quoted(request)
        # Everything after the persons' ids, in one piece.
        tail = f',"prev":"{prev}","request":{request_text}{role_text}{seq},"ts":"{ts}","v":1}}'
        if not payload.endswith(tail):
            return False
        persons_at = payload.rfind(',"persons":[', 0, len(payload) - len(tail))
        type_text = self.types.get(entity_type) or self._remembered(
            self.types, entity_type, f',"type":{_text(entity_type)}}}'
        )
        entity = f',"entity":{{"id":{"null" if entity_id is None else entity_id}{type_text}'
        return persons_at > 0 and payload.endswith(entity, 0, persons_at)


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
    rows: list[tuple[str, int | None, str | None, str | None]],
    seq: int,
    payload: str,
    erased: dict[int, int],
    cleared: tuple[int, ...],
) -> str | None:
    """Why the detail rows of event ``seq`` do not match its digests, or None."""
    document = orjson.loads(payload)
    for path, person_id, value, salt in rows:
        if value is None:
            if _erased(erased, person_id, seq):
                continue  # erased: the digest stays, the value is gone by design
            return _cleared_reason(path, cleared or (seq,))
        try:
            expected = digest_at(document, path)
        except (KeyError, IndexError, ValueError, TypeError):
            return f"Detailwert „{path}“ gehört zu keinem Feld des Eintrags."
        if value_digest(salt or "", value) != expected:
            return f"Detailwert „{path}“ wurde verändert."
    return None

"""Whether an event's indexed columns say what its hashed text says, compared in Python.

An event's columns (chain, seq, prev_hash, ts, actor, role, action, entity, request) are
copies of fields of its hashed text, kept for searching, and so are its person rows
(``audit_event_persons``, how Art. 15 finds a person's events); a changed one must not go
unnoticed. ``TextAgreement`` compares them fast on the text, ``differing_columns`` exactly
on the parsed JSON, and says what differs.
"""

from __future__ import annotations

import json
from typing import Any

from service.audit import canonical


def _text(value: str | int | None) -> str:
    return canonical.dumps(value).decode()


# A text value as canonical JSON writes it: the standard library's quoting without
# ``ensure_ascii`` is RFC 8785's, as ``canonical`` writes it (with orjson).
_quoted = json.encoder.encode_basestring


class TextAgreement:
    """Whether the columns agree with the hashed text, checked on the text: True means they
    do; False, only that ``differing_columns`` must look.

    The payload is RFC 8785 JSON, keys sorted: it begins with action, actor, chain and ends
    with entity, persons (ids only), prev, request, role, seq, ts, v, so both ends can be
    written out from the columns and compared without parsing the JSON; parsing is what
    made verification slow. One per verification: the text around the few distinct
    actions, actors, roles and entity types is written once, since writing it per event was
    most of its cost. ``,"persons":[`` cannot occur inside a JSON string (each quote there
    is escaped), and the nested objects of changes and context come before it, so the last
    one found before the tail is the key's.
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
        payload: str,
        prev: str,
        ts: str,
        actor_id: int | None,
        role: str | None,
        action: str,
        entity_type: str,
        entity_id: int | None,
        request: str | None,
        persons: str,
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
        # The person rows as a compact JSON array fill exactly the space before the tail.
        return (
            persons_at > 0
            and payload.endswith(entity, 0, persons_at)
            and len(payload) - len(tail) - persons_at - 11 == len(persons)
            and payload.startswith(persons, persons_at + 11)
        )


NOT_AN_OBJECT = "Der gehashte Inhalt des Eintrags ist kein JSON-Objekt."


def differing_columns(
    chain_key: str,
    seq: int,
    payload: str,
    prev: str,
    ts: str,
    actor_id: int | None,
    role: str | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    request: str | None,
    persons: str,
) -> str | None:
    """Why an event's columns or person rows (``persons``, a JSON array) disagree with its
    hashed text, or None where they agree."""
    try:
        document = json.loads(payload)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        return NOT_AN_OBJECT
    if document.get("prev") != prev or document.get("seq") != seq:
        return "Verkettung zum Vorgänger ist unterbrochen."
    if (
        document.get("chain") != chain_key
        or document.get("ts") != ts
        or document.get("actor") != actor_id
        or document.get("role") != role
        or document.get("action") != action
        or document.get("entity") != {"type": entity_type, "id": entity_id}
        or document.get("request") != request
    ):
        return "Spalten des Eintrags weichen vom gehashten Inhalt ab."
    if document.get("persons") != json.loads(persons):
        return "Betroffene Personen im Index weichen vom gehashten Inhalt ab."
    return None

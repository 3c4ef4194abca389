"""Whether an event's indexed columns say what its hashed text says, compared in Python.

An event's columns (chain, seq, prev_hash, ts, actor, role, action, entity, request) are
copies of fields of its hashed text, kept for searching, and so are its person rows
(``audit_event_persons``, how Art. 15 finds a person's events); a changed one must not go
unnoticed. ``agrees`` compares them fast on the text, ``differing_columns`` exactly on the
parsed JSON, and says what differs.
"""

from __future__ import annotations

import json


def agrees(payload: str, head: str, entity: str, tail: str, persons: str) -> bool:
    """Whether the hashed text shows the columns as the database wrote them
    (``repository.chain.COLUMN_TEXTS``) and the person rows as the compact JSON array
    ``persons``: True means they agree; False, only that ``differing_columns`` must look.

    The text is RFC 8785 JSON, keys sorted: it begins with action, actor, chain and ends with
    entity, persons, prev, request, role, seq, ts, v, so both ends are compared without
    parsing the JSON; parsing is what made verification slow. The three pieces hold quotes
    that a JSON string escapes, so they can only match the text's own keys and values."""
    end = len(payload) - len(tail)
    return (
        payload.startswith(head)
        and payload.endswith(tail)
        and payload.endswith(entity + persons, len(head), end)
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


def differing_texts(
    chain_key: str, payload: str, head: str, entity: str, tail: str, persons: str
) -> str | None:
    """``differing_columns`` for columns as the database wrote them for ``agrees``: each
    piece is JSON (``to_json``), so it reads back as the column values exactly."""
    start = json.loads(head[:-1] + "}")
    about = json.loads("{" + entity[1:] + "null}")["entity"]
    end = json.loads("{" + tail[1:])
    return differing_columns(
        chain_key,
        end["seq"],
        payload,
        end["prev"],
        end["ts"],
        start["actor"],
        end["role"],
        start["action"],
        about["type"],
        about["id"],
        end["request"],
        persons,
    )

"""The audit chain's format: decided once, because a hash chain cannot be migrated later.

An event's hashed text is RFC 8785 canonical JSON (``rfc8785``) of::

    {"v": 1, "chain": key, "seq": n, "ts": "...Z", "actor": user id | null,
     "role": role | null, "action": "...", "entity": {"type": "...", "id": n | null},
     "persons": [person ids], "changes": {field: [before, after]}, "context": {...},
     "comment": digest | null, "request": id | null, "prev": hash of event n-1}

and its hash is SHA-256 of exactly that text, stored as the text itself. People appear by
surrogate id only. Every free-text or personal value is replaced by ``"sha256:<hex>"`` of a
random per-value salt and the value; the value and salt sit in a detail row beside the event.
Erasing a person clears those rows: the chain still verifies, and without the salt the
digest can no longer be matched to the erased value, not even by guessing.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from service.audit import canonical

FORMAT_VERSION = 1
GENESIS = "0" * 64
DIGEST_PREFIX = "sha256:"

# Structured values that are never personal: kept readable in the hashed text.
PLAIN_KEYS = frozenset(
    {
        "state",
        "version",
        "event",
        "from_state",
        "to_state",
        "definition",
        "abstimmungsergebnis",
        "beschlussnummer",
        "sitzung_am",
        "haushaltsjahr",
        "betrag_einmalig",
        "betrag_laufend",
        "kosten_einmalig",
        "kosten_laufend",
        "fortschritt",
        "zieldatum",
        "wiedervorlage_am",
        "personenbezogen",
        "sicherheitsrelevant",
        "personalwirksam",
        "produktkonto",
        "public",
        "kind",
        "outcome",
        "roles",
        "active",
        "deadline",
        "due_at",
        "reference",
        "programme_id",
        "responsible_person_id",
        "person_id",
        "committee_id",
        "paper_id",
        "measure_id",
        "fiscal_year",
        "hash",
        "code",
        "position",
        "role",
        "voting_right",
        "valid_from",
        "valid_until",
        "given_on",
        "starts_at",
        "held_on",
        "yes",
        "no",
        "abstain",
        "biased",
        "present",
        "unanimous",
        "resolution_number",
        "definition_name",
        "definition_version",
        "username",
        # issued reports (service.reports.issuing): the digests of the issued files stand
        # readable in the hashed text, so the chain itself proves which files were issued
        "period",
        "as_of",
        "audience",
        "json_sha256",
        "pdf_sha256",
    }
)


@dataclass
class Secret:
    """A value that enters the chain only as a salted digest."""

    path: str
    value: str
    person_id: int | None
    salt: str = field(default_factory=lambda: secrets.token_hex(16))

    @property
    def digest(self) -> str:
        return value_digest(self.salt, self.value)


def value_digest(salt: str, value: str) -> str:
    return DIGEST_PREFIX + hashlib.sha256(f"{salt}\x00{value}".encode()).hexdigest()


def format_ts(moment: datetime) -> str:
    utc = moment if moment.tzinfo is UTC else moment.astimezone(UTC)
    if utc.year < 1000:  # isoformat pads the year to four digits, strftime does not
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return utc.isoformat(timespec="microseconds")[:-6] + "Z"


@dataclass(frozen=True)
class EventDraft:
    """Everything about an event except its place in the chain."""

    ts: datetime
    actor_id: int | None
    actor_role: str | None
    action: str
    entity_type: str
    entity_id: int | None
    persons: Sequence[int] = ()
    changes: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    context: Mapping[str, Any] = field(default_factory=dict)
    comment: str | None = None
    request_id: str | None = None
    # Whose personal data the changed values are (a person's own record, say).
    subject_person_id: int | None = None
    comment_person_id: int | None = None


@dataclass(frozen=True)
class SealedEvent:
    seq: int
    payload: str
    hash: str
    prev_hash: str
    secrets: tuple[Secret, ...]


def _protect(
    where: str,
    key: str,
    value: Any,
    person_id: int | None,
    secrets_out: list[Secret],
    personal: bool,
) -> Any:
    """``where``: the value's path with ``{}`` for the key (``changes.{}.0``), filled in only
    for a value that becomes a detail row; most values of an event stand as they are."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if (
        isinstance(value, list | tuple)
        and all(isinstance(v, int | str) for v in value)
        and (key in PLAIN_KEYS and not personal)
    ):
        return list(value)
    if isinstance(value, str) and key in PLAIN_KEYS and not personal:
        return value
    text = value if isinstance(value, str) else canonical.dumps(value).decode()
    secret = Secret(where.format(key), text, person_id)
    secrets_out.append(secret)
    return secret.digest


def seal(draft: EventDraft, chain_key: str, seq: int, prev_hash: str) -> SealedEvent:
    personal = draft.entity_type in ("person", "user")
    found: list[Secret] = []
    changes = {
        key: [
            _protect("changes.{}.0", key, before, draft.subject_person_id, found, personal),
            _protect("changes.{}.1", key, after, draft.subject_person_id, found, personal),
        ]
        for key, (before, after) in sorted(draft.changes.items())
    }
    context = {
        key: _protect("context.{}", key, value, draft.subject_person_id, found, personal)
        for key, value in sorted(draft.context.items())
    }
    comment = (
        _protect("{}", "comment", draft.comment, draft.comment_person_id, found, False)
        if draft.comment
        else None
    )
    document = {
        "v": FORMAT_VERSION,
        "chain": chain_key,
        "seq": seq,
        "ts": format_ts(draft.ts),
        "actor": draft.actor_id,
        "role": draft.actor_role,
        "action": draft.action,
        "entity": {"type": draft.entity_type, "id": draft.entity_id},
        "persons": sorted(set(draft.persons)),
        "changes": changes,
        "context": context,
        "comment": comment,
        "request": draft.request_id,
        "prev": prev_hash,
    }
    payload = canonical.dumps(document).decode("utf-8")
    return SealedEvent(seq, payload, payload_hash(payload), prev_hash, tuple(found))


def payload_hash(payload: str) -> str:
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def digest_at(document: Mapping[str, Any], path: str) -> Any:
    """Follows a detail row's path (``changes.title.1``) into a parsed payload."""
    node: Any = document
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node

"""Signed checkpoints (Prüfpunkte): the head of each chain, signed with Ed25519.

A chain verifies by itself only as far as it goes: whoever can write the database could cut
off its tail or rebuild it from some event on, recomputing every hash. A checkpoint kept
outside the database (``ratsflow audit checkpoint --output FILE``) says "the chain had
reached seq n with hash h", signed with a key the database never holds; checked against it,
both show.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from service.audit import canonical, repository, signing
from service.audit.chain import format_ts
from service.audit.repository import checkpoints as signed_heads
from service.formatting import datetime_de
from service.runtime import Runtime

FILE_FORMAT = "ratsflow-audit-checkpoints"


class CheckpointFileError(ValueError):
    pass


@dataclass(frozen=True)
class Checkpoint:
    chain: str
    seq: int
    hash: str
    ts: str
    signed_at: str
    key_id: str
    public_key: str
    signature: str

    def message(self) -> bytes:
        """The signed bytes: canonical JSON of everything but the signature."""
        return canonical.dumps(
            {
                "v": 1,
                "chain": self.chain,
                "seq": self.seq,
                "hash": self.hash,
                "ts": self.ts,
                "signed_at": self.signed_at,
                "key": self.key_id,
            }
        )

    def signed(self) -> bool:
        return signing.key_id(self.public_key) == self.key_id and signing.signature_valid(
            self.public_key, self.message(), self.signature
        )

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _from_row(row: Any) -> Checkpoint:
    return Checkpoint(
        chain=row.chain_key,
        seq=row.seq,
        hash=row.hash,
        ts=format_ts(row.event_ts),
        signed_at=format_ts(row.signed_at),
        key_id=row.key_id,
        public_key=row.public_key,
        signature=row.signature,
    )


def write_checkpoint(runtime: Runtime, now: datetime, only: str | None = None) -> list[Checkpoint]:
    """Signs the head of every chain (or the chain ``only``) that moved since its last
    checkpoint, each with its body's own key.

    For ``ratsflow audit checkpoint`` and the scheduler's periodic job; idempotent when
    nothing was written in between.
    """
    made: list[Checkpoint] = []
    with runtime.write() as connection:
        for chain_key in repository.chain_keys(connection):
            if only is not None and chain_key != only:
                continue
            key = signing.load_key(runtime.settings, chain_key)
            public = signing.public_hex(key)
            repository.lock_chain(connection, chain_key)
            head = repository.head(connection, chain_key)
            last = latest(connection, chain_key)
            if head is None or (last is not None and last.seq == head.seq):
                continue
            unsigned = Checkpoint(
                chain=chain_key,
                seq=head.seq,
                hash=head.hash,
                ts=format_ts(head.ts),
                signed_at=format_ts(now),
                key_id=signing.key_id(public),
                public_key=public,
                signature="",
            )
            checkpoint = Checkpoint(
                **{**unsigned.as_dict(), "signature": signing.sign(key, unsigned.message())}
            )
            signed_heads.insert_checkpoint(
                connection,
                {
                    "chain_key": chain_key,
                    "seq": head.seq,
                    "hash": head.hash,
                    "event_ts": head.ts,
                    "signed_at": now,
                    "key_id": checkpoint.key_id,
                    "public_key": public,
                    "signature": checkpoint.signature,
                },
            )
            made.append(checkpoint)
    return made


def stored(connection: Connection, chain_key: str | None = None) -> list[Checkpoint]:
    return [_from_row(row) for row in signed_heads.checkpoint_rows(connection, chain_key)]


def latest(connection: Connection, chain_key: str) -> Checkpoint | None:
    row = signed_heads.latest_row(connection, chain_key)
    return _from_row(row) if row else None


def anchor(connection: Connection, chain_key: str, seq: int) -> Checkpoint | None:
    """A signed checkpoint at ``seq``: where verification starts after retention."""
    for row in signed_heads.rows_at(connection, chain_key, seq):
        checkpoint = _from_row(row)
        if checkpoint.signed():
            return checkpoint
    return None


def file_document(items: list[Checkpoint]) -> dict[str, Any]:
    return {"format": FILE_FORMAT, "v": 1, "checkpoints": [c.as_dict() for c in items]}


def write_file(path: Path, items: list[Checkpoint]) -> None:
    path.write_text(json.dumps(file_document(items), indent=2) + "\n", encoding="utf-8")


def read_file(path: Path) -> list[Checkpoint]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckpointFileError(f"{path}: Datei nicht gefunden.") from None
    except json.JSONDecodeError as exc:
        raise CheckpointFileError(f"{path}:{exc.lineno}: kein gültiges JSON ({exc.msg}).") from None
    if not isinstance(document, dict) or document.get("format") != FILE_FORMAT:
        raise CheckpointFileError(f"{path}:1: keine Prüfpunkt-Datei von ratsflow.")
    items = []
    for number, item in enumerate(document.get("checkpoints", []), start=1):
        try:
            checkpoint = Checkpoint(**item)
        except TypeError:
            raise CheckpointFileError(f"{path}: Prüfpunkt {number} ist unvollständig.") from None
        if not checkpoint.signed():
            raise CheckpointFileError(
                f"{path}: Prüfpunkt {number} (Laufnummer {checkpoint.seq}) trägt keine "
                "gültige Signatur."
            )
        items.append(checkpoint)
    return items


@dataclass(frozen=True)
class Contradiction:
    """The chain disagrees with a checkpoint: the change lies in ``first``..``last``."""

    first: int
    last: int
    reason: str


def _local(signed_at: str) -> str:
    """The checkpoint's UTC stamp (as signed) in Berlin time, as a person reads it."""
    try:
        moment = datetime.fromisoformat(signed_at.replace("Z", "+00:00"))
    except ValueError:
        return signed_at  # a stamp no clock wrote: shown as it stands
    if moment.tzinfo is None:
        return signed_at
    return datetime_de(moment)


def check_against(
    connection: Connection, chain_key: str, items: list[Checkpoint]
) -> Contradiction | None:
    """The first place where the chain contradicts a signed checkpoint, or None (its reason
    names the checkpoint by its local time: a person reads it).

    A missing event at a checkpoint's seq beyond the chain's end is a truncated tail; a
    different hash there means the chain was rebuilt somewhere after the last checkpoint
    that still matches.
    """
    first = repository.first_seq(connection, chain_key)
    head = repository.head(connection, chain_key)
    last_good = (first - 1) if first else 0
    for checkpoint in sorted((c for c in items if c.chain == chain_key), key=lambda c: c.seq):
        if first is not None and checkpoint.seq < first - 1:
            continue  # removed by retention, up to a later anchor
        if first is not None and checkpoint.seq == first - 1:
            found_hash = getattr(anchor(connection, chain_key, checkpoint.seq), "hash", None)
        else:
            row = repository.event_at(connection, chain_key, checkpoint.seq)
            found_hash = row.hash if row else None
            if row is None and (head is None or head.seq < checkpoint.seq):
                end = head.seq if head else 0
                return Contradiction(
                    end + 1,
                    checkpoint.seq,
                    f"Die Kette endet bei Laufnummer {end}, der Prüfpunkt vom "
                    f"{_local(checkpoint.signed_at)} bezeugt Laufnummer {checkpoint.seq}: "
                    f"Einträge {end + 1} bis {checkpoint.seq} fehlen.",
                )
        if found_hash != checkpoint.hash:
            return Contradiction(
                last_good + 1,
                checkpoint.seq,
                f"Der Hash bei Laufnummer {checkpoint.seq} weicht vom signierten Prüfpunkt "
                f"vom {_local(checkpoint.signed_at)} ab: die Kette wurde zwischen Laufnummer "
                f"{last_good + 1} und {checkpoint.seq} verändert und neu berechnet.",
            )
        last_good = checkpoint.seq
    return None

"""The erasure register: every ``person erase``, written outside the database.

A backup taken before an erasure still holds the person's name; restoring it would bring
the name back. So each erasure is also appended to a file kept beside the audit signing key
(and backed up with it, not with the database), and ``db restore`` erases again every person
the register names who is not erased in the restored database. A line holds ids only (body,
person, chain sequence number) and the moment: the register names nobody.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from service.audit.signing import key_path
from service.config import Settings

FILE_NAME = "loeschregister.jsonl"


@dataclass(frozen=True)
class Entry:
    body: str
    person_id: int
    erased_at: str  # ISO 8601, UTC
    seq: int  # the person.erase event in the body's chain


def register_path(settings: Settings) -> Path:
    """``RATSFLOW_ERASURE_REGISTER``, or a file beside the deployment's signing key."""
    if settings.erasure_register is not None:
        return settings.erasure_register
    return key_path(settings).with_name(FILE_NAME)


def append(path: Path, body: str, person_id: int, erased_at: datetime, seq: int) -> None:
    """Written and flushed to disk before the erasure commits: an erasure the register
    does not hold could come back with the next restore."""
    entry = Entry(body, person_id, erased_at.isoformat(), seq)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(asdict(entry), sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def entries(path: Path) -> list[Entry]:
    """Every erasure on record, oldest first; no file means none yet."""
    if not path.exists():
        return []
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            found.append(Entry(**json.loads(line)))
        except (ValueError, TypeError):
            raise ValueError(f"{path}:{number}: keine gültige Zeile des Löschregisters.") from None
    return found

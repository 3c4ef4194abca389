"""How long each body's chain is and how old its last signed checkpoint: for monitoring.

One indexed lookup per body (the chain's head, its latest checkpoint), never a scan of the
trail, so a scrape costs the same at a million events as at a hundred.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from service.audit import repository
from service.audit.checkpoints import latest
from service.bodies.service import all_profiles


@dataclass(frozen=True)
class ChainState:
    chain: str
    length: int  # the head's sequence number: events ever written, retention included
    last_checkpoint_at: datetime | None


def chain_states(connection: Connection) -> list[ChainState]:
    states = []
    for body in all_profiles(connection):
        head = repository.head(connection, body.slug)
        checkpoint = latest(connection, body.slug)
        states.append(
            ChainState(
                body.slug,
                head.seq if head is not None else 0,
                datetime.fromisoformat(checkpoint.signed_at) if checkpoint else None,
            )
        )
    return states

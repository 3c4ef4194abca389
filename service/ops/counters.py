"""The counters of a process, apart from the scrape: the lifecycle and the dispatcher count
here without importing what reads the database for ``/metrics`` (``service.ops.metrics``)."""

from __future__ import annotations

import functools
from typing import Any

from prometheus_client import Counter, Histogram
from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection

REQUESTS = Counter("ratsflow_http_requests", "Beantwortete Anfragen", ["method", "route", "status"])
LATENCY = Histogram(
    "ratsflow_http_request_duration_seconds",
    "Antwortzeit je Route",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TRANSITIONS = Counter(
    "ratsflow_transitions", "Übergänge (nach dem Commit)", ["definition", "event"]
)
MAIL_FAILURES = Counter("ratsflow_mail_failures", "Fehlgeschlagene Zustellversuche", ["kind"])


# The steps of the connection's transaction, counted at its commit. One listener for every
# engine, registered once: a listener per transaction cost more than the rest of the count.
_PENDING = "ratsflow.pending_transitions"


def count_transition(connection: Connection, definition: str, event_name: str) -> None:
    """Counted when the transaction commits: a step rolled back (a blocked cascade, a
    failed commit) never happened."""
    connection.info.setdefault(_PENDING, []).append((definition, event_name))


@event.listens_for(Engine, "commit")
def _committed(connection: Connection) -> None:
    for step in connection.info.pop(_PENDING, ()):
        _transition_counter(*step).inc()


@functools.cache
def _transition_counter(definition: str, event_name: str) -> Any:
    # ``labels`` checks and looks up its child under a lock on every call, which cost more
    # than the count; the steps of the definitions are few.
    return TRANSITIONS.labels(definition, event_name)


@event.listens_for(Engine, "rollback")
@event.listens_for(Engine, "begin")
def _forget(connection: Connection, *_: Any) -> None:
    # An invalidated connection (its server went away) has no info to read; its next
    # checkout is a fresh connection anyway.
    if not connection.invalidated:
        connection.info.pop(_PENDING, None)

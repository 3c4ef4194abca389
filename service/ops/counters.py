"""The counters of a process, apart from the scrape: the lifecycle and the dispatcher count
here without importing what reads the database for ``/metrics`` (``service.ops.metrics``)."""

from __future__ import annotations

import functools
from typing import Any

from prometheus_client import Counter, Histogram
from sqlalchemy.engine import Connection

from service.db import after_commit

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


def count_transition(connection: Connection, definition: str, event_name: str) -> None:
    """Counted once the transaction has committed: a step rolled back (a blocked cascade,
    a failed COMMIT) never happened."""
    after_commit(connection, _transition_counter(definition, event_name).inc)


@functools.cache
def _transition_counter(definition: str, event_name: str) -> Any:
    # ``labels`` checks and looks up its child under a lock on every call, which cost more
    # than the count; the steps of the definitions are few.
    return TRANSITIONS.labels(definition, event_name)

"""The counters of a process, apart from the scrape: the lifecycle and the dispatcher count
here without importing what reads the database for ``/metrics`` (``service.ops.metrics``)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram
from sqlalchemy import event
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


def count_transition(connection: Connection, definition: str, event_name: str) -> None:
    """Counted when the transaction commits: a step rolled back (a blocked cascade, a
    failed commit) never happened."""

    def committed(_: Connection) -> None:
        TRANSITIONS.labels(definition, event_name).inc()

    event.listen(connection, "commit", committed, once=True)

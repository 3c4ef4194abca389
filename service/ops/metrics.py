"""What ``/metrics`` tells Prometheus: this process's counters, states read from the database.

Requests, latencies, transitions and mail failures are counted where they happen, in the
process that served them (``service.ops.counters``); with several workers
(``PROMETHEUS_MULTIPROC_DIR`` set before the start, ``ratsflow serve --workers``)
prometheus-client keeps them in files that every worker sums up. The outbox, the
scheduler's jobs and heartbeat and the audit chains are read from the database at each
scrape, so any worker reports the same, whichever process did the work. Labels are codes
and route templates only: never a name, an address or an id of a row.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from service import access
from service.actor import Actor
from service.audit.status import chain_states
from service.errors import NotFound
from service.outbox.service import unsent_counts
from service.runtime import Runtime
from service.scheduler.service import HEARTBEAT, job_runs

CONTENT_TYPE = CONTENT_TYPE_LATEST


def _seconds(moment: datetime | None) -> float:
    return moment.timestamp() if moment is not None else float("nan")


class DatabaseState(Collector):
    """Gauges read at each scrape; the runtime's clock measures ages."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = self.runtime.now()
        with self.runtime.read() as connection:
            unsent = unsent_counts(connection)
            runs = job_runs(connection)
            chains = chain_states(connection)
        outbox = GaugeMetricFamily(
            "ratsflow_outbox_messages", "Nicht gesendete E-Mails nach Stand", labels=["state"]
        )
        for state, count in sorted(unsent.items()):
            outbox.add_metric([state], count)
        yield outbox
        success = GaugeMetricFamily(
            "ratsflow_scheduler_last_success_timestamp_seconds",
            "Letzter erfolgreicher Lauf je Auftrag (Unix-Zeit)",
            labels=["job"],
        )
        failure = GaugeMetricFamily(
            "ratsflow_scheduler_last_failure_timestamp_seconds",
            "Letzter fehlgeschlagener Lauf je Auftrag (Unix-Zeit)",
            labels=["job"],
        )
        heartbeat = GaugeMetricFamily(
            "ratsflow_scheduler_heartbeat_age_seconds",
            "Sekunden seit dem letzten Lebenszeichen des gewählten Schedulers",
        )
        beat = None
        for run in runs:
            if run.job_id == HEARTBEAT:
                beat = run.succeeded_at
                continue
            if run.succeeded_at is not None:
                success.add_metric([run.job_id], _seconds(run.succeeded_at))
            if run.failed_at is not None:
                failure.add_metric([run.job_id], _seconds(run.failed_at))
        heartbeat.add_metric([], (now - beat).total_seconds() if beat else float("inf"))
        yield from (success, failure, heartbeat)
        length = GaugeMetricFamily(
            "ratsflow_audit_chain_length", "Einträge je Protokollkette", labels=["chain"]
        )
        checkpoint_age = GaugeMetricFamily(
            "ratsflow_audit_last_checkpoint_age_seconds",
            "Sekunden seit dem letzten signierten Prüfpunkt je Kette",
            labels=["chain"],
        )
        for chain in chains:
            length.add_metric([chain.chain], chain.length)
            age = (
                (now - chain.last_checkpoint_at).total_seconds()
                if chain.last_checkpoint_at is not None
                else float("inf")
            )
            checkpoint_age.add_metric([chain.chain], age)
        yield from (length, checkpoint_age)


def exposition(runtime: Runtime) -> bytes:
    """The text Prometheus scrapes: this process's (or all workers') counters, then the
    database's state."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)  # type: ignore[no-untyped-call]
    else:
        counted = REGISTRY
    state = CollectorRegistry(auto_describe=False)
    state.register(DatabaseState(runtime))
    return generate_latest(counted) + generate_latest(state)


def read_metrics(runtime: Runtime, actor: Actor | None, *, from_loopback: bool) -> bytes:
    """For a scraper on the same machine or an admin; anyone else finds nothing (404), a
    signed-in user without the role is told why not (403).

    The figures are the installation's, all bodies together: so only at the deployment's
    own address, never under another body's (``/b/<slug>/metrics``), whose admin would
    otherwise learn how busy the other cities are."""
    if runtime.chain_key != runtime.settings.chain_key:
        raise NotFound("Seite", "/metrics")
    if actor is not None:
        access.require(actor, "ops.metrics")
    elif not from_loopback:
        raise NotFound("Seite", "/metrics")
    return exposition(runtime)

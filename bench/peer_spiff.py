"""Peer benchmark: SpiffWorkflow, the Python BPMN engine a city might pick instead.

The measure's lifecycle as BPMN (``bench/measure_lifecycle.bpmn``: seven user tasks, the
exclusive gateways after the AG, the FVA and the Stadtrat), persisted statelessly as a web
application must keep it: per transition one transaction that reads the row, deserializes
the whole workflow JSON with ``BpmnWorkflowSerializer``, completes the ready task,
serializes, updates the row with a version check and inserts a hash-chained audit row.
Both sides fire the FVA's ``vertagt`` (the step loops back to the same task) once on each
of their items, on SQLite in WAL mode with ``synchronous=NORMAL``; ratsflow's side is the
full service path that ``bench/persisted_transition.py`` measures.

The two run interleaved, round by round, in the same process; the figure is the median of
the per-round ratios (ours / Spiff), the goal that ratsflow costs at most half of it.
SpiffWorkflow is not a dependency of the product: ``make bench`` installs it from
``requirements/bench.txt``.
"""

from __future__ import annotations

import hashlib
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import rfc8785
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from bench.persisted_transition import _ours, _setup

GOAL = 0.5
ROUNDS = 7
PER_ROUND = 200
WARM_UP = 50
MODEL = Path(__file__).with_name("measure_lifecycle.bpmn")
PROCESS = "massnahme"
STAMP = datetime(2024, 2, 1, 9, 0, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
GENESIS = "0" * 64

_SCHEMA = (
    "CREATE TABLE workflows (id INTEGER PRIMARY KEY, code TEXT NOT NULL, state TEXT NOT NULL, "
    "version INTEGER NOT NULL, workflow TEXT NOT NULL, updated_at TEXT NOT NULL)",
    "CREATE TABLE audit_events (seq INTEGER PRIMARY KEY, ts TEXT NOT NULL, actor_role TEXT, "
    "action TEXT NOT NULL, entity_id INTEGER NOT NULL, payload TEXT NOT NULL, "
    "prev_hash TEXT NOT NULL, hash TEXT NOT NULL)",
)


def _complete(workflow: BpmnWorkflow, task_name: str, **data: Any) -> str:
    """Completes the ready user task ``task_name``; returns the next ready one ('' at the end)."""
    task = workflow.get_next_task(state=TaskState.READY, manual=True, spec_name=task_name)
    if task is None:
        raise RuntimeError(f"Aufgabe {task_name} ist nicht bereit")
    task.set_data(**data)
    task.run()
    workflow.do_engine_steps()
    ready = workflow.get_next_task(state=TaskState.READY, manual=True)
    return "" if ready is None else str(ready.task_spec.name)


def _connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA busy_timeout=30000")
    return connection


def _setup_spiff(path: str, count: int) -> None:
    """``count`` workflows, each drafted, reviewed by the AG and waiting for the FVA."""
    parser = BpmnParser()
    parser.add_bpmn_file(str(MODEL))
    spec = parser.get_spec(PROCESS)
    serializer = BpmnWorkflowSerializer()
    connection = _connect(path)
    for statement in _SCHEMA:
        connection.execute(statement)
    connection.execute("BEGIN IMMEDIATE")
    for i in range(count):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        _complete(workflow, "entwurf", code=f"B-{i}", titel=f"Bench {i}")
        state = _complete(workflow, "ag_pruefung", ag="an_fva")
        connection.execute(
            "INSERT INTO workflows (id, code, state, version, workflow, updated_at) "
            "VALUES (?, ?, ?, 1, ?, ?)",
            (i + 1, f"B-{i}", state, serializer.serialize_json(workflow), STAMP),
        )
    connection.execute("COMMIT")
    connection.close()


def _spiff_step(
    connection: sqlite3.Connection, serializer: BpmnWorkflowSerializer, item: int
) -> None:
    connection.execute("BEGIN IMMEDIATE")
    row = connection.execute(
        "SELECT state, version, workflow FROM workflows WHERE id = ?", (item,)
    ).fetchone()
    before, version, stored = row
    workflow = serializer.deserialize_json(stored)
    after = _complete(workflow, before, fva="vertagt", sitzung_am="2024-03-20")
    updated = connection.execute(
        "UPDATE workflows SET state = ?, version = version + 1, workflow = ?, updated_at = ? "
        "WHERE id = ? AND version = ?",
        (after, serializer.serialize_json(workflow), STAMP, item, version),
    )
    if updated.rowcount != 1:
        raise RuntimeError(f"Workflow {item} wurde zwischendurch geändert")
    last = connection.execute(
        "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    document = {
        "seq": seq,
        "ts": STAMP,
        "role": "sitzungsdienst",
        "action": "workflow.task_completed",
        "entity": {"type": "workflow", "id": item},
        "changes": {"state": [before, after], "version": [version, version + 1]},
        "data": {"fva": "vertagt", "sitzung_am": "2024-03-20"},
        "prev": prev,
    }
    payload = rfc8785.dumps(document).decode()
    connection.execute(
        "INSERT INTO audit_events (seq, ts, actor_role, action, entity_id, payload, prev_hash, "
        "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            seq,
            STAMP,
            "sitzungsdienst",
            "workflow.task_completed",
            item,
            payload,
            prev,
            hashlib.sha256(payload.encode()).hexdigest(),
        ),
    )
    connection.execute("COMMIT")


def _spiff(path: str, items: list[int]) -> float:
    connection = _connect(path)
    serializer = BpmnWorkflowSerializer()
    started = time.perf_counter()
    for item in items:
        _spiff_step(connection, serializer, item)
    elapsed = (time.perf_counter() - started) / len(items)
    connection.close()
    return elapsed


def _check_spiff(path: str, fired: int) -> None:
    """Every fired workflow waits for the FVA again, and the audit chain verifies."""
    connection = _connect(path)
    states = connection.execute(
        "SELECT state, count(*) FROM workflows WHERE version = 2 GROUP BY state"
    ).fetchall()
    if states != [("fva_beratung", fired)]:
        raise RuntimeError(f"Spiff-Seite: unerwartete Zustände {states}")
    prev = GENESIS
    for seq, payload, prev_hash, digest in connection.execute(
        "SELECT seq, payload, prev_hash, hash FROM audit_events ORDER BY seq"
    ):
        if prev_hash != prev or hashlib.sha256(payload.encode()).hexdigest() != digest:
            raise RuntimeError(f"Spiff-Seite: Protokollkette bricht bei {seq}")
        prev = digest
    connection.close()


def run(rounds: int = ROUNDS, per_round: int = PER_ROUND) -> list[str]:
    count = WARM_UP + rounds * per_round
    ours_times: list[float] = []
    spiff_times: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        spiff_path = str(Path(folder) / "spiff.db")
        _setup_spiff(spiff_path, count)
        runtime = _setup(f"sqlite:///{Path(folder) / 'ours.db'}", count)
        ids = list(range(1, count + 1))
        # Warm-up: imports, caches and the first pages of both files, not measured.
        _ours(runtime, ids[:WARM_UP])
        _spiff(spiff_path, ids[:WARM_UP])
        for n in range(rounds):
            chunk = ids[WARM_UP + n * per_round : WARM_UP + (n + 1) * per_round]
            # Alternate who goes first, so neither always meets a warmer machine.
            if n % 2 == 0:
                ours_times.append(_ours(runtime, chunk))
                spiff_times.append(_spiff(spiff_path, chunk))
            else:
                spiff_times.append(_spiff(spiff_path, chunk))
                ours_times.append(_ours(runtime, chunk))
        runtime.engine.dispose()
        _check_spiff(spiff_path, count)
    ratio = statistics.median(o / s for o, s in zip(ours_times, spiff_times, strict=True))
    ours, spiff = statistics.median(ours_times), statistics.median(spiff_times)
    return [
        f"BENCH peer_spiff_stateless ours={ours * 1e6:.0f}us floor={spiff * 1e6:.0f}us "
        f"ratio={ratio:.2f} goal<={GOAL:.1f}"
    ]


if __name__ == "__main__":
    for line in run():
        print(line)

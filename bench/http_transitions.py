"""Transitions through real HTTP: ratsflow's endpoint against a bare FastAPI endpoint.

Both servers are real uvicorn processes on loopback, started here side by side on
one database prepared the same way (``persisted_transition._setup``). Sixteen client threads,
each with its own keep-alive connection, fire ``vertagen`` on measures of their own, one
request after another. Reported per backend: throughput (transitions per second; the ratio
is floor/ours, so above 1 means slower) and the 95th-percentile latency (ours/floor), each
the median of five interleaved rounds (ours, then the floor, both servers running), the ratio
the median of the rounds' ratios. Goal: within 2x of the bare endpoint.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import httpx
from sqlalchemy import create_engine, text

from bench.persisted_transition import PG_SERVER, _setup
from service.auth.tokens import issue_token

CLIENTS = 16
PER_CLIENT = 25
GOAL = 2.0
ROUNDS = 5
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def _server(command: list[str], env: dict[str, str], port: int) -> Iterator[str]:
    base = f"http://127.0.0.1:{port}"
    # A file, not a pipe: a pipe nobody reads blocks the server once it is full.
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 120  # a loaded machine starts slowly
        while True:
            try:
                if httpx.get(f"{base}/openapi.json", timeout=10).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Server startet nicht: {' '.join(command)}\n{_tail(log)}")
            time.sleep(0.1)  # waiting for a process to listen, not timing a result
        yield base
    except Exception as exc:
        raise RuntimeError(f"{exc}\nServer-Protokoll:\n{_tail(log)}") from exc
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _tail(log: IO[bytes]) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")[-3000:]


def _load(url: str, headers: dict[str, str], first_id: int) -> tuple[float, list[float]]:
    """Fires PER_CLIENT transitions from each of CLIENTS threads; returns (seconds, latencies)."""
    latencies: list[float] = []
    lock = threading.Lock()
    errors: list[str] = []
    barrier = threading.Barrier(CLIENTS + 1)

    def client(index: int) -> None:
        own: list[float] = []
        with httpx.Client(headers=headers, timeout=60) as http:
            barrier.wait()
            for step in range(PER_CLIENT):
                measure_id = first_id + index * PER_CLIENT + step
                body = {"event": "vertagen", "version": 1, "data": {"sitzung_am": "2024-03-20"}}
                started = time.perf_counter()
                try:
                    response = http.post(url.format(id=measure_id), json=body)
                except httpx.HTTPError as exc:
                    errors.append(repr(exc))
                    return
                own.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors.append(f"{response.status_code} {response.text[:200]}")
        with lock:
            latencies.extend(own)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} Fehler, etwa: {errors[0]}")
    return elapsed, latencies


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def _measure(url: str, backend: str) -> list[str]:
    """Both servers up at once, idle but for the round that loads one of them: ROUNDS pairs
    of ours, then the floor, each on measures of its own."""
    total = CLIENTS * PER_CLIENT
    runtime = _setup(url, total * 2 * ROUNDS)
    with runtime.write() as connection:
        token, _ = issue_token(connection, 1, datetime.now(UTC))
    runtime.engine.dispose()
    env = {"RATSFLOW_DATABASE_URL": url, "RATSFLOW_SCHEDULER": "off", "BENCH_DATABASE_URL": url}
    ours_port, floor_port = _free_port(), _free_port()
    serve = [str(Path(sys.executable).parent / "ratsflow"), "serve", "--host", "127.0.0.1"]
    bare = [sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--host", "127.0.0.1"]
    auth = {"Authorization": f"Bearer {token}"}
    rounds: list[tuple[float, list[float], float, list[float]]] = []
    with (
        _server([*serve, "--port", str(ours_port)], env, ours_port) as ours_base,
        _server(
            [*bare, "--port", str(floor_port), "--log-level", "warning"], env, floor_port
        ) as floor_base,
    ):
        for index in range(ROUNDS):
            first = 1 + index * 2 * total
            ours = _load(f"{ours_base}/api/v1/measures/{{id}}/transitions", auth, first)
            floor = _load(f"{floor_base}/bare/transitions/{{id}}", auth, first + total)
            rounds.append((*ours, *floor))
    ours_tps = [total / o for o, _, _, _ in rounds]
    floor_tps = [total / f for _, _, f, _ in rounds]
    ours_p95 = [_p95(lat) for _, lat, _, _ in rounds]
    floor_p95 = [_p95(lat) for _, _, _, lat in rounds]
    median = statistics.median
    tps_ratio = median(f / o for o, f in zip(ours_tps, floor_tps, strict=True))
    p95_ratio = median(o / f for o, f in zip(ours_p95, floor_p95, strict=True))
    return [
        f"BENCH http_transitions_per_s_{backend} ours={median(ours_tps):.0f}/s "
        f"floor={median(floor_tps):.0f}/s ratio={tps_ratio:.2f}x goal<={GOAL:.1f}x "
        f"rounds={ROUNDS}",
        f"BENCH http_transition_p95_{backend} ours={median(ours_p95) * 1e3:.1f}ms "
        f"floor={median(floor_p95) * 1e3:.1f}ms ratio={p95_ratio:.2f}x goal<={GOAL:.1f}x "
        f"rounds={ROUNDS}",
    ]


def run() -> list[str]:
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        lines += _measure(f"sqlite:///{Path(folder) / 'bench.db'}", "sqlite")
    name = f"ratsflow_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        lines += _measure(f"{PG_SERVER}/{name}", "postgres")
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return lines


if __name__ == "__main__":
    for line in run():
        print(line)

"""A real ``ratsflow serve`` (uvicorn in a subprocess) on a test database, for tests that
need what only a real server shows: its memory, its exit code, its start-up refusal."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

RATSFLOW = str(Path(sys.executable).parent / "ratsflow")
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def environment(database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "RATSFLOW_DATABASE_URL": database_url,
        "RATSFLOW_CHAIN_KEY": "aschersleben",
        "RATSFLOW_SCHEDULER": "off",
        **extra,
    }


def ratsflow(
    env: dict[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [RATSFLOW, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


@dataclass(frozen=True)
class Server:
    base: str
    pid: int


@contextmanager
def serving(
    env: dict[str, str], log: Path, *extra: str, host: str = "127.0.0.1"
) -> Iterator[Server]:
    """``ratsflow serve`` on a free port, until it answers ``/readyz`` on loopback."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [RATSFLOW, "serve", "--host", host, "--port", str(port), *extra],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "ratsflow serve wurde nicht bereit"
                time.sleep(0.1)  # polling a starting process, not timing a result
            yield Server(base, process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)


def resident_kb(pid: int, field: str = "VmHWM") -> int:
    """The process's resident memory in KB: ``VmHWM`` is its peak so far, ``VmRSS`` now."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise AssertionError(f"{field} fehlt in /proc/{pid}/status")

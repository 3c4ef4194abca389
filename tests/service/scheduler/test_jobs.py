"""The jobs and the scheduler's commands are doors: they call services, never a repository."""

from __future__ import annotations

import ast
from pathlib import Path

SCHEDULER = Path(__file__).resolve().parents[3] / "service" / "scheduler"
DOORS = (
    "cli",
    "deadline_sweep",
    "half_year",
    "housekeeping",
    "jobs",
    "periods",
    "reviews",
    "runner",
)


def _repositories_imported(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
            found += [n for n in names if n.endswith(".repository")]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.endswith(".repository")]
    return found


def test_scheduler_jobs_and_commands_call_services_never_a_repository() -> None:
    offenders = {
        name: imported
        for name in DOORS
        if (imported := _repositories_imported(SCHEDULER / f"{name}.py"))
    }

    assert offenders == {}

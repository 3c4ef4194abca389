"""The command line's shared helpers live apart from the root command: no import circle."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICE = Path(__file__).resolve().parents[2] / "service"


def _imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_cli_is_no_circle_no_sub_command_imports_the_root_command() -> None:
    sub_commands = [p for p in SERVICE.rglob("cli.py") if p.parent != SERVICE]
    assert sub_commands, "keine Unterbefehle gefunden"

    importing_the_root = [
        p.relative_to(SERVICE).as_posix()
        for p in sub_commands
        if "service.cli" in _imported_modules(p)
    ]

    assert importing_the_root == []

"""An import-linter contract: no module takes a private name (``_x``) out of another module.

A leading underscore says "this module's own business". Importing such a name elsewhere ties
the importer to an implementation detail that its owner may change at any time; the owner
should make the name public (and say so) or offer what the importer needs.
"""

from __future__ import annotations

import ast
import importlib.util

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def private_imports(source: str) -> list[tuple[int, str, str]]:
    """(line, module, name) of every ``from module import _name`` in a module's source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append((node.lineno, node.module or ".", alias.name))
    return found


class PrivateNamesContract(Contract):
    type_name = "private_names"

    source_packages = fields.ListField(subfield=fields.StringField())
    # "importer: name" pairs still to be mended; a pair that no longer occurs is an error,
    # so the list only shrinks.
    ignore = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        roots = tuple(self.source_packages)  # type: ignore[call-overload]
        ignored = set(self.ignore or ())  # type: ignore[call-overload]
        seen: set[str] = set()
        illegal = []
        for module in sorted(graph.modules):
            if not module.startswith(roots):
                continue
            spec = importlib.util.find_spec(module)
            if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
                continue
            with open(spec.origin, encoding="utf-8") as file:
                for line, imported, name in private_imports(file.read()):
                    if f"{module}: {name}" in ignored:
                        seen.add(f"{module}: {name}")
                        continue
                    illegal.append(f"{module} -> {imported}: {name} (l.{line})")
        illegal += [f"{pair}: listed in ignore, but no longer imported" for pair in ignored - seen]
        return ContractCheck(kept=not illegal, metadata={"illegal": illegal})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("Private names imported from another module:", bold=False)
        output.new_line()
        for item in check.metadata["illegal"]:
            output.print_error(f"- {item}", bold=False)
            output.new_line()

"""(name, version) -> engine, each built once at start-up and shared by every request."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from workflow.engine import Engine
from workflow.errors import DefinitionError, Problem, WorkflowError
from workflow.loader import definition_files, load_file
from workflow.spec import WorkflowSpec


class UnknownDefinition(WorkflowError):
    status = 404
    slug = "nicht-gefunden"
    title = "Nicht gefunden"

    def __init__(self, name: str, version: int | None = None) -> None:
        super().__init__(name, version)
        which = f"„{name}“" + (f" in Version {version}" if version is not None else "")
        self.detail = f"Die Ablaufdefinition {which} ist nicht geladen."


class Registry:
    def __init__(self) -> None:
        self._engines: dict[tuple[str, int], Engine] = {}
        # Each name's newest engine, asked on every step (``decided_by_vote``).
        self._latest: dict[str, Engine] = {}

    def register(self, spec: WorkflowSpec) -> Engine:
        key = (spec.name, spec.version)
        if key in self._engines:
            return self._engines[key]
        engine = Engine(spec)
        self._engines[key] = engine
        newest = self._latest.get(spec.name)
        if newest is None or newest.spec.version < spec.version:
            self._latest[spec.name] = engine
        return engine

    def engine(self, name: str, version: int) -> Engine:
        try:
            return self._engines[(name, version)]
        except KeyError:
            raise UnknownDefinition(name, version) from None

    def latest(self, name: str) -> Engine:
        try:
            return self._latest[name]
        except KeyError:
            raise UnknownDefinition(name) from None

    def specs(self) -> list[WorkflowSpec]:
        return [e.spec for _, e in sorted(self._engines.items())]


def load_registry(paths: Iterable[Path]) -> Registry:
    """Loads every file; reports the problems of all of them at once, or loads none."""
    registry = Registry()
    problems: list[Problem] = []
    specs = []
    for path in definition_files(paths):
        try:
            specs.append(load_file(path))
        except DefinitionError as exc:
            problems.extend(exc.problems)
    problems.extend(cascade_problems(specs))
    if problems:
        raise DefinitionError(problems)
    for spec in specs:
        registry.register(spec)
    return registry


def cascade_problems(specs: Iterable[WorkflowSpec], target: str = "massnahme") -> list[Problem]:
    """A paper's transition may name the event it fires on every measure it carries.

    That event must exist, and every role allowed to fire the paper's transition must be
    allowed to fire it on the measures too, or the button would fail for every measure.
    """
    specs = list(specs)
    carried: dict[str, set[str]] = {}
    for s in specs:
        if s.name == target:
            for t in s.transitions:
                carried.setdefault(t.event, set()).update(t.roles)
    if not carried:
        return []
    problems = []
    for spec in specs:
        if spec.name == target:
            continue
        for t in spec.transitions:
            if t.cascade is None:
                continue
            if t.cascade not in carried:
                problems.append(
                    Problem(
                        spec.source_file,
                        t.line,
                        f"Übergang „{t.event}“ überträgt „{t.cascade}“, das es in „{target}“ "
                        "nicht gibt.",
                    )
                )
            elif missing := sorted(t.roles - carried[t.cascade]):
                problems.append(
                    Problem(
                        spec.source_file,
                        t.line,
                        f"Übergang „{t.event}“ erlaubt {', '.join(missing)}, aber "
                        f"„{t.cascade}“ in „{target}“ nicht.",
                    )
                )
    return problems

"""YAML definition files -> validated ``WorkflowSpec``, or every problem with file and line.

Three passes, each reporting all it finds: YAML syntax (ruamel keeps line numbers), shape
(pydantic), then meaning (states, roles, guards, fields, reachability). A definition with any
problem is never half-loaded.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from workflow.calendar import Duration
from workflow.errors import DefinitionError, Problem
from workflow.guards import GUARDS
from workflow.spec import (
    KNOWN_ROLES,
    SAME_STATE,
    DeadlineSpec,
    FieldSpec,
    StateSpec,
    TransitionSpec,
    WorkflowSpec,
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _FieldModel(_Strict):
    label: str
    type: Literal["text", "date", "integer", "percent", "money", "boolean", "choice"]
    options: list[str] = Field(default_factory=list)
    editable: bool = False


class _StateModel(_Strict):
    label: str
    final: bool = False
    description: str = ""


class _DeadlineModel(_Strict):
    name: str
    label: str
    after: str | None = None
    field: str | None = None
    offset: str | None = None
    roll: Literal["forward", "backward"] | None = None


class _TransitionModel(_Strict):
    event: str
    label: str
    source: str | list[str]
    target: str
    roles: list[str] = Field(min_length=1)
    guards: list[str] = Field(default_factory=list)
    requires: list[str] = Field(default_factory=list)
    optional: list[str] = Field(default_factory=list)
    comment: Literal["erforderlich", "optional"] = "optional"
    deadline: _DeadlineModel | None = None
    cascade: str | None = None
    by_vote: bool = False

    @field_validator("source")
    @classmethod
    def _non_empty(cls, value: str | list[str]) -> str | list[str]:
        if isinstance(value, list) and not value:
            raise ValueError("mindestens ein Ausgangszustand ist nötig")
        return value

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else tuple(self.source)


class _DefinitionModel(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: int = Field(ge=1)
    label: str
    initial: str
    fields: dict[str, _FieldModel] = Field(default_factory=dict)
    states: dict[str, _StateModel] = Field(min_length=1)
    transitions: list[_TransitionModel] = Field(min_length=1)


class _Locator:
    """Finds the line of a path like ``("transitions", 3, "target")`` in the parsed YAML."""

    def __init__(self, root: Any) -> None:
        self.root = root

    def line(self, *path: str | int) -> int | None:
        node, best = self.root, self._own_line(self.root)
        for step in path:
            if isinstance(node, CommentedMap) and step in node:
                key_line, _ = node.lc.key(step)
                value = node[step]
                best = key_line + 1
                if not isinstance(value, CommentedMap | CommentedSeq):
                    value_line, _ = node.lc.value(step)
                    best = value_line + 1
                node = value
            elif isinstance(node, CommentedSeq) and isinstance(step, int) and step < len(node):
                item_line, _ = node.lc.item(step)
                best = item_line + 1
                node = node[step]
            else:
                break
        return best

    @staticmethod
    def _own_line(node: Any) -> int | None:
        if isinstance(node, CommentedMap | CommentedSeq):
            return int(node.lc.line) + 1
        return 1


def _reason(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    field = ".".join(str(p) for p in error["loc"])
    if kind == "missing":
        return f"Pflichtangabe „{field}“ fehlt."
    if kind == "extra_forbidden":
        return f"Unbekannter Schlüssel „{field}“."
    if kind == "literal_error":
        allowed = error.get("ctx", {}).get("expected", "")
        return f"„{field}“ hat einen unzulässigen Wert; erlaubt: {allowed}."
    if kind in ("too_short", "list_type", "dict_type", "string_type", "int_parsing", "int_type"):
        return f"„{field}“ hat die falsche Form: {_german_type(kind)}."
    return f"„{field}“: {error['msg']}."


def _german_type(kind: str) -> str:
    return {
        "too_short": "darf nicht leer sein",
        "list_type": "erwartet eine Liste",
        "dict_type": "erwartet eine Zuordnung",
        "string_type": "erwartet einen Text",
        "int_parsing": "erwartet eine ganze Zahl",
        "int_type": "erwartet eine ganze Zahl",
    }[kind]


def parse_text(text: str, file: str) -> WorkflowSpec:
    """Parses and validates one definition; raises ``DefinitionError`` with every problem."""
    yaml = YAML(typ="rt")
    try:
        raw = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = f"YAML-Syntaxfehler: {exc.problem or exc.context}."
        raise DefinitionError([Problem(file, line, reason)]) from None
    locate = _Locator(raw)
    if not isinstance(raw, CommentedMap):
        raise DefinitionError([Problem(file, 1, "Die Datei muss eine Zuordnung enthalten.")])
    try:
        model = _DefinitionModel.model_validate(raw)
    except ValidationError as exc:
        problems = [
            Problem(file, locate.line(*e["loc"]), _reason(e)) for e in exc.errors(include_url=False)
        ]
        raise DefinitionError(problems) from None
    problems = list(_semantic_problems(model, locate, file))
    if problems:
        raise DefinitionError(problems)
    return _build(model, locate, file)


def load_file(path: Path) -> WorkflowSpec:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError([Problem(str(path), None, f"Datei nicht lesbar: {exc}")]) from None
    return parse_text(text, str(path))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def definition_files(paths: Iterable[Path]) -> list[Path]:
    """Expands folders to the ``*.yaml``/``*.yml`` files they hold, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted([*path.glob("*.yaml"), *path.glob("*.yml")]))
        else:
            files.append(path)
    return files


def _duration(
    text: str | None, where: int | None, file: str
) -> tuple[Duration | None, Problem | None]:
    if text is None:
        return None, None
    try:
        # ISO 8601-2 writes a duration back in time with a leading minus, e.g. -P7D.
        if text.startswith("-"):
            return Duration.parse(text[1:]).negate(), None
        return Duration.parse(text), None
    except ValueError as exc:
        return None, Problem(file, where, str(exc))


def _semantic_problems(model: _DefinitionModel, locate: _Locator, file: str) -> Iterable[Problem]:
    states = model.states
    if model.initial not in states:
        yield Problem(
            file, locate.line("initial"), f"Unbekannter Anfangszustand „{model.initial}“."
        )
    for name, field_model in model.fields.items():
        if field_model.type == "choice" and not field_model.options:
            yield Problem(
                file, locate.line("fields", name), f"Feld „{name}“ ist eine Auswahl ohne Optionen."
            )

    asked: set[str] = {name for name, f in model.fields.items() if f.editable}
    seen: dict[tuple[str, str], int] = {}
    for i, t in enumerate(model.transitions):
        here = ("transitions", i)
        asked.update(t.requires, t.optional)
        for j, source in enumerate(t.sources):
            at = locate.line(*here, "source", j) if isinstance(t.source, list) else None
            at = at or locate.line(*here, "source")
            if source not in states:
                yield Problem(
                    file, at, f"Übergang „{t.event}“: unbekannter Ausgangszustand „{source}“."
                )
            elif states[source].final:
                yield Problem(file, at, f"Übergang „{t.event}“ geht vom Endzustand „{source}“ aus.")
            if (source, t.event) in seen:
                yield Problem(
                    file,
                    locate.line(*here, "event"),
                    f"Ereignis „{t.event}“ ist im Zustand „{source}“ doppelt definiert "
                    f"(zuerst in Zeile {seen[(source, t.event)]}).",
                )
            else:
                seen[(source, t.event)] = locate.line(*here, "event") or 0
        if t.target != SAME_STATE and t.target not in states:
            yield Problem(
                file,
                locate.line(*here, "target"),
                f"Übergang „{t.event}“: unbekannter Zielzustand „{t.target}“.",
            )
        for j, role in enumerate(t.roles):
            if role not in KNOWN_ROLES:
                yield Problem(
                    file,
                    locate.line(*here, "roles", j),
                    f"Übergang „{t.event}“: unbekannte Rolle „{role}“ "
                    f"(bekannt: {', '.join(sorted(KNOWN_ROLES))}).",
                )
        for j, guard_name in enumerate(t.guards):
            if guard_name not in GUARDS:
                yield Problem(
                    file,
                    locate.line(*here, "guards", j),
                    f"Übergang „{t.event}“: unbekannte Bedingung „{guard_name}“.",
                )
        for key in ("requires", "optional"):
            for j, field_name in enumerate(getattr(t, key)):
                if field_name not in model.fields:
                    yield Problem(
                        file,
                        locate.line(*here, key, j),
                        f"Übergang „{t.event}“: unbekanntes Feld „{field_name}“.",
                    )
        if t.deadline is not None:
            yield from _deadline_problems(t, model, locate, file, here)
        if t.by_vote and not t.requires:
            yield Problem(
                file,
                locate.line(*here, "by_vote"),
                f"Übergang „{t.event}“ folgt aus einer Abstimmung (by_vote), fragt aber kein "
                "Ergebnis ab: „requires“ muss das Feld nennen, das die Abstimmung liefert.",
            )

    for i, t in enumerate(model.transitions):
        for guard_name in t.guards:
            guard = GUARDS.get(guard_name)
            for needed in guard.needs if guard else ():
                if needed not in asked:
                    yield Problem(
                        file,
                        locate.line("transitions", i, "guards"),
                        f"Bedingung „{guard_name}“ braucht das Feld „{needed}“, aber kein "
                        "Übergang fragt es ab und es ist nicht bearbeitbar.",
                    )

    if model.initial in states:
        reachable = _reachable(model)
        for name in states:
            if name not in reachable:
                yield Problem(
                    file,
                    locate.line("states", name),
                    f"Zustand „{name}“ ist vom Anfangszustand „{model.initial}“ aus "
                    "nicht erreichbar.",
                )
    for name, state in states.items():
        if state.final:
            continue
        leaves = any(
            name in t.sources and t.target not in (SAME_STATE, name) for t in model.transitions
        )
        if not leaves:
            yield Problem(
                file,
                locate.line("states", name),
                f"Zustand „{name}“ ist kein Endzustand, aber kein Übergang führt aus ihm heraus.",
            )


def _deadline_problems(
    t: _TransitionModel,
    model: _DefinitionModel,
    locate: _Locator,
    file: str,
    here: tuple[str, int],
) -> Iterable[Problem]:
    d = t.deadline
    assert d is not None
    where = locate.line(*here, "deadline")
    if (d.after is None) == (d.field is None):
        yield Problem(
            file, where, f"Frist von „{t.event}“: genau eines von „after“ oder „field“ angeben."
        )
    if d.field is not None:
        spec = model.fields.get(d.field)
        if spec is None:
            yield Problem(
                file,
                locate.line(*here, "deadline", "field"),
                f"Frist von „{t.event}“: unbekanntes Feld „{d.field}“.",
            )
        elif spec.type != "date":
            yield Problem(
                file,
                locate.line(*here, "deadline", "field"),
                f"Frist von „{t.event}“: Feld „{d.field}“ ist kein Datum.",
            )
    for key in ("after", "offset"):
        _, problem = _duration(getattr(d, key), locate.line(*here, "deadline", key), file)
        if problem is not None:
            yield problem


def _reachable(model: _DefinitionModel) -> set[str]:
    seen = {model.initial}
    queue = deque([model.initial])
    while queue:
        state = queue.popleft()
        for t in model.transitions:
            if state in t.sources:
                target = state if t.target == SAME_STATE else t.target
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
    return seen


def _build(model: _DefinitionModel, locate: _Locator, file: str) -> WorkflowSpec:
    fields = {
        name: FieldSpec(name, f.label, f.type, tuple(f.options), f.editable)
        for name, f in model.fields.items()
    }
    states = {
        name: StateSpec(name, s.label, s.final, s.description) for name, s in model.states.items()
    }
    transitions = []
    for i, t in enumerate(model.transitions):
        deadline = None
        if t.deadline is not None:
            d = t.deadline
            after, _ = _duration(d.after, None, file)
            offset, _ = _duration(d.offset, None, file)
            negative = offset is not None and min(offset.months, offset.days, offset.seconds) < 0
            default_roll = "backward" if negative else "forward"
            deadline = DeadlineSpec(
                name=d.name,
                label=d.label,
                after=after,
                field=d.field,
                offset=offset or Duration(),
                roll=d.roll or default_roll,  # type: ignore[arg-type]
            )
        transitions.append(
            TransitionSpec(
                event=t.event,
                label=t.label,
                sources=t.sources,
                target=t.target,
                roles=frozenset(t.roles),
                guards=tuple(t.guards),
                requires=tuple(t.requires),
                optional=tuple(t.optional),
                comment=t.comment,
                deadline=deadline,
                cascade=t.cascade,
                by_vote=t.by_vote,
                line=locate.line("transitions", i),
            )
        )
    by_source = {(s, t.event): t for t in transitions for s in t.sources}
    return WorkflowSpec(
        name=model.name,
        version=model.version,
        label=model.label,
        initial=model.initial,
        states=MappingProxyType(states),
        fields=MappingProxyType(fields),
        transitions=tuple(transitions),
        source_file=file,
        by_source=MappingProxyType(by_source),
    )

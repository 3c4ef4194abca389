"""Every object kind and every action the code writes to the trail has a German label, and
the Datenschutz page words the events of reports, milestones and obligations with labels,
not codes.

The kinds and actions are collected from the code itself (every ``entity_type=``, every
``create_row``, ``update_audited`` and ``log_read`` call, every ``action="kind.verb"``), so
a new one cannot slip in unlabelled or unoffered.
"""

from __future__ import annotations

import ast
import html
import re
from functools import cache
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.audit.actions import ACTIONS
from service.audit.labels import ACTION_KINDS, ENTITY_LABELS, action_label, actions
from service.lifecycle.service import ENTITY_LABELS as PROCESS_KINDS
from service.oparl.repository import TABLES as OPARL_TABLES
from service.oparl.takeover import AUDIT_TYPES
from service.runtime import Runtime
from tests.service.api_calls import login
from tests.service.browser import post_form, signed_in

SERVICE = Path(__file__).parents[3] / "service"
# Where the kind is a positional argument: the call's name and the argument's index.
POSITIONAL = {"create_row": 4, "log_read": 2, "update_row": 4}


def _constants(tree: ast.Module) -> dict[str, str]:
    """The module's names bound to a string (``ENTITY = "issued_report"``)."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    found[target.id] = node.value.value
    return found


def _text(node: ast.expr, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                part = _text(value.value, constants)
                if part is None:
                    return None
                parts.append(part)
            elif isinstance(value, ast.Constant):
                parts.append(str(value.value))
        return "".join(parts)
    return None


def written_kinds() -> tuple[dict[str, str], dict[str, str]]:
    """Every object kind a module of the service writes to the trail, and every kind an
    action of it names (``kind.verb``), each with where."""
    kinds: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    for path in sorted(SERVICE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _constants(tree)
        where = str(path.relative_to(SERVICE.parent))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            for keyword in node.keywords:
                value = _text(keyword.value, constants)
                if value is None:
                    continue
                if keyword.arg == "entity_type":
                    kinds.setdefault(value, where)
                if keyword.arg == "action" and "." in value and " " not in value:
                    prefixes.setdefault(value.split(".")[0], where)
            index = POSITIONAL.get(name or "")
            if (
                index is not None
                and len(node.args) > index
                and (value := _text(node.args[index], constants)) is not None
            ):
                kinds.setdefault(value, where)
    for kind in AUDIT_TYPES.values():
        kinds.setdefault(kind, "service/oparl/takeover.py")
    return kinds, prefixes


def test_every_entity_type_the_code_writes_has_a_label() -> None:
    kinds, prefixes = written_kinds()
    assert {"measure", "milestone", "issued_report", "obligation_fulfilment"} <= set(kinds)
    unlabelled = {kind: where for kind, where in kinds.items() if kind not in ENTITY_LABELS}
    assert unlabelled == {}
    unworded = {kind: where for kind, where in prefixes.items() if kind not in ACTION_KINDS}
    assert unworded == {}


# The verb a call writes when it names no action of its own (``service.records``,
# ``audit.log_read``), and where a call takes the kind or the action positionally.
DEFAULT_VERBS = {
    "insert_audited": "create",
    "create_row": "create",
    "update_audited": "update",
    "update_row": "update",
    "log_read": "read",
    "record_access": "read",
}
KIND_AT = {"create_row": 4, "update_row": 4, "log_read": 2, "record_access": 3}
ACTION_AT = {"_record": 2, "_change": 4, "record_query": 3}


def _source(module: str) -> Path | None:
    base = SERVICE.parent / module.replace(".", "/")
    return next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.exists()), None)


@cache
def _names(path: Path) -> tuple[dict[str, str], dict[str, Path]]:
    """The module's string constants, its own and imported (``from service.audit.models
    import QUERY``), and the service modules it imports by name (``from service.auth import
    trail``, for ``trail.PASSWORD_CHANGED``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants, modules = _constants(tree), {}
    for node in tree.body:
        if not (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("service")):
            continue
        for alias in node.names:
            name = alias.asname or alias.name
            if (module := _source(f"{node.module}.{alias.name}")) is not None:
                modules[name] = module
            elif (source := _source(str(node.module))) and alias.name in _names(source)[0]:
                constants[name] = _names(source)[0][alias.name]
    return constants, modules


def _written(node: ast.expr, path: Path) -> str | None:
    constants, modules = _names(path)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        module = modules.get(node.value.id)
        return _names(module)[0].get(node.attr) if module else None
    if isinstance(node, ast.JoinedStr):
        parts = [
            _written(v.value, path) if isinstance(v, ast.FormattedValue) else str(v.value)
            for v in node.values
            if isinstance(v, ast.FormattedValue | ast.Constant)
        ]
        return None if None in parts else "".join(str(p) for p in parts)
    return _text(node, constants)


def written_actions() -> dict[str, str]:
    """Every action a module of the service writes to the trail, with where: named
    (``action="meeting.invite"``, a constant) or the default of the call that writes it
    (``<kind>.create``, ``.update``, ``.read``). The steps of a process and the objects an
    OParl import takes over are written for a kind held in a variable: those kinds come
    from the tables of ``service.lifecycle`` and ``service.oparl``."""
    found: dict[str, str] = {}
    for path in sorted(SERVICE.rglob("*.py")):
        where = str(path.relative_to(SERVICE.parent))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None) or ""
            given = {k.arg: k.value for k in node.keywords if k.arg}
            if name in ACTION_AT and len(node.args) > ACTION_AT[name]:
                given.setdefault("action", node.args[ACTION_AT[name]])
            if name in KIND_AT and len(node.args) > KIND_AT[name]:
                given.setdefault("entity_type", node.args[KIND_AT[name]])
            if "action" in given:
                action = _written(given["action"], path)
                if action and re.fullmatch(r"[a-z_]+\.[a-z_]+", action):
                    found.setdefault(action, f"{where}:{node.lineno}")
            elif name in DEFAULT_VERBS and "entity_type" in given:
                kind = _written(given["entity_type"], path)
                if kind is not None:
                    found.setdefault(f"{kind}.{DEFAULT_VERBS[name]}", f"{where}:{node.lineno}")
    for kind in PROCESS_KINDS:  # service.lifecycle: f"{entity_type}.transition"
        found.setdefault(f"{kind}.transition", "service/lifecycle/service.py")
    for table in OPARL_TABLES:  # service.oparl.takeover: created or updated, by kind
        for verb in ("create", "update"):
            found.setdefault(f"{AUDIT_TYPES.get(table, table)}.{verb}", "service/oparl/takeover.py")
    return found


def _worded(action: str) -> bool:
    """The kind's label and a verb of its own ("Maßnahme: geändert"), not a code."""
    kind, _, verb = action.partition(".")
    entity, _, done = action_label(action).partition(": ")
    return entity == ACTION_KINDS.get(kind) and done not in ("", verb)


def test_every_action_the_code_writes_has_a_label_and_is_offered() -> None:
    written = written_actions()
    assert {"measure.update", "auth.password_changed", "audit.query", "meeting.invite"} <= set(
        written
    )
    unworded = {action: action_label(action) for action in written if not _worded(action)}
    assert unworded == {}
    # The one list, both ways: nothing written is left out, nothing offered is never written.
    assert {action: where for action, where in written.items() if action not in ACTIONS} == {}
    assert sorted(ACTIONS - set(written)) == []
    offered = [code for code, _ in actions()]
    assert sorted(offered) == sorted(written)
    labels = [label for _, label in actions()]
    assert len(set(labels)) == len(labels)  # no two options read alike


@pytest.fixture
def on_demo_city() -> bool:
    return True


CODES = (
    "issued_report",
    "milestone",
    "obligation_fulfilment",
    "as_of",
    "audience",
    "internal",
    "issued_by",
    "issuer_role",
    "sitzungsdienst",
    "json_sha256",
    "number",
    "period",
    "2024-H2",
)


def test_the_protokoll_page_showed_codes_for_reports_milestones_and_obligations(
    client: TestClient, demo: Runtime
) -> None:
    issued = client.post(
        "/api/v1/reports/issued",
        json={"period": "2024-H2"},
        headers=login(client, "sitzungsdienst"),
    )
    assert issued.status_code == 201, issued.text
    dsb = signed_in(demo, "datenschutz")
    for action in ("issued_report.create", "milestone.create", "obligation_fulfilment.create"):
        answer = post_form(
            dsb, "/protokoll", "/protokoll", {"zweck": "Prüfung Berichte", "aktion": action}
        )
        assert answer.status_code == 200, action
        table = answer.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        words = " ".join(re.sub(r"<[^>]+>", " ", html.unescape(table)).split())
        assert words, action
        for code in CODES:
            assert code not in words, (action, code, words[:2000])
        # The obligation by its title, not by its number in the database.
        assert not re.search(r"Pflicht: – → \d", words), words[:2000]

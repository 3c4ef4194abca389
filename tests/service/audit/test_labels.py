"""Every object kind the code writes to the trail has a German label, and the Datenschutz
page words the events of reports, milestones and obligations with labels, not codes.

The kinds are collected from the code itself (every ``entity_type=``, every ``create_row``
and ``log_read`` call, every ``action="kind.verb"``), so a new kind cannot slip in unlabelled.
"""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.audit.labels import ACTION_KINDS, ENTITY_LABELS
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

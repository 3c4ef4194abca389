"""Typed text: control characters are refused, tabs and line breaks only in long texts, and
every domain says so in the same words."""

from __future__ import annotations

import pytest

from service.texts import FIELD_LIMIT, TextRule, check_step, control_problem, problems
from workflow.errors import InvalidData
from workflow.spec import FieldSpec


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f"])
def test_control_characters_are_refused_in_every_text(character: str) -> None:
    assert control_problem(f"a{character}b", multiline=False)
    assert control_problem(f"a{character}b", multiline=True)


@pytest.mark.parametrize("character", ["\t", "\n", "\r", "\u2028", "\u2029"])
def test_tabs_and_line_breaks_are_kept_in_texts_of_several_lines_only(character: str) -> None:
    assert control_problem(f"a{character}b", multiline=True) is None
    assert control_problem(f"a{character}b", multiline=False)


def test_ordinary_text_passes_and_every_problem_is_named_with_its_input() -> None:
    assert control_problem("Ä–ß „Titel“ 😀 <b>", multiline=False) is None
    rules = {
        "code": TextRule("Kennung", 30, required="Bitte eine Kennung angeben."),
        "title": TextRule("Titel", 500),
        "description": TextRule("Beschreibung", 20_000, multiline=True),
        "text": TextRule("Text", 20_000, multiline=True),
        "name": TextRule("Name", 100),
        "unsent": TextRule("Ungesendet", 10, required="Bitte angeben."),
    }
    values = {
        "code": " ",
        "title": "x" * 501,
        "description": "ok\n\tok",
        "text": "a\x00",
        "name": "Zeile\neins",
    }
    assert [(p.field, p.message) for p in problems(rules, values)] == [
        ("code", "Bitte eine Kennung angeben."),
        ("title", "höchstens 500 Zeichen."),
        ("text", "darf keine Steuerzeichen außer Tabulator und Zeilenumbruch enthalten."),
        ("name", "darf keine Steuerzeichen (auch keinen Zeilenumbruch oder Tabulator) enthalten."),
    ]


def test_a_step_checks_its_values_by_their_field_and_its_comment_as_several_lines() -> None:
    fields = {
        "grund": FieldSpec("grund", "Begründung", "text"),
        "beschlussnummer": FieldSpec("beschlussnummer", "Beschlussnummer", "text"),
    }
    check_step("stoppen", fields, {"grund": "Erstens\r\nZweitens"}, "Kommentar\n\tmit Absatz")
    with pytest.raises(InvalidData) as raised:
        check_step(
            "beschliessen",
            fields,
            {"beschlussnummer": "VII/1\n2", "grund": "x" * (FIELD_LIMIT + 1), "fortschritt": 50},
            "Stand\x07",
        )
    assert [(p.field, p.label) for p in raised.value.problems] == [
        ("beschlussnummer", "Beschlussnummer"),
        ("grund", "Begründung"),
        ("kommentar", "Kommentar"),
    ]

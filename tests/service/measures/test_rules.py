"""Typed text: control characters are refused, tabs and line breaks only in long texts."""

from __future__ import annotations

import pytest

from service.measures.rules import Text, control_problem, text_problems


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f"])
def test_control_characters_are_refused_in_every_text(character: str) -> None:
    assert control_problem(f"a{character}b", multiline=False)
    assert control_problem(f"a{character}b", multiline=True)


@pytest.mark.parametrize("character", ["\t", "\n", "\r"])
def test_tabs_and_line_breaks_are_kept_in_texts_of_several_lines_only(character: str) -> None:
    assert control_problem(f"a{character}b", multiline=True) is None
    assert control_problem(f"a{character}b", multiline=False)


def test_ordinary_text_passes_and_every_problem_is_named_with_its_input() -> None:
    assert control_problem("Ä–ß „Titel“ 😀 <b>", multiline=False) is None
    problems = text_problems(
        [
            Text("code", "Kennung", "", required=True),
            Text("title", "Titel", "x" * 501, max_length=500),
            Text("description", "Beschreibung", "ok\n\tok", multiline=True),
            Text("text", "Text", "a\x00", multiline=True),
        ]
    )
    assert [(p.field, p.message) for p in problems] == [
        ("code", "fehlt."),
        ("title", "höchstens 500 Zeichen."),
        (
            "text",
            "enthält ein unzulässiges Steuerzeichen (erlaubt sind Tabulator und Zeilenumbruch).",
        ),
    ]

"""A refused write as its form shows it again: one helper for every form page."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.responses import Response

from service.errors import Conflict, NotFound
from service.web.forms import refusal, shown_again
from workflow.errors import FieldProblem, InvalidData, StaleVersion

INVALID = InvalidData(
    "",
    [
        FieldProblem("code", "Kennung", "ist schon vergeben."),
        FieldProblem("fields.kosten", "Kosten", "keine Zahl."),
    ],
)


def test_refusal_names_each_problem_by_the_forms_input() -> None:
    refused = refusal(INVALID, {"code": "kennung"})
    assert refused.status == 422
    assert refused.headline == "Bitte die Angaben ergänzen oder korrigieren:"
    assert refused.reasons == ["Kennung: ist schon vergeben.", "Kosten: keine Zahl."]
    assert refused.fields == {"kennung": "ist schon vergeben.", "fields.kosten": "keine Zahl."}


def test_refusal_renames_by_a_function_and_puts_labels_in_front() -> None:
    refused = refusal(INVALID, lambda field: field.replace("fields.", "feld_"), labelled=True)
    assert refused.fields == {
        "code": "Kennung: ist schon vergeben.",
        "feld_kosten": "Kosten: keine Zahl.",
    }


def test_refusal_without_fields_keeps_headline_and_status() -> None:
    refused = refusal(StaleVersion("measure", 1, 3), {"code": "kennung"}, labelled=True)
    assert refused.status == 409 and refused.fields == {} and refused.reasons == []
    assert refused.headline.startswith("Inzwischen hat jemand anderes")


@pytest.mark.parametrize("exc", [NotFound("Sitzung", 7), RuntimeError("kaputt")])
def test_refusal_raises_what_is_not_the_users_to_fix(exc: Exception) -> None:
    with pytest.raises(type(exc)) as raised:
        refusal(exc)
    assert raised.value is exc


def test_shown_again_calls_the_page_with_status_problems_and_what_was_typed() -> None:
    calls: list[dict[str, Any]] = []

    def page(**context: Any) -> Response:
        calls.append(context)
        return Response(status_code=context["status"])

    typed = {"nummer": "3", "titel": "x"}
    conflict = Conflict("sitzung-abgesagt", "Sitzung abgesagt", "Die Sitzung ist abgesagt.")
    response = shown_again(page, conflict, typed, {"number": "nummer"}, open_form="tagesordnung")
    assert response.status_code == 409
    assert calls == [
        {
            "status": 409,
            "error": "Die Sitzung ist abgesagt.",
            "problems": [],
            "field_problems": {},
            "typed": typed,
            "open_form": "tagesordnung",
        }
    ]

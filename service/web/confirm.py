"""A second page before a step that cannot be undone, without JavaScript.

The button of such a step posts as usual; without ``bestaetigt=ja`` the door answers with a
page that names what will happen and carries everything typed in hidden fields, and only
its button (``bestaetigt=ja``) does it. Deleting an Anlage, a step into an end state
(Zurückziehen, Stoppen, Abschließen) and deactivating a user go this way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from fastapi import Request
from fastapi.responses import Response

from service.web.rendering import render
from workflow.spec import WorkflowSpec

CONFIRM_FIELD = "bestaetigt"


def confirmed(form: Mapping[str, str]) -> bool:
    return form.get(CONFIRM_FIELD) == "ja"


def final_steps(spec: WorkflowSpec) -> set[str]:
    """The events that lead into an end state: after them nothing can be changed."""
    return {
        t.event
        for t in spec.transitions
        if not t.by_vote and t.target in spec.states and spec.states[t.target].final
    }


def ask(
    request: Request,
    *,
    title: str,
    question: str,
    action: str,
    button: str,
    back: str,
    fields: Mapping[str, str] | None = None,
    details: Sequence[tuple[str, str]] = (),
) -> Response:
    """The confirmation page: ``action`` gets ``fields`` again with ``bestaetigt=ja``."""
    return render(
        request,
        "confirm.html",
        title=title,
        question=question,
        action=action,
        button=button,
        back=back,
        fields={k: v for k, v in (fields or {}).items() if k != CONFIRM_FIELD},
        details=list(details),
        confirm_field=CONFIRM_FIELD,
    )


def ask_final_step(
    request: Request,
    spec: WorkflowSpec,
    form: Mapping[str, str],
    *,
    offered: Callable[[str], bool],
    consequence: str,
    action: str,
    back: str,
    details: Sequence[tuple[str, str]] = (),
) -> Response | None:
    """The question before a step into an end state, or None when none is due: the step is
    not final, was confirmed, or is not the caller's to take now (``offered``), in which case
    the step itself explains the refusal."""
    event = form.get("ereignis", "")
    if event not in final_steps(spec) or confirmed(form) or not offered(event):
        return None
    label = spec.event_label(event)
    return ask(
        request,
        title=f"{label}?",
        question=f"„{label}“ {consequence}",
        action=action,
        button=f"Ja: {label}",
        back=back,
        fields=form,
        details=details,
    )

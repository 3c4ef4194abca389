"""A measure's fields as of a Stichtag, replayed from its steps and the edits of its Angaben.

Steps (``history_entries``) record progress and target dates; the form „Angaben
bearbeiten“ and the API's PATCH edit the same fields outside the workflow
(``measure_changes``). Neither alone knows what a field held on a day: the report replays
both, each at the moment it took effect.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def fields_as_of(
    row: Any, steps: Sequence[Any], later: Sequence[Any], edits: Sequence[Any] | None
) -> dict[str, Any]:
    """The measure's fields as of the Stichtag: each as the last of ``steps`` and ``edits``
    (those up to the Stichtag) set it, in the order they took effect. A step takes effect
    at its ``at`` (a decision on its session's day, however late it was typed in), an edit
    of the Angaben when it was made; an edit and a step of the same moment count in that
    order (the creation comes before the first step).

    ``edits`` None: the measure has no history of its Angaben, not even its creation (rows
    made by hand); then the fields are today's, less what only ``later`` steps recorded,
    with what ``steps`` recorded on top."""
    if edits is None:
        fields = dict(row.fields or {})
        for step in later:
            for name in step.data or {}:
                fields.pop(name, None)
        for step in steps:
            fields.update(step.data or {})
        return fields
    timeline = sorted(
        [(edit.changed_at, 0, edit.fields) for edit in edits]
        + [(step.at, 1, step.data) for step in steps],
        key=lambda entry: (entry[0], entry[1]),
    )
    replayed: dict[str, Any] = {}
    for _, _, values in timeline:
        for name, value in (values or {}).items():
            if value is None:
                replayed.pop(name, None)
            else:
                replayed[name] = value
    return replayed

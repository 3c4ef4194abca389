"""``/massnahmen/{id}/bearbeiten``: the Angaben of a measure, in one form.

It offers what the API's ``PATCH /measures/{id}`` changes and calls the same service
function. The version read travels in a hidden field: a change someone else made in
between is refused, and the form comes back with everything typed and the German reason.
A guard reason on the measure page that names a missing value links to its field here.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Request
from fastapi.responses import Response

from service.api.deps import MAX_ID
from service.measures import service as measures
from service.web.forms import (
    PostedForm,
    input_for,
    marked,
    posted_id,
    posted_text,
    refusal,
    saving,
    shown,
)
from service.web.pages.measures import FIELD_PREFIX, STALE, form_name
from service.web.rendering import page_router, render, runtime_of, signed_in
from workflow.errors import InvalidData, StaleVersion
from workflow.values import as_typed

router = page_router()
MeasureId = Annotated[int, Path(ge=1, le=MAX_ID)]
AMENDMENT = "aenderungsbeschluss"
NOT_SAVED = "Die Angaben wurden nicht gespeichert. Bitte die markierten Angaben prüfen."
# Conflicts of a change beyond the council decision belong to the Änderungsbeschluss picker.
AMENDMENT_SLUGS = ("aenderungsbeschluss-erforderlich", "aenderungsbeschluss-fehlt")


def _current(form: measures.EditForm) -> dict[str, str]:
    m = form.measure
    values = {
        "kennung": m.code,
        "titel": m.title,
        "beschreibung": m.description or "",
        "verantwortlich": str(m.responsible_person_id or ""),
        "oeffentlich": "ja" if m.public else "nein",
        "version": str(m.version),
    }
    for name, spec in form.spec.fields.items():
        if spec.editable:
            values[FIELD_PREFIX + name] = shown((m.fields or {}).get(name), spec)
    return values


def _page(
    request: Request,
    measure_id: int,
    status: int = 200,
    *,
    values: dict[str, str] | None = None,
    error: str | None = None,
    reasons: list[str] | None = None,
    problems: dict[str, str] | None = None,
    stale: bool = False,
) -> Response:
    runtime = runtime_of(request)
    form = measures.read_for_edit(runtime, signed_in(request), measure_id)
    current = _current(form)
    shown_values = {**current, **(values or {})}
    inputs = [
        marked(input_for(f, False), form.needed) for f in form.spec.fields.values() if f.editable
    ]
    return render(
        request,
        "measure_edit.html",
        status=status,
        title=f"{form.measure.code} bearbeiten",
        m=form.measure,
        form=form,
        inputs=inputs,
        values=shown_values,
        # The version the typed values rest on; after a refusal for a stale one, the
        # current version, so that sending again (after a look) overwrites on purpose.
        version=current["version"] if stale else shown_values["version"],
        prefix=FIELD_PREFIX,
        error=error,
        reasons=reasons or [],
        problems=problems or {},
    )


@router.get("/massnahmen/{measure_id}/bearbeiten")
def edit_form(request: Request, measure_id: MeasureId) -> Response:
    return _page(request, measure_id)


def _changes(form: dict[str, str]) -> dict[str, Any]:
    changes: dict[str, Any] = {
        "code": posted_text(form.get("kennung")),
        "title": posted_text(form.get("titel")),
        "description": posted_text(form.get("beschreibung"), lines=True) or None,
        "public": form.get("oeffentlich") == "ja",
        # The service refuses a field that is not editable, as for the API.
        "fields": as_typed(
            {
                key.removeprefix(FIELD_PREFIX): posted_text(value, lines=True) or None
                for key, value in form.items()
                if key.startswith(FIELD_PREFIX)
            }
        ),
        "amendment": posted_text(form.get(AMENDMENT)) or None,
    }
    if "verantwortlich" in form:
        changes["responsible_person_id"] = posted_id(form.get("verantwortlich"))
    return changes


@router.post("/massnahmen/{measure_id}/bearbeiten")
def save(request: Request, measure_id: MeasureId, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    try:
        with saving(request) as saved:
            measures.update_measure(
                runtime,
                saved.connection,
                actor,
                measure_id,
                _changes(form),
                version=posted_id(form.get("version")),
            )
            return saved.redirect(f"/massnahmen/{measure_id}?gespeichert=angaben")
    except Exception as exc:
        refused = refusal(exc, form_name, labelled=True)
        if isinstance(exc, InvalidData):
            return _page(
                request,
                measure_id,
                422,
                values=form,
                error=NOT_SAVED,
                reasons=list(refused.fields.values()),
                problems=refused.fields,
            )
        if isinstance(exc, StaleVersion):
            return _page(request, measure_id, refused.status, values=form, error=STALE, stale=True)
        problems = {}
        if getattr(exc, "slug", None) in AMENDMENT_SLUGS:
            problems[AMENDMENT] = refused.headline
        return _page(
            request,
            measure_id,
            refused.status,
            values=form,
            error=NOT_SAVED if problems else refused.headline,
            reasons=[refused.headline] if problems else refused.reasons,
            problems=problems,
        )

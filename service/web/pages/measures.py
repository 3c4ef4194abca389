"""``/massnahmen``: one measure with its steps, and the form for a new one.

The pages parse what was typed, call the measure service and render its answer; a refused
form comes back with the status the API gives for the same request, the German reasons
and everything that was typed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Request
from fastapi.responses import Response

from service.access import holds, may_attach, may_edit_measure
from service.actor import Actor
from service.api.deps import MAX_ID
from service.attachments import service as attachments_service
from service.errors import NotFound
from service.formatting import field_value
from service.measures import service as measures
from service.web import confirm, diagram, measure_page
from service.web.forms import (
    PostedForm,
    input_for,
    inputs_for,
    marked,
    posted_id,
    posted_text,
    refusal,
    saving,
    shown,
)
from service.web.rendering import page_router, render, require, runtime_of, signed_in
from workflow.calendar import to_local
from workflow.errors import InvalidData, StaleVersion
from workflow.values import as_typed

router = page_router()
MeasureId = Annotated[int, Path(ge=1, le=MAX_ID)]
FIELD_PREFIX = "feld_"
COMMENT = "kommentar"
SAVED = {
    "stellungnahme": "Die Stellungnahme wurde gespeichert.",
    "abwaegung": "Die Abwägung wurde gespeichert.",
    "auflage": "Die Auflage ist als erfüllt vermerkt.",
    "anlage": "Die Anlage wurde gespeichert.",
    "anlage_geloescht": "Die Anlage wurde gelöscht.",
    "angaben": "Die Angaben wurden gespeichert.",
}
NOT_CREATED = "Die Maßnahme wurde nicht angelegt. Bitte die markierten Angaben prüfen."
# What the service calls an input, and its name in the form.
FORM_NAMES = {
    "code": "kennung",
    "title": "titel",
    "description": "beschreibung",
    "programme_id": "arbeitspapier",
    "responsible_person_id": "verantwortlich",
}
STALE = (
    "Die Maßnahme wurde inzwischen von jemand anderem geändert. Ihre Eingaben sind erhalten; "
    "bitte prüfen Sie den aktuellen Stand und senden Sie erneut ab."
)


# --- new measure ---------------------------------------------------------------------------


def _new_form(request: Request, actor: Actor, status: int = 200, **context: Any) -> Response:
    runtime = runtime_of(request)
    spec = runtime.registry.latest("massnahme").spec
    with runtime.read() as connection:
        programmes = measures.programme_choices(connection, runtime.body_id)
        people = measures.responsible_choices(connection, runtime.body_id)
        next_code, needed = measures.new_form(runtime, connection, actor)
    values: dict[str, str] = {
        "verantwortlich": str(actor.person_id or ""),
        "kennung": next_code,
        "oeffentlich": "nein",
        **context.pop("values", {}),
    }
    inputs = [marked(input_for(f, False), needed) for f in spec.fields.values() if f.editable]
    return render(
        request,
        "measure_new.html",
        status=status,
        title="Neue Maßnahme",
        programmes=programmes,
        people=people,
        inputs=inputs,
        values=values,
        prefix=FIELD_PREFIX,
        error=context.pop("error", None),
        problems=context.pop("problems", {}),
    )


@router.get("/massnahmen/neu")
def new_measure_form(request: Request) -> Response:
    return _new_form(request, require(request, "measure.create"))


def form_name(field: str) -> str:
    """The form's name of an input the service names as the API does."""
    if field.startswith("fields."):
        return FIELD_PREFIX + field.removeprefix("fields.")
    return FORM_NAMES.get(field, field)


@router.post("/massnahmen/neu")
def create_measure(request: Request, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    spec = runtime.registry.latest("massnahme").spec
    fields = as_typed(
        {
            name: form[FIELD_PREFIX + name]
            for name, field in spec.fields.items()
            if field.editable and FIELD_PREFIX + name in form
        }
    )
    try:
        with saving(request) as saved:
            measure_id = measures.new_measure(
                runtime,
                saved.connection,
                actor,
                programme_id=posted_id(form.get("arbeitspapier")),
                code=posted_text(form.get("kennung")),
                title=posted_text(form.get("titel")),
                description=posted_text(form.get("beschreibung"), lines=True) or None,
                responsible_person_id=posted_id(form.get("verantwortlich")),
                public=form.get("oeffentlich") == "ja",
                fields=fields,
            )
            return saved.redirect(f"/massnahmen/{measure_id}?angelegt=1")
    except Exception as exc:
        refused = refusal(exc, form_name, labelled=True)
        if isinstance(exc, InvalidData):
            return _new_form(
                request, actor, 422, values=form, error=NOT_CREATED, problems=refused.fields
            )
        return _new_form(request, actor, refused.status, values=form, error=refused.headline)


# --- one measure ---------------------------------------------------------------------------


def show_page(
    request: Request,
    measure_id: int,
    status: int = 200,
    *,
    error: str | None = None,
    problems: list[str] | None = None,
    field_problems: dict[str, str] | None = None,
    open_event: str | None = None,
    typed: dict[str, str] | None = None,
    success: str | None = None,
    statement_error: str | None = None,
    statement_typed: dict[str, str] | None = None,
    attachment_error: str | None = None,
    attachment_heading: str = "Die Datei wurde nicht gespeichert.",
    task_error: str | None = None,
) -> Response:
    """The Maßnahme page; a failed form elsewhere on it passes its message and input."""
    runtime = runtime_of(request)
    actor = require(request, "measure.read_internal")
    page = measures.read_measure(runtime, actor, measure_id)
    with runtime.read() as connection:
        files = attachments_service.list_of(connection, "measure", measure_id)
        kept = attachments_service.kept_because(connection, "measure", page.measure)
    spec = page.spec
    forms = [
        (event, inputs_for(spec.fields, event.requires, event.optional)) for event in page.allowed
    ]
    offered = {event.event for event in page.allowed}
    lost_input: list[tuple[str, str]] = []
    if open_event and open_event not in offered and typed:
        # The step is no longer possible (someone else moved the measure): show what was
        # typed, so that nothing is lost.
        lost_input = [
            (spec.fields[k].label if k in spec.fields else "Kommentar", v)
            for k, v in typed.items()
            if v
        ]
    return render(
        request,
        "measure.html",
        status=status,
        title=f"{page.measure.code} {page.measure.title}",
        page=page,
        m=page.measure,
        spec=spec,
        forms=forms,
        diagram=diagram.render(spec, page.measure.state),
        field_value=field_value,
        statement_labels=measures.STATEMENT_LABELS,
        outcome_labels=measures.OUTCOME_LABELS,
        now=runtime.now(),
        is_overdue=measure_page.is_overdue,
        error=error,
        problems=problems or [],
        field_problems=field_problems or {},
        open_event=open_event,
        typed=typed or {},
        success=success,
        lost_input=lost_input,
        prefix=FIELD_PREFIX,
        shown=shown,
        analysis_fields=measure_page.ANALYSIS_FIELDS,
        flag_fields=measure_page.FLAG_FIELDS,
        statement_kinds=measure_page.statement_choices(actor)
        if not spec.states[page.measure.state].final
        else [],
        statement_error=statement_error,
        statement_typed=statement_typed or {"datum": f"{to_local(runtime.now()).date()}"},
        tasks=page.statement_tasks,
        may_weigh=holds(actor, "statement.weigh"),
        task_error=task_error,
        may_fulfil=holds(actor, "condition.fulfil"),
        attachments=files,
        attachment_base=f"/massnahmen/{measure_id}/anlagen",
        may_attach=may_attach(actor, "measure", page.measure),
        may_delete_attachment=holds(actor, "attachment.delete") and kept is None,
        attachments_kept=kept,
        attachment_error=attachment_error,
        attachment_heading=attachment_heading,
        may_edit=may_edit_measure(actor, page.measure)
        and not spec.states[page.measure.state].final,
    )


@router.get("/massnahmen/{measure_id}")
def show_measure(
    request: Request,
    measure_id: MeasureId,
    angelegt: str | None = None,
    erledigt: str | None = None,
    gespeichert: str | None = None,
) -> Response:
    success = SAVED.get(gespeichert or "")
    if angelegt:
        success = "Die Maßnahme wurde angelegt."
    elif erledigt:
        spec = runtime_of(request).registry.latest("massnahme").spec
        labels = {t.event: t.label for t in spec.transitions}
        if erledigt in labels:
            success = f"Erledigt: {labels[erledigt]}."
    return show_page(request, measure_id, success=success)


@router.post("/massnahmen/{measure_id}/schritte")
def fire_step(request: Request, measure_id: MeasureId, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    event = form.get("ereignis", "")
    comment = form.get(COMMENT, "")
    spec = runtime.registry.latest("massnahme").spec
    question = confirm.ask_final_step(
        request,
        spec,
        form,
        offered=lambda event: measures.offers(runtime, actor, measure_id, event),
        consequence="beendet den Ablauf der Maßnahme; danach lässt sie sich nicht mehr "
        "bearbeiten und kein Schritt mehr auslösen.",
        action=f"/massnahmen/{measure_id}/schritte",
        back=f"/massnahmen/{measure_id}#schritt-{event}",
        details=[("Kommentar", comment)] if comment.strip() else [],
    )
    if question is not None:
        return question
    data = as_typed(
        {
            key.removeprefix(FIELD_PREFIX): value
            for key, value in form.items()
            if key.startswith(FIELD_PREFIX) and posted_text(value, lines=True)
        }
    )
    try:
        with saving(request) as saved:
            measures.fire_by_user(
                runtime,
                saved.connection,
                actor,
                measure_id,
                event,
                version=posted_id(form.get("version")),
                data=data,
                comment=comment or None,
            )
            return saved.redirect(f"/massnahmen/{measure_id}?erledigt={event}")
    except NotFound:
        raise
    except Exception as exc:
        refused = refusal(exc)
        return show_page(
            request,
            measure_id,
            refused.status,
            error=STALE if isinstance(exc, StaleVersion) else refused.headline,
            problems=refused.reasons,
            field_problems=refused.fields,
            open_event=event,
            typed={**data, COMMENT: comment},
        )

"""``/massnahmen``: one measure with its steps, and the form for a new one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Request
from fastapi.responses import Response

from service.access import STATEMENT_KINDS, holds, may_attach, may_see
from service.actor import Actor
from service.api.deps import MAX_ID
from service.attachments import service as attachments_service
from service.errors import NotFound
from service.measures import service as measures_service
from service.web import diagram, measure_page
from service.web.formatting import field_value
from service.web.forms import PostedForm, input_for, inputs_for, shown
from service.web.overview import STATEMENT_LABELS
from service.web.rendering import (
    PageError,
    page_router,
    redirect,
    render,
    require,
    runtime_of,
)
from workflow.calendar import to_local
from workflow.errors import (
    Forbidden,
    GuardFailed,
    InvalidData,
    MissingData,
    NotAllowed,
    StaleVersion,
    WorkflowError,
)
from workflow.values import ValueProblem, normalize

router = page_router()
MeasureId = Annotated[int, Path(ge=1, le=MAX_ID)]
FIELD_PREFIX = "feld_"
COMMENT = "kommentar"
SAVED = {
    "stellungnahme": "Die Stellungnahme wurde gespeichert.",
    "anlage": "Die Anlage wurde gespeichert.",
    "anlage_geloescht": "Die Anlage wurde gelöscht.",
}
OUTCOME_LABELS = {
    "zustimmend": "zustimmend",
    "mit_auflagen": "mit Auflagen",
    "ablehnend": "ablehnend",
}


# --- new measure ---------------------------------------------------------------------------


def _new_form(request: Request, status: int = 200, **context: Any) -> Response:
    runtime = runtime_of(request)
    actor = require(request, "measure.create")
    spec = runtime.registry.latest("massnahme").spec
    with runtime.read() as connection:
        programmes = measure_page.programme_choices(connection)
        people = measure_page.responsible_choices(connection)
    values: dict[str, str] = {
        "verantwortlich": str(actor.person_id or ""),
        "oeffentlich": "ja",
        **context.pop("values", {}),
    }
    inputs = [input_for(f, False) for f in spec.fields.values() if f.editable]
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
    return _new_form(request)


@router.post("/massnahmen/neu")
def create_measure(request: Request, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = require(request, "measure.create")
    spec = runtime.registry.latest("massnahme").spec
    problems: dict[str, str] = {}
    code = form.get("kennung", "").strip()
    title = form.get("titel", "").strip()
    if not code:
        problems["kennung"] = "Bitte eine Kennung angeben, z. B. M-10."
    elif len(code) > 30:
        problems["kennung"] = "Die Kennung darf höchstens 30 Zeichen lang sein."
    if not title:
        problems["titel"] = "Bitte einen Titel angeben."
    elif len(title) > 500:
        problems["titel"] = "Der Titel darf höchstens 500 Zeichen lang sein."
    with runtime.read() as connection:
        programme_ids = {i for i, _ in measure_page.programme_choices(connection)}
        person_ids = {i for i, _ in measure_page.responsible_choices(connection)}
    programme_id = _int(form.get("arbeitspapier"))
    if programme_id not in programme_ids:
        problems["arbeitspapier"] = "Bitte ein Arbeitspapier wählen."
    responsible = _int(form.get("verantwortlich"))
    if form.get("verantwortlich") and responsible not in person_ids:
        problems["verantwortlich"] = "Diese Person kann nicht verantwortlich sein."
    fields: dict[str, Any] = {}
    for name, field in spec.fields.items():
        if not field.editable:
            continue
        try:
            fields[name] = normalize(field, form.get(FIELD_PREFIX + name))
        except ValueProblem as exc:
            problems[FIELD_PREFIX + name] = f"{field.label}: {exc}."
    if problems:
        return _new_form(
            request,
            422,
            values=form,
            error="Die Maßnahme wurde nicht angelegt. Bitte die markierten Angaben prüfen.",
            problems=problems,
        )
    assert programme_id is not None
    with runtime.write() as connection:
        measure_id = measures_service.create_measure(
            runtime,
            connection,
            actor,
            programme_id=programme_id,
            code=code,
            title=title,
            description=form.get("beschreibung", "").strip() or None,
            responsible_person_id=responsible,
            public=form.get("oeffentlich") == "ja",
            fields=fields,
        )
    return redirect(f"/massnahmen/{measure_id}?angelegt=1")


def _int(value: str | None) -> int | None:
    if value and value.isdigit() and int(value) <= MAX_ID:
        return int(value)
    return None


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
) -> Response:
    """The Maßnahme page; a failed form elsewhere on it passes its message and input."""
    runtime = runtime_of(request)
    actor = require(request, "measure.read_internal")
    with runtime.read() as connection:
        page = measure_page.load(runtime, connection, measure_id, actor)
        files = attachments_service.list_of(connection, "measure", measure_id)
    if not may_see(actor, page.measure):
        raise PageError(404, "Nicht gefunden", "Diese Maßnahme gibt es nicht.")
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
        statement_labels=STATEMENT_LABELS,
        outcome_labels=OUTCOME_LABELS,
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
        may_edit=holds(actor, "measure.edit"),
        analysis_fields=measure_page.ANALYSIS_FIELDS,
        flag_fields=measure_page.FLAG_FIELDS,
        statement_kinds=statement_choices(actor)
        if not spec.states[page.measure.state].final
        else [],
        statement_error=statement_error,
        statement_typed=statement_typed or {"datum": f"{to_local(runtime.now()).date()}"},
        attachments=files,
        attachment_base=f"/massnahmen/{measure_id}/anlagen",
        may_attach=may_attach(actor, "measure", page.measure),
        may_delete_attachment=holds(actor, "attachment.delete"),
        attachment_error=attachment_error,
    )


def statement_choices(actor: Actor) -> list[tuple[str, str]]:
    """The kinds of Stellungnahme this user can give: one per role that gives them."""
    return [(kind, STATEMENT_LABELS[kind]) for kind in STATEMENT_KINDS if kind in actor.roles]


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
    actor = require(request, "measure.read_internal")
    event = form.get("ereignis", "")
    version = _int(form.get("version"))
    comment = form.get(COMMENT, "")
    data = {
        key.removeprefix(FIELD_PREFIX): value
        for key, value in form.items()
        if key.startswith(FIELD_PREFIX) and value.strip()
    }
    typed = {**data, COMMENT: comment}

    def again(status: int, error: str, **extra: Any) -> Response:
        return show_page(
            request, measure_id, status, error=error, open_event=event, typed=typed, **extra
        )

    try:
        with runtime.write() as connection:
            measures_service.fire(
                runtime,
                connection,
                actor,
                measure_id,
                event,
                version=version,
                data=data,
                comment=comment or None,
            )
    except GuardFailed as exc:
        return again(
            422,
            "Der Schritt ist noch nicht möglich. Es fehlen Voraussetzungen:",
            problems=[f.message for f in exc.failures],
        )
    except (MissingData, InvalidData) as exc:
        items = exc.missing if isinstance(exc, MissingData) else exc.problems
        return again(
            422,
            "Bitte die Angaben ergänzen oder korrigieren:",
            problems=[f"{p.label}: {p.message}" for p in items],
            field_problems={p.field: p.message for p in items},
        )
    except StaleVersion:
        return again(
            409,
            "Die Maßnahme wurde inzwischen von jemand anderem geändert. Ihre Eingaben sind "
            "erhalten; bitte prüfen Sie den aktuellen Stand und senden Sie erneut ab.",
        )
    except (NotAllowed, Forbidden) as exc:
        return again(409 if isinstance(exc, NotAllowed) else 403, exc.detail)
    except NotFound:
        raise
    except WorkflowError as exc:
        return again(422, exc.detail)
    return redirect(f"/massnahmen/{measure_id}?erledigt={event}")

"""``/vorlagen``: Vorlagen with their Beratungsfolge, carried measures, votes and steps.

The pages read and write through the papers service, as the API does: a refused form
answers with the API's status for the same request and shows itself again with the German
message and what was typed.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import Path, Query, Request
from fastapi.responses import Response

from service.access import holds, may_attach
from service.api.deps import MAX_ID
from service.attachments import service as attachments
from service.measures.service import STATEMENT_LABELS
from service.papers import carrying, consultations, reading, service
from service.web import confirm, council
from service.web.forms import (
    InputNames,
    PostedForm,
    inputs_for,
    posted_date,
    posted_id,
    refusal,
    saving,
    shown,
    shown_again,
)
from service.web.rendering import (
    page_router,
    render,
    require,
    runtime_of,
    signed_in,
)
from workflow.calendar import to_local
from workflow.values import as_typed

router = page_router()
PaperId = Annotated[int, Path(ge=1, le=MAX_ID)]
FIELD_PREFIX = "feld_"
DONE = {
    "angelegt": "Die Vorlage wurde angelegt.",
    "massnahme": "Die Maßnahme wird jetzt von der Vorlage getragen.",
    "beratung": "Der Schritt wurde in die Beratungsfolge aufgenommen.",
    "anlage": "Die Anlage wurde gespeichert.",
    "anlage_geloescht": "Die Anlage wurde gelöscht.",
    "pflicht": "Die Erfüllung der Pflicht ist vermerkt.",
    "berichtigt": "Die Abstimmung wurde berichtigt; die Berichtigung steht im Verlauf.",
    "entfallen": "Die Vorberatung ist entfallen; die Begründung steht im Verlauf. Jetzt kann "
    "die Entscheidung abgestimmt werden.",
}
# The service names the inputs as the API does; the forms name them in German.
PLANNING_FIELDS = {
    "committee_id": "gremium",
    "role": "rolle",
    "meeting_id": "sitzung",
    "planned_on": "datum",
}


# --- list and new paper --------------------------------------------------------------------


@router.get("/vorlagen")
def list_papers(
    request: Request, zustand: Annotated[str | None, Query(max_length=50)] = None
) -> Response:
    runtime = runtime_of(request)
    actor = require(request, "paper.list")
    spec = runtime.registry.latest("vorlage").spec
    state = zustand if zustand in spec.states else None
    with runtime.read() as connection:
        rows = reading.newest_papers(
            runtime, connection, actor, state=state, limit=council.LIST_LIMIT
        )
    return render(
        request,
        "papers.html",
        title="Vorlagen",
        rows=rows,
        states=spec.states,
        state=state,
        may_create=holds(actor, "paper.create"),
    )


def _new_form(request: Request, status: int = 200, **context: Any) -> Response:
    require(request, "paper.create")
    return render(
        request,
        "paper_new.html",
        status=status,
        title="Neue Vorlage",
        values={"public": "ja", **context.pop("values", {})},
        problems=context.pop("problems", {}),
        error=context.pop("error", None),
    )


@router.get("/vorlagen/neu")
def new_paper_form(request: Request) -> Response:
    return _new_form(request)


@router.post("/vorlagen/neu")
def create_paper(request: Request, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    values: dict[str, Any] = {
        name: form.get(name, "").strip() or None for name in service.PAPER_TEXTS
    }
    values["public"] = form.get("public") == "ja"
    try:
        with saving(request) as saved:
            paper_id = service.new_paper(runtime, saved.connection, actor, **values)
            return saved.redirect(f"/vorlagen/{paper_id}?erledigt=angelegt")
    except Exception as exc:
        refused = refusal(exc)
        problems = dict(refused.fields)
        if "Drucksachennummer" in refused.headline:
            problems["reference"] = refused.headline
        return _new_form(
            request,
            refused.status,
            values=form,
            problems=problems,
            error="Die Vorlage wurde nicht angelegt. " + refused.headline,
        )


# --- one paper -----------------------------------------------------------------------------


def show_paper(
    request: Request,
    paper_id: int,
    status: int = 200,
    *,
    error: str | None = None,
    problems: list[str] | None = None,
    field_problems: dict[str, str] | None = None,
    open_form: str | None = None,
    typed: dict[str, str] | None = None,
    success: str | None = None,
    attachment_error: str | None = None,
    attachment_heading: str = "Die Datei wurde nicht gespeichert.",
) -> Response:
    """The Vorlage page; a failed form passes its message, its name and what was typed."""
    runtime = runtime_of(request)
    actor = require(request, "paper.list")
    with runtime.read() as connection:
        data = reading.read_paper(
            runtime, connection, actor, paper_id, with_history=True, with_choices=True
        )
        files = attachments.list_of(connection, "paper", paper_id)
        kept = attachments.kept_because(connection, "paper", data.paper)
    paper, spec, choices = data.paper, data.spec, data.choices
    steps = [
        (event, inputs_for(spec.fields, event.requires, event.optional)) for event in data.allowed
    ]
    return render(
        request,
        "paper.html",
        status=status,
        title=f"Vorlage {paper.reference}",
        data=data,
        p=paper,
        spec=spec,
        steps=steps,
        role_labels=council.ROLE_LABELS,
        measure_states=runtime.registry.latest("massnahme").spec.states,
        may_carry=bool(choices.carriable),
        carriable=choices.carriable,
        planning=choices.planning,
        droppable=choices.droppable,
        committees=choices.committees,
        meetings=choices.meetings,
        error=error,
        problems=problems or [],
        field_problems=field_problems or {},
        open_form=open_form,
        typed=typed or {},
        success=success,
        prefix=FIELD_PREFIX,
        shown=shown,
        to_local=to_local,
        attachments=files,
        attachment_base=f"/vorlagen/{paper_id}/anlagen",
        may_attach=may_attach(actor, "paper", paper),
        may_delete_attachment=holds(actor, "attachment.delete") and kept is None,
        attachments_kept=kept,
        may_correct_votes=holds(actor, "vote.record"),
        attachment_error=attachment_error,
        attachment_heading=attachment_heading,
        may_fulfil=holds(actor, "obligation.fulfil"),
        statement_labels=STATEMENT_LABELS,
    )


@router.get("/vorlagen/{paper_id}")
def show(
    request: Request,
    paper_id: PaperId,
    erledigt: Annotated[str | None, Query(max_length=50)] = None,
) -> Response:
    success = DONE.get(erledigt or "")
    if success is None and erledigt:
        spec = runtime_of(request).registry.latest("vorlage").spec
        success = next(
            (f"Erledigt: {t.label}." for t in spec.transitions if t.event == erledigt), None
        )
    return show_paper(request, paper_id, success=success)


def failed(
    request: Request,
    paper_id: int,
    exc: Exception,
    form_name: str,
    typed: dict[str, str],
    names: InputNames | None = None,
) -> Response:
    page = partial(show_paper, request, paper_id)
    return shown_again(page, exc, typed, names, open_form=form_name)


@router.post("/vorlagen/{paper_id}/massnahmen")
def carry_measure(request: Request, paper_id: PaperId, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    measure_id = posted_id(form.get("massnahme"))
    if measure_id is None:
        return show_paper(
            request,
            paper_id,
            422,
            error="Bitte eine Maßnahme wählen.",
            field_problems={"massnahme": "Bitte eine Maßnahme wählen."},
            open_form="massnahme",
        )
    try:
        with saving(request) as saved:
            carrying.attach_measures(runtime, saved.connection, actor, paper_id, [measure_id])
            return saved.redirect(f"/vorlagen/{paper_id}?erledigt=massnahme")
    except Exception as exc:
        return failed(request, paper_id, exc, "massnahme", form, {"measure_ids": "massnahme"})


@router.post("/vorlagen/{paper_id}/beratungsfolge")
def plan_consultation(request: Request, paper_id: PaperId, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    problems: dict[str, str] = {}
    committee_id = posted_id(form.get("gremium"))
    if committee_id is None:
        problems["gremium"] = "Bitte ein Gremium wählen."
    planned_on = posted_date(form.get("datum"))
    if form.get("datum", "").strip() and planned_on is None:
        problems["datum"] = "Bitte ein Datum wie 16.09.2026 angeben."
    if problems:
        return show_paper(
            request,
            paper_id,
            422,
            error="Der Schritt wurde nicht aufgenommen. Bitte die markierten Angaben prüfen.",
            field_problems=problems,
            open_form="beratung",
            typed=form,
        )
    assert committee_id is not None
    try:
        with saving(request) as saved:
            consultations.plan_consultation(
                runtime,
                saved.connection,
                actor,
                paper_id,
                committee_id=committee_id,
                role=form.get("rolle", ""),
                meeting_id=posted_id(form.get("sitzung")),
                planned_on=planned_on,
            )
            return saved.redirect(f"/vorlagen/{paper_id}?erledigt=beratung")
    except Exception as exc:
        return failed(request, paper_id, exc, "beratung", form, PLANNING_FIELDS)


@router.post("/vorlagen/{paper_id}/schritte")
def fire_step(request: Request, paper_id: PaperId, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    event = form.get("ereignis", "")
    spec = runtime.registry.latest("vorlage").spec
    question = confirm.ask_final_step(
        request,
        spec,
        form,
        offered=lambda event: service.offers(runtime, actor, paper_id, event),
        consequence="beendet den Ablauf der Vorlage; danach lässt sie sich nicht mehr beraten.",
        action=f"/vorlagen/{paper_id}/schritte",
        back=f"/vorlagen/{paper_id}",
    )
    if question is not None:
        return question
    data = as_typed(
        {
            key.removeprefix(FIELD_PREFIX): value
            for key, value in form.items()
            if key.startswith(FIELD_PREFIX) and value.strip()
        }
    )
    typed = {**data, "kommentar": form.get("kommentar", "")}
    try:
        with saving(request) as saved:
            service.fire(
                runtime,
                saved.connection,
                actor,
                paper_id,
                event,
                version=posted_id(form.get("version")),
                data=data,
                comment=form.get("kommentar", "").strip() or None,
            )
            return saved.redirect(f"/vorlagen/{paper_id}?erledigt={event}")
    except Exception as exc:
        return failed(request, paper_id, exc, "schritt-" + event, typed)

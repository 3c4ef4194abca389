"""``/vorlagen``: Vorlagen with their Beratungsfolge, carried measures, votes and steps."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query, Request
from fastapi.responses import Response

from service.access import holds, may_attach, may_see_paper
from service.api.deps import MAX_ID
from service.papers import service as papers
from service.web import council
from service.web.forms import PostedForm, inputs_for, posted_date, posted_id, shown
from service.web.problems import explain
from service.web.rendering import PageError, page_router, redirect, render, require, runtime_of
from workflow.calendar import to_local

router = page_router()
PaperId = Annotated[int, Path(ge=1, le=MAX_ID)]
FIELD_PREFIX = "feld_"
DONE = {
    "angelegt": "Die Vorlage wurde angelegt.",
    "massnahme": "Die Maßnahme wird jetzt von der Vorlage getragen.",
    "beratung": "Der Schritt wurde in die Beratungsfolge aufgenommen.",
    "anlage": "Die Anlage wurde gespeichert.",
    "anlage_geloescht": "Die Anlage wurde gelöscht.",
}
TEXT_LIMITS = {
    "reference": ("Drucksachennummer", 50),
    "title": ("Titel", 500),
    "dezernat": ("Dezernat", 100),
    "file_number": ("Aktenzeichen", 100),
    "competence": ("Zuständigkeit", 200),
    "resolution_proposal": ("Beschlussvorschlag", 20_000),
    "reasoning": ("Begründung", 50_000),
}


# --- list and new paper --------------------------------------------------------------------


@router.get("/vorlagen")
def list_papers(
    request: Request, zustand: Annotated[str | None, Query(max_length=50)] = None
) -> Response:
    runtime = runtime_of(request)
    actor = require(request, "paper.read_internal")
    spec = runtime.registry.latest("vorlage").spec
    state = zustand if zustand in spec.states else None
    with runtime.read() as connection:
        rows = council.papers_list(connection, state)
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
    actor = require(request, "paper.create")
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, (label, limit) in TEXT_LIMITS.items():
        text = form.get(name, "").strip()
        if len(text) > limit:
            problems[name] = f"{label}: höchstens {limit} Zeichen."
        values[name] = text or None
    for name, label in (
        ("reference", "eine Drucksachennummer, z. B. VII/0712/26"),
        ("title", "einen Titel"),
    ):
        if not values[name]:
            problems[name] = f"Bitte {label} angeben."
    values["public"] = form.get("public") == "ja"
    if problems:
        return _new_form(
            request,
            422,
            values=form,
            problems=problems,
            error="Die Vorlage wurde nicht angelegt. Bitte die markierten Angaben prüfen.",
        )
    try:
        with runtime.write() as connection:
            values["body_id"] = papers.current_body(runtime, connection)
            paper_id = papers.create_paper(runtime, connection, actor, **values)
    except Exception as exc:
        explained = explain(exc)
        if explained is None:
            raise
        field = "reference" if "Drucksachennummer" in explained.headline else ""
        return _new_form(
            request,
            explained.status,
            values=form,
            problems={field: explained.headline} if field else {},
            error=explained.headline,
        )
    return redirect(f"/vorlagen/{paper_id}?erledigt=angelegt")


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
) -> Response:
    """The Vorlage page; a failed form passes its message, its name and what was typed."""
    runtime = runtime_of(request)
    actor = require(request, "paper.read_internal")
    with runtime.read() as connection:
        data = council.load_paper(runtime, connection, paper_id, actor)
        if not may_see_paper(actor, data.paper):
            raise PageError(404, "Nicht gefunden", "Diese Vorlage gibt es nicht.")
        planning = (
            holds(actor, "paper.plan_consultations")
            and not data.spec.states[data.paper.state].final
        )
        committees = council.committee_choices(connection) if planning else []
        meetings = council.meeting_choices(connection, runtime.now()) if planning else []
    spec = data.spec
    steps = [
        (event, inputs_for(spec.fields, event.requires, event.optional)) for event in data.allowed
    ]
    return render(
        request,
        "paper.html",
        status=status,
        title=f"Vorlage {data.paper.reference}",
        data=data,
        p=data.paper,
        spec=spec,
        steps=steps,
        role_labels=council.ROLE_LABELS,
        measure_states=runtime.registry.latest("massnahme").spec.states,
        may_carry=holds(actor, "paper.carry_measures") and bool(data.carriable),
        planning=planning,
        committees=committees,
        meetings=meetings,
        error=error,
        problems=problems or [],
        field_problems=field_problems or {},
        open_form=open_form,
        typed=typed or {},
        success=success,
        prefix=FIELD_PREFIX,
        shown=shown,
        to_local=to_local,
        attachments=data.attachments,
        attachment_base=f"/vorlagen/{paper_id}/anlagen",
        may_attach=may_attach(actor, "paper", data.paper),
        may_delete_attachment=holds(actor, "attachment.delete"),
        attachment_error=attachment_error,
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


def _failed(
    request: Request, paper_id: int, exc: Exception, form_name: str, typed: dict[str, str]
) -> Response:
    explained = explain(exc)
    if explained is None:
        raise exc
    return show_paper(
        request,
        paper_id,
        explained.status,
        error=explained.headline,
        problems=explained.reasons,
        field_problems=explained.fields,
        open_form=form_name,
        typed=typed,
    )


@router.post("/vorlagen/{paper_id}/massnahmen")
def carry_measure(request: Request, paper_id: PaperId, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = require(request, "paper.carry_measures")
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
        with runtime.write() as connection:
            papers.attach_measures(runtime, connection, actor, paper_id, [measure_id])
    except Exception as exc:
        return _failed(request, paper_id, exc, "massnahme", form)
    return redirect(f"/vorlagen/{paper_id}?erledigt=massnahme")


@router.post("/vorlagen/{paper_id}/beratungsfolge")
def plan_consultation(request: Request, paper_id: PaperId, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = require(request, "paper.plan_consultations")
    problems: dict[str, str] = {}
    committee_id = posted_id(form.get("gremium"))
    if committee_id is None:
        problems["gremium"] = "Bitte ein Gremium wählen."
    role = form.get("rolle", "")
    if role not in council.ROLE_LABELS:
        problems["rolle"] = "Bitte Vorberatung oder Entscheidung wählen."
    meeting_id = posted_id(form.get("sitzung"))
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
        with runtime.write() as connection:
            papers.plan_consultation(
                runtime,
                connection,
                actor,
                paper_id,
                committee_id=committee_id,
                role=role,
                meeting_id=meeting_id,
                planned_on=planned_on,
            )
    except Exception as exc:
        return _failed(request, paper_id, exc, "beratung", form)
    return redirect(f"/vorlagen/{paper_id}?erledigt=beratung")


@router.post("/vorlagen/{paper_id}/schritte")
def fire_step(request: Request, paper_id: PaperId, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = require(request, "paper.read_internal")
    event = form.get("ereignis", "")
    data = {
        key.removeprefix(FIELD_PREFIX): value
        for key, value in form.items()
        if key.startswith(FIELD_PREFIX) and value.strip()
    }
    typed = {**data, "kommentar": form.get("kommentar", "")}
    try:
        with runtime.write() as connection:
            papers.fire(
                runtime,
                connection,
                actor,
                paper_id,
                event,
                version=posted_id(form.get("version")),
                data=data,
                comment=form.get("kommentar", "").strip() or None,
            )
    except Exception as exc:
        return _failed(request, paper_id, exc, "schritt-" + event, typed)
    return redirect(f"/vorlagen/{paper_id}?erledigt={event}")

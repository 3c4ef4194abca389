"""``/oeffentlich``: what everyone may read, signed in or not."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request
from fastapi.responses import Response

from service.api.deps import MAX_ID
from service.web import public
from service.web.rendering import page_router, render, runtime_of

router = page_router()
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
ROLE_LABELS = {"vorberatung": "Vorberatung", "entscheidung": "Entscheidung"}


@router.get("/oeffentlich")
def public_start(request: Request) -> Response:
    runtime = runtime_of(request)
    with runtime.read() as connection:
        return render(
            request,
            "public_start.html",
            title="Öffentliche Vorlagen und Maßnahmen",
            papers=public.public_papers(connection),
            measures=public.public_measures(connection),
            states=runtime.registry.latest("massnahme").spec.states,
            paper_states=runtime.registry.latest("vorlage").spec.states,
        )


@router.get("/oeffentlich/vorlagen/{paper_id}")
def public_paper(request: Request, paper_id: Id) -> Response:
    runtime = runtime_of(request)
    with runtime.read() as connection:
        data = public.public_paper(connection, paper_id)
    return render(
        request,
        "public_paper.html",
        title=f"Vorlage {data.paper.reference}",
        p=data.paper,
        data=data,
        role_labels=ROLE_LABELS,
        states=runtime.registry.latest("massnahme").spec.states,
        paper_states=runtime.registry.engine(
            data.paper.definition_name, data.paper.definition_version
        ).spec.states,
    )


@router.get("/oeffentlich/massnahmen/{measure_id}")
def public_measure(request: Request, measure_id: Id) -> Response:
    runtime = runtime_of(request)
    with runtime.read() as connection:
        row, steps, programme = public.public_measure(connection, measure_id)
    return render(
        request,
        "public_measure.html",
        title=f"{row.code} {row.title}",
        m=row,
        steps=steps,
        programme=programme,
        states=runtime.registry.engine(row.definition_name, row.definition_version).spec.states,
    )

"""``/oeffentlich``: what everyone may read, signed in or not.

Every read here asks the services as the public (no actor), so a page cannot show a
non-public item or a staff name even to a signed-in visitor: what it shows is exactly what
the API answers an anonymous caller.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request
from fastapi.responses import Response

from service.api.deps import MAX_ID
from service.bodies import service as bodies
from service.measures import public as measures
from service.measures import service as measure_service
from service.papers import reading
from service.web.council import ROLE_LABELS
from service.web.rendering import page_router, render, runtime_of

router = page_router()
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def render_start(request: Request, title: str) -> Response:
    """The public start page: public papers and public measures."""
    runtime = runtime_of(request)
    with runtime.read() as connection:
        papers = reading.newest_papers(runtime, connection, None)
        rows = measures.public_measures(connection, runtime.body_id)
        several = bodies.several(connection)
    return render(
        request,
        "public_start.html",
        title=title,
        papers=papers,
        measures=rows,
        several_bodies=several,
        states=runtime.registry.latest("massnahme").spec.states,
        paper_states=runtime.registry.latest("vorlage").spec.states,
    )


@router.get("/oeffentlich")
def public_start(request: Request) -> Response:
    return render_start(request, "Öffentliche Vorlagen und Maßnahmen")


@router.get("/koerperschaften")
def public_bodies(request: Request) -> Response:
    """Every body the deployment serves, each with the address of its public pages."""
    runtime = runtime_of(request)
    own = runtime.settings.chain_key
    with runtime.read() as connection:
        listed = bodies.all_profiles(connection)
    entries = [
        (
            b,
            "/oeffentlich"
            if b.slug == own
            else (f"//{b.host}/oeffentlich" if b.host else f"/b/{b.slug}/oeffentlich"),
        )
        for b in listed
    ]
    return render(request, "bodies.html", title="Körperschaften", entries=entries)


@router.get("/oeffentlich/vorlagen/{paper_id}")
def public_paper(request: Request, paper_id: Id) -> Response:
    runtime = runtime_of(request)
    with runtime.read() as connection:
        data = reading.read_paper(runtime, connection, None, paper_id)
    return render(
        request,
        "public_paper.html",
        title=f"Vorlage {data.paper.reference}",
        p=data.paper,
        data=data,
        role_labels=ROLE_LABELS,
        states=runtime.registry.latest("massnahme").spec.states,
        paper_states=data.spec.states,
    )


@router.get("/oeffentlich/massnahmen/{measure_id}")
def public_measure(request: Request, measure_id: Id) -> Response:
    runtime = runtime_of(request)
    view = measure_service.read_measure(runtime, None, measure_id)
    row = view.measure
    return render(
        request,
        "public_measure.html",
        title=f"{row.code} {row.title}",
        m=row,
        steps=view.history,
        programme_title=view.programme.title if view.programme else None,
        states=view.spec.states,
    )

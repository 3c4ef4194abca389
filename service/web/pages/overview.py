"""``/``: the Übersicht for signed-in staff, the public start page for everyone else."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import Response

from service.access import holds
from service.api.deps import MAX_ID
from service.measures import service as measures
from service.web.pages.public import render_start
from service.web.rendering import actor_of, page_router, redirect, render, runtime_of

router = page_router()


def _flag(value: str | None) -> bool:
    return value in ("1", "ja", "on", "true")


@router.get("/")
def start(
    request: Request,
    arbeitspapier: Annotated[str | None, Query()] = None,
    verantwortlich: Annotated[str | None, Query()] = None,
    ueberfaellig: Annotated[str | None, Query()] = None,
    stellungnahme_fehlt: Annotated[str | None, Query()] = None,
    zustand: Annotated[str | None, Query(max_length=50)] = None,
    sortierung: Annotated[str, Query(max_length=20)] = "nr",
    absteigend: Annotated[str | None, Query()] = None,
    seite: Annotated[int, Query(ge=1, le=MAX_ID)] = 1,
) -> Response:
    actor = actor_of(request)
    runtime = runtime_of(request)
    staff = holds(actor, "measure.read_internal")
    if actor is not None and not staff and holds(actor, "deadline.read"):
        return redirect("/fristen")  # a council member starts at the Beschlusskontrolle
    if actor is None or not holds(actor, "measure.read_internal"):
        return render_start(request, "Startseite")
    spec = runtime.registry.latest("massnahme").spec
    filters = measures.OverviewFilters(
        programme_id=_id(arbeitspapier),
        responsible_person_id=_id(verantwortlich),
        overdue=_flag(ueberfaellig),
        needs_statement=_flag(stellungnahme_fehlt),
        state=zustand if zustand in spec.states else None,
    )
    sort = sortierung if sortierung in measures.SORTS else "nr"
    descending = _flag(absteigend)
    data = measures.read_overview(
        runtime, actor, filters, sort=sort, descending=descending, page=seite
    )
    query: dict[str, object] = {
        k: v
        for k, v in {
            "arbeitspapier": filters.programme_id,
            "verantwortlich": filters.responsible_person_id,
            "ueberfaellig": "1" if filters.overdue else None,
            "stellungnahme_fehlt": "1" if filters.needs_statement else None,
            "zustand": filters.state,
        }.items()
        if v is not None
    }

    def link(**changes: object) -> str:
        merged = {**query, "sortierung": sort, **({"absteigend": "1"} if descending else {})}
        merged.update({k: v for k, v in changes.items() if v is not None})
        for k, v in changes.items():
            if v is None:
                merged.pop(k, None)
        return "/?" + urlencode(merged)

    return render(
        request,
        "overview.html",
        title="Übersicht",
        data=data,
        spec=spec,
        filters=filters,
        programmes=data.programmes,
        people=data.people,
        sort=sort,
        descending=descending,
        counts=data.counts_in_order(spec),
        link=link,
        board_cards=measures.BOARD_CARDS,
        may_create=holds(actor, "measure.create"),
    )


def _id(value: str | None) -> int | None:
    """A filter value from a select: empty means "all"; anything else must be an id."""
    if value and value.isdigit() and 1 <= int(value) <= MAX_ID:
        return int(value)
    return None

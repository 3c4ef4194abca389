"""``/fristen``: Beschlusskontrolle – what is due and overdue, per person and programme."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from service.access import holds
from service.deadlines.service import SOON, filter_choices, read_deadlines
from service.web.forms import posted_id
from service.web.rendering import page_router, render, runtime_of, signed_in

router = page_router()


@router.get("/fristen")
def deadlines_page(
    request: Request,
    verantwortlich: Annotated[str | None, Query(max_length=20)] = None,
    arbeitspapier: Annotated[str | None, Query(max_length=20)] = None,
    ueberfaellig: Annotated[str | None, Query(max_length=5)] = None,
    sicht: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    person_id, programme_id = posted_id(verantwortlich), posted_id(arbeitspapier)
    overdue_only = ueberfaellig in ("1", "ja", "on")
    view = sicht if sicht in ("person", "arbeitspapier") else "person"
    staff = holds(actor, "measure.read_internal")
    data = read_deadlines(
        runtime, actor, person_id=person_id, programme_id=programme_id, overdue_only=overdue_only
    )
    choices = filter_choices(runtime, actor)
    return render(
        request,
        "deadlines.html",
        title="Fristen und Beschlusskontrolle" if staff else "Beschlusskontrolle",
        data=data,
        groups=data.by_person if view == "person" else data.by_programme,
        view=view,
        people=choices.people,
        programmes=choices.programmes,
        person_id=person_id,
        programme_id=programme_id,
        overdue_only=overdue_only,
        soon_days=SOON.days,
    )

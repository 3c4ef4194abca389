"""``/definitionen/{name}``: a workflow drawn from its definition, with its rules."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from service.web import diagram
from service.web.rendering import page_router, render, runtime_of, signed_in
from workflow.guards import GUARDS

router = page_router()


@router.get("/definitionen/{name}")
def show_definition(
    request: Request,
    name: str,
    version: Annotated[int | None, Query(ge=1, le=10_000)] = None,
) -> Response:
    signed_in(request)
    registry = runtime_of(request).registry
    engine = registry.engine(name, version) if version else registry.latest(name)
    spec = engine.spec
    return render(
        request,
        "definition.html",
        title=f"Ablauf {spec.label}",
        spec=spec,
        diagram=diagram.render(spec),
        guards=GUARDS,
        versions=sorted(s.version for s in registry.specs() if s.name == spec.name),
    )

"""``/aufgaben``: Meine Aufgaben, where every signed-in person lands after signing in."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from service.tasks import service as tasks
from service.web.rendering import page_router, render, runtime_of, signed_in

router = page_router()
PAGE = "/aufgaben"


@router.get(PAGE)
def tasks_page(request: Request) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    found = tasks.read_tasks(runtime, actor)
    return render(request, "tasks.html", title="Meine Aufgaben", tasks=found, task_count=len(found))

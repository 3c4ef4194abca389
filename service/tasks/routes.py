"""``/api/v1/users/me/tasks``: Meine Aufgaben for API clients, as the web page shows them."""

from __future__ import annotations

from fastapi import APIRouter

from service.api.deps import CurrentActor, RuntimeDep
from service.api.problems import responses
from service.tasks import service
from service.tasks.schemas import TaskListOut, TaskOut

router = APIRouter(prefix="/api/v1/users/me", tags=["Benutzer"])


@router.get(
    "/tasks",
    summary="Meine Aufgaben",
    description="Was auf Sie (oder die Person, die Sie vertreten) wartet, Überfälliges zuerst.",
    response_model=TaskListOut,
    responses=responses(401),
)
def my_tasks(runtime: RuntimeDep, actor: CurrentActor) -> TaskListOut:
    found = service.read_tasks(runtime, actor)
    return TaskListOut(
        count=len(found),
        overdue=found.overdue,
        items=[
            TaskOut(
                key=t.key,
                action=t.action,
                subject=t.subject,
                detail=t.detail,
                link=t.href,
                role=t.role,
                due_at=t.due_at,
                overdue=t.overdue,
                on_behalf_of=t.on_behalf_of,
            )
            for t in found.tasks
        ],
    )

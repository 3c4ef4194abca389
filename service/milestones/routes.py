"""``/api/v1/measures/{id}/milestones`` and ``/api/v1/milestones/{id}``: Meilensteine."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from service.api.deps import MAX_ID, CurrentActor, MaybeActor, RuntimeDep, WriteDep
from service.api.once import OnceRoute
from service.api.problems import responses
from service.milestones import service
from service.milestones.schemas import MilestoneCreate, MilestoneOut, MilestoneUpdate

router = APIRouter(prefix="/api/v1", tags=["Meilensteine"], route_class=OnceRoute)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get(
    "/measures/{measure_id}/milestones",
    summary="Meilensteine einer Maßnahme",
    response_model=list[MilestoneOut],
    responses=responses(401, 404),
)
def list_milestones(measure_id: Id, runtime: RuntimeDep, actor: MaybeActor) -> list[MilestoneOut]:
    return [
        MilestoneOut.model_validate(m, from_attributes=True)
        for m in service.read_milestones(runtime, actor, measure_id)
    ]


@router.post(
    "/measures/{measure_id}/milestones",
    summary="Meilenstein anlegen",
    description="Eine beendete Maßnahme (Endzustand) nimmt keinen Meilenstein mehr an: 409.",
    status_code=201,
    response_model=MilestoneOut,
    responses=responses(401, 403, 404, 409, 422),
)
def create_milestone(
    measure_id: Id,
    body: MilestoneCreate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: CurrentActor,
    response: Response,
) -> MilestoneOut:
    milestone_id = service.new_milestone(
        runtime, connection, actor, measure_id, **body.model_dump()
    )
    response.headers["Location"] = f"{router.prefix}/milestones/{milestone_id}"
    return MilestoneOut.model_validate(
        service.get_milestone(connection, milestone_id), from_attributes=True
    )


@router.patch(
    "/milestones/{milestone_id}",
    summary="Meilenstein ändern oder als erledigt markieren",
    description="Die Meilensteine einer beendeten Maßnahme (Endzustand) bleiben, wie sie "
    "sind: 409.",
    response_model=MilestoneOut,
    responses=responses(401, 403, 404, 409, 422),
)
def edit_milestone(
    milestone_id: Id,
    body: MilestoneUpdate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: CurrentActor,
) -> MilestoneOut:
    changes = body.model_dump(exclude_unset=True)
    service.update_milestone(runtime, connection, actor, milestone_id, changes)
    return MilestoneOut.model_validate(
        service.get_milestone(connection, milestone_id), from_attributes=True
    )

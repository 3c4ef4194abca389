"""``/api/v1/definitions``: states and transitions, enough to draw the diagram."""

from __future__ import annotations

from fastapi import APIRouter

from service.api.answers import Answer
from service.api.deps import RuntimeDep
from service.api.problems import responses

router = APIRouter(prefix="/api/v1/definitions", tags=["Ablaufdefinitionen"])


class StateOut(Answer):
    name: str
    label: str
    final: bool
    initial: bool


class TransitionOut(Answer):
    event: str
    label: str
    sources: list[str]
    target: str
    roles: list[str]
    guards: list[str]
    requires: list[str]
    comment_required: bool
    deadline: str | None


class DefinitionOut(Answer):
    name: str
    version: int
    label: str
    states: list[StateOut]
    transitions: list[TransitionOut]


@router.get(
    "/{name}",
    summary="Ablaufdefinition lesen",
    response_model=DefinitionOut,
    responses=responses(404),
)
def get_definition(name: str, runtime: RuntimeDep, version: int | None = None) -> DefinitionOut:
    engine = runtime.registry.engine(name, version) if version else runtime.registry.latest(name)
    spec = engine.spec
    return DefinitionOut(
        name=spec.name,
        version=spec.version,
        label=spec.label,
        states=[
            StateOut(name=s.name, label=s.label, final=s.final, initial=s.name == spec.initial)
            for s in spec.states.values()
        ],
        transitions=[
            TransitionOut(
                event=t.event,
                label=t.label,
                sources=list(t.sources),
                target=t.target,
                roles=sorted(t.roles),
                guards=list(t.guards),
                requires=list(t.requires),
                comment_required=t.comment == "erforderlich",
                deadline=t.deadline.label if t.deadline else None,
            )
            for t in spec.transitions
        ],
    )

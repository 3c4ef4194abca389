"""One shape for ``POST …/{id}/transitions`` and the history it leaves, whatever kind of
item moves (measure, paper).

The request is read once by ``asked_transition``: the body, ``If-Match`` merged into the
expected version, and ``Idempotency-Key``. ``answer`` fires through the domain's service and
answers the same way for every kind: from and to state, the new version, the deadline it
started and, for a paper, the measures it carried along; a retry with the same key gets the
first answer without acting again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from fastapi import Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Connection

from service.actor import Actor
from service.api.deps import IfMatch, expected_version
from service.api.idempotency import IdempotencyKeyHeader, respond_once
from service.lifecycle.service import Transitioned
from service.measures.schemas import (
    DeadlineOut,
    HistoryItem,
    TransitionRequest,
    TransitionResponse,
)
from service.runtime import Runtime


class Fire(Protocol):
    """A domain service's transition: checks access, fires, writes history and audit."""

    def __call__(
        self,
        runtime: Runtime,
        connection: Connection,
        actor: Actor,
        entity_id: int,
        event: str,
        /,
        *,
        version: int | None,
        data: dict[str, Any],
        comment: str | None,
    ) -> Transitioned: ...


@dataclass(frozen=True)
class AskedTransition:
    """A transition as the client asked for it, with the version it expects."""

    event: str
    version: int | None
    data: dict[str, Any]
    comment: str | None
    idempotency_key: str | None
    request: Request
    # Everything that decides what the request does, for ``Idempotency-Key``: the body with
    # the version the header named, so a retry with another If-Match is another request.
    payload: Mapping[str, Any]

    def answer(self, fire: Fire, runtime: Runtime, actor: Actor, entity_id: int) -> Response:
        """Fires in a unit of work of its own, committed here before the answer leaves.

        Begun and committed in the route's own thread: as a dependency (``WriteDep``) the
        transaction would begin and commit in two further hops through the event loop, and
        hold SQLite's write lock (PostgreSQL's chain lock) while the loop got round to them;
        under many clients that waiting, not the work, set the pace of every transition.
        """
        with runtime.write() as connection:
            return self._answer(fire, runtime, connection, actor, entity_id)

    def _answer(
        self, fire: Fire, runtime: Runtime, connection: Connection, actor: Actor, entity_id: int
    ) -> Response:
        def act() -> Response:
            done = fire(
                runtime,
                connection,
                actor,
                entity_id,
                self.event,
                version=self.version,
                data=self.data,
                comment=self.comment,
            )
            return JSONResponse(transition_response(done).model_dump(mode="json"))

        return respond_once(
            runtime,
            connection,
            actor.user_id,
            self.request,
            self.idempotency_key,
            payload=self.payload,
            act=act,
        )


async def asked_transition(
    body: TransitionRequest,
    request: Request,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKeyHeader = None,
) -> AskedTransition:
    version = expected_version(if_match, body.version, required=False)
    return AskedTransition(
        event=body.event,
        version=version,
        data=body.data,
        comment=body.comment,
        idempotency_key=idempotency_key,
        request=request,
        payload={**body.model_dump(mode="json"), "version": version},
    )


TransitionAsked = Annotated[AskedTransition, Depends(asked_transition)]


def transition_response(done: Transitioned) -> TransitionResponse:
    deadline = done.result.deadline
    return TransitionResponse(
        id=done.entity_id,
        event=done.result.event,
        from_state=done.result.source,
        to_state=done.result.target,
        version=done.version,
        deadline=DeadlineOut(name=deadline.name, label=deadline.label, due_at=deadline.due_at)
        if deadline
        else None,
        carried_measure_ids=[c.entity_id for c in done.carried],
    )


def history_out(entries: Iterable[Any], users: Mapping[int | None, str]) -> list[HistoryItem]:
    """The steps an item took, each with the name of who took it where ``users`` has it
    (the public gets none)."""
    return [
        HistoryItem(
            at=e.at,
            recorded_at=e.recorded_at,
            event=e.event,
            label=e.label,
            from_state=e.from_state,
            to_state=e.to_state,
            actor=users.get(e.actor_user_id),
            role=e.actor_role,
            comment=e.comment,
            data=dict(e.data or {}),
            vote_id=e.vote_id,
        )
        for e in entries
    ]

"""``/api/v1/outbox``: what ratsflow sent or failed to send, and resending dead letters."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query

from service.actor import Actor
from service.api.deps import MAX_ID, Limit, RuntimeDep, WriteDep, permitted
from service.api.once import OnceRoute
from service.api.problems import responses
from service.outbox import service
from service.outbox.schemas import OutboxItem, OutboxPage

router = APIRouter(prefix="/api/v1/outbox", tags=["Postausgang"], route_class=OnceRoute)
Reader = Annotated[Actor, Depends(permitted("outbox.read"))]
Retrier = Annotated[Actor, Depends(permitted("outbox.retry"))]
Status = Literal["pending", "sending", "sent", "failed"]


def _item(row: Any) -> OutboxItem:
    label = service.STATUS_LABELS.get(row.status, row.status)
    return OutboxItem.model_validate({**row._mapping, "status_label": label})


@router.get(
    "",
    summary="Postausgang auflisten",
    description="E-Mails mit Zustand; `status=failed` zeigt die endgültig fehlgeschlagenen. "
    "Jeder Abruf wird protokolliert (Empfängeradressen sind personenbezogen).",
    response_model=OutboxPage,
    responses=responses(401, 403, 422),
)
def list_outbox(
    runtime: RuntimeDep,
    actor: Reader,
    status: Annotated[Status | None, Query(description="Nur dieser Zustand.")] = None,
    limit: Limit = 50,
    cursor: Annotated[int | None, Query(ge=0, le=MAX_ID, description="`next_cursor`.")] = None,
) -> OutboxPage:
    page = service.read_messages(runtime, actor, [status] if status else None, cursor, limit)
    last = page.rows[-1].id if page.more else None
    return OutboxPage(items=[_item(r) for r in page.rows], next_cursor=last)


@router.post(
    "/{message_id}/retry",
    summary="Fehlgeschlagene E-Mail erneut senden",
    description="Stellt eine fehlgeschlagene Nachricht wieder in die Warteschlange; sie geht "
    "mit derselben Message-ID beim nächsten Versandlauf hinaus.",
    response_model=OutboxItem,
    responses=responses(401, 403, 404, 409),
)
def retry_outbox(
    message_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: Retrier,
) -> OutboxItem:
    return _item(service.retry(connection, runtime.chain_key, message_id, actor, runtime.now()))

"""``/api/v1/calendar``: the feeds (iCalendar files a calendar subscribes to) and the
caller's own secret feed address."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response, status
from pydantic import Field

from service.actor import Actor
from service.api.answers import Answer
from service.api.deps import MAX_ID, ReadDep, RuntimeDep, WriteDep, permitted
from service.api.once import OnceRoute
from service.api.problems import responses
from service.calendar import ical, service

router = APIRouter(prefix="/api/v1/calendar", tags=["Kalender"], route_class=OnceRoute)
Self = Annotated[Actor, Depends(permitted(service.OWN_FEED))]
# A token from ``secrets.token_urlsafe(32)``: 43 characters of the URL-safe alphabet.
Token = Annotated[str, Path(min_length=20, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]

_ICS: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/calendar": {}}, "description": "iCalendar-Datei (RFC 5545)."}
}


class FeedOut(Answer):
    url: str = Field(description="Die geheime Abonnement-Adresse; sie wird nur jetzt gezeigt.")
    created_at: datetime


class FeedState(Answer):
    active: bool
    created_at: datetime | None


def _calendar(content: bytes) -> Response:
    # Feeds change with every edit: clients should ask again rather than keep a copy.
    return Response(content, media_type=ical.MEDIA_TYPE, headers={"Cache-Control": "no-store"})


@router.get(
    "/committees/{committee_id}.ics",
    summary="Sitzungen eines Gremiums als Kalender",
    description="Für Rat und Ausschüsse öffentlich; die Sitzungen einer internen "
    "Arbeitsgruppe nur mit `token`, dem Kalender-Token einer Person, die sie sehen darf.",
    response_class=Response,
    responses={**_ICS, **responses(404, 422)},
)
def committee_feed(
    committee_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    runtime: RuntimeDep,
    token: Annotated[
        str | None, Query(min_length=20, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")
    ] = None,
) -> Response:
    return _calendar(service.committee_feed(runtime, committee_id, token))


@router.get(
    "/feeds/{token}.ics",
    summary="Persönlicher Kalender",
    description="Sitzungen der eigenen Gremien, Fristen der eigenen Maßnahmen und offene "
    "Stellungnahmen der eigenen Rolle; die Adresse ist geheim, ein widerrufener Token "
    "antwortet 404.",
    response_class=Response,
    responses={**_ICS, **responses(404, 422)},
)
def person_feed(token: Token, runtime: RuntimeDep) -> Response:
    return _calendar(service.person_feed(runtime, token))


@router.get(
    "/me",
    summary="Eigene Kalender-Adresse: besteht sie?",
    response_model=FeedState,
    responses=responses(401, 403),
)
def my_feed(connection: ReadDep, actor: Self) -> FeedState:
    since = service.feed_since(connection, actor)
    return FeedState(active=since is not None, created_at=since)


@router.post(
    "/me",
    summary="Neue Kalender-Adresse",
    description="Erzeugt eine neue geheime Adresse für den persönlichen Kalender; die "
    "bisherige antwortet ab jetzt 404.",
    status_code=status.HTTP_201_CREATED,
    response_model=FeedOut,
    responses=responses(401, 403),
)
def new_feed(runtime: RuntimeDep, connection: WriteDep, actor: Self) -> FeedOut:
    issued = service.issue_feed(runtime, connection, actor)
    return FeedOut(url=issued.url, created_at=issued.created_at)


@router.delete(
    "/me",
    summary="Kalender-Adresse widerrufen",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401, 403),
)
def revoke_feed(runtime: RuntimeDep, connection: WriteDep, actor: Self) -> Response:
    service.revoke_feed(runtime, connection, actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

"""Dependencies declared once and used by every route (runtime, transactions, the caller)."""

from __future__ import annotations

import string
from collections.abc import Callable, Coroutine, Iterator
from typing import Annotated, Any

from fastapi import Depends, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.auth.errors import NotSignedIn, PasswordChangeRequired
from service.auth.tokens import Session, session_for_token
from service.bodies.addressing import body_runtime
from service.keyset import CURSOR_PATTERN
from service.runtime import Runtime
from workflow.errors import FieldProblem, InvalidData

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


# The dependencies that only look at what is already known are ``async``: FastAPI runs a
# plain ``def`` dependency on its thread pool, and each such hop costs a request more than
# the work itself (measured on the transition route). What reads the database stays sync.


async def get_runtime(request: Request) -> Runtime:
    """The runtime of the body the request addresses (``service.bodies.addressing``); the
    registered host names are read once per process, on the first request."""
    return body_runtime(request.app.state.runtime, request.scope)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


# Ids are INTEGER columns (int4 on PostgreSQL): a larger number can name no row, and binding
# it fails in the driver (SQLite: OverflowError, PostgreSQL: "integer out of range").
MAX_ID = 2**31 - 1

# The paging parameters of every keyset list: how many rows, and where the last page ended.
Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[
    str | None,
    Query(
        description="Aus `next_cursor` der Vorseite, unverändert.",
        pattern=CURSOR_PATTERN,
        max_length=8192,
    ),
]


def _session(runtime: Runtime, token: str) -> Session:
    with runtime.read() as connection:
        session = session_for_token(connection, token, runtime.now(), runtime.body_id)
    if session is None:
        raise NotSignedIn("Das Token ist ungültig oder abgelaufen.")
    return session


def optional_session(
    runtime: RuntimeDep, token: Annotated[str | None, Depends(oauth2)]
) -> Session | None:
    """The caller's session, resolved once per request (FastAPI caches dependencies)."""
    return None if token is None else _session(runtime, token)


MaybeSession = Annotated[Session | None, Depends(optional_session)]


async def optional_actor(session: MaybeSession) -> Actor | None:
    if session is None:
        return None
    if session.must_change_password:
        # A temporary password opens nothing but the password change (see CurrentSession).
        raise PasswordChangeRequired()
    return session.actor


async def current_session(session: MaybeSession) -> Session:
    """The caller's session even while a password change is pending (change, logout)."""
    if session is None:
        raise NotSignedIn()
    return session


async def current_actor(actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
    if actor is None:
        raise NotSignedIn()
    return actor


MaybeActor = Annotated[Actor | None, Depends(optional_actor)]
CurrentActor = Annotated[Actor, Depends(current_actor)]
CurrentSession = Annotated[Session, Depends(current_session)]


# Both transactions depend on the caller, so the token is resolved (on a connection of its
# own, returned at once) before the request's transaction begins. Otherwise a request could
# hold SQLite's write lock while waiting for a second pooled connection to read its token,
# as other requests hold pooled connections waiting for that lock (seen at 16 clients).
def read_connection(runtime: RuntimeDep, _caller: MaybeSession) -> Iterator[Connection]:
    with runtime.read() as connection:
        yield connection


def write_connection(runtime: RuntimeDep, _caller: MaybeSession) -> Iterator[Connection]:
    """The request's unit of work: commits when the route returns, rolls back on error."""
    with runtime.write() as connection:
        yield connection


ReadDep = Annotated[Connection, Depends(read_connection)]
# scope="function": the commit runs when the route returns and before the answer is sent.
# With the default scope FastAPI sends the answer first, so a client could read the old state
# right after a 201, and a commit that fails would follow an answer of success.
WriteDep = Annotated[Connection, Depends(write_connection, scope="function")]


def permitted(permission: str) -> Callable[[Actor], Coroutine[Any, Any, Actor]]:
    """A route's permission as a dependency (401 without a token, 403 without the role),
    refused in the words the service uses for it (``service.access``)."""

    async def check(actor: CurrentActor) -> Actor:
        access.require(actor, permission)
        return actor

    return check


# One ETag as sent in ``ETag`` ("3", W/"3", also bare 3) or *; declared so that clients and
# generated tests know what the header may hold.
IF_MATCH_PATTERN = r'^\s*(\*|(W/)?"[0-9]{1,10}"|[0-9]{1,10})\s*$'
IfMatch = Annotated[str | None, Header(pattern=IF_MATCH_PATTERN)]


def if_match_tag(value: str, alphabet: str = string.digits) -> str | None:
    """The tag ``If-Match`` names: one ETag as sent in ``ETag``, or None for ``*`` (any).

    ``alphabet`` is what a tag of this resource is made of: a version number, or the hex
    digest of an Arbeitspapier.
    """
    tag = value.strip().removeprefix("W/")
    if tag == "*":
        return None
    if len(tag) >= 2 and tag[0] == tag[-1] == '"':
        tag = tag[1:-1]
    if not tag or not tag.isascii() or not all(c in alphabet for c in tag):
        error = {"type": "etag_parsing", "loc": ("header", "If-Match"), "input": value}
        raise RequestValidationError([error])
    return tag


VERSION_MISSING = (
    "Bitte die zuletzt gelesene Version als `version` oder im Kopf `If-Match` angeben "
    "(`*`: jede Version)."
)


def expected_version(if_match: str | None, version: int | None, *, required: bool) -> int | None:
    """The version a write expects: ``If-Match`` wins over the body's ``version``, and
    ``*`` defers to it. ``required``: without either the request is a 422 naming ``version``.
    """
    tag = if_match_tag(if_match) if if_match else None
    if tag is not None:
        return int(tag)
    if required and version is None and not if_match:
        # Valid by the schema (it cannot say "this member or that header"): a rule, not a
        # malformed request, so the kind of a missing statement (``angaben-fehlen``).
        raise InvalidData("version", [FieldProblem("version", "version", VERSION_MISSING)])
    return version

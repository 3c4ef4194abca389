"""A form that creates takes effect once: a double click, or the browser sending the form
again after a slow answer, must not create a second Stellungnahme, Sitzung or Vorlage.

Every form carries a one-time token in a hidden field, beside its CSRF token
(``form_fields()`` in the templates, a new token each time a form is drawn). A page that
creates writes through ``service.web.forms.saving``: its transaction claims the token in the
table the API keeps its ``Idempotency-Key`` answers in (``service.idempotency``), together
with the page the answer leads to. The same token again finds that row, or, sent while the
first request still works, waits on the row's unique key until the first has committed and
then finds it: either way it leads to the first answer's page and creates nothing. A form
the service refused changes nothing, its claim included, so the corrected form acts.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.engine import Connection

from service.actor import Actor
from service.idempotency import service as idempotency
from service.runtime import Runtime

ONCE_FIELD = "formular_token"
# Form tokens share the table with the keys API clients choose: a prefix of their own.
_KEY_PREFIX = "formular:"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def posted_token(value: str | None) -> str | None:
    """The form's token as posted, or None for a form without one (or not one of ours)."""
    return value if value is not None and _TOKEN.fullmatch(value) else None


class AlreadySaved(Exception):
    """The form was sent before and took effect. ``location``: the page its first answer
    led to, or None when that answer was a page of its own."""

    def __init__(self, location: str | None) -> None:
        super().__init__(location)
        self.location = location


def claim(
    runtime: Runtime,
    connection: Connection,
    actor: Actor | None,
    token: str | None,
    path: str,
) -> idempotency.Claim | None:
    """Claims the form's ``token`` in the caller's write transaction; raises
    ``AlreadySaved`` when it was claimed before. None when there is nothing to claim (a
    form without a token, a caller without a login)."""
    if token is None or actor is None or actor.user_id is None:
        return None
    claimed = idempotency.claim(
        connection,
        key=_KEY_PREFIX + token,
        user_id=actor.user_id,
        method="POST",
        path=path,
        # The token names one drawn form: sent again it is the same form, whatever was
        # typed into it meanwhile (a second click after changing a field).
        payload=None,
        now=runtime.now(),
        ttl=timedelta(hours=runtime.settings.idempotency_ttl_hours),
    )
    if claimed.replay:
        raise AlreadySaved(claimed.headers.get("Location"))
    return claimed


def check(runtime: Runtime, connection: Connection, actor: Actor | None, token: str | None) -> None:
    """Raises ``AlreadySaved`` when the form took effect before; claims nothing."""
    if token is None or actor is None or actor.user_id is None:
        return
    found = idempotency.answered(
        connection,
        key=_KEY_PREFIX + token,
        user_id=actor.user_id,
        now=runtime.now(),
        ttl=timedelta(hours=runtime.settings.idempotency_ttl_hours),
    )
    if found is not None:
        raise AlreadySaved(found.headers.get("Location"))


@dataclass(frozen=True)
class Once:
    """A form's token for a use case that runs its own transactions (``idempotency.Once``):
    the password change claims it with the new password, and checks it before counting a
    wrong old password, which a repeat of the form would type after the first one took
    effect."""

    runtime: Runtime
    actor: Actor | None
    token: str | None
    path: str
    location: str | None

    def check(self, connection: Connection) -> None:
        check(self.runtime, connection, self.actor, self.token)

    def claim(self, connection: Connection) -> None:
        claimed = claim(self.runtime, connection, self.actor, self.token, self.path)
        if claimed is not None:
            remember(connection, claimed, self.location)


def remember(connection: Connection, claimed: idempotency.Claim, location: str | None) -> None:
    """Keeps where the answer leads (its ``Location``), in the transaction that claimed
    the token; the page itself is not kept, a repeat is shown one of its own."""
    if location:
        idempotency.remember(connection, claimed, 303, "", {"Location": location})
    else:
        idempotency.remember(connection, claimed, 200, "")

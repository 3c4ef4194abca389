"""Sends what the outbox holds: claim, commit, send, then record the outcome.

Each message is settled in its own short transaction right after the server answered, so
the window in which a crash can cause a second delivery is one message wide.

What goes wrong with one message stays with it: a message that cannot be built or sent
for a reason of its own (a refused header, a 5xx) becomes a dead letter and the batch goes
on. A message whose sending never came to an outcome (the process died while sending it,
again and again) is claimed at most ``mail_max_attempts`` times, then becomes a dead letter.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from service.outbox import repository
from service.outbox.mailer import (
    MESSAGE_ERRORS,
    MailSession,
    PermanentFailure,
    TemporaryFailure,
    build_message,
    open_session,
)
from service.outbox.server_state import SERVER
from service.outbox.service import senders
from service.outbox.settings import MailSettings
from service.runtime import Runtime

log = logging.getLogger("ratsflow.outbox")

CheckPoint = Callable[[str], None]


def _no_check(_: str) -> None:
    return None


@dataclass
class DispatchResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed


def backoff(settings: MailSettings, attempts: int) -> timedelta:
    seconds = settings.mail_retry_base_seconds * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.mail_retry_max_seconds))


def release_orphans(runtime: Runtime) -> int:
    """Frees the claims of a dispatcher that died; only the elected scheduler calls this."""
    with runtime.write() as connection:
        return repository.release_claims(connection, runtime.now())


def dispatch(runtime: Runtime, checkpoint: CheckPoint = _no_check) -> DispatchResult:
    """Sends every due message, batch by batch, until none is due."""
    total = DispatchResult()
    while True:
        result = dispatch_batch(runtime, checkpoint)
        total.sent += result.sent
        total.retrying += result.retrying
        total.failed += result.failed
        if result.handled == 0:
            return total


def dispatch_batch(runtime: Runtime, checkpoint: CheckPoint = _no_check) -> DispatchResult:
    settings = runtime.settings.mail
    token = secrets.token_hex(16)
    now = runtime.now()
    lease = now + timedelta(seconds=settings.mail_claim_lease_seconds)
    with runtime.write() as connection:
        for message_id, attempts in repository.give_up(connection, now, settings.mail_max_attempts):
            log.error(
                "Nachricht %s: nach %s Versuchen ohne Ergebnis aufgegeben", message_id, attempts
            )
        claimed = repository.claim(connection, now, lease, token, settings.mail_batch_size)
        # One batch holds every body's due mail; each goes out from its own body's address.
        sender_of = senders(connection, settings) if claimed else {}
    result = DispatchResult()
    if not claimed:
        return result
    checkpoint("after_claim")
    with open_session(settings) as session:
        for row in claimed:
            sender = sender_of.get(row.body_id)
            outcome = _send_one(runtime, session, row, sender, token, checkpoint)
            setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def _send_one(
    runtime: Runtime,
    session: MailSession,
    row: Any,
    sender: str | None,
    token: str,
    checkpoint: CheckPoint,
) -> str:
    settings = runtime.settings.mail
    now = runtime.now()
    try:
        message = build_message(row, settings, now, sender)
    except MESSAGE_ERRORS as exc:
        return _dead_letter(runtime, row, token, f"Nachricht nicht erstellbar: {exc}")
    try:
        session.send(message)
    except TemporaryFailure as exc:
        attempts = int(row.attempts)
        permanent = attempts >= settings.mail_max_attempts
        with runtime.write() as connection:
            repository.settle(
                connection,
                row.id,
                token,
                status="failed" if permanent else "pending",
                next_attempt_at=now + backoff(settings, attempts),
                last_error=f"{exc} (Versuch {attempts})",
            )
        SERVER.failed("temporary", exc)
        return "failed" if permanent else "retrying"
    except PermanentFailure as exc:
        return _dead_letter(runtime, row, token, str(exc))
    except Exception as exc:
        # Nothing else known is this message's fault, yet holding the rest of the batch for
        # it would repeat at every run: it waits for a person, the batch goes on.
        session.drop()
        log.exception("Nachricht %s: unerwarteter Fehler beim Versand", row.id)
        return _dead_letter(runtime, row, token, f"Unerwarteter Fehler: {type(exc).__name__}")
    SERVER.accepted()
    checkpoint("after_smtp_accept")
    with runtime.write() as connection:
        repository.settle(
            connection,
            row.id,
            token,
            status="sent",
            sent_at=now,
            last_error=None,
        )
    return "sent"


def _dead_letter(runtime: Runtime, row: Any, token: str, reason: str) -> str:
    SERVER.failed("permanent", reason)
    with runtime.write() as connection:
        repository.settle(
            connection,
            row.id,
            token,
            status="failed",
            next_attempt_at=runtime.now(),
            last_error=reason,
        )
    log.error("Nachricht %s: endgültig abgelehnt: %s", row.id, reason)
    return "failed"

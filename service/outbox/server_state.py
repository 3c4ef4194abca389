"""Whether the mail server takes messages: said once when that changes, counted always.

A mail server that is down fails every message at every dispatch, every minute; a log line
for each would bury everything else. The first failure after a success is logged as a
warning, the first success after failures as a notice; every failure is counted
(``ratsflow_mail_failures_total``), which is what an alert should watch.
"""

from __future__ import annotations

import logging
import threading

from service.ops.counters import MAIL_FAILURES

log = logging.getLogger("ratsflow.outbox")


class MailServerState:
    def __init__(self) -> None:
        self.failing = False
        self._lock = threading.Lock()

    def failed(self, kind: str, reason: object) -> None:
        MAIL_FAILURES.labels(kind).inc()
        if kind != "temporary":
            return  # one message's own fault says nothing about the server
        with self._lock:
            changed, self.failing = not self.failing, True
        if changed:
            log.warning(
                "Mailserver nimmt keine Nachrichten an (%s); weitere Fehler werden gezählt "
                "(ratsflow_mail_failures_total), bis er wieder annimmt.",
                reason,
            )

    def accepted(self) -> None:
        with self._lock:
            changed, self.failing = self.failing, False
        if changed:
            log.warning("Mailserver nimmt wieder Nachrichten an.")


SERVER = MailServerState()

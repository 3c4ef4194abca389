"""A real SMTP server in the test process (aiosmtpd) and runtimes that send to it."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from service.outbox.settings import MailSettings
from service.runtime import Runtime
from service.scheduler.settings import ScheduleSettings


class Inbox:
    """Counts what the server accepted; ``script`` holds the answers to give first."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.script: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.script:
                answer = self.script.pop(0)
                if not answer.startswith("250"):
                    return answer
            self.messages.append(
                email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            )
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(m["Message-ID"]) for m in self.messages]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def inbox(smtp: tuple[Inbox, int]) -> Inbox:
    return smtp[0]


@pytest.fixture
def rt(runtime: Runtime, smtp: tuple[Inbox, int]) -> Runtime:
    """The test's runtime, mailing to the in-process SMTP server."""
    runtime.settings = runtime.settings.model_copy(
        update={
            "mail": MailSettings(smtp_host="127.0.0.1", smtp_port=smtp[1], smtp_timeout_seconds=5),
            "schedule": ScheduleSettings(),
            "base_url": "https://ratsflow.aschersleben.example",
        }
    )
    return runtime

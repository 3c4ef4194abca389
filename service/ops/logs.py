"""Log lines for a machine (``RATSFLOW_LOG_FORMAT=json``) or a person (``text``, the default).

A JSON line holds the time, level, logger and message, and of the request fields only
those ``service.api.observing`` passes (request id, actor id, method, route template,
status, duration): never a path with its query, a name or a body, so a log shipped to a
central system carries no personal data of its own.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import IO, Any

REQUEST_FIELDS = ("request_id", "actor_id", "method", "route", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(
            (name, getattr(record, name)) for name in REQUEST_FIELDS if hasattr(record, name)
        )
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure(log_format: str, stream: IO[str] | None = None) -> logging.Handler:
    """One handler on the root logger for the whole process (server or scheduler)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return handler

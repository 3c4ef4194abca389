"""Daily housekeeping: forget stored answers of expired ``Idempotency-Key`` headers."""

from __future__ import annotations

from datetime import datetime, timedelta

from service.idempotency.service import purge_expired
from service.runtime import Runtime


def purge_idempotency_keys(runtime: Runtime, now: datetime) -> int:
    ttl = timedelta(hours=runtime.settings.idempotency_ttl_hours)
    with runtime.write() as connection:
        return purge_expired(connection, now, ttl)

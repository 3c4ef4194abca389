"""Obligations met by what happens elsewhere: the FVA's Kenntnisnahme of an issued
Sachstandsbericht meets the resolution's half-yearly information (``fulfilled_by``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Connection

from service.actor import Actor
from service.obligations import repository
from service.obligations.models import KENNTNISNAHME_SACHSTAND
from service.obligations.service import record_fulfilment
from service.runtime import Runtime

__all__ = ["KENNTNISNAHME_SACHSTAND", "fulfil_by"]


def fulfil_by(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    fulfilled_by: str,
    *,
    reference: str,
    fulfilled_on: date,
) -> int:
    """What happened meets the body's open obligations it stands for (the FVA's
    Kenntnisnahme of an issued report meets the half-yearly information): each is fulfilled
    once, in the same transaction; returns how many."""
    rows = repository.open_fulfilled_by(connection, runtime.body_id_in(connection), fulfilled_by)
    for row in rows:
        record_fulfilment(
            runtime, connection, actor, row, reference=reference, fulfilled_on=fulfilled_on
        )
    return len(rows)

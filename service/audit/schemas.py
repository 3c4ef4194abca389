"""What the audit API says; events leave with readable values in place of digests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from service.api.answers import Answer


class AuditEventOut(Answer):
    seq: int
    chain_key: str
    ts: datetime
    actor_id: int | None
    actor: str | None = Field(description="Benutzername des Handelnden; leer: System.")
    role: str | None
    action: str = Field(examples=["measure.transition"])
    entity_type: str = Field(examples=["measure"])
    entity_id: int | None
    persons: list[int] = Field(description="Betroffene Personen (IDs).")
    changes: dict[str, Any] = Field(description="Feld: [vorher, nachher].")
    context: dict[str, Any]
    comment: str | None = Field(description="Kommentar oder angegebener Zweck.")
    request_id: str | None
    hash: str


class AuditPage(Answer):
    items: list[AuditEventOut]
    next_cursor: str | None = Field(description="Für die nächste Seite als `cursor` senden.")


class ChainVerification(Answer):
    chain_key: str
    intact: bool
    checked: int = Field(description="Geprüfte Einträge.")
    first_bad_seq: int | None = Field(description="Erste fehlerhafte Laufnummer.")
    reason: str | None
    last_seq: int | None
    checkpoints_checked: int = Field(description="Signierte Prüfpunkte, gegen die geprüft wurde.")
    cleared_seqs: list[int] = Field(
        default_factory=list,
        description="Laufnummern mit geleerten Detailwerten ohne folgende Löschung der Person "
        "(`person.erase`): jede ist ein Bruch.",
    )


class VerificationReport(Answer):
    intact: bool
    chains: list[ChainVerification]

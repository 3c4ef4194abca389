"""Service and engine errors as a form shows them: a German headline, the reasons, and
which input each reason belongs to, so the page can mark it and keep what was typed."""

from __future__ import annotations

from dataclasses import dataclass, field

from service.errors import (
    AccessDenied,
    CarriedItemsBlocked,
    Conflict,
    NotFound,
    NotQuorate,
    RowsRejected,
    ServiceError,
    ServiceProblem,
)
from workflow.errors import (
    Forbidden,
    GuardFailed,
    InvalidData,
    MissingData,
    NotAllowed,
    StaleVersion,
    WorkflowError,
)
from workflow.votes import InvalidVote


@dataclass(frozen=True)
class Explained:
    status: int
    headline: str
    reasons: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


STALE = (
    "Inzwischen hat jemand anderes diesen Vorgang geändert. Ihre Eingaben sind erhalten; "
    "bitte prüfen Sie den aktuellen Stand und senden Sie erneut ab."
)


def explain(exc: Exception) -> Explained | None:
    """None for errors that are not the user's to fix (they become the error page)."""
    match exc:
        case GuardFailed():
            return Explained(
                422,
                "Der Schritt ist noch nicht möglich. Es fehlen Voraussetzungen:",
                [f.message for f in exc.failures],
            )
        case MissingData() | InvalidData():
            items = exc.missing if isinstance(exc, MissingData) else exc.problems
            return Explained(
                422,
                "Bitte die Angaben ergänzen oder korrigieren:",
                [f"{p.label}: {p.message}" for p in items],
                {p.field: p.message for p in items},
            )
        case StaleVersion():
            return Explained(409, STALE)
        case CarriedItemsBlocked():
            return Explained(
                409,
                "Nichts wurde geändert: nicht jede Maßnahme der Vorlage kann folgen. Es "
                "blockieren:",
                [f"{b.title}: {b.reason}" for b in exc.blocked],
            )
        case NotQuorate():
            return Explained(
                422,
                "Nicht beschlussfähig – die Abstimmung wurde nicht gespeichert.",
                [
                    exc.detail,
                    f"Stimmberechtigte Mitglieder: {exc.voting_members}, anwesend: "
                    f"{exc.present}, erforderlich: mindestens {exc.required}.",
                ],
            )
        case InvalidVote():
            return Explained(
                422, "Die Abstimmung ist so nicht möglich:", [exc.message], {exc.field: exc.message}
            )
        case RowsRejected():
            return Explained(
                422,
                "Nichts wurde übernommen. Bitte die Datei korrigieren:",
                [f"Zeile {p.row}, Spalte „{p.field}“: {p.message}" for p in exc.problems],
            )
        case AccessDenied() | Forbidden():
            return Explained(403, exc.detail)
        case NotAllowed() | Conflict():
            return Explained(409, exc.detail)
        case ServiceError():
            return Explained(
                exc.status, exc.detail, [], {exc.field: exc.detail} if exc.field else {}
            )
        case ServiceProblem():
            return Explained(exc.status, exc.detail)
        case NotFound():
            return None
        case WorkflowError() if hasattr(exc, "detail"):
            return Explained(422, str(exc.detail))
    return None

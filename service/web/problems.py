"""Errors as a form shows them: a German headline, the reasons, and which input each reason
belongs to, so the page can mark it and keep what was typed.

Everything comes from the error's own class (``status``, ``slug``, ``detail`` and its
``extensions``), the same attributes the API renders as problem+json, so a refused form
answers with the status the API gives for the same request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workflow.errors import WorkflowError


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

Members = dict[str, Any]


def _failures(_: WorkflowError, members: Members) -> list[str]:
    return [f["message"] for f in members["failures"]]


def _labelled(_: WorkflowError, members: Members) -> list[str]:
    return [f"{f['label']}: {f['message']}" for f in members["fields"]]


def _messages(_: WorkflowError, members: Members) -> list[str]:
    return [f["message"] for f in members["fields"]]


def _blocked(_: WorkflowError, members: Members) -> list[str]:
    return [f"{b['title']}: {b['reason']}" for b in members["blocked"]]


def _rows(_: WorkflowError, members: Members) -> list[str]:
    return [
        f"Zeile {r['row']}, Spalte „{r.get('field', r.get('column'))}“: {r['message']}"
        for r in members["rows"]
    ]


def _quorum(exc: WorkflowError, members: Members) -> list[str]:
    quorum = members["quorum"]
    return [
        exc.detail,
        f"Stimmberechtigte Mitglieder: {quorum['voting_members']}, anwesend: "
        f"{quorum['present']}, erforderlich: mindestens {quorum['required_present']}.",
    ]


# Problem types a form explains with a headline of its own and the reasons listed below it;
# every other type shows its ``detail`` as the headline.
HEADLINES: dict[str, tuple[str, Callable[[WorkflowError, Members], list[str]] | None]] = {
    "voraussetzung-fehlt": (
        "Der Schritt ist noch nicht möglich. Es fehlen Voraussetzungen:",
        _failures,
    ),
    "angaben-fehlen": ("Bitte die Angaben ergänzen oder korrigieren:", _labelled),
    "veraltete-version": (STALE, None),
    "massnahmen-blockieren": (
        "Nichts wurde geändert: nicht jede Maßnahme der Vorlage kann folgen. Es blockieren:",
        _blocked,
    ),
    "nicht-beschlussfaehig": (
        "Nicht beschlussfähig – die Abstimmung wurde nicht gespeichert.",
        _quorum,
    ),
    "abstimmung-ungueltig": ("Die Abstimmung ist so nicht möglich:", _messages),
    "import-fehlerhaft": ("Nichts wurde übernommen. Bitte die Datei korrigieren:", _rows),
}


def explain(exc: Exception) -> Explained | None:
    """None for errors that are not the user's to fix (they become the error page): an
    unexpected error, and a 404, which a page shows as "Nicht gefunden"."""
    if not isinstance(exc, WorkflowError) or exc.status == 404:
        return None
    members = exc.extensions()
    headline, reasons = HEADLINES.get(exc.slug, (exc.detail, None))
    fields = {f["field"]: f["message"] for f in members.get("fields", [])}
    return Explained(exc.status, headline, reasons(exc, members) if reasons else [], fields)

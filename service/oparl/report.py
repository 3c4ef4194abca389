"""What an import run did, in German for the operator."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

LABELS = {
    "organization": "Gremium",
    "person": "Person",
    "membership": "Mitgliedschaft",
    "meeting": "Sitzung",
    "agendaitem": "Tagesordnungspunkt",
    "paper": "Vorlage",
    "consultation": "Beratung",
    "file": "Anlage",
}


@dataclass
class ImportReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    # Texts taken over cleaned (``texts.single_line``), naming object and field.
    cleaned: list[str] = field(default_factory=list)
    interrupted: str | None = None
    resumed_at: str | None = None

    def lines(self) -> list[str]:
        out = []
        if self.resumed_at:
            out.append(f"Fortgesetzt bei {self.resumed_at}.")
        for kind in LABELS:
            if self.created[kind] or self.updated[kind]:
                out.append(
                    f"{LABELS[kind]}: {self.created[kind]} neu, {self.updated[kind]} geändert"
                )
        out.append(f"Unverändert: {self.unchanged}")
        out += [f"Übersprungen: {reason}" for reason in self.skipped]
        out += [f"Bereinigt: {what}" for what in self.cleaned]
        if self.interrupted:
            out.append(
                f"Abgebrochen: {self.interrupted}. Der nächste Lauf setzt an dieser Stelle fort."
            )
        return out

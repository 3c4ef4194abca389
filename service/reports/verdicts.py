"""What a verification of an issued report answers, worded once for every door: the web
page, the API and the command line say the same sentences (``service.reports.verification``
finds the answer)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from service.reports import issuing
from service.reports.issuing import FileFormat
from workflow.calendar import to_local

EntryState = Literal["intakt", "veraendert", "nicht_verkettet", "fehlt"]
Outcome = Literal["bestaetigt", "nur_gespeicherte_pruefsumme", "veraendert"]
ASK = "Bitte die Datenschutzbeauftragte oder die Revision informieren („ratsflow audit verify“)."


@dataclass(frozen=True)
class EntryCheck:
    """The chain's event of the issue: still what was written, and still in its place?"""

    state: EntryState
    seq: int | None = None

    @property
    def intact(self) -> bool:
        return self.state == "intakt"

    @property
    def text(self) -> str:
        entry = "Der Protokolleintrag der Ausgabe" + (
            f" (Laufnummer {self.seq})" if self.seq is not None else ""
        )
        return {
            "intakt": f"{entry} ist unverändert und mit den Einträgen davor und danach verkettet.",
            "veraendert": f"{entry} ist nachträglich verändert worden: Sein Inhalt passt nicht "
            "mehr zu seinem Hash oder nennt einen anderen Bericht. Die Prüfsummen darin sind "
            "nicht verlässlich.",
            "nicht_verkettet": f"{entry} ist nicht mehr mit den Einträgen davor und danach "
            "verkettet: Die Kette ist an dieser Stelle verändert worden.",
            "fehlt": "Es gibt keinen Protokolleintrag der Ausgabe mehr (die Aufbewahrung "
            "entfernt ihn nach zehn Jahren); verglichen wird mit der Prüfsumme, die ratsflow "
            "bei der Ausgabe gespeichert hat.",
        }[self.state]


@dataclass(frozen=True)
class Issue:
    """Which issued report, as this reader may be told it."""

    row: Any
    issued_by: str  # "Anna Beispiel (Sitzungsdienst)", for the public only "Sitzungsdienst"
    by_role_only: bool = False

    @property
    def title(self) -> str:
        return issuing.title(self.row)

    @property
    def issued_at(self) -> str:
        return f"{to_local(self.row.issued_at):%d.%m.%Y um %H:%M} Uhr"

    def described(self) -> str:
        """``Nr. 1: Sachstandsbericht 2. Halbjahr 2024, Stichtag …, ausgegeben am … von …``"""
        row = self.row
        who = (
            f"einer Person mit der Rolle {self.issued_by}" if self.by_role_only else self.issued_by
        )
        text = (
            f"Nr. {row.number}: {self.title}, Stichtag {row.as_of:%d.%m.%Y}, ausgegeben am "
            f"{self.issued_at} von {who}."
        )
        if row.noted_on is not None:
            text += (
                f" Der Finanz- und Verwaltungsausschuss hat ihn am {row.noted_on:%d.%m.%Y} zur "
                "Kenntnis genommen."
            )
        return text


@dataclass(frozen=True)
class FileCheck:
    """One stored file of the report against the digest recorded at its issue."""

    kind: FileFormat
    stored: str  # SHA-256 of the copy ratsflow keeps
    recorded: str | None  # what the chain recorded (None: nothing trustworthy)
    from_chain: bool = True  # False: the event is gone, the table's digest stands in

    @property
    def intact(self) -> bool:
        return self.recorded is not None and self.recorded == self.stored

    @property
    def text(self) -> str:
        name = f"Das gespeicherte {self.kind.upper()}"
        if self.recorded is None:
            return f"{name} lässt sich nicht prüfen: Der Protokolleintrag ist nicht verlässlich."
        source = (
            "die das Protokoll bei der Ausgabe festgehalten hat"
            if self.from_chain
            else "die ratsflow bei der Ausgabe gespeichert hat"
        )
        if self.intact:
            return f"{name} hat die Prüfsumme (SHA-256), {source}."
        return (
            f"{name} hat nicht mehr die Prüfsumme (SHA-256), {source}: Es ist nach der Ausgabe "
            "in der Datenbank verändert worden."
        )


@dataclass(frozen=True)
class StoredVerification:
    """The answer for a stored issued report."""

    issue: Issue
    entry: EntryCheck
    files: tuple[FileCheck, ...]

    @property
    def intact(self) -> bool:
        return self.entry.intact and all(f.intact for f in self.files)

    @property
    def outcome(self) -> Outcome:
        if self.intact:
            return "bestaetigt"
        if self.entry.state == "fehlt" and all(f.intact for f in self.files):
            return "nur_gespeicherte_pruefsumme"
        return "veraendert"

    @property
    def text(self) -> str:
        number = f"Der ausgegebene Bericht Nr. {self.issue.row.number}"
        return {
            "bestaetigt": f"{number} ist unverändert: PDF und JSON sind genau die Dateien, "
            "deren Prüfsummen das Protokoll bei der Ausgabe festgehalten hat.",
            "nur_gespeicherte_pruefsumme": f"{number} stimmt mit den bei der Ausgabe "
            "gespeicherten Prüfsummen überein; einen Protokolleintrag der Ausgabe, der das "
            "belegt, gibt es nicht mehr.",
            "veraendert": f"{number} lässt sich nicht als unverändert bestätigen: Er oder der "
            f"Protokolleintrag seiner Ausgabe ist nach der Ausgabe verändert worden. {ASK}",
        }[self.outcome]


@dataclass(frozen=True)
class Match:
    """A file recognised as one file of an issued report."""

    issue: Issue
    kind: FileFormat
    entry: EntryCheck
    stored_intact: bool = True  # False: ratsflow's own copy no longer has the digest

    def warnings(self) -> list[str]:
        found = []
        if not self.stored_intact:
            found.append(
                f"Achtung: Das in ratsflow gespeicherte {self.kind.upper()} stimmt nicht mehr "
                "mit der Prüfsumme überein, die das Protokoll bei der Ausgabe des Berichts "
                f"Nr. {self.issue.row.number} festgehalten hat; es ist nach der Ausgabe in der "
                f"Datenbank verändert worden. Maßgeblich ist diese Datei. {ASK}"
            )
        if self.entry.state == "fehlt":
            found.append(f"Hinweis: {self.entry.text}")
        return found


@dataclass(frozen=True)
class FileVerification:
    """The answer for a file someone holds: the issued reports it is exactly (a JSON issued
    twice for one period is both), or none. ``unconfirmed`` are issues whose event names the
    file's digest but is changed or out of its chain: they prove nothing."""

    sha256: str
    matches: tuple[Match, ...]
    internal_checked: bool  # False: only public reports were compared (the caller's rights)
    unconfirmed: tuple[Match, ...] = ()

    @property
    def issued(self) -> bool:
        return bool(self.matches)

    @property
    def text(self) -> str:
        if not self.matches and self.unconfirmed:
            return (
                "Die Datei lässt sich nicht als ausgegebener Bericht bestätigen: Der "
                "Protokolleintrag, der ihre Prüfsumme (SHA-256) nennt, ist verändert worden."
            )
        if not self.matches:
            if self.internal_checked:
                return (
                    "Die Datei ist kein ausgegebener Bericht: Kein ausgegebener Bericht hat "
                    "diese Prüfsumme (SHA-256). Schon ein einziges geändertes Byte ergibt eine "
                    "andere Prüfsumme."
                )
            return (
                "Die Datei ist kein öffentlich ausgegebener Bericht: Kein öffentlich "
                "ausgegebener Bericht hat diese Prüfsumme (SHA-256). Ob sie ein interner "
                "Bericht ist, prüfen angemeldete Beschäftigte und Ratsmitglieder."
            )
        first, *others = self.matches
        text = (
            f"Die Datei ist unverändert das {first.kind.upper()} des ausgegebenen Berichts "
            f"{first.issue.described()}"
        )
        for other in others:
            text += (
                f" Dieselbe Datei ist auch das {other.kind.upper()} des ausgegebenen Berichts "
                f"{other.issue.described()}"
            )
        return text

    def warnings(self) -> list[str]:
        found = [w for m in self.matches for w in m.warnings()]
        for doubt in self.unconfirmed:
            found.append(
                "Achtung: Die Prüfsumme dieser Datei steht im Protokolleintrag der Ausgabe des "
                f"Berichts Nr. {doubt.issue.row.number}. {doubt.entry.text} Die Datei lässt "
                f"sich deshalb nicht als dieser Bericht bestätigen. {ASK}"
            )
        return found

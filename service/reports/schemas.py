"""The Sachstandsbericht as data: what the JSON answer holds and what the templates render."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import ConfigDict, Field

from service.api.answers import Answer
from service.api.money import Money
from service.api.payloads import Payload
from service.reports.period import PERIOD_PATTERN

Audience = Literal["internal", "public"]
LightValue = Literal["rot", "gelb", "gruen"]


class DelayReason(Answer):
    on: date
    event: str = Field(examples=["nicht_finanzieren"])
    label: str = Field(examples=["Mangels Mitteln zurückstellen"])
    text: str = Field(examples=["Keine Mittel im Haushalt 2025; erneut für 2026 prüfen."])


class Budget(Answer):
    """Sums over the measure's Haushaltsansätze, in EUR."""

    planned: Money = Field(description="Einmalig und laufend veranschlagt.")
    approved: Money | None
    spent: Money
    spent_percent: int | None = Field(description="Verausgabt in % des Veranschlagten.")


class ReportMeasure(Answer):
    id: int
    code: str = Field(examples=["M-01"])
    title: str
    state: str = Field(examples=["umsetzung"])
    state_label: str = Field(examples=["Umsetzung"])
    public: bool
    progress: int | None = Field(description="Zuletzt gemeldeter Fortschritt in %.")
    expected_progress: int | None = Field(
        description="Anteil der Zeit von Beginn der Umsetzung bis zum Zieldatum, der am "
        "Stichtag verstrichen ist, in %."
    )
    start_date: date | None = Field(description="Beginn der Umsetzung.")
    target_date: date | None
    light: LightValue | None = Field(
        description="Ohne Ampel (null), solange über die Maßnahme nicht beschlossen ist."
    )
    light_label: str | None = Field(examples=["Gelb"])
    light_reasons: list[str]
    delay_reasons: list[DelayReason]
    budget: Budget | None
    responsible: str | None = Field(
        description="Verantwortlich (im ausgegebenen Bericht das Amt oder die Funktion, "
        "nie ein Name); öffentlich ausgeblendet."
    )


class DoneMeasure(Answer):
    """A measure that reached a final state within the period (erledigt)."""

    id: int
    code: str
    title: str
    state: str = Field(examples=["abgeschlossen"])
    state_label: str = Field(examples=["Abgeschlossen"])
    public: bool
    on: date = Field(description="Tag, an dem die Maßnahme beendet wurde.")
    note: str | None = Field(description="Abschlussvermerk oder Begründung.")
    responsible: str | None


class ReportProgramme(Answer):
    id: int
    title: str
    paper_reference: str | None = Field(examples=["VII/0680/24"])
    measures: list[ReportMeasure] = Field(description="Beschlossene, offene Maßnahmen.")
    undecided: list[ReportMeasure] = Field(
        description="Noch nicht beschlossene Maßnahmen, ohne Ampel."
    )
    done: list[DoneMeasure] = Field(description="Im Berichtszeitraum erledigt.")
    budget: Budget | None


class Count(Answer):
    key: str
    label: str
    count: int


class RulesOut(Answer):
    red_states: list[str]
    lag_points: int
    near_days: int
    near_min_progress: int
    overdue_red_days: int
    undecided_states: list[str]
    text: list[str] = Field(description="Die Regeln, wie der Bericht sie abdruckt.")


class SachstandReport(Answer):
    period: str = Field(examples=["2024-H1"])
    period_label: str = Field(examples=["1. Halbjahr 2024"])
    period_start: date
    period_end: date
    as_of: date = Field(
        description="Stichtag: letzter Tag des Berichtszeitraums, für einen laufenden "
        "Zeitraum heute. Der Bericht zeigt den Stand dieses Tages."
    )
    audience: Audience
    body: str | None = Field(examples=["Stadt Aschersleben"])
    rules: RulesOut
    measure_count: int = Field(description="Beschlossene, offene Maßnahmen (mit Ampel).")
    undecided_count: int
    done_count: int
    lights: list[Count]
    states: list[Count]
    programmes: list[ReportProgramme]


class IssueRequest(Payload):
    model_config = ConfigDict(extra="forbid")

    period: str = Field(pattern=PERIOD_PATTERN, examples=["2024-H2"])
    programme_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="Nur dieses Arbeitspapier; sonst alle."
    )
    audience: Audience = "internal"


class TakenNoteRequest(Payload):
    model_config = ConfigDict(extra="forbid")

    on: date = Field(description="Sitzungstag, an dem der FVA den Bericht zur Kenntnis nahm.")


class IssuedReportOut(Answer):
    """An issued report: what it covers, when it was issued and the digests of its files."""

    id: int
    number: int = Field(description="Nummer des ausgegebenen Berichts in der Körperschaft.")
    title: str = Field(examples=["Sachstandsbericht 2. Halbjahr 2024"])
    period: str
    programme_id: int | None
    programme_title: str | None
    audience: Audience
    as_of: date = Field(description="Stichtag.")
    issued_at: datetime
    issuer_role: str | None = Field(description="Rolle, die den Bericht ausgegeben hat.")
    json_sha256: str
    pdf_sha256: str
    paper_id: int | None = Field(description="Informationsvorlage für den FVA.")
    noted_on: date | None = Field(description="Tag der Kenntnisnahme durch den FVA.")
    pdf_url: str
    json_url: str


# --- verification of issued reports (service.reports.verification) ---------------------------

FileFormatValue = Literal["pdf", "json"]


class IssueOut(Answer):
    """Which issued report, as the caller may be told it."""

    id: int
    number: int = Field(description="Nummer des ausgegebenen Berichts in der Körperschaft.")
    title: str = Field(examples=["Sachstandsbericht 2. Halbjahr 2024"])
    period: str
    audience: Audience
    as_of: date = Field(description="Stichtag.")
    issued_at: datetime
    issued_at_text: str = Field(
        description="Zeitpunkt der Ausgabe in Ortszeit.", examples=["06.12.2026 um 06:09 Uhr"]
    )
    issued_by: str = Field(
        description="Wer ausgegeben hat: für Beschäftigte Name und Rolle, sonst die Rolle.",
        examples=["Sitzungsdienst"],
    )
    noted_on: date | None = Field(description="Tag der Kenntnisnahme durch den FVA.")
    pdf_url: str
    json_url: str


class ChainEntryOut(Answer):
    """The audit chain's event of the issue, checked where it stands."""

    state: Literal["intakt", "veraendert", "nicht_verkettet", "fehlt"] = Field(
        description="intakt; veraendert (passt nicht zu seinem Hash); nicht_verkettet (die "
        "Kette ist an dieser Stelle verändert); fehlt (nach der Aufbewahrungsfrist entfernt)."
    )
    seq: int | None = Field(description="Laufnummer des Eintrags in der Kette.")
    text: str


class StoredFileOut(Answer):
    format: FileFormatValue
    stored_sha256: str = Field(description="SHA-256 der gespeicherten Datei.")
    recorded_sha256: str | None = Field(
        description="SHA-256, die das Protokoll bei der Ausgabe festhielt (ohne Eintrag: die "
        "gespeicherte); null, wenn der Eintrag nicht verlässlich ist."
    )
    intact: bool
    text: str


class StoredVerificationOut(Answer):
    """Whether a stored issued report is exactly the one issued."""

    intact: bool = Field(description="Dateien und Protokolleintrag unverändert.")
    outcome: Literal["bestaetigt", "nur_gespeicherte_pruefsumme", "veraendert"]
    text: str = Field(description="Das Ergebnis in einem Satz.")
    report: IssueOut
    entry: ChainEntryOut
    files: list[StoredFileOut]


class FileMatchOut(Answer):
    format: FileFormatValue = Field(description="Welche Datei des Berichts es ist.")
    report: IssueOut
    entry: ChainEntryOut
    stored_intact: bool = Field(
        description="Ob die in ratsflow gespeicherte Datei noch diese Prüfsumme hat."
    )


class FileVerificationOut(Answer):
    """Whether a file someone holds is exactly an issued report, and which."""

    issued: bool = Field(description="Die Datei ist genau ein ausgegebener Bericht.")
    sha256: str = Field(description="SHA-256 der vorgelegten Datei.")
    internal_checked: bool = Field(
        description="Ob auch interne Berichte verglichen wurden (nur für Beschäftigte und "
        "Ratsmitglieder); sonst nur öffentliche."
    )
    text: str = Field(description="Das Ergebnis in einem Satz.")
    warnings: list[str] = Field(description="Hinweise, etwa auf eine veränderte Kopie in ratsflow.")
    matches: list[FileMatchOut] = Field(description="Die ausgegebenen Berichte, die die Datei ist.")
    unconfirmed: list[FileMatchOut] = Field(
        description="Ausgaben, deren Protokolleintrag die Prüfsumme nennt, aber verändert oder "
        "nicht mehr verkettet ist: Sie bestätigen nichts."
    )

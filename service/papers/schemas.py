"""What the API says about papers, their Beratungsfolge and votes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from service.api.answers import Answer
from service.api.payloads import Payload, Text
from service.measures.schemas import AllowedTransition

ConsultationRole = Literal["vorberatung", "entscheidung", "kenntnisnahme"]
# Ids are INTEGER columns: a larger number names no row and would overflow the driver.
RowId = Annotated[int, Field(ge=1, le=2**31 - 1)]


PaperKind = Literal["beschlussvorlage", "aenderungsvorlage"]


class CompetenceReference(Payload):
    """Where the Zuständigkeit is written, e.g. § 45 Abs. 1 KVG LSA."""

    model_config = ConfigDict(extra="forbid")

    law: Text = Field(min_length=1, max_length=50, examples=["KVG LSA"])
    paragraph: Text = Field(min_length=1, max_length=20, examples=["45"])
    section: Text | None = Field(default=None, max_length=20, examples=["1"])


class CompetenceReferenceOut(Answer):
    """The Zuständigkeit as answered: ``section`` is always sent, ``null`` when none."""

    law: str = Field(examples=["KVG LSA"])
    paragraph: str = Field(examples=["45"])
    section: str | None = Field(examples=["1"])


class PaperCreate(Payload):
    model_config = ConfigDict(extra="forbid")

    reference: Text = Field(min_length=1, max_length=50, examples=["VII/0680/24"])
    title: Text = Field(
        min_length=1,
        max_length=500,
        examples=["Arbeitspapier zur weiteren Digitalisierung der Verwaltung"],
    )
    dezernat: Text | None = Field(default=None, max_length=100, examples=["Dezernat I"])
    file_number: Text | None = Field(
        default=None, max_length=100, description="Aktenzeichen", examples=["D I/mi-au"]
    )
    public: bool = Field(default=True, description="Öffentliche Vorlage?")
    resolution_proposal: Text | None = Field(
        default=None, max_length=20_000, description="Beschlussvorschlag"
    )
    competence: Text | None = Field(
        default=None, max_length=200, description="Zuständigkeit", examples=["§ 45 Abs. 1 KVG LSA"]
    )
    reasoning: Text | None = Field(default=None, max_length=50_000, description="Begründung")
    competence_reference: CompetenceReference | None = Field(
        default=None,
        description="Die Zuständigkeit als Verweis (Gesetz, Paragraph, Absatz); ohne Angabe "
        "aus `competence` gelesen, wo sie die Form „§ 45 Abs. 1 KVG LSA“ hat.",
    )
    kind: PaperKind = Field(
        default="beschlussvorlage",
        description="`aenderungsvorlage`: nennt Maßnahmen, ohne sie zu tragen; ihr Beschluss "
        "ändert keinen Zustand, er ersetzt die Beschlussgrundlage (Änderungsbeschluss).",
    )


class PaperSummary(Answer):
    id: int
    reference: str = Field(examples=["VII/0680/24"])
    title: str
    state: str = Field(examples=["entscheidung"])
    state_label: str = Field(examples=["Entscheidung im Stadtrat"])
    public: bool
    version: int


class PaperPage(Answer):
    items: list[PaperSummary]
    next_cursor: str | None = Field(description="Für die nächste Seite als `cursor` übergeben.")


class ConsultationCreate(Payload):
    model_config = ConfigDict(extra="forbid")

    committee_id: int = Field(ge=1, le=2**31 - 1)
    role: ConsultationRole = Field(
        description="`vorberatung` (beratend), `entscheidung` (entscheidend) oder "
        "`kenntnisnahme` (ohne Abstimmung, für Informationsvorlagen)."
    )
    meeting_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    position: int | None = Field(
        default=None, ge=1, le=1000, description="Reihenfolge; ohne Angabe ans Ende."
    )
    planned_on: date | None = None


class ConsultationOut(Answer):
    id: int
    position: int
    committee_id: int
    committee_name: str
    committee_short_name: str
    meeting_id: int | None
    meeting_starts_at: datetime | None
    role: str
    authoritative: bool = Field(description="Entscheidet dieses Gremium (OParl `authoritative`)?")
    planned_on: date | None
    result: str | None = Field(
        description="`angenommen`, `abgelehnt`, `zur_kenntnis_genommen`, `zurueckverwiesen` "
        "oder `entfallen`; leer, solange der Schritt offen ist."
    )
    closed_by: str | None = Field(
        description="Was den Schritt ohne eigene Abstimmung schloss: `zurueckverweisen`, "
        "`zurueckziehen` (Ereignis der Vorlage) oder `vorberatung_entfallen` (vom "
        "Sitzungsdienst mit Begründung, siehe Verlauf); sonst leer."
    )


class ParticipantOut(Answer):
    person_id: int
    name: str
    status: Literal["anwesend", "befangen"]


class VoteOut(Answer):
    id: int
    committee_id: int
    committee_name: str
    consultation_id: int | None
    meeting_id: int | None
    held_on: date
    voting_members: int
    present: int | None
    yes: int | None
    no: int | None
    abstain: int | None
    biased: int
    unanimous: bool
    quorum_stated: bool
    outcome: str = Field(examples=["angenommen"])
    explanation: str
    resolution_number: str | None
    decision_text: str | None = Field(description="Beschlusstext: der beschlossene Wortlaut.")
    public: bool
    participants: list[ParticipantOut] = Field(
        description="Namentlich erfasste Anwesende und Befangene; die Öffentlichkeit sieht "
        "nur Ratsmitglieder, keine Beschäftigten der Verwaltung."
    )
    recorded_at: datetime
    recorded_by: str | None = Field(description="Benutzer; für die Öffentlichkeit ausgeblendet.")


class CarriedMeasure(Answer):
    id: int
    code: str
    title: str
    state: str
    public: bool


class PaperDetail(PaperSummary):
    dezernat: str | None
    file_number: str | None
    resolution_proposal: str | None
    competence: str | None
    competence_reference: CompetenceReferenceOut | None
    kind: PaperKind
    reasoning: str | None
    definition: str
    definition_version: int
    fields: dict[str, Any]
    consultations: list[ConsultationOut]
    votes: list[VoteOut]
    measures: list[CarriedMeasure]
    allowed_transitions: list[AllowedTransition]
    created_at: datetime
    updated_at: datetime


class CarryRequest(Payload):
    model_config = ConfigDict(extra="forbid")

    measure_ids: list[RowId] = Field(min_length=1, max_length=500, examples=[[1, 2]])


class CarryResponse(Answer):
    measure_ids: list[int] = Field(description="Alle Maßnahmen, die die Vorlage nun trägt.")


class VoteCreate(Payload):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "consultation_id": 1,
                    "held_on": "2024-02-21",
                    "version": 2,
                    "yes": 9,
                    "no": 0,
                    "abstain": 0,
                    "present": 9,
                    "resolution_number": "FVA/0123/24",
                },
                {
                    "consultation_id": 2,
                    "held_on": "2024-02-28",
                    "version": 3,
                    "unanimous": True,
                    "resolution_number": "SR/0456/24",
                },
            ]
        },
    )

    consultation_id: int = Field(ge=1, le=2**31 - 1, description="Schritt der Beratungsfolge.")
    held_on: date
    version: int = Field(ge=1, description="Version der Vorlage, die der Aufrufer kennt.")
    present: int | None = Field(
        default=None,
        ge=0,
        le=10_000,
        description="Anwesende stimmberechtigte Mitglieder (Befangene eingeschlossen); "
        "ohne Angabe die Zahl der `present_person_ids`.",
    )
    yes: int | None = Field(default=None, ge=0, le=10_000)
    no: int | None = Field(default=None, ge=0, le=10_000)
    abstain: int | None = Field(default=None, ge=0, le=10_000)
    unanimous: bool = Field(default=False, description="„einstimmig“, ohne Auszählung.")
    present_person_ids: list[RowId] = Field(default_factory=list, max_length=1000)
    biased_person_ids: list[RowId] = Field(
        default_factory=list, max_length=1000, description="Befangene (auch unter Anwesenden)."
    )
    resolution_number: Text | None = Field(
        default=None, max_length=50, description="Beschlussnummer", examples=["SR/0456/24"]
    )
    comment: Text | None = Field(default=None, max_length=10_000)
    decision_text: Text | None = Field(
        default=None,
        max_length=10_000,
        description="Beschlusstext: der beschlossene Wortlaut, wie ihn die Niederschrift gibt.",
    )


class VoteCorrectionIn(Payload):
    """Only the members sent are corrected; the reason is required."""

    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(
        min_length=1, max_length=10_000, examples=["Laut Niederschrift 8 Ja-Stimmen, nicht 9."]
    )
    present: int | None = Field(default=None, ge=0, le=10_000)
    yes: int | None = Field(default=None, ge=0, le=10_000)
    no: int | None = Field(default=None, ge=0, le=10_000)
    abstain: int | None = Field(default=None, ge=0, le=10_000)
    decision_text: Text | None = Field(default=None, max_length=10_000)


class ConsultationDrop(Payload):
    """Why a Vorberatung the paper has left behind is dropped."""

    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(
        min_length=1,
        max_length=10_000,
        examples=["Der Hauptausschuss hat vor der Sitzung des Stadtrats nicht mehr getagt."],
    )
    version: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="Die Version der Vorlage, die gesehen wurde."
    )


class StepOut(Answer):
    id: int
    event: str
    from_state: str
    to_state: str
    version: int


class VoteResponse(Answer):
    vote: VoteOut
    paper: StepOut
    measures: list[StepOut] = Field(description="Die Maßnahmen, die dem Beschluss folgten.")


class ConsultationDropped(Answer):
    consultation: ConsultationOut
    paper: StepOut = Field(description="Die Vorlage bleibt in ihrem Zustand, in neuer Version.")

"""What the API says about committees, memberships, meetings, agenda and attendance."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from service.api.answers import Answer
from service.api.payloads import OMIT_ONLY, Payload, Text

CommitteeKind = Literal["ag", "gemeinsame_beratung", "ausschuss", "rat"]
Id = Field(ge=1, le=2**31 - 1)


class VoteRulesIn(Payload):
    model_config = ConfigDict(extra="forbid")

    quorum_numerator: int = Field(default=1, ge=0, le=100)
    quorum_denominator: int = Field(default=2, ge=1, le=100)
    tie_rejects: bool = True
    abstentions_count: bool = False


class CommitteeCreate(Payload):
    model_config = ConfigDict(extra="forbid")

    slug: str = Field(
        min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$", examples=["fva"]
    )
    name: Text = Field(min_length=1, max_length=200, examples=["Finanz- und Verwaltungsausschuss"])
    short_name: Text = Field(min_length=1, max_length=50, examples=["FVA"])
    kind: CommitteeKind = Field(
        description="`ausschuss` und `rat` sind öffentliche Gremien des Rates; `ag` und "
        "`gemeinsame_beratung` interne Arbeitsgruppen der Verwaltung."
    )
    vote_rules: VoteRulesIn = Field(
        default_factory=VoteRulesIn, description="Beschlussfähigkeit und Mehrheit (§ 55 KVG LSA)."
    )
    meeting_cycle: str | None = Field(
        default=None, max_length=20, pattern=r"^P[0-9WDMY]+$", examples=["P14D"]
    )


class CommitteeUpdate(Payload):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[Text | None, OMIT_ONLY] = Field(default=None, min_length=1, max_length=200)
    short_name: Annotated[Text | None, OMIT_ONLY] = Field(default=None, min_length=1, max_length=50)
    vote_rules: Annotated[VoteRulesIn | None, OMIT_ONLY] = None
    meeting_cycle: str | None = Field(default=None, max_length=20, pattern=r"^P[0-9WDMY]+$")


class CommitteeOut(Answer):
    id: int
    slug: str
    name: str
    short_name: str
    kind: str
    public: bool = Field(description="Mitglieder und Sitzungen sind öffentlich.")
    vote_rules: dict[str, Any]
    meeting_cycle: str | None


class CommitteePage(Answer):
    items: list[CommitteeOut]
    next_cursor: str | None


class MembershipCreate(Payload):
    model_config = ConfigDict(extra="forbid")

    person_id: int = Id
    role: Text = Field(default="mitglied", min_length=1, max_length=50, examples=["vorsitz"])
    voting_right: bool = True
    valid_from: date | None = None
    valid_until: date | None = None


class MembershipEnd(Payload):
    model_config = ConfigDict(extra="forbid")

    valid_until: date = Field(description="Letzter Tag der Mitgliedschaft.")


class MembershipOut(Answer):
    id: int
    committee_id: int
    person_id: int
    name: str
    role: str
    voting_right: bool
    valid_from: date | None
    valid_until: date | None


class MembershipPage(Answer):
    items: list[MembershipOut]
    next_cursor: str | None


class MeetingCreate(Payload):
    model_config = ConfigDict(extra="forbid")

    committee_id: int = Id
    starts_at: AwareDatetime = Field(examples=["2024-02-21T17:00:00+01:00"])
    location: Text | None = Field(default=None, max_length=200, examples=["Rathaus, Ratssaal"])


class MeetingUpdate(Payload):
    model_config = ConfigDict(extra="forbid")

    starts_at: Annotated[AwareDatetime | None, OMIT_ONLY] = None
    location: Text | None = Field(default=None, max_length=200)


class MeetingCancel(Payload):
    model_config = ConfigDict(extra="forbid")

    reason: Text | None = Field(
        default=None, max_length=500, examples=["Beschlussunfähigkeit absehbar"]
    )


class AgendaItemCreate(Payload):
    model_config = ConfigDict(extra="forbid")

    number: Text = Field(min_length=1, max_length=20, examples=["Ö 5"])
    title: Text = Field(min_length=1, max_length=500)
    public: bool = Field(default=True, description="Öffentlicher oder nicht öffentlicher Teil.")
    paper_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    position: int | None = Field(default=None, ge=1, le=1000)


class AgendaItemOut(Answer):
    id: int
    position: int
    number: str
    title: str
    public: bool
    paper_id: int | None
    paper_reference: str | None
    consultation_id: int | None = Field(description="Beratungsschritt der Vorlage (OParl).")


class MeetingSummary(Answer):
    id: int
    committee_id: int
    committee_name: str
    starts_at: datetime
    location: str | None
    public: bool = Field(description="Sitzung eines öffentlichen Gremiums.")
    cancelled_at: datetime | None = Field(description="Wann die Sitzung abgesagt wurde.")


class MeetingDetail(MeetingSummary):
    invitation_sent_at: datetime | None
    cancel_reason: str | None = Field(description="Grund der Absage.")
    agenda: list[AgendaItemOut] = Field(
        description="Ohne Anmeldung nur der öffentliche Teil; der nicht öffentliche fehlt ganz."
    )


class CancellationOut(Answer):
    """Whom the cancellation went to, as the meeting's page says it."""

    told: int = Field(
        description="Eingeladene Mitglieder, denen die Absage per E-Mail geschrieben wurde."
    )
    without_email: list[str] = Field(
        description="Eingeladene Mitglieder ohne E-Mail-Adresse, mit Namen: bitte auf anderem "
        "Weg benachrichtigen (z. B. per Post oder Telefon).",
        examples=[["Uwe Baumann"]],
    )
    passed_to: list[str] = Field(
        description="Wer deren Absage zur Weitergabe erhielt: die Ersatzadresse oder der "
        "Sitzungsdienst mit Namen; leer, wenn alle eine E-Mail-Adresse haben.",
        examples=[["Claudia Fischer"]],
    )
    text: str = Field(description="Das Ergebnis in Sätzen, wie es die Seite der Sitzung sagt.")


class CancelledMeeting(MeetingDetail):
    cancellation: CancellationOut = Field(description="An wen die Absage ging.")


class MeetingPage(Answer):
    items: list[MeetingSummary]
    next_cursor: str | None


AttendanceStatus = Literal["anwesend", "entschuldigt", "abwesend"]


class AttendanceEntryIn(Payload):
    model_config = ConfigDict(extra="forbid")

    person_id: int = Id
    status: AttendanceStatus


class AttendanceIn(Payload):
    model_config = ConfigDict(extra="forbid")

    entries: list[AttendanceEntryIn] = Field(
        max_length=1000,
        description="Die ganze Liste; ein nicht genanntes Mitglied gilt als abwesend.",
    )


class AttendanceOut(Answer):
    person_id: int
    name: str
    member: bool = Field(description="Mitglied des Gremiums am Sitzungstag (sonst Gast).")
    status: AttendanceStatus | None = Field(description="`null`: noch nicht erfasst.")


class AttendanceList(Answer):
    meeting_id: int
    recorded: bool
    items: list[AttendanceOut]

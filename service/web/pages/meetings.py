"""``/sitzungen``: meetings for the Sitzungsdienst – agenda, attendance and votes.

The pages read and write through the meetings and votes services, as the API does: a
refused form answers with the API's status for the same request and shows itself again with
the German message and what was typed.
"""

from __future__ import annotations

from datetime import datetime, time
from functools import partial
from typing import Annotated, Any

from fastapi import Path, Request
from fastapi.responses import Response

from service.access import holds
from service.api.deps import MAX_ID
from service.committees import attendance, meetings, reading
from service.committees import service as committees
from service.papers import votes
from service.web import council
from service.web.forms import (
    InputNames,
    PostedForm,
    posted_count,
    posted_date,
    posted_id,
    refusal,
    saving,
    shown_again,
)
from service.web.rendering import page_router, render, require, runtime_of, signed_in
from workflow.calendar import BERLIN, to_local, to_utc

router = page_router()
MeetingId = Annotated[int, Path(ge=1, le=MAX_ID)]
DONE = {
    "angelegt": "Die Sitzung wurde angelegt.",
    "tagesordnung": "Der Tagesordnungspunkt wurde aufgenommen.",
    "anwesenheit": "Die Anwesenheit wurde gespeichert.",
    "alle-anwesend": "Alle Mitglieder sind als anwesend eingetragen; bitte nur noch die "
    "Ausnahmen ändern und speichern.",
    "abstimmung": "Die Abstimmung wurde erfasst; die Vorlage und ihre Maßnahmen sind "
    "weitergegangen.",
    "abgesagt": "Die Sitzung wurde abgesagt. Wer eingeladen war, erhält die Absage; abonnierte "
    "Kalender zeigen die Sitzung als abgesagt.",
}
# The services name the inputs as the API does; the forms name them in German.
MEETING_FIELDS = {"committee_id": "gremium", "location": "ort"}
AGENDA_FIELDS = {"number": "nummer", "title": "titel"}
VOTE_FIELDS = {
    "yes": "ja",
    "no": "nein",
    "abstain": "enthaltung",
    "present": "anwesend",
    "resolution_number": "beschlussnummer",
    "decision_text": "beschlusstext",
}
COUNTS = (("ja", "Ja"), ("nein", "Nein"), ("enthaltung", "Enthaltungen"), ("anwesend", "Anwesende"))


# --- list and new meeting ------------------------------------------------------------------


def _list(
    request: Request, status: int = 200, committee: str | None = None, **context: Any
) -> Response:
    runtime = runtime_of(request)
    actor = require(request, "meeting.read_internal")
    managing = holds(actor, "meeting.manage")
    with runtime.read() as connection:
        choices = committees.committee_choices(runtime, connection)
        chosen = next((c for c in choices if str(c.id) == (committee or "").strip()), None)
        rows = council.meetings_list(
            runtime, connection, actor, committee_id=chosen.id if chosen else None
        )
    now = runtime.now()
    error = context.get("error")
    if committee and chosen is None and error is None:
        error = "Dieses Gremium gibt es nicht; die Liste zeigt die Sitzungen aller Gremien."
    return render(
        request,
        "meetings.html",
        status=status,
        title=f"Sitzungen: {chosen.name}" if chosen else "Sitzungen",
        upcoming=sorted((m for m in rows if m.starts_at >= now), key=lambda m: m.starts_at),
        past=[m for m in rows if m.starts_at < now],
        managing=managing,
        committees=choices,
        chosen=chosen,
        typed=context.get("typed", {}),
        problems=context.get("problems", {}),
        error=error,
        success=context.get("success"),
    )


@router.get("/sitzungen")
def list_meetings(
    request: Request, erledigt: str | None = None, gremium: str | None = None
) -> Response:
    """``gremium``: only this committee's sessions (the Sitzungsdienst serves several)."""
    return _list(request, committee=gremium, success=DONE.get(erledigt or ""))


@router.post("/sitzungen/neu")
def create_meeting(request: Request, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    problems: dict[str, str] = {}
    committee_id = posted_id(form.get("gremium"))
    if committee_id is None:
        problems["gremium"] = "Bitte ein Gremium wählen."
    day = posted_date(form.get("datum"))
    if day is None:
        problems["datum"] = "Bitte das Datum der Sitzung angeben, z. B. 16.09.2026."
    try:
        hour, minute = (int(p) for p in form.get("uhrzeit", "").strip().split(":")[:2])
        starts = time(hour, minute)
    except ValueError:
        problems["uhrzeit"] = "Bitte die Uhrzeit angeben, z. B. 17:00."
    if problems:
        return _list(
            request,
            422,
            typed=form,
            problems=problems,
            error="Die Sitzung wurde nicht angelegt. Bitte die markierten Angaben prüfen.",
        )
    assert day is not None and committee_id is not None
    try:
        with saving(request) as saved:
            meeting_id = meetings.new_meeting(
                runtime,
                saved.connection,
                actor,
                committee_id=committee_id,
                starts_at=to_utc(datetime.combine(day, starts, tzinfo=BERLIN)),
                location=form.get("ort", "").strip() or None,
            )
            return saved.redirect(f"/sitzungen/{meeting_id}?erledigt=angelegt")
    except Exception as exc:
        refused = refusal(exc, MEETING_FIELDS)
        return _list(
            request, refused.status, typed=form, problems=refused.fields, error=refused.headline
        )


# --- one meeting ---------------------------------------------------------------------------


def show_meeting(
    request: Request,
    meeting_id: int,
    status: int = 200,
    *,
    error: str | None = None,
    problems: list[str] | None = None,
    field_problems: dict[str, str] | None = None,
    open_form: str | None = None,
    typed: dict[str, str] | None = None,
    success: str | None = None,
) -> Response:
    runtime = runtime_of(request)
    actor = require(request, "meeting.read_internal")
    managing = holds(actor, "meeting.manage")
    with runtime.read() as connection:
        data = reading.read_meeting(
            runtime,
            connection,
            actor,
            meeting_id,
            with_agenda=True,
            with_attendance=True,
            with_paper_choices=True,
        )
    return render(
        request,
        "meeting.html",
        status=status,
        title=f"Sitzung {data.meeting.committee_short_name} am {data.day:%d.%m.%Y}",
        data=data,
        s=data.meeting,
        papers=data.papers,
        managing=managing,
        recording=holds(actor, "vote.record"),
        public_items=[i for i in data.agenda if i.public],
        closed_items=[i for i in data.agenda if not i.public],
        attendance_labels=council.ATTENDANCE_LABELS,
        # A vote is recorded once the session has met (the vote service refuses it before).
        votable=data.day <= to_local(runtime.now()).date(),
        present_voting=[a for a in data.attendance if a.voting and a.status == "anwesend"],
        error=error,
        problems=problems or [],
        field_problems=field_problems or {},
        open_form=open_form,
        typed=typed or {},
        success=success,
    )


@router.get("/sitzungen/{meeting_id}")
def show(request: Request, meeting_id: MeetingId, erledigt: str | None = None) -> Response:
    return show_meeting(request, meeting_id, success=DONE.get(erledigt or ""))


def _failed(
    request: Request,
    meeting_id: int,
    exc: Exception,
    form_name: str,
    typed: dict[str, str],
    names: InputNames | None = None,
) -> Response:
    page = partial(show_meeting, request, meeting_id)
    return shown_again(page, exc, typed, names, open_form=form_name)


@router.post("/sitzungen/{meeting_id}/tagesordnung")
def add_agenda_item(request: Request, meeting_id: MeetingId, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    try:
        with saving(request) as saved:
            meetings.add_agenda_item(
                runtime,
                saved.connection,
                actor,
                meeting_id,
                number=form.get("nummer", "").strip(),
                title=form.get("titel", "").strip() or None,
                public=form.get("oeffentlich") != "nein",
                paper_id=posted_id(form.get("vorlage")),
            )
            return saved.redirect(f"/sitzungen/{meeting_id}?erledigt=tagesordnung#tagesordnung")
    except Exception as exc:
        return _failed(request, meeting_id, exc, "tagesordnung", form, AGENDA_FIELDS)


@router.post("/sitzungen/{meeting_id}/absage")
def cancel_meeting(request: Request, meeting_id: MeetingId, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    reason = form.get("grund", "").strip() or None
    try:
        with saving(request) as saved:
            meetings.cancel_meeting(runtime, saved.connection, actor, meeting_id, reason=reason)
            return saved.redirect(f"/sitzungen/{meeting_id}?erledigt=abgesagt")
    except Exception as exc:
        return _failed(request, meeting_id, exc, "absage", form, {"cancel_reason": "grund"})


@router.post("/sitzungen/{meeting_id}/anwesenheit")
def record_attendance(request: Request, meeting_id: MeetingId, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    entries: list[tuple[int, str]] = []
    for key, value in form.items():
        person_id = posted_id(key.removeprefix("status_")) if key.startswith("status_") else None
        if person_id is not None and value in council.ATTENDANCE_LABELS:
            entries.append((person_id, value))
    try:
        with saving(request) as saved:
            attendance.record_attendance(runtime, saved.connection, actor, meeting_id, entries)
            return saved.redirect(f"/sitzungen/{meeting_id}?erledigt=anwesenheit#anwesenheit")
    except Exception as exc:
        return _failed(request, meeting_id, exc, "anwesenheit", form)


@router.post("/sitzungen/{meeting_id}/anwesenheit/alle")
def record_all_present(request: Request, meeting_id: MeetingId, form: PostedForm) -> Response:
    """One step for every member present; the exceptions are then changed on the sheet."""
    runtime = runtime_of(request)
    actor = signed_in(request)
    try:
        with saving(request) as saved:
            attendance.record_all_present(runtime, saved.connection, actor, meeting_id)
            return saved.redirect(f"/sitzungen/{meeting_id}?erledigt=alle-anwesend#anwesenheit")
    except Exception as exc:
        return _failed(request, meeting_id, exc, "anwesenheit", form)


@router.post("/sitzungen/{meeting_id}/abstimmung")
def record_vote(request: Request, meeting_id: MeetingId, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    item_id = posted_id(form.get("top"))
    form_name = f"abstimmung-{item_id}"
    problems: dict[str, str] = {}
    counts: dict[str, int | None] = {}
    for name, label in COUNTS:
        raw = form.get(name, "").strip()
        counts[name] = posted_count(raw)
        if raw and counts[name] is None:
            problems[name] = f"{label}: bitte eine ganze Zahl ab 0."
    if problems:
        return show_meeting(
            request,
            meeting_id,
            422,
            error="Die Abstimmung wurde nicht gespeichert. Bitte die markierten Angaben prüfen.",
            field_problems=problems,
            open_form=form_name,
            typed=form,
        )
    vote = votes.AgendaVote(
        yes=counts["ja"],
        no=counts["nein"],
        abstain=counts["enthaltung"],
        unanimous=form.get("art") == "einstimmig",
        present=counts["anwesend"],
        biased_person_ids=tuple(
            person_id
            for key in form
            if key.startswith("befangen_")
            and (person_id := posted_id(key.removeprefix("befangen_"))) is not None
        ),
        resolution_number=form.get("beschlussnummer", "").strip() or None,
        comment=form.get("kommentar", "").strip() or None,
        version=posted_id(form.get("version")),
        decision_text=form.get("beschlusstext", "").strip() or None,
    )
    try:
        with saving(request) as saved:
            votes.record_agenda_vote(
                runtime, saved.connection, actor, meeting_id, item_id or 0, vote
            )
            return saved.redirect(f"/sitzungen/{meeting_id}?erledigt=abstimmung#tagesordnung")
    except Exception as exc:
        return _failed(request, meeting_id, exc, form_name, form, VOTE_FIELDS)

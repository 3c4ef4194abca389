"""What the Sitzungsdienst records on a Vorlage's page besides its steps: a recorded vote
corrected (``papers.corrections``), a Vorberatung the paper left behind dropped
(``papers.left_behind``). Refused forms show the page again as ``papers`` does."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request
from fastapi.responses import Response

from service.api.deps import MAX_ID
from service.papers import corrections, left_behind
from service.web.forms import PostedForm, posted_count, posted_id, saving
from service.web.pages.papers import PaperId, failed, show_paper
from service.web.rendering import page_router, runtime_of, signed_in

router = page_router()
CORRECTION_FIELDS = {
    "yes": "ja",
    "no": "nein",
    "abstain": "enthaltung",
    "present": "anwesend",
    "decision_text": "beschlusstext",
    "reason": "begruendung",
}


@router.post("/vorlagen/{paper_id}/beratungsfolge/{consultation_id}/entfallen")
def drop_vorberatung(
    request: Request,
    paper_id: PaperId,
    consultation_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    form: PostedForm,
) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    try:
        with saving(request) as saved:
            left_behind.drop_vorberatung(
                runtime,
                saved.connection,
                actor,
                paper_id,
                consultation_id,
                reason=form.get("begruendung", ""),
                version=posted_id(form.get("version")),
            )
            return saved.redirect(f"/vorlagen/{paper_id}?erledigt=entfallen#folge-titel")
    except Exception as exc:
        form_name = f"entfallen-{consultation_id}"
        return failed(request, paper_id, exc, form_name, form, {"reason": "begruendung"})


@router.post("/vorlagen/{paper_id}/abstimmungen/{vote_id}/berichtigung")
def correct_vote(
    request: Request,
    paper_id: PaperId,
    vote_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    form: PostedForm,
) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    form_name = f"berichtigung-{vote_id}"
    counts: dict[str, int | None] = {}
    problems: dict[str, str] = {}
    for column in ("yes", "no", "abstain", "present"):
        name = CORRECTION_FIELDS[column]
        raw = form.get(name, "").strip()
        counts[column] = posted_count(raw)
        if raw and counts[column] is None:
            problems[name] = "Bitte eine ganze Zahl ab 0."
    if problems:
        return show_paper(
            request,
            paper_id,
            422,
            error="Die Abstimmung wurde nicht berichtigt. Bitte die markierten Angaben prüfen.",
            field_problems=problems,
            open_form=form_name,
            typed=form,
        )
    correction = corrections.VoteCorrection(
        reason=form.get("begruendung", "").strip(),
        decision_text=form.get("beschlusstext", "").strip() or None,
        **counts,
    )
    try:
        with saving(request) as saved:
            corrections.correct_vote(
                runtime, saved.connection, actor, paper_id, vote_id, correction
            )
            return saved.redirect(f"/vorlagen/{paper_id}?erledigt=berichtigt#abstimmungen-titel")
    except Exception as exc:
        return failed(request, paper_id, exc, form_name, form, CORRECTION_FIELDS)

"""How the papers API answers: its schemas, filled from the service's views."""

from __future__ import annotations

from typing import Any

from service.measures.schemas import AllowedTransition
from service.papers import reading
from service.papers.schemas import (
    CarriedMeasure,
    CompetenceReferenceOut,
    ConsultationOut,
    PaperDetail,
    PaperSummary,
    ParticipantOut,
    VoteOut,
)
from service.papers.service import state_label
from service.runtime import Runtime


def vote_out(v: reading.VoteView) -> VoteOut:
    columns = {name: getattr(v, name) for name in VoteOut.model_fields}
    participants = [
        ParticipantOut(person_id=p.person_id, name=p.name, status=p.status) for p in v.participants
    ]
    return VoteOut(**{**columns, "participants": participants})


def summary_out(runtime: Runtime, row: Any) -> PaperSummary:
    return PaperSummary(
        id=row.id,
        reference=row.reference,
        title=row.title,
        state=row.state,
        state_label=state_label(runtime, row),
        public=row.public,
        version=row.version,
    )


def consultation_out(row: Any) -> ConsultationOut:
    return ConsultationOut(
        id=row.id,
        position=row.position,
        committee_id=row.committee_id,
        committee_name=row.committee_name,
        committee_short_name=row.committee_short_name,
        meeting_id=row.meeting_id,
        meeting_starts_at=row.meeting_starts_at,
        role=row.role,
        authoritative=row.role == "entscheidung",
        planned_on=row.planned_on,
        result=row.result,
        closed_by=row.closed_by,
    )


def detail_out(runtime: Runtime, view: reading.PaperView) -> PaperDetail:
    row = view.paper
    return PaperDetail(
        **summary_out(runtime, row).model_dump(),
        dezernat=row.dezernat,
        file_number=row.file_number,
        resolution_proposal=row.resolution_proposal,
        competence=row.competence,
        competence_reference=CompetenceReferenceOut(
            law=row.competence_law,
            paragraph=row.competence_paragraph,
            section=row.competence_section,
        )
        if row.competence_law and row.competence_paragraph
        else None,
        kind=row.kind,
        reasoning=row.reasoning,
        definition=row.definition_name,
        definition_version=row.definition_version,
        fields=view.fields,
        consultations=[consultation_out(c) for c in view.consultations],
        votes=[vote_out(v) for v in view.votes],
        measures=[
            CarriedMeasure(id=m.id, code=m.code, title=m.title, state=m.state, public=m.public)
            for m in view.measures
        ],
        allowed_transitions=[
            AllowedTransition.model_validate(a, from_attributes=True) for a in view.allowed
        ],
        created_at=row.created_at,
        updated_at=row.updated_at,
    )

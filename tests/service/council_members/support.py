"""What the council members' tests share: her login, and papers in a committee's Beratungsfolge."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.papers import votes
from service.papers.consultations import consultations_of
from service.runtime import Runtime
from tests import factories as make
from tests.service.council_support import actor, committee_id

COUNCIL_MEMBER = "rat.mitglied"  # Karin Albrecht: FVA and Stadtrat
SECRET = "Grundstücksangelegenheit Bahnhofsvorplatz"


def council_member(runtime: Runtime) -> Any:
    return actor(runtime, COUNCIL_MEMBER)


def paper_in(runtime: Runtime, slug: str, *, public: bool = False, **extra: Any) -> int:
    """A paper whose Beratungsfolge names the committee ``slug`` (Vorberatung)."""
    with runtime.write() as c:
        return make.paper(
            runtime,
            c,
            public=public,
            consultations=[(committee_id(runtime, slug), "vorberatung")],
            **{"title": SECRET, **extra},
        )


def voted_paper_in_fva(runtime: Runtime) -> int:
    """A non-public paper the FVA has voted on (a vote of a non-public paper is non-public)."""
    paper_id = paper_in(runtime, "fva")
    with runtime.write() as c:
        runtime.lifecycle.fire(
            c,
            "paper",
            paper_id,
            "in_vorberatung_geben",
            actor=actor(runtime, "ag.leitung"),
            now=runtime.now(),
            data={"sitzung_am": "2026-08-26"},
        )
    with runtime.read() as c:
        step = consultations_of(c, paper_id)[0].id
    with runtime.write() as c:
        votes.record_vote(
            runtime,
            c,
            actor(runtime, "sitzungsdienst"),
            paper_id,
            votes.VoteRequest(
                committee_slug=None,
                consultation_id=step,
                held_on=date(2026, 8, 26),
                unanimous=True,
            ),
        )
    return paper_id

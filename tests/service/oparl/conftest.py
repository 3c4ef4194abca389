"""OParl server tests run on the demo city (both backends)."""

import pytest

from service.auth.service import actor_for
from service.committees import meetings
from service.papers.consultations import consultations_of
from service.papers.service import paper_by_reference
from service.runtime import Runtime


@pytest.fixture
def on_demo_city() -> bool:
    return True


@pytest.fixture
def agenda(demo: Runtime) -> Runtime:
    """The demo's council meetings get a Tagesordnung: a public item treating the paper,
    a public one without paper, and a non-public one that must never go out."""
    with demo.write() as c:
        office = actor_for(c, "sitzungsdienst")
        body_id = demo.body_id_in(c)
        paper = paper_by_reference(c, "VII/0680/24", body_id)
        for step in consultations_of(c, paper.id):
            meetings.add_agenda_item(
                demo,
                c,
                office,
                step.meeting_id,
                number="Ö 1",
                title="Genehmigung der Niederschrift",
                public=True,
            )
            meetings.add_agenda_item(
                demo,
                c,
                office,
                step.meeting_id,
                number="Ö 2",
                title=None,
                public=True,
                paper_id=paper.id,
            )
            meetings.add_agenda_item(
                demo,
                c,
                office,
                step.meeting_id,
                number="N 1",
                title="Grundstücksangelegenheit Geheimweg 7",
                public=False,
            )
    return demo

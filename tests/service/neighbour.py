"""A second body beside the demo city, for the council domains' isolation tests.

The Nachbarstadt has a council with a member of its own, a meeting treating its own paper,
a measure and a Sitzungsdienst with an API token; its committee slug ``stadtrat`` is the
demo city's too (slugs are unique per body). Its names and reference appear nowhere in the
demo city, so a page or list of the demo city that shows one of them leaks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from service.actor import SYSTEM, Actor
from service.auth.tokens import issue_token
from service.committees.meetings import add_agenda_item, insert_meeting
from service.committees.service import insert_membership
from service.runtime import Runtime
from tests import factories

SLUG = "nachbarstadt"
PREFIX = f"/b/{SLUG}/api/v1"
COMMITTEE_NAME = "Rat der Nachbarstadt"
REFERENCE = "NB/0001/26"
PAPER_TITLE = "Radwegekonzept der Nachbarstadt"
PERSON_NAME = "Nachbarin"
LOCATION = "Bürgerhaus Nachbarstadt"
MEASURE_CODE = "NB-1"
# Names that may appear nowhere in what the demo city shows.
LEAKS = (COMMITTEE_NAME, REFERENCE, PAPER_TITLE, PERSON_NAME, LOCATION, MEASURE_CODE)


@dataclass(frozen=True)
class Neighbour:
    runtime: Runtime
    committee_id: int
    paper_id: int
    meeting_id: int
    person_id: int
    measure_id: int
    office: Actor  # the Nachbarstadt's Sitzungsdienst
    auth: dict[str, str]  # its bearer token, valid at the Nachbarstadt's address only


def neighbour(demo: Runtime) -> Neighbour:
    other = demo.for_body(SLUG)
    with other.write() as c:
        factories.body(other, c, name="Gemeinde Nachbarstadt")
        committee_id = factories.committee(
            other, c, members=2, slug="stadtrat", name=COMMITTEE_NAME, short_name="NR", kind="rat"
        )
        person_id = factories.person(
            other, c, given_name="Nora", family_name=PERSON_NAME, is_staff=False
        )
        insert_membership(
            other,
            c,
            SYSTEM,
            person_id=person_id,
            committee_id=committee_id,
            role="mitglied",
            voting_right=True,
        )
        paper_id = factories.paper(
            other,
            c,
            reference=REFERENCE,
            title=PAPER_TITLE,
            consultations=[(committee_id, "entscheidung")],
        )
        meeting_id = insert_meeting(
            other,
            c,
            SYSTEM,
            committee_id=committee_id,
            starts_at=demo.now() + timedelta(days=20),
            location=LOCATION,
        )
        measure_id = factories.measure(other, c, code=MEASURE_CODE, public=True)
        office = factories.user(other, "sitzungsdienst", connection=c)
        add_agenda_item(
            other, c, office, meeting_id, number="Ö 1", title=None, public=True, paper_id=paper_id
        )
        token, _ = issue_token(c, office.user_id or 0, demo.now())
    return Neighbour(
        other,
        committee_id,
        paper_id,
        meeting_id,
        person_id,
        measure_id,
        office,
        {"Authorization": f"Bearer {token}"},
    )


def leaked(text: str) -> list[str]:
    return [name for name in LEAKS if name in text]

"""Every link in a scheduled mail opens for the person it is sent to, with a login or without.

Found by the outside-in review of the demo: the half-yearly Sachstand request, the AG agenda
and the deadline reminders linked every recipient to ``/massnahmen/<id>``, which sends a
person without a login to ``/login``, while a public measure's page
``/oeffentlich/massnahmen/<id>`` opens for anyone. Each mail now links what its recipient
can open, by the rule the invitations follow, and tells one who cannot work on the measure
in ratsflow whom to answer: the AG lead, by name.
"""

from __future__ import annotations

from datetime import timedelta
from email.message import Message

import pytest
from sqlalchemy import update

from service.measures import service as measures
from service.measures.models import Measure
from service.outbox.dispatcher import dispatch
from service.people.service import find_person
from service.runtime import Runtime
from service.scheduler import half_year, reviews
from service.scheduler.deadline_sweep import sweep
from service.scheduler.links import body_url
from tests import factories
from tests.service.council_support import actor
from tests.service.scheduler.conftest import Inbox
from tests.service.scheduler.helpers import local
from tests.service.scheduler.opening import LOGINS, links, texts, unopened

AG_LEAD = "Thomas Behrendt"
measure_rows = Measure.__table__  # type: ignore[attr-defined]


@pytest.fixture
def on_demo_city() -> bool:
    return True


def _delivered(rt: Runtime, inbox: Inbox, kind_subject: str) -> list[Message]:
    rt.clock.now += timedelta(days=400)  # type: ignore[attr-defined]  # everything is due
    dispatch(rt)
    return [m for m in inbox.messages if kind_subject in str(m["Subject"])]


def _each_opens_or_names_the_ag_lead(rt: Runtime, messages: list[Message]) -> None:
    assert messages
    assert [f for m in messages for f in unopened(rt, m)] == []
    without_login = [m for m in messages if str(m["To"]) not in LOGINS]
    assert without_login, "the test needs a recipient without a login"
    for message in without_login:
        assert all(AG_LEAD in text for text in texts(message)), message["To"]


def _hide(rt: Runtime, code: str) -> int:
    with rt.write() as c:
        measure_id = {m.code: m.id for m in measures.list_measures(c)}[code]
        c.execute(update(measure_rows).where(measure_rows.c.id == measure_id).values(public=False))
    return measure_id


def test_the_sachstand_request_leads_each_responsible_person_to_a_page_they_can_open(
    rt: Runtime, inbox: Inbox, demo: Runtime
) -> None:
    # M-02's responsible person, Sabine Krüger, has no login: hidden, it has no page for her.
    hidden = _hide(rt, "M-02")
    assert half_year.open_round(rt, rt.now()) > 0
    requests = _delivered(rt, inbox, "Sachstand")
    _each_opens_or_names_the_ag_lead(rt, requests)
    [krueger] = [m for m in requests if m["To"] == "s.krüger@aschersleben.example"]
    assert not any(f"/{hidden}" in link for link in links(krueger)), links(krueger)
    assert "Bitte senden Sie Ihren Sachstand an Thomas Behrendt" in texts(krueger)[0]


def test_the_ag_agenda_leads_each_member_only_to_pages_they_can_open(
    rt: Runtime, inbox: Inbox, demo: Runtime
) -> None:
    public = factories.measure(rt, code="M-20", title="Offener Entwurf")
    closed = factories.measure(rt, code="M-21", title="Interner Entwurf", public=False)
    # 14.09.2026 is a Monday of an AG week (every 14 days from 05.09.2022).
    assert reviews.ag_agenda(rt, local(2026, 9, 14, 7, 0)) > 0
    agendas = _delivered(rt, inbox, "Tagesordnung")
    _each_opens_or_names_the_ag_lead(rt, agendas)
    [schindler] = [m for m in agendas if m["To"] == "m.schindler@aschersleben.example"]
    base = body_url(rt)
    assert f"{base}/oeffentlich/massnahmen/{public}" in links(schindler)
    assert not any(f"/{closed}" in link for link in links(schindler))
    assert "M-21 Interner Entwurf" in texts(schindler)[0]


def test_a_deadline_reminder_leads_a_responsible_person_without_login_to_the_public_page(
    rt: Runtime, inbox: Inbox, demo: Runtime
) -> None:
    with rt.read() as c:
        schindler = find_person(c, rt.body_id, "Marco", "Schindler")
    measure_id = factories.measure(rt, code="M-22", responsible_person_id=schindler)
    with rt.write() as c:
        measures.fire(rt, c, actor(rt, "ag.leitung"), measure_id, "einreichen")
    # The AG's review takes six weeks; the first reminder comes seven days before its end.
    sweep(rt, rt.now() + timedelta(days=35, hours=1))
    reminders = _delivered(rt, inbox, "Erinnerung")
    _each_opens_or_names_the_ag_lead(rt, reminders)
    [reminder] = [m for m in reminders if "M-22" in str(m["Subject"])]
    assert reminder["To"] == "m.schindler@aschersleben.example"
    assert links(reminder) == {f"{body_url(rt)}/oeffentlich/massnahmen/{measure_id}"}

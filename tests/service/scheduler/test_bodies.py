"""The scheduler serves every body (issue 17), on SQLite and PostgreSQL: the deadline sweep
reminds each body's people about that body's deadlines only, the periodic jobs run in each
body's view, and every mail goes out from its own body's sender.
"""

from __future__ import annotations

from service.outbox.dispatcher import dispatch
from service.runtime import Runtime
from service.scheduler.deadline_sweep import sweep
from service.scheduler.jobs import job_specs
from tests import factories
from tests.service.scheduler.conftest import Inbox
from tests.service.scheduler.helpers import city, local, rows, submitted_measure

NEIGHBOUR = "nachbarstadt"
SENDER = "Stadt Nachbarstadt <post@nachbarstadt.example>"


def test_the_sweep_reminds_each_bodys_people_about_its_own_deadlines(rt: Runtime) -> None:
    other = rt.for_body(NEIGHBOUR)
    ours, theirs = city(rt), city(other)
    start = local(2024, 1, 8, 9, 0)
    our_measure = submitted_measure(rt, ours["responsible"], start)
    their_measure = submitted_measure(other, theirs["responsible"], start)

    for day in (12, 18, 20, 27):
        sweep(rt, local(2024, 2, day, 7, 0))

    sent = rows(rt)
    by_body = {
        body: [(r.recipient_person_id, r.kind) for r in sent if r.body_id == body]
        for body in (rt.body_id, other.body_id)
    }
    for people, body in ((ours, rt.body_id), (theirs, other.body_id)):
        assert by_body[body] == [
            (people["responsible"], "frist_erinnerung"),
            (people["responsible"], "frist_erinnerung"),
            (people["lead"], "frist_eskalation"),
            (people["dezernent"], "frist_eskalation"),
        ]
    # Each link leads to the item at its body's address.
    base = rt.settings.base_url.rstrip("/")
    ours_link = f"{base}/massnahmen/{our_measure}"
    theirs_link = f"{base}/b/{NEIGHBOUR}/massnahmen/{their_measure}"
    assert all(ours_link in r.body_text for r in sent if r.body_id == rt.body_id)
    assert all(theirs_link in r.body_text for r in sent if r.body_id == other.body_id)


def test_a_periodic_job_runs_in_every_bodys_view(rt: Runtime) -> None:
    other = rt.for_body(NEIGHBOUR)
    ours, theirs = city(rt), city(other)
    rt.clock.now = local(2024, 1, 1, 9, 0)  # type: ignore[attr-defined]
    factories.programme(rt, owner_person_id=ours["lead"])
    factories.programme(other, owner_person_id=theirs["lead"])
    review = next(s for s in job_specs(rt.settings.schedule) if s.id == "programme_review")

    review.function(rt, local(2024, 7, 2, 6, 0))

    sent = rows(rt)
    assert {(r.body_id, r.recipient_person_id) for r in sent} == {
        (rt.body_id, ours["lead"]),
        (other.body_id, theirs["lead"]),
    }


def test_each_mail_goes_out_from_its_bodys_sender(rt: Runtime, inbox: Inbox) -> None:
    other = rt.for_body(NEIGHBOUR)
    factories.body(other, settings={"mail_sender": SENDER})
    factories.reminder(rt, email="ilse@aschersleben.example")
    factories.reminder(other, email="nora@nachbarstadt.example")

    assert dispatch(rt).sent == 2

    senders = {str(m["To"]): str(m["From"]) for m in inbox.messages}
    assert senders == {
        "ilse@aschersleben.example": rt.settings.mail.mail_sender,
        "nora@nachbarstadt.example": SENDER,
    }

"""Pflichten aus dem Beschluss (issue 14, point 8) on the demo city at 01.09.2026 (both
backends): VII/0680/24's four duties, their fulfilment with a reference, the roll to the next
due date, the reminders to the responsible role and the escalation to the Verwaltungsleitung."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.actor import SYSTEM
from service.obligations import service as obligations
from service.outbox.models import OutboxMessage
from service.papers.service import paper_by_reference
from service.runtime import Runtime
from service.scheduler.deadline_sweep import sweep
from tests.service.api_calls import API, assert_problem, login
from tests.service.browser import post_form, signed_in
from tests.service.council_members.support import COUNCIL_MEMBER, council_member, paper_in
from tests.service.reads import Access, accesses
from workflow.calendar import local_day_at

outbox = OutboxMessage.__table__  # type: ignore[attr-defined]


@pytest.fixture
def on_demo_city() -> bool:
    return True


@pytest.fixture
def api(served_app: FastAPI) -> Any:
    """The API on the session's app, serving the test's demo city (a client of its own)."""
    with TestClient(served_app, raise_server_exceptions=False) as client:
        yield client


def _paper(demo: Runtime) -> int:
    with demo.read() as c:
        return int(paper_by_reference(c, "VII/0680/24").id)


def _duties(api: TestClient, paper_id: int) -> dict[str, dict[str, Any]]:
    answer = api.get(f"{API}/papers/{paper_id}/obligations")
    assert answer.status_code == 200, answer.text
    return {d["title"].split()[0]: d for d in answer.json()}


def test_the_demo_resolution_carries_its_four_duties(api: TestClient, demo: Runtime) -> None:
    duties = _duties(api, _paper(demo))

    assert {k: (d["responsible_label"], d["rhythm"]) for k, d in duties.items()} == {
        "Halbjährliche": ("AG-Leitung", "halbjährlich"),
        "Notwendige": ("Kämmerei", "jährlich"),
        "Gesondertes": ("AG-Leitung", "einmalig"),
        "Arbeitspapier": ("AG-Leitung", "halbjährlich"),
    }
    budget = duties["Notwendige"]
    # Met for the budgets 2025 and 2026, so it is due again for 2027.
    assert [f["due_on"] for f in budget["fulfilments"]] == ["2024-09-30", "2025-09-30"]
    assert budget["fulfilments"][0]["fulfilled_on"] == "2024-10-14"
    assert (budget["due_on"], budget["overdue"], budget["days_until_due"]) == (
        "2026-09-30",
        False,
        29,
    )
    # Nobody recorded the half-yearly information yet: overdue since 30.09.2024.
    info = duties["Halbjährliche"]
    assert (info["due_on"], info["overdue"], info["fulfilments"]) == ("2024-09-30", True, [])
    # The public sees the duties of a public resolution, without who recorded them.
    assert budget["fulfilments"][0]["recorded_by"] is None
    staff = api.get(f"{API}/obligations", headers=login(api, "ag.leitung")).json()
    assert {d["fulfilments"][0]["recorded_by"] for d in staff if d["fulfilments"]} == {
        "Michael Schulze"
    }


def test_a_fulfilment_with_a_reference_rolls_a_recurring_duty_on_and_closes_a_one_off(
    api: TestClient, demo: Runtime
) -> None:
    duties = _duties(api, _paper(demo))
    # The review of the Arbeitspapier is recorded by hand (due 31.08.2024, half-yearly).
    review, paper = duties["Arbeitspapier"], duties["Gesondertes"]
    url = f"{API}/obligations/{review['id']}/fulfilments"
    reference = "Fortschreibung VII/0812/24, Kenntnisnahme im FVA am 20.11.2024"

    assert_problem(api.post(url, json={"reference": reference}), 401)
    assert_problem(
        api.post(url, json={"reference": reference}, headers=login(api, "revision")), 403
    )
    lead = login(api, "ag.leitung")
    assert_problem(api.post(url, json={"reference": " "}, headers=lead), 422)
    future = {"reference": reference, "fulfilled_on": "2026-09-02"}
    assert_problem(api.post(url, json=future, headers=lead), 422)

    met = api.post(url, json={"reference": reference, "fulfilled_on": "2024-11-20"}, headers=lead)
    assert met.status_code == 201, met.text
    body = met.json()
    assert (body["due_on"], body["open"]) == ("2025-02-28", True)
    assert [(f["due_on"], f["reference"]) for f in body["fulfilments"]] == [
        ("2024-08-31", reference)
    ]
    assert body["fulfilments"][0]["recorded_by"] == "Thomas Behrendt"

    once = f"{API}/obligations/{paper['id']}/fulfilments"
    done = api.post(once, json={"reference": "Vorlage VII/0901/25"}, headers=lead)
    assert done.status_code == 201, done.text
    assert done.json()["open"] is False
    assert_problem(api.post(once, json={"reference": "nochmal"}, headers=lead), 409)


def test_a_duty_met_by_the_kenntnisnahme_of_a_report_cannot_be_ticked_off_by_hand(
    api: TestClient, demo: Runtime
) -> None:
    # docs/pflichten-und-stellungnahmen.md: such a duty „erfüllt niemand von Hand“; only the
    # Kenntnisnahme of an issued Sachstandsbericht in the FVA meets it.
    info = _duties(api, _paper(demo))["Halbjährliche"]
    assert info["fulfilled_by"] == "kenntnisnahme_sachstand"
    url = f"{API}/obligations/{info['id']}/fulfilments"
    refused = api.post(url, json={"reference": "irgendwas"}, headers=login(api, "ag.leitung"))
    detail = assert_problem(refused, 409, "pflicht-von-selbst")["detail"]
    assert "Kenntnisnahme des Sachstandsberichts im FVA" in detail
    assert _duties(api, _paper(demo))["Halbjährliche"]["fulfilments"] == []
    page = signed_in(demo, "ag.leitung").get("/pflichten").text
    assert f"/pflichten/{info['id']}/erfuellt" not in page
    assert "erfüllt mit der Kenntnisnahme des Sachstandsberichts im FVA" in page


def test_a_duty_is_recorded_on_its_paper_by_the_sitzungsdienst(
    api: TestClient, demo: Runtime
) -> None:
    paper_id = _paper(demo)
    url = f"{API}/papers/{paper_id}/obligations"
    duty = {
        "title": "Bericht zur E-Akte im Stadtrat",
        "responsible_role": "ag_leitung",
        "due_on": "2026-12-15",
    }
    assert_problem(api.post(url, json=duty, headers=login(api, "ag.leitung")), 403)
    wrong = {**duty, "responsible_role": "admin"}
    assert_problem(api.post(url, json=wrong, headers=login(api, "sitzungsdienst")), 422)
    created = api.post(url, json=duty, headers=login(api, "sitzungsdienst"))
    assert created.status_code == 201, created.text
    assert (created.json()["rhythm"], created.json()["days_until_due"]) == ("einmalig", 105)
    assert len(_duties(api, paper_id)) == 5


def test_reminders_go_to_the_responsible_role_and_overdue_duties_escalate_to_the_verwaltungsleitung(
    demo: Runtime,
) -> None:
    # The first sweep at 01.09.2026 finds the duties overdue since 2024: they escalate.
    sweep(demo, datetime(2026, 9, 1, 8, 0, tzinfo=UTC))
    with demo.read() as c:
        mails = list(c.execute(select(outbox).where(outbox.c.entity_type == "obligation")))
    escalated = {(m.recipient_email, m.subject.split(" – ")[-1]) for m in mails}
    assert ("f.richter@aschersleben.example", "Pflicht aus VII/0680/24") in escalated
    assert all(m.kind == "frist_eskalation" for m in mails)
    assert not any("behrendt" in m.recipient_email for m in mails)  # not the AG lead
    assert all(f"/vorlagen/{_paper(demo)}" in m.body_text for m in mails)

    # The budget duty (due 30.09.2026) reminds the Kämmerei seven days before.
    sweep(demo, local_day_at(date(2026, 9, 23), datetime.min.time().replace(hour=7)))
    with demo.read() as c:
        reminders = list(
            c.execute(
                select(outbox).where(
                    outbox.c.entity_type == "obligation", outbox.c.kind == "frist_erinnerung"
                )
            )
        )
    assert [m.recipient_email for m in reminders] == ["m.schulze@aschersleben.example"]
    assert "Notwendige Haushaltsmittel" in reminders[0].subject


def test_the_paper_page_and_the_list_show_the_duties_and_record_a_fulfilment(
    demo: Runtime,
) -> None:
    paper_id = _paper(demo)
    page_url = f"/vorlagen/{paper_id}"
    office = signed_in(demo, "sitzungsdienst")
    page = office.get(page_url).text
    assert "Pflichten aus dem Beschluss" in page
    assert "Halbjährliche Information des FVA zum Sachstand" in page
    assert "überfällig seit 701 Tagen" in page
    listed = office.get("/pflichten").text
    assert "Gesondertes Papier für Eigenbetriebe, AKA und Stadtwerke erstellen" in listed

    with demo.read() as c:
        review = next(
            o
            for o in obligations.obligations_of_paper(demo, c, None, paper_id).items
            if o.row.title.startswith("Arbeitspapier")
        )
    saved = post_form(
        office,
        page_url,
        f"/pflichten/{review.row.id}/erfuellt",
        {"nachweis": "Kenntnisnahme FVA 20.11.2024", "datum": "20.11.2024", "zurueck": "vorlage"},
    )
    assert saved.status_code == 303
    assert saved.headers["location"].endswith(
        f"/vorlagen/{paper_id}?erledigt=pflicht#pflichten-titel"
    )
    page = office.get(page_url).text
    assert "Kenntnisnahme FVA 20.11.2024" in page
    assert "28.02.2025" in page


def _duty_of(demo: Runtime, paper_id: int, title: str) -> int:
    with demo.write() as c:
        return obligations.insert_obligation(
            demo,
            c,
            SYSTEM,
            paper_id=paper_id,
            title=title,
            description=None,
            responsible_role="sitzungsdienst",
            due_on=date(2026, 12, 31),
            every_months=None,
        )


def test_a_council_member_sees_her_committee_s_obligation_directly_and_in_the_list_as_through_its_paper(  # noqa: E501
    api: TestClient, demo: Runtime
) -> None:
    """Was: the duty of a non-public FVA paper showed for ``rat.mitglied`` under the paper,
    while ``/obligations/<id>`` answered 404 and ``/obligations`` left it out. A duty of a
    non-public paper of a committee she does not sit in stays hidden in every door."""
    hers = paper_in(demo, "fva")
    duty = _duty_of(demo, hers, "Geheime Pflicht Personalakte")
    elsewhere = paper_in(demo, "ag-digitalisierung")
    hidden = _duty_of(demo, elsewhere, "Pflicht einer fremden Vorlage")
    headers = login(api, COUNCIL_MEMBER)
    me = council_member(demo)
    before = accesses(demo)

    through_paper = api.get(f"{API}/papers/{hers}/obligations", headers=headers)
    assert [d["id"] for d in through_paper.json()] == [duty]
    directly = api.get(f"{API}/obligations/{duty}", headers=headers)
    assert directly.status_code == 200, directly.text
    assert directly.json()["title"] == "Geheime Pflicht Personalakte"
    listed = [d["id"] for d in api.get(f"{API}/obligations", headers=headers).json()]
    assert duty in listed and hidden not in listed
    assert_problem(api.get(f"{API}/obligations/{hidden}", headers=headers), 404)
    # Each door that showed the non-public duty logged it as a read of its paper.
    assert accesses(demo)[len(before) :] == [Access("paper.read", hers, me.user_id)] * 3

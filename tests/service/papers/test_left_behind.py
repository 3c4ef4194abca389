"""A paper the old rule left in its Entscheidung with a Vorberatung still open can be decided.

Defect of a review: before several Vorberatungen voted in their order, the first one's vote
sent the paper to the Entscheidung while a second one (the Hauptausschuss's) was still
open, and planning let a Vorberatung in behind a paper past its own. Since then neither
step could vote: the Entscheidung waits for the open Vorberatung, and the Vorberatung's
vote would decide the paper. The only way out was to refer it back. Now the Sitzungsdienst
records the Vorberatung's vote late (it recommends, the paper stays in its Entscheidung),
or drops it with a reason; then the Entscheidung votes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from service.actor import SYSTEM
from service.audit.models import AuditEvent
from service.papers.consultations import insert_consultation
from service.runtime import Runtime
from tests import factories as make
from tests.service.browser import post_form, signed_in
from tests.service.council_support import API, assert_problem, committee_id, login
from tests.service.papers.support import (
    measure_state,
    paper_as_office,
    ready_measure,
    send_paper,
    version_of,
    vote_unanimously,
)

REASON = "Der Hauptausschuss hat vor der Sitzung des Stadtrats nicht mehr getagt."
audit_events = AuditEvent.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class LeftBehind:
    paper: int
    measure: int
    fva_step: int
    main_step: int
    council_step: int


def _left_in_its_entscheidung(client: TestClient, runtime: Runtime) -> LeftBehind:
    """A paper as the old rule left it: the FVA's vote sent it (and its measure) on to the
    Entscheidung, and the Hauptausschuss's Vorberatung behind the FVA is still open. The
    steps behind the FVA are the rows the old planning wrote, unchecked."""
    main_committee = make.committee(
        runtime, slug=make.unique("ha"), name="Hauptausschuss", short_name="HA", members=5
    )
    measure = ready_measure(runtime)
    fva, council = committee_id(runtime, "fva"), committee_id(runtime, "stadtrat")
    paper = make.paper(runtime, measure_ids=[measure], consultations=[(fva, "vorberatung")])
    send_paper(client, runtime, paper, "2026-08-26")
    [fva_step] = (s["id"] for s in paper_as_office(client, paper)["consultations"])
    advised = vote_unanimously(client, runtime, paper, fva_step)
    assert advised.status_code == 201, advised.text
    with runtime.write() as c:
        main_step, council_step = (
            insert_consultation(
                runtime, c, SYSTEM, paper_id=paper, position=position, committee_id=who, role=role
            )
            for position, who, role in (
                (2, main_committee, "vorberatung"),
                (3, council, "entscheidung"),
            )
        )
    assert paper_as_office(client, paper)["state"] == "entscheidung"
    assert measure_state(client, measure) == "stadtrat_beschluss"
    return LeftBehind(paper, measure, fva_step, main_step, council_step)


def _drop(
    client: TestClient, runtime: Runtime, paper: LeftBehind, step: int, **body: object
) -> Any:
    return client.post(
        f"{API}/papers/{paper.paper}/consultations/{step}/drop",
        json={"reason": REASON, "version": version_of(runtime, "paper", paper.paper), **body},
        headers=login(client, "sitzungsdienst"),
    )


def test_a_paper_left_in_its_entscheidung_with_a_vorberatung_open_can_be_decided(
    client: TestClient, demo: Runtime
) -> None:
    paper = _left_in_its_entscheidung(client, demo)
    # The Stadtrat waits for the Hauptausschuss, and the problem says how to get on.
    early = vote_unanimously(client, demo, paper.paper, paper.council_step)
    detail = assert_problem(early, 409, "beratungsfolge-nicht-eingehalten")["detail"]
    assert "HA" in detail and "entfallen" in detail

    dropped = _drop(client, demo, paper, paper.main_step)
    assert dropped.status_code == 200, dropped.text
    assert dropped.json()["consultation"]["result"] == "entfallen"
    assert dropped.json()["consultation"]["closed_by"] == "vorberatung_entfallen"
    assert dropped.json()["paper"]["to_state"] == "entscheidung"
    assert dropped.json()["paper"]["version"] == version_of(demo, "paper", paper.paper)

    decided = vote_unanimously(client, demo, paper.paper, paper.council_step)
    assert decided.status_code == 201, decided.text
    assert decided.json()["paper"]["to_state"] == "beschlossen"
    assert measure_state(client, paper.measure) == "haushaltsplanung"
    assert [c["result"] for c in paper_as_office(client, paper.paper)["consultations"]] == [
        "angenommen",
        "entfallen",
        "angenommen",
    ]

    # Why it was dropped stands in the paper's history and in the audit trail.
    office = login(client, "sitzungsdienst")
    history = client.get(f"{API}/papers/{paper.paper}/history", headers=office).json()
    entry = next(e for e in history if e["event"] == "vorberatung_entfallen")
    assert entry["label"] == "Vorberatung entfallen (HA, Schritt 2)"
    assert entry["comment"] == REASON and entry["from_state"] == entry["to_state"]
    assert [e["event"] for e in history][-2:] == ["vorberatung_entfallen", "beschliessen"]
    with demo.read() as c:
        audited = json.loads(
            c.execute(
                select(audit_events.c.payload).where(
                    audit_events.c.action == "consultation.drop",
                    audit_events.c.entity_id == paper.main_step,
                )
            ).scalar_one()
        )
    assert set(audited["changes"]) == {"result", "closed_by"}
    assert audited["comment"] is not None  # the reason, kept erasable beside the chain


def test_a_vorberatung_left_behind_still_records_its_vote_as_a_recommendation(
    client: TestClient, demo: Runtime
) -> None:
    paper = _left_in_its_entscheidung(client, demo)
    late = vote_unanimously(client, demo, paper.paper, paper.main_step, held_on="2026-08-31")
    assert late.status_code == 201, late.text
    step = late.json()["paper"]
    assert step["event"] == "empfehlen"
    assert step["from_state"] == step["to_state"] == "entscheidung"
    assert late.json()["measures"] == []
    assert measure_state(client, paper.measure) == "stadtrat_beschluss"

    decided = vote_unanimously(client, demo, paper.paper, paper.council_step, "2026-08-31")
    assert decided.status_code == 201, decided.text
    assert decided.json()["paper"]["to_state"] == "beschlossen"
    history = client.get(
        f"{API}/papers/{paper.paper}/history", headers=login(client, "sitzungsdienst")
    ).json()
    assert [(e["event"], e["to_state"]) for e in history] == [
        ("in_vorberatung_geben", "vorberatung"),
        ("empfehlen", "entscheidung"),
        ("empfehlen", "entscheidung"),
        ("beschliessen", "beschlossen"),
    ]


def test_only_a_vorberatung_left_behind_is_dropped_and_only_with_a_reason(
    client: TestClient, demo: Runtime
) -> None:
    paper = _left_in_its_entscheidung(client, demo)
    assert_problem(_drop(client, demo, paper, paper.fva_step), 409, "beratung-abgeschlossen")
    assert_problem(_drop(client, demo, paper, paper.council_step), 409, "nur-vorberatung-entfaellt")
    assert _drop(client, demo, paper, paper.main_step, reason=" ").status_code == 422
    stale = _drop(client, demo, paper, paper.main_step, version=1)
    assert stale.status_code == 409, stale.text
    council_member = client.post(
        f"{API}/papers/{paper.paper}/consultations/{paper.main_step}/drop",
        json={"reason": REASON},
        headers=login(client, "rat.mitglied"),
    )
    assert council_member.status_code == 403, council_member.text
    assert paper_as_office(client, paper.paper)["consultations"][1]["result"] is None

    # A Vorberatung the paper can still reach votes, or the paper is referred back.
    fva = committee_id(demo, "fva")
    ongoing = make.paper(demo, consultations=[(fva, "vorberatung"), (fva, "vorberatung")])
    send_paper(client, demo, ongoing, "2026-08-26")
    steps = [s["id"] for s in paper_as_office(client, ongoing)["consultations"]]
    refused = client.post(
        f"{API}/papers/{ongoing}/consultations/{steps[1]}/drop",
        json={"reason": REASON},
        headers=login(client, "sitzungsdienst"),
    )
    assert "zurückverwiesen" in assert_problem(refused, 409, "vorberatung-steht-aus")["detail"]


def test_a_vorberatung_left_behind_is_dropped_on_the_paper_s_page(
    client: TestClient, demo: Runtime
) -> None:
    paper = _left_in_its_entscheidung(client, demo)
    web = signed_in(demo, "sitzungsdienst")
    page = f"/vorlagen/{paper.paper}"
    action = f"{page}/beratungsfolge/{paper.main_step}/entfallen"
    shown = web.get(page).text
    assert "Vorberatung im HA (Schritt 2) entfallen lassen" in shown
    assert action in shown
    assert action not in signed_in(demo, "ag.leitung").get(page).text

    missing = post_form(web, page, action, {"begruendung": ""})
    assert missing.status_code == 422
    assert "Bitte angeben, warum die Vorberatung entfällt" in missing.text
    done = post_form(
        web,
        page,
        action,
        {"begruendung": REASON, "version": str(version_of(demo, "paper", paper.paper))},
    )
    assert done.status_code == 303, done.text
    shown = web.get(done.headers["location"]).text
    assert "<td>entfallen (Begründung im Verlauf)</td>" in shown
    assert REASON in shown.split('id="verlauf-titel"', 1)[1]
    assert action not in shown

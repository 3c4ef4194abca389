"""A paper on its way through the committees, and what "nothing changed" means for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.audit.models import AuditEvent
from service.lifecycle.models import HistoryEntry
from service.measures.service import fire as fire_measure
from service.papers.models import Vote
from service.papers.service import get_paper
from service.runtime import Runtime
from tests import factories as make
from tests.service.council_support import API, actor, committee_id, login

audit_events = AuditEvent.__table__  # type: ignore[attr-defined]
history = HistoryEntry.__table__  # type: ignore[attr-defined]
votes = Vote.__table__  # type: ignore[attr-defined]
VOTE_ONLY_PAPER = ("empfehlen", "nicht_empfehlen", "beschliessen", "ablehnen")
VOTE_ONLY_MEASURE = ("fva_empfehlen", "fva_nicht_empfehlen", "beschliessen", "ablehnen")


@dataclass(frozen=True)
class Trace:
    """Everything a refused request must leave as it was: states, versions, history, the
    audit events of changes and the votes."""

    states: tuple[tuple[str, int], ...]
    history: int
    audit_events: int
    votes: int


def trace(runtime: Runtime, paper_id: int, measure_ids: list[int]) -> Trace:
    from service.measures.service import get_measure

    with runtime.read() as c:
        rows = [get_paper(c, paper_id), *(get_measure(c, m) for m in measure_ids)]
        return Trace(
            states=tuple((r.state, r.version) for r in rows),
            history=c.execute(select(func.count()).select_from(history)).scalar_one(),
            # Reads and sign-ins are logged too; what must not change are the events that
            # record changes.
            audit_events=c.execute(
                select(func.count()).where(
                    audit_events.c.action.not_like("%.read"),
                    audit_events.c.action.not_like("auth.%"),
                )
            ).scalar_one(),
            votes=c.execute(select(func.count()).select_from(votes)).scalar_one(),
        )


@dataclass(frozen=True)
class PaperInCouncil:
    id: int
    measure_id: int
    fva_step: int
    council_step: int


def ready_measure(runtime: Runtime, public: bool = True) -> int:
    """A measure in ``ag_pruefung`` whose analysis is complete and that needs no statement."""
    measure_id = make.measure(runtime, code=make.unique("R-"), public=public)
    with runtime.write() as c:
        fire_measure(runtime, c, actor(runtime, "ag.leitung"), measure_id, "einreichen")
    return measure_id


def paper_in_fva(client: TestClient, runtime: Runtime, public: bool = True) -> PaperInCouncil:
    """A new paper carrying one measure, planned for FVA then Stadtrat, now at the FVA."""
    body = {"reference": make.unique("VII/"), "title": "Eigenbetriebe", "public": public}
    return send_to_fva(client, runtime, body, ready_measure(runtime, public))


def send_to_fva(
    client: TestClient, runtime: Runtime, body: dict[str, Any], measure_id: int
) -> PaperInCouncil:
    """The paper ``body`` describes, carrying the measure, planned for FVA then Stadtrat
    and sent to the FVA (its session on 26.08.2026)."""
    office, lead = login(client, "sitzungsdienst"), login(client, "ag.leitung")
    paper = client.post(f"{API}/papers", json=body, headers=office).json()
    steps = [
        client.post(
            f"{API}/papers/{paper['id']}/consultations",
            json={"committee_id": committee_id(runtime, slug), "role": role},
            headers=office,
        ).json()["id"]
        for slug, role in (("fva", "vorberatung"), ("stadtrat", "entscheidung"))
    ]
    carried = client.post(
        f"{API}/papers/{paper['id']}/measures", json={"measure_ids": [measure_id]}, headers=lead
    )
    assert carried.status_code == 200, carried.text
    sent = client.post(
        f"{API}/papers/{paper['id']}/transitions",
        json={"event": "in_vorberatung_geben", "version": 1, "data": {"sitzung_am": "2026-08-26"}},
        headers=lead,
    )
    assert sent.status_code == 200, sent.text
    return PaperInCouncil(paper["id"], measure_id, steps[0], steps[1])


def vote_in_fva(client: TestClient, runtime: Runtime, paper: PaperInCouncil) -> None:
    """The FVA recommends the paper unanimously (quorum stated): it goes to the Stadtrat."""
    office = login(client, "sitzungsdienst")
    with runtime.read() as c:
        version = get_paper(c, paper.id).version
    voted = client.post(
        f"{API}/papers/{paper.id}/votes",
        json={
            "consultation_id": paper.fva_step,
            "held_on": "2026-08-26",
            "version": version,
            "unanimous": True,
        },
        headers=office,
    )
    assert voted.status_code == 201, voted.text


def version_of(runtime: Runtime, kind: str, item_id: int) -> int:
    from service.measures.service import get_measure

    with runtime.read() as c:
        row = get_paper(c, item_id) if kind == "paper" else get_measure(c, item_id)
    return int(row.version)


def events_of(problem: dict[str, Any]) -> list[str]:
    return [option["event"] for option in problem.get("allowed") or []]


def reads(runtime: Runtime) -> list[tuple[str, int | None, int | None]]:
    """The access events so far: (action, entity id, actor's user id)."""
    with runtime.read() as c:
        return [
            (r.action, r.entity_id, r.actor_id)
            for r in c.execute(
                select(audit_events.c.action, audit_events.c.entity_id, audit_events.c.actor_id)
                .where(audit_events.c.action.like("%.read"))
                .order_by(audit_events.c.seq)
            )
        ]


@dataclass(frozen=True)
class AgendaVote:
    """A paper at the FVA, treated as an item of a new FVA meeting, its vote open there."""

    paper: PaperInCouncil
    meeting_id: int
    item_id: int


def paper_on_agenda(client: TestClient, runtime: Runtime) -> AgendaVote:
    office = login(client, "sitzungsdienst")
    paper = paper_in_fva(client, runtime)
    meeting = client.post(
        f"{API}/meetings",
        json={
            "committee_id": committee_id(runtime, "fva"),
            "starts_at": "2026-08-26T17:00:00+02:00",
        },
        headers=office,
    )
    assert meeting.status_code == 201, meeting.text
    item = client.post(
        f"{API}/meetings/{meeting.json()['id']}/agenda-items",
        json={"number": "Ö 1", "title": "Eigenbetriebe", "paper_id": paper.id},
        headers=office,
    )
    assert item.status_code == 201, item.text
    return AgendaVote(paper, meeting.json()["id"], item.json()["id"])


# --- a Beratungsfolge planned, sent and voted through the API --------------------------------


def vote_unanimously(
    client: TestClient, runtime: Runtime, paper_id: int, step: int, held_on: str = "2026-08-26"
) -> Any:
    """The step's committee votes unanimously (quorum stated) on ``held_on``."""
    return client.post(
        f"{API}/papers/{paper_id}/votes",
        json={
            "consultation_id": step,
            "held_on": held_on,
            "version": version_of(runtime, "paper", paper_id),
            "unanimous": True,
        },
        headers=login(client, "sitzungsdienst"),
    )


def plan_step(client: TestClient, paper_id: int, committee: int, role: str, **more: Any) -> Any:
    return client.post(
        f"{API}/papers/{paper_id}/consultations",
        json={"committee_id": committee, "role": role, **more},
        headers=login(client, "sitzungsdienst"),
    )


def send_paper(client: TestClient, runtime: Runtime, paper_id: int, day: str) -> None:
    """The AG lead sends the paper (in its draft) to its Vorberatung on ``day``."""
    sent = client.post(
        f"{API}/papers/{paper_id}/transitions",
        json={
            "event": "in_vorberatung_geben",
            "version": version_of(runtime, "paper", paper_id),
            "data": {"sitzung_am": day},
        },
        headers=login(client, "ag.leitung"),
    )
    assert sent.status_code == 200, sent.text


def paper_as_office(client: TestClient, paper_id: int) -> Any:
    """The paper as the Sitzungsdienst reads it through the API."""
    return client.get(f"{API}/papers/{paper_id}", headers=login(client, "sitzungsdienst")).json()


def measure_state(client: TestClient, measure_id: int) -> str:
    office = login(client, "sitzungsdienst")
    return str(client.get(f"{API}/measures/{measure_id}", headers=office).json()["state"])

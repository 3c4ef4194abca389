"""Black box: ``ratsflow serve`` (real uvicorn, real HTTP) replays the seed paper VII/0680/24.

A fresh database gets ``ratsflow db upgrade`` and ``ratsflow demo load --city-only`` (the
city, its committees and one login per role, no history); then everything else happens
through the API as the demo users, the way a city's other systems would integrate:

AG lead creates the Arbeitspapier and two measures and submits them for AG review; the paper
with its Beratungsfolge (FVA, then Stadtrat) carries both; sending it into the Vorberatung is
refused while the DSB statement for the measure touching personal data is missing, and goes
through once the Datenschutzbeauftragte has given it; the FVA recommends 9/0/0, the Stadtrat
decides unanimously, and both measures stand in ``haushaltsplanung``. Anonymous readers see
the public paper with its votes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.demo.service import DEMO_PASSWORD
from tests.service.serving import environment, ratsflow, serving


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[httpx.Client]:
    env = environment(database_url)
    for command in (["db", "upgrade"], ["demo", "load", "--city-only"]):
        done = ratsflow(env, *command)
        assert done.returncode == 0, done.stdout + done.stderr
    with (
        serving(env, tmp_path / "server.log") as running,
        httpx.Client(base_url=f"{running.base}/api/v1", timeout=30) as client,
    ):
        yield client


def login(client: httpx.Client, username: str) -> dict[str, str]:
    form = {"grant_type": "password", "username": username, "password": DEMO_PASSWORD}
    response = client.post("/auth/token", data=form)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_the_seed_paper_replayed_over_http_leaves_its_measures_in_budget_planning(
    server: httpx.Client,
) -> None:
    api = server
    lead, dsb = login(api, "ag.leitung"), login(api, "datenschutz")
    session = login(api, "sitzungsdienst")
    today = date.today()

    programme = ok(
        api.post(
            "/programmes",
            json={"title": "Arbeitspapier Digitalisierung der Verwaltung"},
            headers=lead,
        ),
        201,
    )
    measures = {}
    for code, title, personal in (
        ("M-01", "Einführung der E-Akte", True),
        ("M-02", "Digitaler Posteingang", False),
    ):
        created = ok(
            api.post(
                "/measures",
                json={
                    "programme_id": programme["id"],
                    "code": code,
                    "title": title,
                    "fields": {
                        "kosten_einmalig": 48000,
                        "kosten_laufend": 9500,
                        "nutzen": "Schnellere Vorgänge.",
                        "personenbezogen": personal,
                    },
                },
                headers=lead,
            ),
            201,
        )
        submitted = ok(
            api.post(
                f"/measures/{created['id']}/transitions",
                json={"event": "einreichen", "version": created["version"]},
                headers=lead,
            )
        )
        assert submitted["to_state"] == "ag_pruefung"
        measures[code] = created["id"]

    committees = {c["slug"]: c["id"] for c in ok(api.get("/committees"))["items"]}
    paper = ok(
        api.post(
            "/papers",
            json={
                "reference": "VII/0680/24",
                "title": "Arbeitspapier zur weiteren Digitalisierung der Verwaltung",
                "public": True,
            },
            headers=session,
        ),
        201,
    )
    steps = [
        ok(
            api.post(
                f"/papers/{paper['id']}/consultations",
                json={"committee_id": committees[slug], "role": role},
                headers=session,
            ),
            201,
        )
        for slug, role in (("fva", "vorberatung"), ("stadtrat", "entscheidung"))
    ]
    ok(
        api.post(
            f"/papers/{paper['id']}/measures",
            json={"measure_ids": sorted(measures.values())},
            headers=lead,
        )
    )

    # Into the Vorberatung: refused while the DSB statement for M-01 is missing.
    send = {
        "event": "in_vorberatung_geben",
        "version": 1,
        "data": {"sitzung_am": (today + timedelta(days=21)).isoformat()},
    }
    blocked = api.post(f"/papers/{paper['id']}/transitions", json=send, headers=lead)
    assert blocked.status_code == 409, blocked.text
    assert blocked.headers["content-type"].startswith("application/problem+json")
    assert [b["id"] for b in blocked.json()["blocked"]] == [measures["M-01"]]
    assert "Datenschutz" in blocked.text

    ok(
        api.post(
            f"/measures/{measures['M-01']}/statements",
            json={
                "outcome": "mit_auflagen",
                "given_on": today.isoformat(),
                "text": "Mit AVV.",
                "conditions": ["Auftragsverarbeitungsvertrag schließen"],
            },
            headers=dsb,
        ),
        201,
    )
    sent = ok(api.post(f"/papers/{paper['id']}/transitions", json=send, headers=lead))
    assert sorted(sent["carried_measure_ids"]) == sorted(measures.values())

    fva_members = [
        m["person_id"]
        for m in ok(api.get(f"/committees/{committees['fva']}/memberships", headers=session))[
            "items"
        ]
        if m["voting_right"]
    ]
    advised = ok(
        api.post(
            f"/papers/{paper['id']}/votes",
            json={
                "consultation_id": steps[0]["id"],
                "held_on": today.isoformat(),
                "version": sent["version"],
                "yes": 9,
                "no": 0,
                "abstain": 0,
                "present_person_ids": fva_members[:9],
                "resolution_number": "FVA/0021/24",
            },
            headers=session,
        ),
        201,
    )
    assert advised["paper"]["to_state"] == "entscheidung"
    decided = ok(
        api.post(
            f"/papers/{paper['id']}/votes",
            json={
                "consultation_id": steps[1]["id"],
                "held_on": today.isoformat(),
                "version": advised["paper"]["version"],
                "unanimous": True,
                "resolution_number": "VII/0680/24-SR",
            },
            headers=session,
        ),
        201,
    )
    assert decided["paper"]["to_state"] == "beschlossen"

    for measure_id in measures.values():
        measure = ok(api.get(f"/measures/{measure_id}", headers=lead))
        assert measure["state"] == "haushaltsplanung"
        assert measure["fields"]["beschlussnummer"] == "VII/0680/24-SR"

    public = ok(api.get(f"/papers/{paper['id']}"))
    assert public["state"] == "beschlossen"
    assert [v["resolution_number"] for v in public["votes"]] == ["FVA/0021/24", "VII/0680/24-SR"]

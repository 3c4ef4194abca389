"""Decisions bind (issue 14, point 4): the council's decision freezes a measure's costs,
target date and scope; larger changes need an Änderungsbeschluss.

On the demo, the Stadtrat decided VII/0680/24 on 28.02.2024 (SR/0456/24): M-01, the E-Akte,
with 185,000 EUR one-off. The AG lead changed that to 999,999 EUR and nothing asked for a
new decision.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.baseline.service import Thresholds, add_months
from service.bodies.settings import BodySettings
from service.measures import service as measures
from service.runtime import Runtime
from tests.service.browser import signed_in
from tests.service.council_support import API, assert_problem, login
from tests.service.papers.support import send_to_fva

DECIDED = Decimal("185000.00")


@pytest.fixture
def on_demo_city() -> bool:
    return True


def _m01(runtime: Runtime) -> int:
    with runtime.read() as c:
        return int(next(m.id for m in measures.list_measures(c) if m.code == "M-01"))


def _edit(client: TestClient, measure_id: int, headers: dict[str, str], **body: Any) -> Any:
    version = client.get(f"{API}/measures/{measure_id}", headers=headers).json()["version"]
    return client.patch(
        f"{API}/measures/{measure_id}", json={"version": version, **body}, headers=headers
    )


def _adopted_amendment(client: TestClient, runtime: Runtime, measure_id: int) -> str:
    """An Änderungsvorlage naming M-01, recommended by the FVA and adopted by the Stadtrat."""
    office = login(client, "sitzungsdienst")
    reference = "VII/0815/26"
    body = {
        "reference": reference,
        "title": "Änderung: E-Akte, Mehrkosten der Migration",
        "kind": "aenderungsvorlage",
    }
    paper = send_to_fva(client, runtime, body, measure_id)
    steps = [paper.fva_step, paper.council_step]
    for step, day, version in ((steps[0], "2026-08-26", 2), (steps[1], "2026-09-01", 3)):
        voted = client.post(
            f"{API}/papers/{paper.id}/votes",
            json={
                "consultation_id": step,
                "held_on": day,
                "version": version,
                "unanimous": True,
                "resolution_number": "SR/0999/26" if day == "2026-09-01" else None,
            },
            headers=office,
        )
        assert voted.status_code == 201, voted.text
        # The Änderungsvorlage carries nothing: the measure stays where it is.
        assert voted.json()["measures"] == []
    return reference


def test_the_council_decision_froze_the_measures_costs_beside_the_beschlussnummer(
    client: TestClient, demo: Runtime
) -> None:
    measure = client.get(f"{API}/measures/{_m01(demo)}", headers=login(client, "ag.leitung"))
    baseline = measure.json()["baseline"]
    assert (baseline["resolution_number"], baseline["decided_on"]) == ("SR/0456/24", "2024-02-28")
    assert Decimal(baseline["one_off_cost"]) == DECIDED
    assert baseline["deviations"] == []


def test_five_percent_more_shows_as_abweichung_twenty_percent_needs_an_aenderungsbeschluss(
    client: TestClient, demo: Runtime
) -> None:
    m01, lead = _m01(demo), login(client, "ag.leitung")

    small = _edit(client, m01, lead, fields={"kosten_einmalig": "194250"})
    assert small.status_code == 200, small.text
    (deviation,) = small.json()["baseline"]["deviations"]
    assert deviation["field"] == "kosten_einmalig"
    assert deviation["text"] == "Einmalige Kosten: 194.250,00 € (beschlossen: 185.000,00 €)"
    page = signed_in(demo, "ag.leitung").get(f"/massnahmen/{m01}").text
    assert "Abweichung vom Beschluss" in page and "194.250,00 €" in page

    large = _edit(client, m01, lead, fields={"kosten_einmalig": "222000"})
    problem = assert_problem(large, 409, "aenderungsbeschluss-erforderlich")
    assert "Änderungsbeschluss" in problem["detail"]
    assert "222.000,00 €" in problem["detail"] and "SR/0456/24" in problem["detail"]
    # The smaller of 10 % (18,500) and 25,000 EUR.
    assert "+18.500,00 €" in problem["detail"]

    not_adopted = _edit(
        client, m01, lead, fields={"kosten_einmalig": "222000"}, amendment="VII/0680/24"
    )
    assert_problem(not_adopted, 409, "aenderungsbeschluss-fehlt")

    reference = _adopted_amendment(client, demo, m01)
    accepted = _edit(client, m01, lead, fields={"kosten_einmalig": "222000"}, amendment=reference)
    assert accepted.status_code == 200, accepted.text
    baseline = accepted.json()["baseline"]
    assert (baseline["resolution_number"], baseline["decided_on"]) == ("SR/0999/26", "2026-09-01")
    assert Decimal(baseline["one_off_cost"]) == Decimal("222000.00")
    assert baseline["deviations"] == []
    assert client.get(f"{API}/measures/{m01}", headers=lead).json()["state"] == "umsetzung"


def test_a_title_change_is_an_abweichung_never_refused(client: TestClient, demo: Runtime) -> None:
    m01, lead = _m01(demo), login(client, "ag.leitung")
    renamed = _edit(client, m01, lead, title="E-Akte für alle Ämter")
    assert renamed.status_code == 200, renamed.text
    assert [d["field"] for d in renamed.json()["baseline"]["deviations"]] == ["title"]


def test_the_thresholds_are_the_smaller_of_share_and_amount_and_configurable() -> None:
    default = Thresholds.of(BodySettings())
    assert default.allowed_increase(Decimal(100_000)) == Decimal(10_000)
    assert default.allowed_increase(Decimal(1_000_000)) == Decimal(25_000)
    own = Thresholds.of(BodySettings(baseline_cost_percent=5, baseline_cost_absolute=1000))
    assert own.allowed_increase(Decimal(100_000)) == Decimal(1000)
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)

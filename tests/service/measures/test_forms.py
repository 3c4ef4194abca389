"""What the forms of a measure prevent, decided in the service for every door: a Kennung
given twice, a draft that is public without being asked, a change of the Angaben over a
stale version. Demo at 01.09.2026 (M-01 ... M-09 in one Arbeitspapier)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.auth.service import actor_for
from service.measures import service as measures
from service.runtime import Runtime
from tests import factories
from tests.service.browser import browser
from tests.service.measures.conftest import API, token
from workflow.errors import InvalidData


def _programme(runtime: Runtime) -> int:
    with runtime.read() as connection:
        return int(measures.get_measure(connection, 1).programme_id)


def test_second_measure_m01_accepted(demo: Runtime) -> None:
    """Regression: a second "M-01" was accepted in another Arbeitspapier and as "m-01"."""
    other = factories.programme(demo, title="Arbeitspapier Eigenbetriebe")
    for programme, code in ((other, "M-01"), (_programme(demo), "m-01")):
        with pytest.raises(InvalidData) as refused, demo.write() as connection:
            lead = actor_for(connection, "ag.leitung")
            measures.new_measure(
                demo, connection, lead, programme_id=programme, code=code, title="Zweite"
            )
        assert [(p.field, p.message) for p in refused.value.problems] == [
            (
                "code",
                f"„{code}“ ist schon an die Maßnahme M-01 vergeben; die nächste freie Kennung "
                "ist M-10.",
            )
        ]


def test_the_new_measure_form_proposes_the_next_free_kennung(demo: Runtime) -> None:
    with demo.read() as connection:
        lead = actor_for(connection, "ag.leitung")
        code, needed = measures.new_form(demo, connection, lead)
    assert code == "M-10"
    # The Aufwand-Nutzen-Analyse is what the step to the FVA will ask for.
    assert set(needed) == {"kosten_einmalig", "kosten_laufend", "nutzen"}


def test_drafts_appear_on_the_public_pages(demo: Runtime, api: TestClient) -> None:
    """Regression: a new measure was public unless the author said no, in the API too."""
    created = api.post(
        f"{API}/measures",
        json={"programme_id": _programme(demo), "code": "M-10", "title": "Entwurf"},
        headers=token(api, "ag.leitung"),
    )
    assert created.status_code == 201, created.text
    draft = created.json()["id"]
    assert created.json()["public"] is False
    anonymous = browser(demo)
    assert "M-10" not in anonymous.get("/oeffentlich").text
    assert anonymous.get(f"/oeffentlich/massnahmen/{draft}").status_code == 404
    assert api.get(f"{API}/measures/{draft}").status_code == 404

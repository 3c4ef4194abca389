"""The seed, faithfully (issue 14, point 11): what the Vorlage VII/0680/24 says is what the
demo holds."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from service.committees import service as committees
from service.people.service import find_person
from service.runtime import Runtime
from tests.service.council_support import API, committee_id, login


@pytest.fixture
def on_demo_city() -> bool:
    return True


def test_dezernent_i_is_an_ag_member_from_august_2023(demo: Runtime) -> None:
    """ "… und der Dezernent I (seit August 2023)": not a member when the AG was founded."""
    ag = committee_id(demo, "ag-digitalisierung")
    with demo.read() as c:
        dezernent = find_person(c, demo.body_id, "Frank", "Richter")
        before = committees.voting_member_ids(c, ag, date(2023, 7, 31))
        after = committees.voting_member_ids(c, ag, date(2023, 8, 1))
    assert dezernent not in before and dezernent in after
    assert len(before) == 7 and len(after) == 8


def test_the_zustaendigkeit_is_kept_as_text_and_as_a_reference(
    client: TestClient, demo: Runtime
) -> None:
    office = login(client, "sitzungsdienst")
    papers = client.get(f"{API}/papers", params={"reference": "VII/0680/24"}, headers=office)
    seed = client.get(f"{API}/papers/{papers.json()['items'][0]['id']}", headers=office).json()
    assert seed["competence"] == "§ 45 Abs. 1 KVG LSA"
    assert seed["competence_reference"] == {"law": "KVG LSA", "paragraph": "45", "section": "1"}

    from_text = client.post(
        f"{API}/papers",
        json={"reference": "VII/0901/26", "title": "A", "competence": "§ 44 Abs. 3 KVG LSA"},
        headers=office,
    ).json()
    assert from_text["competence_reference"] == {
        "law": "KVG LSA",
        "paragraph": "44",
        "section": "3",
    }
    from_reference = client.post(
        f"{API}/papers",
        json={
            "reference": "VII/0902/26",
            "title": "B",
            "competence_reference": {"law": "KVG LSA", "paragraph": "45", "section": "2"},
        },
        headers=office,
    ).json()
    assert from_reference["competence"] == "§ 45 Abs. 2 KVG LSA"

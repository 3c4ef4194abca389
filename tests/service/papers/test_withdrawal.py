"""A paper withdrawn (``zurueckziehen``) leaves no step of its Beratungsfolge open.

Defect of a review: after the withdrawal its open steps still showed „offen“ on the pages
and in the API, as if a committee were still to treat it. They are dropped („entfallen“), in
the transaction of the withdrawal, whichever door withdrew it; what was voted stays.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.browser import post_form, signed_in
from tests.service.council_support import API, login
from tests.service.papers.support import paper_as_office, paper_in_fva, version_of, vote_in_fva

REASON = "Der Antrag hat sich durch den Landeszuschuss erledigt."


def test_a_withdrawn_paper_s_open_consultations_show_entfallen(
    client: TestClient, demo: Runtime
) -> None:
    paper = paper_in_fva(client, demo)
    vote_in_fva(client, demo, paper)
    withdrawn = client.post(
        f"{API}/papers/{paper.id}/transitions",
        json={
            "event": "zurueckziehen",
            "version": version_of(demo, "paper", paper.id),
            "comment": REASON,
        },
        headers=login(client, "ag.leitung"),
    )
    assert withdrawn.status_code == 200, withdrawn.text

    shown = paper_as_office(client, paper.id)
    assert shown["state"] == "zurueckgezogen"
    # The FVA's vote stands; the Stadtrat will not treat the paper any more.
    assert [c["result"] for c in shown["consultations"]] == ["angenommen", "entfallen"]
    assert [c["closed_by"] for c in shown["consultations"]] == [None, "zurueckziehen"]
    public = client.get(f"{API}/papers/{paper.id}").json()
    assert [c["result"] for c in public["consultations"]] == ["angenommen", "entfallen"]
    for page in (
        signed_in(demo, "sitzungsdienst").get(f"/vorlagen/{paper.id}").text,
        client.get(f"/oeffentlich/vorlagen/{paper.id}").text,
    ):
        assert "<td>entfallen (Vorlage zurückgezogen)</td>" in page
        assert "<td>offen</td>" not in page


def test_a_paper_withdrawn_on_its_page_leaves_no_step_open(
    client: TestClient, demo: Runtime
) -> None:
    paper = paper_in_fva(client, demo)
    web = signed_in(demo, "ag.leitung")
    page = f"/vorlagen/{paper.id}"
    step = {
        "ereignis": "zurueckziehen",
        "version": str(version_of(demo, "paper", paper.id)),
        "kommentar": REASON,
    }
    asked = post_form(web, page, f"{page}/schritte", step)
    assert asked.status_code == 200, asked.text
    confirmed = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', asked.text))
    confirmed.pop("csrf_token")
    done = post_form(web, page, f"{page}/schritte", confirmed)
    assert done.status_code == 303, done.text

    steps = paper_as_office(client, paper.id)["consultations"]
    assert [(s["role"], s["result"]) for s in steps] == [
        ("vorberatung", "entfallen"),
        ("entscheidung", "entfallen"),
    ]
    assert web.get(page).text.count("<td>entfallen (Vorlage zurückgezogen)</td>") == 2

"""The API and the web forms give the same verdict, because the council's rules live in its
services: a vote-only decision (paper and measure), the role, a stale version, a unique
Drucksachennummer, control characters, a blocked cascade, and public or non-public papers
and meetings. A refused request changes nothing at either door (states, versions, history,
the audit events of changes, votes), and a refused form shows itself again with the German
message and what was typed. A read of non-public content leaves one access event per
request, at either door; a public one leaves none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests import factories as make
from tests.service.browser import browser, post_form, signed_in
from tests.service.council_support import API, actor, committee_id, login
from tests.service.papers.support import (
    paper_in_fva,
    paper_on_agenda,
    reads,
    trace,
    version_of,
    vote_in_fva,
)

Send = Callable[[], httpx.Response]


@dataclass
class Doors:
    """One user at both doors: an API token and a signed-in browser (or neither)."""

    runtime: Runtime
    api: TestClient
    username: str | None

    def __post_init__(self) -> None:
        self.headers = login(self.api, self.username) if self.username else {}
        self.web = (
            signed_in(self.runtime, self.username) if self.username else browser(self.runtime)
        )

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return self.api.request(method, f"{API}{path}", json=body, headers=self.headers)

    def form(self, page: str, action: str, form: dict[str, str]) -> httpx.Response:
        return post_form(self.web, page, action, form)


@pytest.fixture
def doors(client: TestClient, demo: Runtime) -> Iterator[Callable[[str | None], Doors]]:
    opened: list[Doors] = []

    def open_doors(username: str | None) -> Doors:
        opened.append(Doors(demo, client, username))
        return opened[-1]

    yield open_doors
    for d in opened:
        d.web.close()


def verdict(response: httpx.Response) -> int | str:
    """2xx from the API and 303 (on to the next page) from a form both mean: done."""
    if 200 <= response.status_code < 300 or response.status_code == 303:
        return "erledigt"
    return response.status_code


def refused_alike(
    runtime: Runtime, status: int, paper_id: int, measure_ids: list[int], *sends: Send
) -> list[httpx.Response]:
    """Each door refuses with ``status`` and leaves everything as it was."""
    answers = []
    for send in sends:
        before = trace(runtime, paper_id, measure_ids)
        answer = send()
        assert verdict(answer) == status, answer.text[-1500:]
        assert trace(runtime, paper_id, measure_ids) == before
        answers.append(answer)
    return answers


def shown_again(page: httpx.Response, *texts: str) -> None:
    """A refused form: the page again, with the German message and what was typed."""
    assert page.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in page.text
    for text in texts:
        assert text in page.text, text


# --- vote-only decisions -------------------------------------------------------------------


def test_a_decision_by_hand_is_refused_alike_and_offered_nowhere(
    doors: Callable[[str | None], Doors], demo: Runtime
) -> None:
    office = doors("sitzungsdienst")
    paper = paper_in_fva(office.api, demo)
    decision = {"abstimmungsergebnis": "angenommen"}

    by_api, by_form = refused_alike(
        demo,
        409,
        paper.id,
        [paper.measure_id],
        lambda: office.call(
            "POST",
            f"/papers/{paper.id}/transitions",
            {
                "event": "empfehlen",
                "version": version_of(demo, "paper", paper.id),
                "data": decision,
            },
        ),
        lambda: office.form(
            f"/vorlagen/{paper.id}",
            f"/vorlagen/{paper.id}/schritte",
            {
                "ereignis": "empfehlen",
                "version": str(version_of(demo, "paper", paper.id)),
                "feld_abstimmungsergebnis": "angenommen",
                "kommentar": "Von Hand beschlossen",
            },
        ),
    )
    assert "erfassten Abstimmung" in by_api.json()["detail"]
    shown_again(by_form, "erfassten Abstimmung")  # no form of its own to keep the typing in
    offered = [
        t["event"] for t in office.call("GET", f"/papers/{paper.id}").json()["allowed_transitions"]
    ]
    page = office.web.get(f"/vorlagen/{paper.id}").text
    assert offered == ["vertagen", "zurueckverweisen"]
    assert 'name="ereignis" value="empfehlen"' not in page
    assert all(f'name="ereignis" value="{event}"' in page for event in offered)


def test_a_carried_measures_decision_by_hand_is_refused_alike(
    doors: Callable[[str | None], Doors], demo: Runtime
) -> None:
    office = doors("sitzungsdienst")
    paper = paper_in_fva(office.api, demo)
    vote_in_fva(office.api, demo, paper)
    measure = paper.measure_id

    refused_alike(
        demo,
        409,
        paper.id,
        [measure],
        lambda: office.call(
            "POST",
            f"/measures/{measure}/transitions",
            {
                "event": "beschliessen",
                "version": version_of(demo, "measure", measure),
                "data": {"abstimmungsergebnis": "angenommen"},
            },
        ),
        lambda: office.form(
            f"/massnahmen/{measure}",
            f"/massnahmen/{measure}/schritte",
            {
                "ereignis": "beschliessen",
                "version": str(version_of(demo, "measure", measure)),
                "feld_abstimmungsergebnis": "angenommen",
            },
        ),
    )
    assert (
        'name="ereignis" value="beschliessen"' not in office.web.get(f"/massnahmen/{measure}").text
    )


# --- roles, versions, uniqueness, texts, cascades ----------------------------------------------


def test_a_vote_by_a_role_that_may_not_record_one_is_refused_alike(
    doors: Callable[[str | None], Doors], demo: Runtime
) -> None:
    lead = doors("ag.leitung")
    agenda = paper_on_agenda(lead.api, demo)
    paper = agenda.paper
    meeting = f"/sitzungen/{agenda.meeting_id}"

    _, by_form = refused_alike(
        demo,
        403,
        paper.id,
        [paper.measure_id],
        lambda: lead.call(
            "POST",
            f"/papers/{paper.id}/votes",
            {
                "consultation_id": paper.fva_step,
                "held_on": "2026-08-26",
                "version": version_of(demo, "paper", paper.id),
                "unanimous": True,
            },
        ),
        lambda: lead.form(
            meeting,
            f"{meeting}/abstimmung",
            {"top": str(agenda.item_id), "art": "einstimmig", "beschlussnummer": "FVA/9/26"},
        ),
    )
    shown_again(by_form, "Abstimmungen erfassen dürfen nur diese Rollen")


def test_a_paper_created_by_a_role_that_may_not_is_refused_alike(
    doors: Callable[[str | None], Doors], demo: Runtime
) -> None:
    treasury = doors("kaemmerei")
    paper_id = make.paper(demo)
    body = {"reference": "VII/0900/26", "title": "Haushaltssatzung"}

    refused_alike(
        demo,
        403,
        paper_id,
        [],
        lambda: treasury.call("POST", "/papers", body),
        lambda: treasury.form("/vorlagen", "/vorlagen/neu", {**body, "public": "ja"}),
    )


def test_a_step_on_a_stale_version_is_refused_alike_and_keeps_what_was_typed(
    doors: Callable[[str | None], Doors], demo: Runtime
) -> None:
    lead = doors("ag.leitung")
    paper = paper_in_fva(lead.api, demo)
    stale = version_of(demo, "paper", paper.id) - 1
    comment = "Wird durch VII/0712/26 ersetzt."

    _, by_form = refused_alike(
        demo,
        409,
        paper.id,
        [paper.measure_id],
        lambda: lead.call(
            "POST",
            f"/papers/{paper.id}/transitions",
            {"event": "zurueckziehen", "version": stale, "comment": comment},
        ),
        lambda: lead.form(
            f"/vorlagen/{paper.id}",
            f"/vorlagen/{paper.id}/schritte",
            {
                "ereignis": "zurueckziehen",
                "version": str(stale),
                "kommentar": comment,
                "bestaetigt": "ja",
            },
        ),
    )
    shown_again(by_form, "Inzwischen hat jemand anderes", comment)


def test_a_taken_drucksachennummer_and_control_characters_are_refused_alike(
    doors: Callable[[str | None], Doors], demo: Runtime
) -> None:
    office = doors("sitzungsdienst")
    paper_id = make.paper(demo, reference="VII/0800/26")

    for status, body, shown in (
        (409, {"reference": "VII/0800/26", "title": "Doppelt"}, "bereits vergeben"),
        (422, {"reference": "VII/0801/26", "title": "Klingel\x07zeichen"}, "Steuerzeichen"),
        (422, {"reference": "VII/0802/26", "title": "Null\x00zeichen"}, "Steuerzeichen"),
        (
            422,
            {"reference": "VII/0803/26", "title": "A", "reasoning": "Seite\x0c2"},
            "Steuerzeichen",
        ),
    ):
        _, by_form = refused_alike(
            demo,
            status,
            paper_id,
            [],
            lambda body=body: office.call("POST", "/papers", body),
            lambda body=body: office.form(
                "/vorlagen/neu", "/vorlagen/neu", {**body, "public": "ja"}
            ),
        )
        shown_again(by_form, shown, f'value="{body["reference"]}"')

    # Tab and line breaks belong in a multi-line text: accepted at both doors alike.
    texts = {"title": "Mehrzeilig", "reasoning": "Erstens:\r\n\tZweitens."}
    assert (
        verdict(office.call("POST", "/papers", {"reference": "VII/0804/26", **texts})) == "erledigt"
    )
    created = office.form("/vorlagen/neu", "/vorlagen/neu", {"reference": "VII/0805/26", **texts})
    assert verdict(created) == "erledigt"


def test_a_taken_drucksachennummer_padded_with_a_space_passed_the_api(
    doors: Callable[[str | None], Doors], demo: Runtime
) -> None:
    """Regression: the API stored "VII/0800/26 " beside VII/0800/26 (201) while the form
    /vorlagen/neu refused it (409); only the form trimmed. Now the service trims the
    Drucksachennummer for every door and refuses a taken one alike."""
    office = doors("sitzungsdienst")
    paper_id = make.paper(demo, reference="VII/0800/26")
    said = "Die Drucksachennummer „VII/0800/26“ ist bereits vergeben."

    for reference in ("VII/0800/26 ", " VII/0800/26", "\u00a0VII/0800/26"):
        body = {"reference": reference, "title": "Doppelt"}
        by_api, by_form = refused_alike(
            demo,
            409,
            paper_id,
            [],
            lambda body=body: office.call("POST", "/papers", body),
            lambda body=body: office.form(
                "/vorlagen/neu", "/vorlagen/neu", {**body, "public": "ja"}
            ),
        )
        assert by_api.json()["detail"] == said, reference
        shown_again(by_form, said)

    created = office.call("POST", "/papers", {"reference": " VII/0806/26 ", "title": "Neu"})
    assert created.status_code == 201, created.text
    assert created.json()["reference"] == "VII/0806/26"


def test_a_step_whose_cascade_a_measure_blocks_is_refused_alike(
    doors: Callable[[str | None], Doors], demo: Runtime
) -> None:
    lead = doors("ag.leitung")
    draft = make.measure(demo, code=make.unique("D-"))  # still a draft: it cannot follow
    steps = [(committee_id(demo, "fva"), "vorberatung")]
    paper_id = make.paper(demo, consultations=steps, measure_ids=[draft])
    step = {"sitzung_am": "2026-08-26"}

    by_api, by_form = refused_alike(
        demo,
        409,
        paper_id,
        [draft],
        lambda: lead.call(
            "POST",
            f"/papers/{paper_id}/transitions",
            {"event": "in_vorberatung_geben", "version": 1, "data": step},
        ),
        lambda: lead.form(
            f"/vorlagen/{paper_id}",
            f"/vorlagen/{paper_id}/schritte",
            {"ereignis": "in_vorberatung_geben", "version": "1", "feld_sitzung_am": "2026-08-26"},
        ),
    )
    assert by_api.json()["type"] == "/probleme/massnahmen-blockieren"
    shown_again(by_form, "Es blockieren")


# --- public and non-public reads ---------------------------------------------------------


def test_a_non_public_paper_is_hidden_from_the_public_and_its_reads_are_logged_alike(
    doors: Callable[[str | None], Doors], demo: Runtime
) -> None:
    public = make.paper(demo)
    hidden = make.paper(demo, public=False, title="Personalangelegenheit")
    anonymous, staff = doors(None), doors("revision")
    revision = actor(demo, "revision").user_id

    for paper_id, status in ((hidden, 404), (public, 200)):
        assert anonymous.call("GET", f"/papers/{paper_id}").status_code == status
        assert anonymous.web.get(f"/oeffentlich/vorlagen/{paper_id}").status_code == status
    assert "Personalangelegenheit" not in anonymous.web.get("/oeffentlich").text

    before = reads(demo)
    assert staff.call("GET", f"/papers/{public}").status_code == 200
    assert staff.web.get(f"/vorlagen/{public}").status_code == 200
    assert reads(demo) == before  # a public paper's read leaves no access event

    assert staff.call("GET", f"/papers/{hidden}").json()["title"] == "Personalangelegenheit"
    assert reads(demo) == [*before, ("paper.read", hidden, revision)]
    assert "Personalangelegenheit" in staff.web.get(f"/vorlagen/{hidden}").text
    assert reads(demo) == [*before, *[("paper.read", hidden, revision)] * 2]


def test_a_non_public_meeting_is_hidden_from_the_public_and_its_reads_are_logged_alike(
    doors: Callable[[str | None], Doors], demo: Runtime
) -> None:
    office, anonymous = doors("sitzungsdienst"), doors(None)
    # A council body of council members only: the FVA's page would show the OB (staff).
    council = make.committee(demo, members=3)
    internal, public = (
        office.call(
            "POST",
            "/meetings",
            {"committee_id": committee, "starts_at": "2026-09-30T15:00:00+02:00"},
        ).json()["id"]
        for committee in (committee_id(demo, "ag-digitalisierung"), council)
    )
    user = actor(demo, "sitzungsdienst").user_id

    assert anonymous.call("GET", f"/meetings/{internal}").status_code == 404
    assert anonymous.call("GET", f"/meetings/{public}").status_code == 200
    before = reads(demo)
    assert office.call("GET", f"/meetings/{public}").status_code == 200
    assert office.web.get(f"/sitzungen/{public}").status_code == 200
    assert reads(demo) == before

    assert office.call("GET", f"/meetings/{internal}").status_code == 200
    assert office.web.get(f"/sitzungen/{internal}").status_code == 200
    assert reads(demo) == [*before, *[("meeting.read", internal, user)] * 2]

    # A council body's meeting with a non-public part: its reads by staff are logged too.
    office.call(
        "POST",
        f"/meetings/{public}/agenda-items",
        {"number": "N 1", "title": "Grundstücksangelegenheit", "public": False},
    )
    before = reads(demo)
    assert "Grundstücksangelegenheit" not in anonymous.call("GET", f"/meetings/{public}").text
    assert reads(demo) == before
    assert "Grundstücksangelegenheit" in office.call("GET", f"/meetings/{public}").text
    assert "Grundstücksangelegenheit" in office.web.get(f"/sitzungen/{public}").text
    assert reads(demo) == [*before, *[("meeting.read", public, user)] * 2]

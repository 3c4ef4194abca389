"""A council member reads the papers of the committees she sits in, their non-public parts
included, the Beschlusskontrolle and the Sachstandsberichte; each read of non-public content
is an access event in her name. A paper of a committee she does not sit in (or no longer
sits in) is, when non-public, not found for her, exactly as for the public."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from service.actor import SYSTEM
from service.attachments.service import attach
from service.committees import service as committees
from service.deadlines.service import read_deadlines
from service.measures.models import Measure
from service.measures.service import list_measures
from service.obligations.service import insert_obligation
from service.papers.service import fire as fire_paper
from service.reports.issuing import issue_report
from service.reports.service import read_sachstand
from service.runtime import Runtime
from tests import factories as make
from tests.service.council_members.support import (
    COUNCIL_MEMBER,
    SECRET,
    council_member,
    paper_in,
    voted_paper_in_fva,
)
from tests.service.council_support import API, actor, login
from tests.service.reads import Access, accesses, reads

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _new_accesses(runtime: Runtime, before: list[Access]) -> list[Access]:
    return accesses(runtime)[len(before) :]


def test_a_non_public_paper_of_her_committee_is_hers_to_read_and_the_read_is_logged(
    client: TestClient, demo: Runtime
) -> None:
    me = council_member(demo)
    headers = login(client, COUNCIL_MEMBER)
    for slug in ("fva", "stadtrat"):
        paper_id = paper_in(demo, slug)
        before = accesses(demo)
        response = client.get(f"{API}/papers/{paper_id}", headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["title"] == SECRET
        assert _new_accesses(demo, before) == [Access("paper.read", paper_id, me.user_id)]


def test_a_non_public_paper_of_a_committee_she_does_not_sit_in_is_not_found_for_her(
    client: TestClient, demo: Runtime
) -> None:
    paper_id = paper_in(demo, "ag-digitalisierung")
    headers = login(client, COUNCIL_MEMBER)
    before = accesses(demo)
    for tail in ("", "/history", "/obligations", "/attachments"):
        response = client.get(f"{API}/papers/{paper_id}{tail}", headers=headers)
        assert response.status_code == 404, (tail, response.text)
        assert SECRET not in response.text
    listed = client.get(f"{API}/papers", params={"limit": 200}, headers=headers).json()
    assert paper_id not in {p["id"] for p in listed["items"]}
    assert _new_accesses(demo, before) == []


def test_a_public_paper_of_another_committee_she_reads_like_anyone_without_a_log(
    client: TestClient, demo: Runtime
) -> None:
    paper_id = paper_in(demo, "ag-digitalisierung", public=True)
    before = accesses(demo)
    response = client.get(f"{API}/papers/{paper_id}", headers=login(client, COUNCIL_MEMBER))
    assert response.status_code == 200
    assert _new_accesses(demo, before) == []


def test_a_paper_of_a_committee_she_has_left_is_hidden_from_her_again(
    client: TestClient, demo: Runtime
) -> None:
    me = council_member(demo)
    with demo.write() as c:
        former = make.committee(demo, c, members=0, kind="ausschuss")
        committees.insert_membership(
            demo,
            c,
            SYSTEM,
            person_id=me.person_id,
            committee_id=former,
            valid_from=date(2024, 7, 1),
            valid_until=date(2026, 8, 31),  # the day before the demo's today
        )
        paper_id = make.paper(demo, c, public=False, consultations=[(former, "vorberatung")])
    response = client.get(f"{API}/papers/{paper_id}", headers=login(client, COUNCIL_MEMBER))
    assert response.status_code == 404


def test_the_paper_list_names_her_committees_non_public_papers_and_is_logged(
    client: TestClient, demo: Runtime
) -> None:
    me = council_member(demo)
    mine, other = paper_in(demo, "fva"), paper_in(demo, "ag-digitalisierung")
    before = accesses(demo)
    listed = client.get(
        f"{API}/papers", params={"limit": 200}, headers=login(client, COUNCIL_MEMBER)
    ).json()
    ids = {p["id"] for p in listed["items"]}
    assert mine in ids and other not in ids
    assert _new_accesses(demo, before) == [Access("paper.read", None, me.user_id)]


def test_she_sees_the_non_public_vote_and_the_non_public_measures_of_her_committees_paper(
    client: TestClient, demo: Runtime
) -> None:
    headers = login(client, COUNCIL_MEMBER)
    voted = voted_paper_in_fva(demo)
    paper = client.get(f"{API}/papers/{voted}", headers=headers).json()
    assert [v["public"] for v in paper["votes"]] == [False]

    with demo.read() as c:
        m06 = next(m.id for m in list_measures(c) if m.code == "M-06")  # not public
    carrying = paper_in(demo, "fva", measure_ids=[m06])
    paper = client.get(f"{API}/papers/{carrying}", headers=headers).json()
    assert [m["code"] for m in paper["measures"]] == ["M-06"]
    # The measure itself is not hers to open: its page is the administration's.
    assert client.get(f"{API}/measures/{m06}", headers=headers).status_code == 404


def test_the_duties_and_anlagen_of_her_committees_paper_are_hers_and_logged(
    client: TestClient, demo: Runtime
) -> None:
    me = council_member(demo)
    paper_id = paper_in(demo, "fva")
    with demo.write() as c:
        insert_obligation(
            demo,
            c,
            SYSTEM,
            paper_id=paper_id,
            title="Halbjährliche Information des FVA",
            description=None,
            responsible_role="ag_leitung",
            due_on=date(2026, 12, 31),
            every_months=6,
        )
        file_id = attach(
            demo, c, SYSTEM, "paper", paper_id, filename="Lageplan.pdf", content=PDF
        ).id
    headers = login(client, COUNCIL_MEMBER)
    before = accesses(demo)
    duties = client.get(f"{API}/papers/{paper_id}/obligations", headers=headers)
    assert [d["title"] for d in duties.json()] == ["Halbjährliche Information des FVA"]
    listed = client.get(f"{API}/papers/{paper_id}/attachments", headers=headers)
    assert [a["filename"] for a in listed.json()] == ["Lageplan.pdf"]
    download = client.get(f"{API}/papers/{paper_id}/attachments/{file_id}", headers=headers)
    assert download.content == PDF
    assert _new_accesses(demo, before) == [
        Access("paper.read", paper_id, me.user_id),
        Access("paper.read", paper_id, me.user_id),
        Access("attachment.read", file_id, me.user_id),
    ]


def test_her_beschlusskontrolle_shows_the_deadlines_of_her_committees_papers_only(
    demo: Runtime,
) -> None:
    def sent(slug: str) -> int:
        paper_id = paper_in(demo, slug)
        with demo.write() as c:
            fire_paper(
                demo,
                c,
                actor(demo, "ag.leitung"),
                paper_id,
                "in_vorberatung_geben",
                data={"sitzung_am": date(2026, 9, 16)},
            )
        return paper_id

    mine, other = sent("fva"), sent("ag-digitalisierung")
    me = council_member(demo)
    data = read_deadlines(demo, me, person_id=None, programme_id=None, overdue_only=False)
    shown = {d.row.paper_id for d in data.papers}
    assert mine in shown and other not in shown
    staff = read_deadlines(
        demo, actor(demo, "dezernent"), person_id=None, programme_id=None, overdue_only=False
    )
    assert {mine, other} <= {d.row.paper_id for d in staff.papers}
    assert me.user_id in {r.actor_id for r in reads(demo, "deadline.read")}


def test_she_reads_the_internal_sachstandsbericht_and_the_read_is_logged(demo: Runtime) -> None:
    me = council_member(demo)
    report = read_sachstand(demo, me, "2026-H1")
    assert "M-06" in {m.code for p in report.programmes for m in p.measures}
    [read] = [r for r in reads(demo, "status_report.read") if r.actor_id == me.user_id]
    assert read.persons  # the responsible persons it shows are named in the event


def test_she_reads_an_issued_internal_report_and_the_read_is_logged(
    client: TestClient, demo: Runtime
) -> None:
    me = council_member(demo)
    with demo.write() as c:
        issued_id = issue_report(demo, c, SYSTEM, "2026-H1")
    headers = login(client, COUNCIL_MEMBER)
    listed = client.get(f"{API}/reports/issued", headers=headers).json()
    assert issued_id in {r["id"] for r in listed}
    before = accesses(demo)
    response = client.get(f"{API}/reports/issued/{issued_id}/file", headers=headers)
    assert response.status_code == 200, response.text
    assert _new_accesses(demo, before) == [Access("issued_report.read", issued_id, me.user_id)]


def test_showing_her_who_is_responsible_for_a_public_measure_is_logged(demo: Runtime) -> None:
    """Staff names are for staff: a Beschlusskontrolle of public measures alone, unlogged for
    staff, names persons to her, and the read names them."""
    me = council_member(demo)
    programme = next(
        d.row.programme_id
        for d in read_deadlines(
            demo, me, person_id=None, programme_id=None, overdue_only=False
        ).measures
        if d.row.public and d.responsible
    )
    with demo.write() as c:  # only public measures in this programme's deadlines
        c.execute(
            Measure.__table__.update()  # type: ignore[attr-defined]
            .where(Measure.__table__.c.programme_id == programme)  # type: ignore[attr-defined]
            .values(public=True)
        )
    before = len(reads(demo, "deadline.read"))
    data = read_deadlines(demo, me, person_id=None, programme_id=programme, overdue_only=False)
    shown = {d.row.responsible_person_id for d in data.measures if d.responsible}
    assert shown
    [read] = reads(demo, "deadline.read")[before:]
    assert read.actor_id == me.user_id
    assert read.persons == shown
    read_deadlines(
        demo, actor(demo, "dezernent"), person_id=None, programme_id=programme, overdue_only=False
    )
    assert len(reads(demo, "deadline.read")) == before + 1  # staff: nothing non-public shown

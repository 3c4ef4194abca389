"""Vorlage and Sitzung pages: the Sitzungsdienst's day, on the demo city (both backends).

One paper goes the whole way through forms only: created by the AG lead, carrying M-09,
planned by the Sitzungsdienst, stopped by the missing DSB statement, voted in the FVA
(first without quorum) and decided unanimously by the Stadtrat.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from service.auth.service import actor_for
from service.measures import service as measures
from service.papers import service as papers
from service.runtime import Runtime
from tests.service.browser import post_form, signed_in


def _measure_id(runtime: Runtime, code: str) -> int:
    with runtime.read() as connection:
        return next(m.id for m in measures.list_measures(connection) if m.code == code)


def _state(runtime: Runtime, kind: str, item_id: int) -> str:
    with runtime.read() as connection:
        row = (
            measures.get_measure(connection, item_id)
            if kind == "m"
            else papers.get_paper(connection, item_id)
        )
    return str(row.state)


def _created_id(response: object, prefix: str) -> int:
    location = response.headers["location"]  # type: ignore[attr-defined]
    match = re.match(rf"{prefix}/(\d+)", location)
    assert match, location
    return int(match.group(1))


def _new_meeting(client: TestClient, committee: str, day: str) -> int:
    page = client.get("/sitzungen").text
    committee_id = re.search(rf'<option value="(\d+)">{re.escape(committee)}</option>', page)
    assert committee_id, committee
    response = post_form(
        client,
        "/sitzungen",
        "/sitzungen/neu",
        {"gremium": committee_id.group(1), "datum": day, "uhrzeit": "17:00", "ort": "Ratssaal"},
    )
    assert response.status_code == 303, response.text
    return _created_id(response, "/sitzungen")


def _committee_id(client: TestClient, paper_id: int, name: str) -> str:
    page = client.get(f"/vorlagen/{paper_id}").text
    found = re.search(rf'<option value="(\d+)">{re.escape(name)}</option>', page)
    assert found, name
    return found.group(1)


def test_a_paper_goes_through_fva_and_stadtrat_by_forms_alone(demo: Runtime) -> None:
    m09 = _measure_id(demo, "M-09")
    with demo.write() as connection:
        member = actor_for(connection, "ag.mitglied")
        row = measures.get_measure(connection, m09)
        costs = {"fields": {**row.fields, "kosten_einmalig": "12000", "kosten_laufend": "900"}}
        measures.update_measure(demo, connection, member, m09, costs, version=row.version)
        measures.fire(demo, connection, member, m09, "einreichen")
    lead = signed_in(demo, "ag.leitung")
    office = signed_in(demo, "sitzungsdienst")

    missing = post_form(
        lead, "/vorlagen/neu", "/vorlagen/neu", {"reference": "VII/0712/26", "title": " "}
    )
    assert missing.status_code == 422
    assert "Bitte einen Titel angeben." in missing.text
    assert 'value="VII/0712/26"' in missing.text
    created = post_form(
        lead,
        "/vorlagen/neu",
        "/vorlagen/neu",
        {"reference": "VII/0712/26", "title": "Bürgerterminvergabe online", "public": "ja"},
    )
    assert created.status_code == 303
    paper_id = _created_id(created, "/vorlagen")
    taken = post_form(
        lead, "/vorlagen/neu", "/vorlagen/neu", {"reference": "VII/0712/26", "title": "Doppelt"}
    )
    assert taken.status_code == 409
    assert "bereits vergeben" in taken.text
    assert 'value="Doppelt"' in taken.text

    page_url = f"/vorlagen/{paper_id}"
    carried = post_form(lead, page_url, f"{page_url}/massnahmen", {"massnahme": str(m09)})
    assert carried.status_code == 303
    assert "M-09" in lead.get(page_url).text

    fva = _new_meeting(office, "Finanz- und Verwaltungsausschuss", "2026-08-26")
    council = _new_meeting(office, "Stadtrat", "2026-08-31")
    for name, role, meeting in (
        ("Finanz- und Verwaltungsausschuss", "vorberatung", fva),
        ("Stadtrat", "entscheidung", council),
    ):
        planned = post_form(
            office,
            page_url,
            f"{page_url}/beratungsfolge",
            {
                "gremium": _committee_id(office, paper_id, name),
                "rolle": role,
                "sitzung": str(meeting),
            },
        )
        assert planned.status_code == 303, planned.text

    step = {"ereignis": "in_vorberatung_geben", "version": "1", "feld_sitzung_am": "2026-08-26"}
    blocked = post_form(lead, page_url, f"{page_url}/schritte", step)
    assert blocked.status_code == 409
    assert "Es blockieren" in blocked.text
    assert "M-09" in blocked.text and "Datenschutzbeauftragten fehlt" in blocked.text
    assert _state(demo, "p", paper_id) == "entwurf" and _state(demo, "m", m09) == "ag_pruefung"

    dsb = signed_in(demo, "datenschutz")
    given = post_form(
        dsb,
        f"/massnahmen/{m09}",
        f"/massnahmen/{m09}/stellungnahmen",
        {"art": "datenschutz", "ergebnis": "zustimmend", "datum": "2026-09-01", "text": "Passt."},
    )
    assert given.status_code == 303
    submitted = post_form(lead, page_url, f"{page_url}/schritte", step)
    assert submitted.status_code == 303, submitted.text.split('role="alert"')[1][:600]
    assert _state(demo, "m", m09) == "fva_beratung"

    # FVA: the agenda schedules the paper; five of eleven present are not a quorum.
    meeting_url = f"/sitzungen/{fva}"
    item = post_form(
        office,
        meeting_url,
        f"{meeting_url}/tagesordnung",
        {"nummer": "Ö 1", "vorlage": str(paper_id)},
    )
    assert item.status_code == 303
    page = office.get(meeting_url).text
    assert "VII/0712/26 Bürgerterminvergabe online" in page
    members = re.findall(r'name="status_(\d+)" value="anwesend"', page)
    assert len(members) == 11

    def attend(count: int) -> None:
        sheet = {
            f"status_{p}": "anwesend" if i < count else "entschuldigt"
            for i, p in enumerate(members)
        }
        assert (
            post_form(office, meeting_url, f"{meeting_url}/anwesenheit", sheet).status_code == 303
        )

    attend(5)
    top = re.search(r'name="top" value="(\d+)"', office.get(meeting_url).text)
    assert top
    vote = {
        "top": top.group(1),
        "art": "stimmen",
        "ja": "5",
        "nein": "0",
        "enthaltung": "0",
        "beschlussnummer": "FVA/0201/26",
        "version": "2",
    }
    refused = post_form(office, meeting_url, f"{meeting_url}/abstimmung", vote)
    assert refused.status_code == 422
    assert "Nicht beschlussfähig" in refused.text
    assert "anwesend: 5, erforderlich: mindestens 6" in refused.text
    assert 'value="FVA/0201/26"' in refused.text
    attend(9)
    recorded = post_form(
        office,
        meeting_url,
        f"{meeting_url}/abstimmung",
        {**vote, "ja": "9", "befangen_" + members[0]: "1"},
    )
    assert recorded.status_code == 422  # a befangen member cannot vote as well: 9 + 1 > 9
    recorded = post_form(office, meeting_url, f"{meeting_url}/abstimmung", {**vote, "ja": "9"})
    assert recorded.status_code == 303, recorded.text
    assert _state(demo, "p", paper_id) == "entscheidung"
    assert _state(demo, "m", m09) == "stadtrat_beschluss"

    # Stadtrat: einstimmig, without counts and without an attendance list.
    meeting_url = f"/sitzungen/{council}"
    post_form(
        office,
        meeting_url,
        f"{meeting_url}/tagesordnung",
        {"nummer": "Ö 4", "vorlage": str(paper_id)},
    )
    top = re.search(r'name="top" value="(\d+)"', office.get(meeting_url).text)
    assert top
    decided = post_form(
        office,
        meeting_url,
        f"{meeting_url}/abstimmung",
        {"top": top.group(1), "art": "einstimmig", "beschlussnummer": "SR/0733/26", "version": "3"},
    )
    assert decided.status_code == 303, decided.text
    assert _state(demo, "p", paper_id) == "beschlossen"
    assert _state(demo, "m", m09) == "haushaltsplanung"
    shown = lead.get(page_url).text
    assert "9 ja / 0 nein / 0 Enthaltung" in shown and "einstimmig, ohne Stimmenzahlen" in shown
    assert "SR/0733/26" in shown

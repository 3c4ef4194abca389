"""Steps that cannot be undone ask first, on a second page that works without JavaScript:
Zurückziehen, Stoppen, deleting an Anlage; a decided Vorlage or Maßnahme keeps its Anlagen,
and every deletion shows in the Verlauf of its item.

Demo at 01.09.2026: M-09 is a draft, M-02 is in Umsetzung (decided), VII/0680/24 was adopted
by the Stadtrat and carries the Arbeitspapier as its Anlage.
"""

from __future__ import annotations

import re

from service.actor import SYSTEM
from service.attachments.service import list_of, upload
from service.measures import service as measures
from service.papers.service import paper_by_reference
from service.runtime import Runtime
from tests.service.browser import post_form, signed_in

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _ids(runtime: Runtime) -> dict[str, int]:
    with runtime.read() as connection:
        return {row.code: row.id for row in measures.list_measures(connection)}


def _state(runtime: Runtime, measure_id: int) -> str:
    with runtime.read() as connection:
        return str(measures.get_measure(connection, measure_id).state)


def test_withdrawing_and_stopping_ask_before_they_act(demo: Runtime) -> None:
    ids = _ids(demo)
    for user, code, event, data, end in (
        ("ag.leitung", "M-09", "zurueckziehen", {}, "zurueckgezogen"),
        (
            "dezernent",
            "M-02",
            "stoppen",
            {"feld_grund": "Der Anbieter hat den Vertrieb eingestellt."},
            "gestoppt",
        ),
    ):
        client = signed_in(demo, user)
        url = f"/massnahmen/{ids[code]}"
        with demo.read() as connection:
            version = str(measures.get_measure(connection, ids[code]).version)
        step = {"ereignis": event, "version": version, "kommentar": "Nicht mehr nötig", **data}
        asked = post_form(client, url, f"{url}/schritte", step)
        assert asked.status_code == 200, code
        assert 'name="bestaetigt" value="ja"' in asked.text
        assert "Nicht mehr nötig" in asked.text  # what was typed travels on
        assert _state(demo, ids[code]) != end  # nothing happened yet
        carried = dict(
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', asked.text)
        )
        carried.pop("csrf_token")
        done = post_form(client, url, f"{url}/schritte", carried)
        assert done.status_code == 303, done.text
        assert _state(demo, ids[code]) == end


def test_deleting_an_anlage_asks_first_and_shows_in_the_verlauf(demo: Runtime) -> None:
    m09 = _ids(demo)["M-09"]
    row = upload(demo, SYSTEM, "measure", m09, "Angebot.pdf", PDF)
    client = signed_in(demo, "ag.leitung")
    url = f"/massnahmen/{m09}"
    action = f"{url}/anlagen/{row.id}/loeschen"
    asked = post_form(client, url, action, {})
    assert asked.status_code == 200
    assert "„Angebot.pdf“ wird endgültig gelöscht" in asked.text
    with demo.read() as connection:
        assert [a.id for a in list_of(connection, "measure", m09)] == [row.id]
    done = post_form(client, url, action, {"bestaetigt": "ja"})
    assert done.status_code == 303
    page = client.get(url).text
    verlauf = page.split('id="verlauf-titel"', 1)[1]
    assert "Anlage „Angebot.pdf“ gelöscht" in verlauf
    with demo.read() as connection:
        assert list_of(connection, "measure", m09) == []


def test_the_anlage_of_a_decided_vorlage_cannot_be_deleted_in_the_web(demo: Runtime) -> None:
    with demo.read() as connection:
        paper = paper_by_reference(connection, "VII/0680/24")
        [kept] = list_of(connection, "paper", paper.id)
    client = signed_in(demo, "sitzungsdienst")
    url = f"/vorlagen/{paper.id}"
    page = client.get(url).text
    assert f"/anlagen/{kept.id}/loeschen" not in page
    assert "ihre Anlagen bleiben als Grundlage der Entscheidung erhalten" in page
    refused = post_form(client, url, f"{url}/anlagen/{kept.id}/loeschen", {"bestaetigt": "ja"})
    assert refused.status_code == 409
    assert "Die Anlage wurde nicht gelöscht." in refused.text
    assert "Über die Vorlage VII/0680/24 ist abgestimmt worden" in refused.text
    with demo.read() as connection:
        assert [a.id for a in list_of(connection, "paper", paper.id)] == [kept.id]


def test_measure_attachment_deletable_after_decision(demo: Runtime) -> None:
    """Regression: the page of a decided measure offered its Anlagen for deletion and the
    form deleted them; from the Stadtrat's decision on they stay, as for a Vorlage."""
    m02 = _ids(demo)["M-02"]
    kept = upload(demo, SYSTEM, "measure", m02, "Angebot.pdf", PDF)
    client = signed_in(demo, "ag.leitung")
    url = f"/massnahmen/{m02}"
    page = client.get(url).text
    assert f"/anlagen/{kept.id}/loeschen" not in page
    assert "ihre Anlagen bleiben als Teil der Akte erhalten" in page
    refused = post_form(client, url, f"{url}/anlagen/{kept.id}/loeschen", {"bestaetigt": "ja"})
    assert refused.status_code == 409
    assert "Die Anlage wurde nicht gelöscht." in refused.text
    assert "„Angebot.pdf“ wurde nicht gelöscht" in refused.text
    with demo.read() as connection:
        assert [a.id for a in list_of(connection, "measure", m02)] == [kept.id]

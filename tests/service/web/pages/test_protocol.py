"""The Datenschutz room: the audit search with its purpose, the CSV export and the chain
check (demo city, both backends)."""

from __future__ import annotations

import csv
import html
import io
import re

import httpx

from service.audit.labels import ENTITY_LABELS
from service.audit.repository.search import page
from service.audit.search import Filters
from service.measures import service as measures
from service.runtime import Runtime
from tests.service.audit.test_labels import written_actions, written_kinds
from tests.service.browser import browser, csrf_of, post_form, signed_in
from tests.service.web.test_labels_not_codes import forbidden_tokens, offences, read

PURPOSE = "Auskunftsersuchen Az. 2026-17"


def _m01(runtime: Runtime) -> int:
    with runtime.read() as connection:
        return next(m.id for m in measures.list_measures(connection) if m.code == "M-01")


def _trail_queries(runtime: Runtime, action: str) -> list[tuple[str | None, dict[str, object]]]:
    with runtime.read() as connection:
        found = page(
            connection,
            runtime.chain_key,
            Filters(entity_type="audit_trail", action=action),
            None,
            100,
        )
    return [(e.comment, e.context) for e in found]


def test_the_dsb_searches_a_measure_with_a_purpose_and_the_query_is_in_the_trail(
    demo: Runtime,
) -> None:
    m01 = _m01(demo)
    dsb = signed_in(demo, "datenschutz")
    assert 'href="/protokoll"' in dsb.get("/").text  # the room is in the navigation
    answer = post_form(
        dsb,
        "/protokoll",
        "/protokoll",
        {"zweck": PURPOSE, "objektart": "measure", "nummer": str(m01)},
    )
    assert answer.status_code == 200
    table = answer.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "Maßnahme M-01" in table and "Maßnahme: angelegt" in table
    assert "Maßnahme" in table and "Uhr" in table  # local time, German format
    assert "Als CSV exportieren" in answer.text
    assert _trail_queries(demo, "audit.query") == [
        (PURPOSE, {"entity_type": "measure", "entity_id": m01})
    ]


def test_without_a_purpose_nothing_is_searched_and_nothing_logged(demo: Runtime) -> None:
    dsb = signed_in(demo, "datenschutz")
    answer = post_form(dsb, "/protokoll", "/protokoll", {"objektart": "measure", "nummer": "1"})
    assert answer.status_code == 422
    assert "Bitte geben Sie den Zweck der Abfrage an" in answer.text
    assert "<tbody>" not in answer.text and "Als CSV exportieren" not in answer.text
    blank = dsb.get("/protokoll")
    assert "<tbody>" not in blank.text and 'role="alert"' not in blank.text
    assert _trail_queries(demo, "audit.query") == []


def test_only_the_dsb_and_the_revision_open_the_room(demo: Runtime) -> None:
    admin = signed_in(demo, "admin")
    assert 'href="/protokoll"' not in admin.get("/").text
    refused = admin.get("/protokoll")
    assert refused.status_code == 403 and "Keine Berechtigung" in refused.text
    token = csrf_of(admin.get("/"))
    for action in ("/protokoll", "/protokoll/export.csv"):
        posted = admin.post(action, data={"zweck": PURPOSE, "csrf_token": token})
        assert posted.status_code == 403
    assert signed_in(demo, "revision").get("/protokoll").status_code == 200
    anonymous = browser(demo).get("/protokoll")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    assert _trail_queries(demo, "audit.query") == []


def test_the_csv_export_holds_the_measures_events_and_is_logged(demo: Runtime) -> None:
    m01 = _m01(demo)
    dsb = signed_in(demo, "datenschutz")
    query = {"zweck": "Prüfung M-01", "objektart": "measure", "nummer": str(m01)}
    answer = post_form(dsb, "/protokoll", "/protokoll/export.csv", query)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    # German Excel opens it in columns: UTF-8 with a BOM, ";" between the cells.
    assert answer.content.startswith("\ufeff".encode()) and '";"' in answer.text.splitlines()[0]
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff")), delimiter=";"))
    assert rows and {r["Objekt"] for r in rows} == {"Maßnahme M-01"}
    assert "Maßnahme: angelegt" in {r["Aktion"] for r in rows}
    assert _trail_queries(demo, "audit.export") == [
        ("Prüfung M-01", {"entity_type": "measure", "entity_id": m01, "format": "csv"})
    ]
    missing = post_form(dsb, "/protokoll", "/protokoll/export.csv", {"objektart": "measure"})
    assert missing.status_code == 422 and "Bitte geben Sie den Zweck" in missing.text
    assert len(_trail_queries(demo, "audit.export")) == 1


def test_the_next_page_link_continues_where_the_first_page_ended(demo: Runtime) -> None:
    dsb = signed_in(demo, "datenschutz")
    first = post_form(dsb, "/protokoll", "/protokoll", {"zweck": PURPOSE})
    assert "weitere Einträge" in first.text
    cursor = first.text.split('name="nach" value="', 1)[1].split('"', 1)[0]
    second = post_form(dsb, "/protokoll", "/protokoll", {"zweck": PURPOSE, "nach": cursor})
    assert second.status_code == 200
    seqs = [
        [int(cell.split("<td>", 1)[1].split("</td>", 1)[0]) for cell in p.split("<tr>")[2:]]
        for p in (first.text, second.text)
    ]
    assert len(seqs[0]) == 50 and seqs[1] and set(seqs[1]).isdisjoint(seqs[0])


def test_the_chain_check_reports_an_intact_chain(demo: Runtime) -> None:
    dsb = signed_in(demo, "datenschutz")
    checked = post_form(dsb, "/protokoll", "/protokoll/pruefen", {})
    assert checked.status_code == 200
    assert "Kette intakt" in checked.text and "bis Nr. " in checked.text
    assert "Kette verletzt" not in checked.text
    expired = dsb.post("/protokoll/pruefen", data={"csrf_token": "0" * 64})
    assert expired.status_code == 403


def test_a_bad_cursor_gets_the_same_422_as_in_the_api_and_searches_nothing(
    demo: Runtime,
) -> None:
    dsb = signed_in(demo, "datenschutz")
    answer = post_form(dsb, "/protokoll", "/protokoll", {"zweck": PURPOSE, "nach": "kaputt"})
    assert answer.status_code == 422
    assert "unbekannte Seite" in answer.text and "<tbody>" not in answer.text
    assert _trail_queries(demo, "audit.query") == []


def _table(answer: httpx.Response) -> str:
    return answer.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_the_dsb_finds_a_measure_by_its_kennung_and_a_paper_by_its_drucksachennummer(
    demo: Runtime,
) -> None:
    """Issue 15: "M-09" was refused with "Bitte eine ganze Zahl ab 1 angeben"."""
    dsb = signed_in(demo, "datenschutz")
    for typed, shown in (("M-09", "Maßnahme M-09"), ("VII/0680/24", "Vorlage VII/0680/24")):
        answer = post_form(dsb, "/protokoll", "/protokoll", {"zweck": PURPOSE, "nummer": typed})
        assert answer.status_code == 200, answer.text
        objects = re.findall(r"<td>((?:Maßnahme|Vorlage) [^<]*)</td>", _table(answer))
        assert objects and set(objects) == {shown}
    unknown = post_form(dsb, "/protokoll", "/protokoll", {"zweck": PURPOSE, "nummer": "M-99"})
    assert unknown.status_code == 422
    assert "Eine Maßnahme mit der Kennung „M-99“" in unknown.text
    assert len(_trail_queries(demo, "audit.query")) == 2


def test_the_person_is_picked_by_name_not_by_number(demo: Runtime) -> None:
    dsb = signed_in(demo, "datenschutz")
    form = dsb.get("/protokoll").text
    picker = form.split('<select id="p-person"', 1)[1].split("</select>", 1)[0]
    match = re.search(r'<option value="(\d+)">Thomas Behrendt \(Leiter Amt 21\)</option>', picker)
    assert match, picker[:500]
    actors = form.split('<select id="p-benutzer"', 1)[1].split("</select>", 1)[0]
    assert '<option value="ag.leitung">Thomas Behrendt</option>' in actors
    answer = post_form(dsb, "/protokoll", "/protokoll", {"zweck": PURPOSE, "person": match[1]})
    assert answer.status_code == 200 and "Person Thomas Behrendt" in _table(answer)


def test_the_results_read_labels_names_and_local_time_not_codes(demo: Runtime) -> None:
    """Issue 15: results showed ``state: entwurf → ag_pruefung``, ``measure.transition``, the
    login and the role code, and UTC timestamps."""
    dsb = signed_in(demo, "datenschutz")
    query = {"zweck": PURPOSE, "nummer": "M-01", "aktion": "measure.transition"}
    table = _table(post_form(dsb, "/protokoll", "/protokoll", query))
    assert "Zustand: Entwurf → Prüfung in der AG" in table
    assert "Schritt: Zur Prüfung in der AG einreichen" in table
    assert "Maßnahme: Schritt im Ablauf" in table and "Thomas Behrendt" in table
    assert "<td>AG-Leitung</td>" in table
    assert "fällig am: 18.12.2023, 10:00 Uhr" in table  # stored as 09:00 UTC
    text, _ = read(table)
    assert offences("/protokoll", text, forbidden_tokens()) == []
    for code in ("measure.transition", "ag_pruefung", "+00:00", "ag.leitung"):
        assert code not in text


def test_a_purpose_of_spaces_is_refused_with_a_message(demo: Runtime) -> None:
    dsb = signed_in(demo, "datenschutz")
    answer = post_form(dsb, "/protokoll", "/protokoll", {"zweck": "     ", "nummer": "M-01"})
    assert answer.status_code == 422
    assert (
        'role="alert"' in answer.text and "Bitte geben Sie den Zweck der Abfrage an" in answer.text
    )
    assert _trail_queries(demo, "audit.query") == []


def test_the_protokoll_search_offered_only_eleven_of_the_object_kinds_the_trail_writes(
    demo: Runtime,
) -> None:
    dsb = signed_in(demo, "datenschutz")
    form = dsb.get("/protokoll").text
    select = form.split('name="objektart"', 1)[1].split("</select>", 1)[0]
    offered = [
        (value, html.unescape(label))
        for value, label in re.findall(r'<option value="([a-z_]+)"[^>]*>([^<]+)</option>', select)
    ]
    written, _ = written_kinds()
    assert {value for value, _ in offered} == set(written)
    assert all(label == ENTITY_LABELS[value] for value, label in offered)
    # In the order of a German dictionary: "Körperschaft" after "Kalenderabo", not after "Z".
    folded = [label.casefold().replace("ö", "o").replace("ä", "a") for _, label in offered]
    assert folded == sorted(folded)
    assert len(offered) > 11
    # A kind the list used to leave out is searched like any other.
    found = post_form(dsb, "/protokoll", "/protokoll", {"zweck": PURPOSE, "objektart": "milestone"})
    assert found.status_code == 200, found.text
    assert "Diese Objektart gibt es nicht" not in found.text
    assert "Meilenstein" in found.text.split("<tbody>", 1)[1]


def test_the_protokoll_search_offered_only_some_of_the_actions_the_trail_writes(
    demo: Runtime,
) -> None:
    """Before, a hand-kept list offered 39 actions: no milestone, report or Sitzung change,
    and „Maßnahme: geändert“ as ``measure.edit``, which nothing writes (an edit is
    ``measure.update``), so that search found nothing."""
    dsb = signed_in(demo, "datenschutz")
    form = dsb.get("/protokoll").text
    select = form.split('name="aktion"', 1)[1].split("</select>", 1)[0]
    offered = [
        (value, html.unescape(label))
        for value, label in re.findall(r'<option value="([a-z_.]+)"[^>]*>([^<]+)</option>', select)
    ]
    assert {value for value, _ in offered} == set(written_actions())
    assert ("measure.update", "Maßnahme: geändert") in offered
    # In the order of a German dictionary, like the object kinds.
    folded = [label.casefold().replace("ö", "o").replace("ä", "a") for _, label in offered]
    assert folded == sorted(folded)
    # An action the list used to leave out is searched like any other.
    found = post_form(
        dsb, "/protokoll", "/protokoll", {"zweck": PURPOSE, "aktion": "milestone.create"}
    )
    assert found.status_code == 200, found.text
    rows = found.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "Meilenstein: angelegt" in html.unescape(rows)
    wrong = post_form(dsb, "/protokoll", "/protokoll", {"zweck": PURPOSE, "aktion": "measure.edit"})
    assert wrong.status_code == 422 and "Diese Aktion gibt es nicht." in wrong.text

"""The form for a measure's Angaben: what the API's PATCH changes, with its version check.

Demo at 01.09.2026: M-09 is a draft of Julia Neumann (``ag.mitglied``), M-01 is decided by
the Stadtrat and in Umsetzung (einmalige Kosten 185.000 €).
"""

from __future__ import annotations

import re

from service.auth.service import actor_for
from service.measures import service as measures
from service.runtime import Runtime
from tests import factories
from tests.service.browser import csrf_of, post_form, signed_in


def _ids(runtime: Runtime) -> dict[str, int]:
    with runtime.read() as connection:
        return {row.code: row.id for row in measures.list_measures(connection)}


def _form(page: str) -> dict[str, str]:
    """The values the edit form was drawn with, as a browser would send them back."""
    values = dict(re.findall(r'<input id="feld-[^"]*" name="([^"]+)"[^>]*?value="([^"]*)"', page))
    values |= dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page))
    for name, body in re.findall(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        values[name] = chosen.group(1) if chosen else ""
    for name, text in re.findall(
        r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S
    ):
        values[name] = text
    values.pop("csrf_token", None)
    return values


def test_the_ag_lead_changes_the_angaben_of_a_draft(demo: Runtime) -> None:
    m09 = _ids(demo)["M-09"]
    client = signed_in(demo, "ag.leitung")
    url = f"/massnahmen/{m09}/bearbeiten"
    page = client.get(url)
    assert page.status_code == 200
    assert 'id="feld-kosten_einmalig"' in page.text
    assert "Nötig für „Dem Finanz- und Verwaltungsausschuss zur Vorberatung vorlegen“" in page.text
    form = _form(page.text) | {"feld_kosten_einmalig": "12.500,00", "titel": "Neuer Titel"}
    saved = post_form(client, url, url, form)
    assert saved.status_code == 303, saved.text
    shown = client.get(saved.headers["location"]).text
    assert "Die Angaben wurden gespeichert." in shown
    assert "12.500,00 €" in shown
    with demo.read() as connection:
        row = measures.get_measure(connection, m09)
    assert row.title == "Neuer Titel"
    assert row.version == 2


def test_a_stale_version_is_refused_and_keeps_what_was_typed(demo: Runtime) -> None:
    m09 = _ids(demo)["M-09"]
    client = signed_in(demo, "ag.leitung")
    url = f"/massnahmen/{m09}/bearbeiten"
    form = _form(client.get(url).text) | {"version": "1", "feld_nutzen": "Weniger Wege"}
    # Someone else saves in between.
    first = post_form(client, url, url, form | {"titel": "Erster Stand"})
    assert first.status_code == 303
    refused = post_form(client, url, url, form | {"titel": "Mein Stand"})
    assert refused.status_code == 409
    assert "inzwischen von jemand anderem geändert" in refused.text
    assert 'value="Mein Stand"' in refused.text
    assert "Weniger Wege" in refused.text
    # The form now rests on the current version: sending again saves on purpose.
    assert 'name="version" value="2"' in refused.text
    with demo.read() as connection:
        assert measures.get_measure(connection, m09).title == "Erster Stand"


def test_a_wrong_value_is_named_beside_its_field(demo: Runtime) -> None:
    m09 = _ids(demo)["M-09"]
    client = signed_in(demo, "ag.leitung")
    url = f"/massnahmen/{m09}/bearbeiten"
    form = _form(client.get(url).text)
    refused = post_form(client, url, url, form | {"feld_kosten_laufend": "viel"})
    assert refused.status_code == 422
    assert 'id="feld-kosten_laufend-fehler"' in refused.text
    assert 'value="viel"' in refused.text
    taken = post_form(client, url, url, form | {"kennung": "M-01"})
    assert taken.status_code == 422
    assert 'id="feld-kennung-fehler"' in taken.text
    assert "die nächste freie Kennung ist M-10" in taken.text
    with demo.read() as connection:
        assert measures.get_measure(connection, m09).version == 1


def test_a_missing_value_in_a_guard_reason_links_to_its_field(demo: Runtime) -> None:
    draft = factories.measure(demo, ready=False)
    with demo.write() as connection:
        lead = actor_for(connection, "ag.leitung")
        measures.fire(demo, connection, lead, draft, "einreichen")
    page = signed_in(demo, "ag.leitung").get(f"/massnahmen/{draft}").text
    for name in ("kosten_einmalig", "kosten_laufend", "nutzen"):
        assert f'href="/massnahmen/{draft}/bearbeiten#feld-{name}"' in page, name
    # Whoever may not edit the measure is not sent to a form they cannot use.
    reader = signed_in(demo, "dezernent").get(f"/massnahmen/{draft}").text
    assert "/bearbeiten" not in reader


def test_a_cost_rise_after_the_decision_asks_for_an_adopted_aenderungsvorlage(
    demo: Runtime,
) -> None:
    m01 = _ids(demo)["M-01"]
    client = signed_in(demo, "ag.leitung")
    url = f"/massnahmen/{m01}/bearbeiten"
    page = client.get(url).text
    assert 'name="aenderungsbeschluss"' in page
    form = _form(page) | {"feld_kosten_einmalig": "300.000,00"}
    refused = post_form(client, url, url, form)
    assert refused.status_code == 409
    assert 'id="feld-aenderungsbeschluss-fehler"' in refused.text
    assert "Änderungsbeschluss" in refused.text
    assert 'value="300.000,00"' in refused.text
    assert csrf_of(refused)

"""The Maßnahme page, its step forms and the new-measure form, on the demo city (both backends).

Demo at 01.09.2026: M-01, M-02, M-04, M-05, M-06, M-08 in Umsetzung, M-03 abgeschlossen,
M-07 in Haushaltsplanung with an overdue Frist, M-09 a draft touching personal data with
no DSB statement yet.
"""

from __future__ import annotations

import re

import httpx
from sqlalchemy import func, select

from service.auth.service import actor_for
from service.lifecycle.models import HistoryEntry
from service.measures import service as measures
from service.measures.service import get_measure
from service.runtime import Runtime
from tests.service.browser import post_form, signed_in

history = HistoryEntry.__table__  # type: ignore[attr-defined]


def _ids(connection: object) -> dict[str, int]:
    return {row.code: row.id for row in measures.list_measures(connection)}  # type: ignore[arg-type]


def test_the_measure_page_offers_exactly_the_steps_the_user_may_fire(demo: Runtime) -> None:
    with demo.read() as connection:
        ids = _ids(connection)
    lead = signed_in(demo, "ag.leitung").get(f"/massnahmen/{ids['M-09']}").text
    assert re.findall(r'name="ereignis" value="(\w+)"', lead) == ["einreichen", "zurueckziehen"]
    treasury = signed_in(demo, "kaemmerei").get(f"/massnahmen/{ids['M-07']}").text
    assert re.findall(r'name="ereignis" value="(\w+)"', treasury) == [
        "finanzieren",
        "nicht_finanzieren",
    ]
    assert 'name="feld_haushaltsjahr"' in treasury
    dsb = signed_in(demo, "datenschutz").get(f"/massnahmen/{ids['M-07']}").text
    assert 'name="ereignis"' not in dsb
    assert "keinen Schritt auslösen" in dsb
    # all data of the measure is there: costs, statements, budget, milestones, history
    full = signed_in(demo, "ag.leitung").get(f"/massnahmen/{ids['M-01']}").text
    for expected in (
        "185.000,00 €",
        "Thomas Behrendt",
        "mit Auflagen",
        "Petra Vogel",
        "11.1.04 / 783100",
        "Pilot im Amt 21",
        "Im Haushalt einplanen",
        "Beschluss des Stadtrats",
        'data-state="umsetzung"',
    ):
        assert expected in full, expected
    assert re.search(r'class="state current" data-state="umsetzung"', full)


def test_a_guard_failure_explains_why_and_keeps_what_was_typed(demo: Runtime) -> None:
    with demo.read() as connection:
        m09 = _ids(connection)["M-09"]
    client = signed_in(demo, "ag.leitung")
    url = f"/massnahmen/{m09}"
    done = post_form(client, url, f"{url}/schritte", {"ereignis": "einreichen", "version": "1"})
    assert done.status_code == 303
    assert (
        "Erledigt: Zur Prüfung in der AG einreichen." in client.get(done.headers["location"]).text
    )
    with demo.read() as connection:
        steps_before = connection.execute(select(func.count()).select_from(history)).scalar()

    refused = post_form(
        client,
        url,
        f"{url}/schritte",
        {"ereignis": "an_fva_uebergeben", "version": "2", "kommentar": "Bitte <b>zügig</b>"},
    )
    assert refused.status_code == 422
    assert "Der Schritt ist noch nicht möglich" in refused.text
    assert "Stellungnahme der/des Datenschutzbeauftragten fehlt" in refused.text
    assert "Aufwand-Nutzen-Analyse fehlt" in refused.text
    assert '<details id="schritt-an_fva_uebergeben" open>' in refused.text
    assert "Bitte &lt;b&gt;zügig&lt;/b&gt;</textarea>" in refused.text
    with demo.read() as connection:
        assert get_measure(connection, m09).state == "ag_pruefung"
        steps_after = connection.execute(select(func.count()).select_from(history)).scalar()
    assert steps_after == steps_before


def test_missing_or_invalid_data_is_named_per_field_and_the_rest_kept(demo: Runtime) -> None:
    with demo.read() as connection:
        m07 = _ids(connection)["M-07"]
        version = get_measure(connection, m07).version
    client = signed_in(demo, "kaemmerei")
    url = f"/massnahmen/{m07}"
    response = post_form(
        client,
        url,
        f"{url}/schritte",
        {
            "ereignis": "finanzieren",
            "version": str(version),
            "feld_haushaltsjahr": "2027",
            "feld_betrag_einmalig": "viel",
        },
    )
    assert response.status_code == 422
    assert "Veranschlagte laufende Mittel (EUR): fehlt." in response.text
    assert 'name="feld_haushaltsjahr" value="2027"' in response.text
    assert 'name="feld_betrag_einmalig" value="viel"' in response.text
    assert 'aria-invalid="true"' in response.text


def test_a_stale_version_says_so_and_keeps_the_input(demo: Runtime) -> None:
    with demo.read() as connection:
        m01 = _ids(connection)["M-01"]
        version = get_measure(connection, m01).version
    client = signed_in(demo, "ag.leitung")
    url = f"/massnahmen/{m01}"
    response = post_form(
        client,
        url,
        f"{url}/schritte",
        {"ereignis": "fortschritt_melden", "version": str(version - 1), "feld_fortschritt": "55"},
    )
    assert response.status_code == 409
    assert "inzwischen von jemand anderem geändert" in response.text
    assert 'name="feld_fortschritt" value="55"' in response.text
    assert f'name="version" value="{version}"' in response.text
    with demo.read() as connection:
        assert get_measure(connection, m01).fields["fortschritt"] == 45


def test_a_new_measure_is_created_from_the_form_and_bad_input_is_kept(demo: Runtime) -> None:
    client = signed_in(demo, "ag.leitung")
    bad = post_form(
        client,
        "/massnahmen/neu",
        "/massnahmen/neu",
        {"kennung": "M-10", "titel": "", "feld_kosten_einmalig": "zehn Euro"},
    )
    assert bad.status_code == 422
    assert "Titel: Bitte einen Titel angeben." in bad.text
    assert "Einmalige Kosten (EUR): erwartet einen Betrag" in bad.text
    assert 'value="zehn Euro"' in bad.text and 'value="M-10"' in bad.text

    with demo.read() as connection:
        programme = get_measure(connection, 1).programme_id
    good = post_form(
        client,
        "/massnahmen/neu",
        "/massnahmen/neu",
        {
            "arbeitspapier": str(programme),
            "kennung": "M-10",
            "titel": "Digitale Bauakte",
            "oeffentlich": "nein",
            "feld_kosten_einmalig": "12.500,00",
            "feld_personenbezogen": "ja",
        },
    )
    assert good.status_code == 303
    measure_id = int(good.headers["location"].split("/")[2].split("?")[0])
    with demo.read() as connection:
        row = get_measure(connection, measure_id)
    assert (row.code, row.state, row.public) == ("M-10", "entwurf", False)
    assert row.fields == {"kosten_einmalig": "12500.00", "personenbezogen": True}
    assert "Die Maßnahme wurde angelegt." in client.get(good.headers["location"]).text
    assert signed_in(demo, "kaemmerei").get("/massnahmen/neu").status_code == 403


# --- the web form decides as the API does (issue "One gate") ----------------------------------


def _changes(runtime: Runtime) -> tuple[object, ...]:
    with runtime.read() as connection:
        rows = tuple((r.id, r.code, r.version) for r in measures.list_measures(connection))
        steps = connection.execute(select(func.count()).select_from(history)).scalar()
    return rows, steps


def test_an_ag_member_cannot_report_progress_on_another_persons_measure_in_the_web(
    demo: Runtime,
) -> None:
    with demo.read() as connection:
        m01 = _ids(connection)["M-01"]  # Thomas Behrendt's
        version = get_measure(connection, m01).version
    before = _changes(demo)
    url = f"/massnahmen/{m01}"
    refused = post_form(
        signed_in(demo, "ag.mitglied"),
        url,
        f"{url}/schritte",
        {"ereignis": "fortschritt_melden", "version": str(version), "feld_fortschritt": "99"},
    )
    assert refused.status_code == 403
    assert "AG-Mitglieder dürfen das nur bei Maßnahmen, für die sie verantwortlich" in refused.text
    assert "Ihre Eingaben" in refused.text and "<dd>99</dd>" in refused.text
    assert _changes(demo) == before


def test_an_ag_member_is_not_offered_submitting_another_persons_non_public_draft(
    demo: Runtime,
) -> None:
    with demo.write() as connection:
        lead = actor_for(connection, "ag.leitung")
        draft = measures.new_measure(
            demo,
            connection,
            lead,
            programme_id=get_measure(connection, 1).programme_id,
            code="N-01",
            title="Interner Entwurf",
            public=False,
        )
    page = signed_in(demo, "ag.mitglied").get(f"/massnahmen/{draft}")
    assert page.status_code == 200
    assert re.findall(r'name="ereignis" value="(\w+)"', page.text) == []
    assert "keinen Schritt auslösen" in page.text


def _refused_new_measure(
    runtime: Runtime, username: str, status: int, reason: str, **form: str
) -> httpx.Response:
    """Posts the new-measure form; it must come back with ``status`` and ``reason``, keep
    what was typed, and change nothing."""
    with runtime.read() as connection:
        programme = get_measure(connection, 1).programme_id
    before = _changes(runtime)
    typed = {"arbeitspapier": str(programme), "oeffentlich": "ja", **form}
    refused = post_form(signed_in(runtime, username), "/massnahmen/neu", "/massnahmen/neu", typed)
    assert refused.status_code == status
    assert reason in refused.text
    assert f'value="{form["kennung"]}"' in refused.text
    assert _changes(runtime) == before
    return refused


def test_an_ag_member_cannot_create_a_measure_for_another_person_in_the_web(
    demo: Runtime,
) -> None:
    with demo.read() as connection:
        thomas = actor_for(connection, "ag.leitung").person_id
    refused = _refused_new_measure(
        demo,
        "ag.mitglied",
        403,
        "nur Maßnahmen anlegen, für die Sie selbst",
        kennung="A-01",
        titel="Für jemand anderen",
        verantwortlich=str(thomas),
    )
    assert 'value="Für jemand anderen"' in refused.text


def test_a_second_measure_with_an_existing_kennung_is_refused_in_the_web(demo: Runtime) -> None:
    reason = "„M-01“ ist schon an die Maßnahme M-01 vergeben; die nächste freie Kennung ist M-10."
    _refused_new_measure(demo, "ag.leitung", 422, reason, kennung="M-01", titel="Zwei")


def test_a_title_with_a_nul_byte_is_refused_in_the_web(demo: Runtime) -> None:
    reason = "Titel: darf keine Steuerzeichen"
    _refused_new_measure(demo, "ag.leitung", 422, reason, kennung="Z-01", titel="A\x00B")

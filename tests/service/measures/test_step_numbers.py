"""Amounts and whole numbers a step or a measure's fields carry: one notation per door, so
that ``12.500`` never means two things (demo city at 01.09.2026; M-07 in Haushaltsplanung).

The API reads JSON numbers and plain decimal text with a point; the forms read what a person
types, the German way. An amount has at most two decimals, a whole number none.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from service.measures.service import get_measure
from service.runtime import Runtime
from tests.service.api_calls import API, assert_problem, fire, login, measure_ids, snapshot
from tests.service.browser import post_form, signed_in

ONCE = "Veranschlagte einmalige Mittel (EUR)"


def _version(runtime: Runtime, measure_id: int) -> int:
    with runtime.read() as c:
        return int(get_measure(c, measure_id).version)


def _fields(runtime: Runtime, measure_id: int) -> dict[str, Any]:
    with runtime.read() as c:
        return dict(get_measure(c, measure_id).fields or {})


def test_the_api_refuses_exponents_german_notation_and_extra_decimals_in_step_fields(
    client: TestClient, demo: Runtime
) -> None:
    ids = measure_ids(demo)
    m07, m09 = ids["M-07"], ids["M-09"]
    treasury, lead = login(client, "kaemmerei"), login(client, "ag.leitung")
    version = _version(demo, m07)
    before = snapshot(demo)

    for amount in ("1e3", "12.500,00", "12.500", 12.345, "12500.001", "1_000", "١٢", "Infinity"):
        data = {"haushaltsjahr": 2027, "betrag_einmalig": amount, "betrag_laufend": "0"}
        refused = fire(client, treasury, m07, "finanzieren", version, data=data)
        problem = assert_problem(refused, 422, "angaben-fehlen")
        assert [f["field"] for f in problem["fields"]] == ["betrag_einmalig"], amount
        assert f"{ONCE}: " in problem["detail"], amount
    for year in (2027.5, "2027.5", "2_027"):
        data = {"haushaltsjahr": year, "betrag_einmalig": "0", "betrag_laufend": "0"}
        refused = fire(client, treasury, m07, "finanzieren", version, data=data)
        problem = assert_problem(refused, 422, "angaben-fehlen")
        assert "Haushaltsjahr: erwartet eine ganze Zahl" in problem["detail"], year
    # A measure's own fields follow the same rule.
    change = {"version": _version(demo, m09), "fields": {"kosten_einmalig": "12.500,00"}}
    edited = client.patch(f"{API}/measures/{m09}", json=change, headers=lead)
    assert "Einmalige Kosten (EUR): " in assert_problem(edited, 422)["detail"]
    assert snapshot(demo) == before

    data = {"haushaltsjahr": 2027.0, "betrag_einmalig": 12500.5, "betrag_laufend": "1200.00"}
    financed = fire(client, treasury, m07, "finanzieren", version, data=data)
    assert financed.status_code == 200, financed.text
    fields = _fields(demo, m07)
    assert (fields["haushaltsjahr"], fields["betrag_einmalig"], fields["betrag_laufend"]) == (
        2027,
        "12500.50",
        "1200.00",
    )


def test_the_forms_read_amounts_the_german_way_and_refuse_what_is_ambiguous(
    demo: Runtime,
) -> None:
    m07 = measure_ids(demo)["M-07"]
    browser = signed_in(demo, "kaemmerei")
    url = f"/massnahmen/{m07}"
    step = {"ereignis": "finanzieren", "version": str(_version(demo, m07))}
    for typed in ("1e3", "12.50", "1234.567", "12,345"):
        form = {**step, "feld_haushaltsjahr": "2027", "feld_betrag_einmalig": typed}
        refused = post_form(browser, url, f"{url}/schritte", form | {"feld_betrag_laufend": "0"})
        assert refused.status_code == 422, typed
        assert f"{ONCE}: " in refused.text, typed
        assert f'name="feld_betrag_einmalig" value="{typed}"' in refused.text

    form = {**step, "feld_haushaltsjahr": "2027", "feld_betrag_einmalig": "12.500"}
    saved = post_form(browser, url, f"{url}/schritte", form | {"feld_betrag_laufend": "1.200,5"})
    assert saved.status_code == 303, saved.text
    fields = _fields(demo, m07)
    assert (fields["betrag_einmalig"], fields["betrag_laufend"]) == ("12500.00", "1200.50")

"""Haushaltsansätze of an ended measure, through the API, the pages and the CSV import
(demo city at 01.09.2026: M-03 is abgeschlossen, planned in 2024 and the Finanzplanung)."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.api_calls import API, assert_problem, login, measure_ids, snapshot
from tests.service.browser import post_form, signed_in

ENDED = "die Maßnahme ist im Endzustand „Abgeschlossen“"


def test_a_closed_measure_takes_no_new_budget_line_nor_plan_but_its_spending_is_booked(
    client: TestClient, demo: Runtime
) -> None:
    ids = measure_ids(demo)
    m03 = ids["M-03"]
    treasury, lead = login(client, "kaemmerei"), login(client, "ag.leitung")
    lines = client.get(f"{API}/measures/{m03}/budget-lines", headers=treasury).json()
    line = next(b for b in lines if b["fiscal_year"] == 2024)
    url = f"{API}/budget-lines/{line['id']}"
    before = snapshot(demo)

    new = {"fiscal_year": 2031, "spent": "100.00"}
    added = client.post(f"{API}/measures/{m03}/budget-lines", json=new, headers=treasury)
    problem = assert_problem(added, 409, "endzustand")
    assert problem["detail"].startswith(
        f"Ein neuer Haushaltsansatz ist nicht mehr möglich: {ENDED}"
    )
    assert "Verausgabte Beträge bucht die Kämmerei weiterhin." in problem["detail"]
    for auth, change in (
        (treasury, {"approved": "1.00"}),
        (treasury, {"product_account": "11.1.04 / 999999"}),
        (lead, {"one_off_planned": "5.00"}),
    ):
        refused = client.patch(url, json=change, headers=auth)
        assert ENDED in assert_problem(refused, 409, "endzustand")["detail"], change
    assert snapshot(demo) == before

    # Invoices come after the end: the Kämmerei books what was spent, by hand and from CSV.
    booked = client.patch(url, json={"spent": "21999.99"}, headers=treasury)
    assert booked.status_code == 200, booked.text
    assert booked.json()["spent"] == "21999.99"
    csv = "Maßnahme;Haushaltsjahr;Verausgabt\nM-03;2024;22.050,00\n".encode()
    files = {"file": ("ausgaben.csv", io.BytesIO(csv), "text/csv")}
    imported = client.post(f"{API}/budget-lines/import", files=files, headers=treasury)
    assert imported.status_code == 200, imported.text
    assert imported.json()["updated"] == 1

    # The page offers only the spent amount, and a hand-made post of another is told why.
    browser = signed_in(demo, "kaemmerei")
    page_url = f"/haushalt/ansaetze/{line['id']}"
    page = browser.get(page_url).text
    assert "Die Maßnahme ist beendet („Abgeschlossen“)" in page
    assert 'name="verausgabt"' in page and 'name="bewilligt"' not in page
    tried = post_form(browser, page_url, page_url, {"bewilligt": "1,00", "verausgabt": "1,00"})
    assert tried.status_code == 409
    assert f"Das Ändern des Haushaltsansatzes ist nicht mehr möglich: {ENDED}" in tried.text
    saved = post_form(browser, page_url, page_url, {"verausgabt": "22.100,00"})
    assert saved.status_code == 303
    spent = {
        b["id"]: b["spent"]
        for b in client.get(f"{API}/measures/{m03}/budget-lines", headers=treasury).json()
    }
    assert spent[line["id"]] == "22100.00"
    offered = browser.get("/haushalt?jahr=2027").text
    assert f'<option value="{ids["M-01"]}"' in offered
    assert f'<option value="{m03}"' not in offered


def test_a_null_fiscal_year_is_refused_not_dropped(client: TestClient, demo: Runtime) -> None:
    m01 = measure_ids(demo)["M-01"]
    treasury = login(client, "kaemmerei")
    line = client.get(f"{API}/measures/{m01}/budget-lines", headers=treasury).json()[0]
    before = snapshot(demo)
    change = {"fiscal_year": None, "spent": "1.00"}
    refused = client.patch(f"{API}/budget-lines/{line['id']}", json=change, headers=treasury)
    assert "darf nicht null sein" in assert_problem(refused, 422)["detail"]
    assert snapshot(demo) == before

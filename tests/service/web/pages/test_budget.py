"""Haushalt: the Kämmerei sees a year's lines, edits their amounts and imports spent amounts
(demo city at 01.09.2026, both backends)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from service.budget.service import budget_lines
from service.measures import service as measures
from service.runtime import Runtime
from tests.service.browser import csrf_of, post_form, signed_in


def _ids(runtime: Runtime) -> dict[str, int]:
    with runtime.read() as connection:
        return {m.code: m.id for m in measures.list_measures(connection)}


def _lines(runtime: Runtime) -> list[tuple[object, ...]]:
    with runtime.read() as connection:
        rows = connection.execute(select(budget_lines).order_by(budget_lines.c.id))
        return [tuple(r) for r in rows]


def _upload(client: TestClient, page: str, action: str, name: str, content: bytes, kind: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get(page))
    return client.post(action, data={"csrf_token": token}, files={"file": (name, content, kind)})


def test_the_kaemmerei_sees_a_years_lines_edits_its_amounts_and_imports_spent_amounts(
    demo: Runtime,
) -> None:
    ids = _ids(demo)
    treasury = signed_in(demo, "kaemmerei")
    year = treasury.get("/haushalt?jahr=2025").text
    table = year.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert ">M-04</a>" in table
    # M-03 was budgeted in 2024: 2025 holds only its recurring costs (Finanzplanung).
    m03 = table.split(">M-03</a>", 1)[1].split("</tr>", 1)[0]
    assert re.findall(r'<td class="number">([^<]*)</td>', m03)[:2] == ["–", "4.000,00 €"]
    assert "Summe" in year
    line = re.search(r'href="/haushalt/ansaetze/(\d+)" aria-label="Ansatz M-04', year)
    assert line
    url = f"/haushalt/ansaetze/{line.group(1)}"
    wrong = post_form(treasury, url, url, {"bewilligt": "viel", "verausgabt": "1.000,50"})
    assert wrong.status_code == 422
    assert "bewilligt: " in wrong.text and 'value="viel"' in wrong.text
    saved = post_form(treasury, url, url, {"bewilligt": "99.000,00", "verausgabt": "1.000,50"})
    assert saved.status_code == 303
    assert "99.000,00 €" in treasury.get("/haushalt?jahr=2025").text
    # The AG lead plans, but approved and spent amounts are the Kämmerei's alone.
    lead_form = signed_in(demo, "ag.leitung").get(url).text
    assert 'name="einmalig"' in lead_form and 'name="bewilligt"' not in lead_form

    created = post_form(
        treasury,
        "/haushalt",
        "/haushalt/ansaetze",
        {
            "massnahme": str(ids["M-07"]),
            "jahr": "2027",
            "konto": "11.1.04 / 783100",
            "einmalig": "40.000",
        },
    )
    assert created.status_code == 303
    assert "40.000,00 €" in treasury.get("/haushalt?jahr=2027").text

    bad = "Maßnahme;Haushaltsjahr;Verausgabt\nM-04;2025;12,50\nM-99;2025;1\nM-05;2025;zwölf\n"
    report = _upload(
        treasury, "/haushalt", "/haushalt/import", "ausgaben.csv", bad.encode(), "text/csv"
    )
    assert report.status_code == 422
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td>", report.text)
    assert [r[0] for r in rows] == ["3", "4"]
    good = "Maßnahme;Haushaltsjahr;Verausgabt\nM-04;2025;12,50\n"
    done = _upload(
        treasury, "/haushalt", "/haushalt/import", "ausgaben.csv", good.encode("cp1252"), "text/csv"
    )
    assert done.status_code == 200
    assert "1 Zeilen, 1 geändert, 0 unverändert" in done.text
    assert "12,50 €" in treasury.get("/haushalt?jahr=2025").text


def test_an_amount_the_sender_may_not_change_is_refused_on_the_page_not_dropped(
    demo: Runtime,
) -> None:
    ids = _ids(demo)
    lead = signed_in(demo, "ag.leitung")
    year = lead.get("/haushalt?jahr=2025").text
    line = re.search(r'href="/haushalt/ansaetze/(\d+)" aria-label="Ansatz M-04', year)
    assert line
    url = f"/haushalt/ansaetze/{line.group(1)}"
    before = _lines(demo)

    # The form offers the AG lead no approved amount; a hand-made post of one is refused as
    # the API refuses it, and the planned amount sent with it is not saved either.
    edited = post_form(lead, url, url, {"einmalig": "1.000,00", "bewilligt": "99.000,00"})
    assert edited.status_code == 403
    assert "Bewilligte Beträge eintragen dürfen nur diese Rollen: Kämmerei." in edited.text
    created = post_form(
        lead,
        "/haushalt",
        "/haushalt/ansaetze",
        {"massnahme": str(ids["M-07"]), "jahr": "2027", "einmalig": "40.000", "verausgabt": "5"},
    )
    assert created.status_code == 403
    assert "Verausgabte Beträge eintragen dürfen nur diese Rollen: Kämmerei." in created.text
    assert _lines(demo) == before

    planned = post_form(lead, url, url, {"einmalig": "1.000,00", "konto": "11.1.04 / 783100"})
    assert planned.status_code == 303

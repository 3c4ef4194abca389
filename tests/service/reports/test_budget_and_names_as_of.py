"""A past Sachstandsbericht sums the Haushaltsansätze and names each measure as they stood
at its Stichtag: an amount booked later (by the budget page, the API or the Kämmerei's CSV
import), a line added later, a measure renamed or handed over later leave it as it was, and
an issued report is still the one rebuilt. Demo city at 01.09.2026, both backends."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi.testclient import TestClient

from service.actor import SYSTEM
from service.auth.service import actor_for
from service.measures.service import get_measure, update_measure
from service.people.service import find_person
from service.reports.render import render_json
from service.reports.service import read_sachstand
from service.runtime import Runtime
from tests.conftest import FakeClock
from tests.service.api_calls import API, login, measure_ids
from tests.service.browser import post_form, signed_in

BERLIN = ZoneInfo("Europe/Berlin")


def _report(demo: Runtime, period: str, audience: str = "internal") -> bytes:
    return render_json(read_sachstand(demo, SYSTEM, period, audience))  # type: ignore[arg-type]


def _measure(report: bytes, code: str) -> dict[str, Any]:
    found = json.loads(report)
    return next(m for p in found["programmes"] for m in p["measures"] if m["code"] == code)


def _planned(report: bytes, code: str) -> Decimal:
    return Decimal(_measure(report, code)["budget"]["planned"])


def _spent(report: bytes, code: str) -> Decimal:
    return Decimal(_measure(report, code)["budget"]["spent"])


def _line(client: TestClient, measure_id: int, year: int) -> dict[str, Any]:
    lines = client.get(
        f"{API}/measures/{measure_id}/budget-lines", headers=login(client, "kaemmerei")
    ).json()
    return next(line for line in lines if line["fiscal_year"] == year)


def _by_api(client: TestClient, demo: Runtime, line: dict[str, Any], spent: str) -> httpx.Response:
    url = f"{API}/budget-lines/{line['id']}"
    return client.patch(url, json={"spent": spent}, headers=login(client, "kaemmerei"))


def _by_page(client: TestClient, demo: Runtime, line: dict[str, Any], spent: str) -> httpx.Response:
    page = f"/haushalt/ansaetze/{line['id']}"
    german = f"{Decimal(spent):,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return post_form(signed_in(demo, "kaemmerei"), page, page, {"verausgabt": german})


def _by_import(
    client: TestClient, demo: Runtime, line: dict[str, Any], spent: str
) -> httpx.Response:
    german = spent.replace(".", ",")
    csv = f"Maßnahme;Haushaltsjahr;Verausgabt\nM-01;{line['fiscal_year']};{german}\n"
    files = {"file": ("ausgaben.csv", io.BytesIO(csv.encode()), "text/csv")}
    return client.post(
        f"{API}/budget-lines/import", files=files, headers=login(client, "kaemmerei")
    )


Door = Callable[[TestClient, Runtime, dict[str, Any], str], httpx.Response]
DOORS: dict[str, Door] = {"API": _by_api, "Haushaltsseite": _by_page, "CSV-Import": _by_import}


@pytest.mark.parametrize("door", DOORS)
def test_a_budget_amount_changed_after_the_period_does_not_change_its_report(
    client: TestClient, demo: Runtime, door: str
) -> None:
    """Defect: Haushaltsansätze kept only today's amounts, so what the Kämmerei booked on
    M-01 in 2026 changed the spent sum of the rebuilt report of 2025-H2."""
    before = _report(demo, "2025-H2")
    today = _report(demo, "2026-H2")
    line = _line(client, measure_ids(demo)["M-01"], 2026)
    spent = Decimal(line["spent"] or 0) + Decimal("1234.50")

    booked = DOORS[door](client, demo, line, f"{spent:.2f}")

    assert booked.status_code in (200, 303), booked.text
    assert _report(demo, "2025-H2") == before
    assert _spent(_report(demo, "2026-H2"), "M-01") == _spent(today, "M-01") + Decimal("1234.50")


def test_a_budget_line_added_after_the_period_is_not_in_its_report(
    client: TestClient, demo: Runtime
) -> None:
    """Defect: a Haushaltsansatz planned in 2026 for 2028 raised the planned sum of M-01 in
    the rebuilt report of 2025-H2, a year before anyone had planned it."""
    before = _report(demo, "2025-H2")
    today = _report(demo, "2026-H2")
    m01 = measure_ids(demo)["M-01"]

    added = client.post(
        f"{API}/measures/{m01}/budget-lines",
        json={"fiscal_year": 2028, "one_off_planned": "12500.00"},
        headers=login(client, "ag.leitung"),
    )

    assert added.status_code == 201, added.text
    assert _report(demo, "2025-H2") == before
    assert _planned(_report(demo, "2026-H2"), "M-01") == _planned(today, "M-01") + 12500


def test_the_lines_im_haushalt_einplanen_planned_keep_their_amounts_in_the_report_of_then(
    client: TestClient, demo: Runtime, clock: FakeClock
) -> None:
    """The step „Im Haushalt einplanen“ writes its lines into their history as well: the
    report of the half-year in which M-07 was funded sums them as planned then, although
    the Kämmerei changed them in the next half-year."""
    m07 = measure_ids(demo)["M-07"]
    treasury = login(client, "kaemmerei")
    with demo.read() as c:
        version = get_measure(c, m07).version
    data = {"haushaltsjahr": "2027", "betrag_einmalig": "40000", "betrag_laufend": "0"}
    funded = client.post(
        f"{API}/measures/{m07}/transitions",
        json={"event": "finanzieren", "version": version, "data": data},
        headers=treasury,
    )
    assert funded.status_code == 200, funded.text
    lines = client.get(f"{API}/measures/{m07}/budget-lines", headers=treasury).json()
    planned = sum(
        Decimal(line["one_off_planned"] or 0) + Decimal(line["recurring_planned"] or 0)
        for line in lines
    )
    clock.now = datetime(2027, 1, 20, 9, 0, tzinfo=BERLIN)
    before = _report(demo, "2026-H2")
    assert _planned(before, "M-07") == planned

    line = next(line for line in lines if line["fiscal_year"] == 2027)
    changed = client.patch(
        f"{API}/budget-lines/{line['id']}",
        json={"one_off_planned": "55000.00", "approved": "55000.00", "spent": "800.00"},
        headers=login(client, "kaemmerei"),
    )

    assert changed.status_code == 200, changed.text
    assert _report(demo, "2026-H2") == before
    assert _planned(_report(demo, "2027-H1"), "M-07") == planned + 15000


def test_a_measure_renamed_after_the_period_keeps_its_old_title_in_its_report(
    client: TestClient, demo: Runtime
) -> None:
    """Defect: a measure kept only today's Kennung and title, so renaming M-01 in 2026
    renamed it in the rebuilt report of 2025-H2, which the FVA had received under its old
    title."""
    before = _report(demo, "2025-H2")
    m01 = measure_ids(demo)["M-01"]
    with demo.read() as c:
        row = get_measure(c, m01)
    old_title = _measure(before, "M-01")["title"]

    renamed = client.patch(
        f"{API}/measures/{m01}",
        json={"version": row.version, "code": "M-01a", "title": "E-Akte in allen Ämtern"},
        headers=login(client, "ag.leitung"),
    )

    assert renamed.status_code == 200, renamed.text
    assert _report(demo, "2025-H2") == before
    assert _measure(before, "M-01")["title"] == old_title
    today = _report(demo, "2026-H2")
    assert _measure(today, "M-01a")["title"] == "E-Akte in allen Ämtern"


def test_a_measure_handed_over_after_the_period_names_its_former_responsible_in_its_report(
    demo: Runtime,
) -> None:
    """Defect: the rebuilt report of 2025-H2 named the person responsible today."""
    before = _report(demo, "2025-H2")
    assert _measure(before, "M-01")["responsible"] == "Thomas Behrendt (Leiter Amt 21)"
    m01 = measure_ids(demo)["M-01"]

    with demo.write() as c:
        neumann = find_person(c, demo.body_id_in(c), "Julia", "Neumann")
        version = get_measure(c, m01).version
        lead = actor_for(c, "ag.leitung")
        update_measure(demo, c, lead, m01, {"responsible_person_id": neumann}, version=version)

    assert _report(demo, "2025-H2") == before
    assert _measure(_report(demo, "2026-H2"), "M-01")["responsible"].startswith("Julia Neumann")


def test_an_issued_report_is_still_the_one_rebuilt_after_later_changes_and_still_verifies(
    client: TestClient, demo: Runtime
) -> None:
    """Issued reports are stored and verified as stored; since the amounts, names and
    fields they show keep their history, the report rebuilt later is byte for byte the
    issued one."""
    issued = client.post(
        f"{API}/reports/issued",
        json={"period": "2025-H2", "audience": "public"},
        headers=login(client, "sitzungsdienst"),
    )
    assert issued.status_code == 201, issued.text
    body = issued.json()
    reader = login(client, "kaemmerei")
    as_issued = client.get(body["json_url"], headers=reader).content
    m01 = measure_ids(demo)["M-01"]
    line = _line(client, m01, 2025)
    with demo.read() as c:
        version = get_measure(c, m01).version

    assert _by_api(client, demo, line, "99999.99").status_code == 200
    renamed = client.patch(
        f"{API}/measures/{m01}",
        json={"version": version, "title": "E-Akte in allen Ämtern"},
        headers=login(client, "ag.leitung"),
    )
    assert renamed.status_code == 200, renamed.text
    m07 = measure_ids(demo)["M-07"]
    with demo.read() as c:
        version = get_measure(c, m07).version
    targeted = client.patch(
        f"{API}/measures/{m07}",
        json={"version": version, "fields": {"zieldatum": "2027-06-30"}},
        headers=login(client, "ag.leitung"),
    )
    assert targeted.status_code == 200, targeted.text

    assert _report(demo, "2025-H2", "public") == as_issued
    verified = client.get(f"{API}/reports/issued/{body['id']}/verification", headers=reader)
    assert verified.status_code == 200, verified.text
    assert verified.json()["intact"] is True

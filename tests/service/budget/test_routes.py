"""Budget lines through the API: the Kämmerei's import of spent amounts is all or nothing."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.actor import SYSTEM
from service.audit.models import AuditEvent
from service.audit.verify import verify_chain
from service.budget.models import BudgetLine
from service.budget.service import insert_line
from service.measures.service import get_measure
from service.runtime import Runtime
from tests.service.api_calls import API, assert_problem, login, measure_ids, snapshot
from tests.service.browser import post_form, signed_in

audit_events = AuditEvent.__table__  # type: ignore[attr-defined]
budget_lines = BudgetLine.__table__  # type: ignore[attr-defined]


def _spent(runtime: Runtime) -> dict[int, Decimal | None]:
    with runtime.read() as c:
        return {r.id: r.spent for r in c.execute(select(budget_lines))}


def test_budget_import_with_one_bad_row_among_50_changes_nothing(
    client: TestClient, demo: Runtime
) -> None:
    m01 = measure_ids(demo)["M-01"]
    with demo.write() as c:
        for year in range(2030, 2080):
            insert_line(demo, c, SYSTEM, measure_id=m01, fiscal_year=year, approved=1000)
    lines = ["Maßnahme;Haushaltsjahr;Verausgabt"]
    lines += [f"M-01;{year};{year - 2000},50" for year in range(2030, 2080)]
    bad = lines.copy()
    bad[27] = "M-01;2056;zwölf Euro"  # line 28 of the file, the header being line 1
    kaemmerei = login(client, "kaemmerei")
    before_spent, before = _spent(demo), snapshot(demo)
    count = select(func.count()).where(audit_events.c.action == "budget_line.update")
    with demo.read() as c:
        # The demo's Kämmerei booked on the lines its budget steps planned.
        updated_before = c.execute(count).scalar_one()

    def upload(text: str) -> Any:
        files = {"file": ("ausgaben.csv", io.BytesIO(text.encode()), "text/csv")}
        return client.post(f"{API}/budget-lines/import", files=files, headers=kaemmerei)

    problem = assert_problem(upload("\n".join(bad)), 422, "import-fehlerhaft")
    assert [(r["row"], r["field"]) for r in problem["rows"]] == [(28, "Verausgabt")]
    assert "Zeile 28" in problem["detail"]
    assert _spent(demo) == before_spent
    assert snapshot(demo) == before

    unknown = "Maßnahme;Haushaltsjahr;Verausgabt\nM-77;2030;1\nM-01;1999;1\n"
    rows = assert_problem(upload(unknown), 422, "import-fehlerhaft")["rows"]
    assert [(r["row"], r["field"]) for r in rows] == [(2, "Maßnahme"), (3, "Haushaltsjahr")]
    assert_problem(upload("Code;Betrag\nM-01;1\n"), 422, "import-fehlerhaft")

    done = upload("\n".join(lines))
    assert done.status_code == 200, done.text
    assert done.json() == {"rows": 50, "updated": 50, "unchanged": 0}
    after = _spent(demo)
    assert sorted(v for k, v in after.items() if before_spent.get(k) != v) == [
        Decimal(f"{year - 2000}.50") for year in range(2030, 2080)
    ]
    with demo.read() as c:
        assert c.execute(count).scalar_one() - updated_before == 50
        assert verify_chain(c, demo.chain_key).intact


def _lines(runtime: Runtime, measure_id: int) -> list[tuple[int, Any, Any, Any]]:
    with runtime.read() as c:
        query = select(budget_lines).where(budget_lines.c.measure_id == measure_id)
        return sorted(
            (r.fiscal_year, r.one_off_planned, r.recurring_planned, r.product_account)
            for r in c.execute(query)
        )


def test_budget_step_planned_lines_the_budget_line_door_refuses(
    client: TestClient, demo: Runtime
) -> None:
    """Regression: „Im Haushalt einplanen“ (finanzieren) wrote budget lines for 1800–1803
    with a one-off 10^20 and a Produkt/Konto of 300 characters, which the budget-line door
    refuses (and /haushalt?jahr=1800 then answered 404). Now the step is refused with each
    field named, nothing written, at the API and the web form alike."""
    m07 = measure_ids(demo)["M-07"]
    kaemmerei = login(client, "kaemmerei")
    browser = signed_in(demo, "kaemmerei")
    page = f"/massnahmen/{m07}"
    bad = {
        "haushaltsjahr": "1800",
        "betrag_einmalig": "1" + "0" * 20,
        "betrag_laufend": "5",
        "produktkonto": "K" * 300,
    }
    before, lines_before = snapshot(demo), _lines(demo, m07)

    def by_api(data: dict[str, str]) -> Any:
        with demo.read() as c:
            version = get_measure(c, m07).version
        body = {"event": "finanzieren", "version": version, "data": data}
        return client.post(f"{API}/measures/{m07}/transitions", json=body, headers=kaemmerei)

    def by_form(data: dict[str, str]) -> Any:
        with demo.read() as c:
            version = get_measure(c, m07).version
        form = {"ereignis": "finanzieren", "version": str(version)}
        form |= {f"feld_{name}": value for name, value in data.items()}
        return post_form(browser, page, f"{page}/schritte", form)

    problem = assert_problem(by_api(bad), 422)
    assert [f["field"] for f in problem["fields"]] == [
        "haushaltsjahr",
        "betrag_einmalig",
        "produktkonto",
    ]
    for said in (
        "Haushaltsjahr: von 1990 bis 2097.",
        "Veranschlagte einmalige Mittel (EUR): höchstens 999.999.999.999,99 Euro.",
        "Produkt/Konto: höchstens 50 Zeichen.",
    ):
        assert said in problem["detail"]
    refused = by_form(bad)
    assert refused.status_code == 422
    assert "Haushaltsjahr: von 1990 bis 2097." in refused.text
    # The recurring amount is planned for the Finanzplanung's years after it, too.
    late = {"haushaltsjahr": "2099", "betrag_einmalig": "0", "betrag_laufend": "5"}
    assert "Haushaltsjahr: von 1990 bis 2097." in assert_problem(by_api(late), 422)["detail"]
    assert snapshot(demo) == before
    assert _lines(demo, m07) == lines_before
    with demo.read() as c:
        assert get_measure(c, m07).state == "haushaltsplanung"

    good = {"haushaltsjahr": "2097", "betrag_einmalig": "1000", "betrag_laufend": "5"}
    done = by_api({**good, "produktkonto": "K" * 50})
    assert done.status_code == 200, done.text
    assert {year for year, *_ in _lines(demo, m07)} >= {2097, 2098, 2099, 2100}

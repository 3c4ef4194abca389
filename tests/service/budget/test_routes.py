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
from service.runtime import Runtime
from tests.service.api_calls import API, assert_problem, login, measure_ids, snapshot

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

"""The Sachstandsberichte of 2024 built on the demo city while its clock stands in 2026.

Each shows the state of the period's last day, rebuilt from the measures' history: the draft
M-09 of 2026 does not exist yet, the measure finished on 16.12.2024 (M-03) is erledigt in
2024-H2, and issuing a report freezes files that ``ratsflow report verify`` recognises, and
refuses once a byte changed. Both backends.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from service.actor import SYSTEM
from service.audit.models import AuditEvent
from service.auth.service import actor_for
from service.config import get_settings
from service.measures.service import fire, list_measures
from service.reports.render import render_json
from service.reports.schemas import SachstandReport
from service.reports.service import read_sachstand
from service.runtime import Runtime
from tests.conftest import CHAIN_KEY, FakeClock
from tests.service.cli_calls import ratsflow

events = AuditEvent.__table__  # type: ignore[attr-defined]


@pytest.fixture
def cli_env(demo: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", demo.settings.database_url)
    monkeypatch.setenv("RATSFLOW_CHAIN_KEY", CHAIN_KEY)
    get_settings.cache_clear()
    try:
        yield demo
    finally:
        get_settings.cache_clear()


def states(report: SachstandReport) -> dict[str, str]:
    return {m.code: m.state for p in report.programmes for m in (*p.measures, *p.undecided)}


def pdf_text(path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return " ".join(done.stdout.decode().split())


def test_2024_reports_show_the_state_of_their_last_day(demo: Runtime) -> None:
    first = read_sachstand(demo, SYSTEM, "2024-H1")
    second = read_sachstand(demo, SYSTEM, "2024-H2")

    # The Stichtag is the period's last day, not the day the report is built (2026).
    assert first.as_of == date(2024, 6, 30) and second.as_of == date(2024, 12, 31)
    # Only M-03 (budget 2024) was funded by 30.06.2024; M-09 was drafted in 2026.
    assert states(first) == {
        "M-01": "haushaltsplanung",
        "M-02": "haushaltsplanung",
        "M-03": "umsetzung",
        "M-04": "haushaltsplanung",
        "M-05": "haushaltsplanung",
        "M-06": "haushaltsplanung",
        "M-07": "haushaltsplanung",
        "M-08": "haushaltsplanung",
    }
    [e_rechnung] = [m for p in first.programmes for m in p.measures if m.code == "M-03"]
    assert (e_rechnung.progress, e_rechnung.target_date) == (33, date(2025, 12, 31))
    assert e_rechnung.light == "gruen"
    assert all(m.progress is None for p in first.programmes for m in p.measures if m.code != "M-03")

    # M-03 was finished on 16.12.2024: erledigt in 2024-H2, and gone from the open list.
    [programme] = second.programmes
    assert [(d.code, d.state_label, d.on) for d in programme.done] == [
        ("M-03", "Abgeschlossen", date(2024, 12, 16))
    ]
    assert "E-Rechnungen werden seit 01.12.2024" in (programme.done[0].note or "")
    assert states(second) == {
        "M-01": "umsetzung",
        "M-02": "umsetzung",
        "M-04": "umsetzung",
        "M-05": "umsetzung",
        "M-06": "umsetzung",
        "M-07": "zurueckgestellt",
        "M-08": "umsetzung",
    }
    assert {m.code: m.light for m in programme.measures}["M-07"] == "rot"
    assert first.done_count == 0 and second.done_count == 1


def test_building_a_past_report_again_later_gives_the_identical_json(
    demo: Runtime, clock: FakeClock
) -> None:
    before = render_json(read_sachstand(demo, SYSTEM, "2024-H2"))

    clock.advance(timedelta(days=40))
    with demo.write() as c:
        m04 = next(r.id for r in list_measures(c) if r.code == "M-04")
        fire(
            demo, c, actor_for(c, "ag.leitung"), m04, "fortschritt_melden", data={"fortschritt": 90}
        )

    again = render_json(read_sachstand(demo, SYSTEM, "2024-H2"))
    assert again == before
    assert "generated" not in json.loads(again)


def test_an_issued_report_is_verified_and_a_changed_copy_refused(
    cli_env: Runtime, tmp_path: Path
) -> None:
    pdf = tmp_path / "sachstand-2024-H2.pdf"
    issued = ratsflow("report", "issue", "--period", "2024-H2", "--output", str(pdf))
    assert issued.exit_code == 0, issued.output
    assert "Sachstandsbericht 2. Halbjahr 2024 ausgegeben als Nr. 1" in issued.output
    text = pdf_text(pdf)
    assert "Stichtag 31.12.2024" in text and "Im Berichtszeitraum erledigt" in text
    assert re.search(r"Nr\. 1, \d\d\.\d\d\.\d{4}", text)  # the issue: number and day
    # An issued report names the Amt or role, never a member of staff.
    assert "Leiter Amt 21" in text and "Behrendt" not in text

    accepted = ratsflow("report", "verify", str(pdf))
    assert accepted.exit_code == 0, accepted.output
    assert "ist unverändert das PDF des ausgegebenen Berichts Nr. 1" in accepted.output
    assert "Sachstandsbericht 2. Halbjahr 2024, Stichtag 31.12.2024, ausgegeben am" in (
        accepted.output
    )

    changed = tmp_path / "geaendert.pdf"
    content = bytearray(pdf.read_bytes())
    content[len(content) // 2] ^= 0x01
    changed.write_bytes(bytes(content))
    refused = ratsflow("report", "verify", str(changed))
    assert refused.exit_code == 1
    assert "ist kein ausgegebener Bericht" in refused.output

    as_json = tmp_path / "sachstand.json"
    assert ratsflow("report", "issue", "--period", "2024-H2", "--format", "json",
                    "--output", str(as_json)).exit_code == 0  # fmt: skip
    assert "Behrendt" not in as_json.read_text()
    assert "des ausgegebenen Berichts Nr. 1" in ratsflow("report", "verify", str(as_json)).output

    # Both digests sit in the audit chain, in the event of the issue.
    with cli_env.read() as c:
        payloads = c.execute(
            select(events.c.payload).where(events.c.action == "issued_report.create")
        ).scalars()
        first = next(iter(payloads))
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() in first

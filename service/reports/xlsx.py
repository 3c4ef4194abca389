"""The Beschlusskontrolle as an Excel sheet: one row per measure of the Sachstandsbericht,
with its Arbeitspapier, state, progress, traffic light and budget, typed for sorting and
summing. The public variant has no column of names, as its HTML and PDF show none.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from service.reports.schemas import SachstandReport
from service.xlsx_export import Column, workbook

COLUMNS = [
    Column("Arbeitspapier", width=40),
    Column("Vorlage", width=14),
    Column("Kennung", width=10),
    Column("Titel", width=50),
    Column("Zustand", width=22),
    Column("Ampel", width=8),
    Column("Gründe der Ampel", width=50),
    Column("Fortschritt (%)", "percent", width=14),
    Column("Soll-Fortschritt (%)", "percent", width=16),
    Column("Beginn der Umsetzung", "date", width=14),
    Column("Zieldatum", "date", width=12),
    Column("Veranschlagt (EUR)", "money", width=16),
    Column("Bewilligt (EUR)", "money", width=16),
    Column("Verausgabt (EUR)", "money", width=16),
    Column("Verzögerungsgründe", width=50),
    Column("Verantwortlich", width=28),
]


def _rows(report: SachstandReport, with_names: bool) -> Iterator[list[Any]]:
    for programme in report.programmes:
        for m in programme.measures:
            budget = m.budget
            row = [
                programme.title,
                programme.paper_reference,
                m.code,
                m.title,
                m.state_label,
                m.light_label,
                "; ".join(m.light_reasons),
                m.progress,
                m.expected_progress,
                m.start_date,
                m.target_date,
                budget.planned if budget else None,
                budget.approved if budget else None,
                budget.spent if budget else None,
                "; ".join(f"{r.on:%d.%m.%Y} {r.label}: {r.text}" for r in m.delay_reasons),
            ]
            yield [*row, m.responsible] if with_names else row


def render_xlsx(report: SachstandReport) -> bytes:
    with_names = report.audience == "internal"
    columns = COLUMNS if with_names else COLUMNS[:-1]
    return workbook(f"Sachstand {report.period}", columns, _rows(report, with_names))

"""The report as JSON, HTML (Jinja2, German, A4 print styles) and PDF (WeasyPrint)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from service.reports import charts
from service.reports.schemas import ReportMeasure, SachstandReport
from service.reports.xlsx import render_xlsx
from service.xlsx_export import MEDIA_TYPE
from workflow.calendar import to_local

Format = Literal["json", "html", "pdf", "xlsx"]
MEDIA_TYPES: dict[str, str] = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": MEDIA_TYPE,
}
AUDIENCE_LABELS = {"internal": "Interne Fassung", "public": "Öffentliche Fassung"}


def de_date(value: date) -> str:
    return f"{value:%d.%m.%Y}"


def de_datetime(value: datetime) -> str:
    return f"{to_local(value):%d.%m.%Y, %H:%M} Uhr"


def money(value: Decimal) -> str:
    """German grouping, whole euros: 211.000 €."""
    return f"{value:,.0f}".replace(",", ".") + " €"


@lru_cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("service.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(de_date=de_date, de_datetime=de_datetime, money=money)
    return env


def needs_attention(report: SachstandReport) -> list[ReportMeasure]:
    """Red and yellow measures, red first, for the overview on the first page."""
    order = {"rot": 0, "gelb": 1}
    flagged = [m for p in report.programmes for m in p.measures if m.light in order]
    return sorted(flagged, key=lambda m: order.get(m.light or "", 2))


def render_json(report: SachstandReport) -> bytes:
    return report.model_dump_json(indent=2).encode()


def render_html(report: SachstandReport, issued: str | None = None) -> str:
    """``issued``: the line naming the issue (number, day), printed in an issued report."""
    return (
        _environment()
        .get_template("sachstand.html")
        .render(
            report=report,
            audience_label=AUDIENCE_LABELS[report.audience],
            issued=issued,
            attention=needs_attention(report),
            state_chart=charts.state_distribution(report.states),
            progress_charts={
                p.id: charts.progress_per_measure(p.measures) for p in report.programmes
            },
        )
    )


def render_pdf(report: SachstandReport, issued: str | None = None) -> bytes:
    # Imported here: WeasyPrint loads Pango and its fonts, which only PDF requests need.
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(report, issued)).write_pdf()
    return pdf


def render(report: SachstandReport, fmt: Format) -> bytes:
    if fmt == "pdf":
        return render_pdf(report)
    if fmt == "xlsx":
        return render_xlsx(report)
    if fmt == "html":
        return render_html(report).encode()
    return render_json(report)

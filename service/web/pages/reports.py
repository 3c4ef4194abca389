"""``/sachstand``: the half-year's Sachstandsbericht on screen and as PDF."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Request
from fastapi.responses import Response

from service.reports import charts
from service.reports.period import InvalidPeriod, Period, parse_period, period_of
from service.reports.render import MEDIA_TYPES, Format, needs_attention
from service.reports.render import render as render_file
from service.reports.schemas import Audience
from service.reports.service import read_sachstand
from service.web.rendering import PageError, page_router, render, runtime_of, signed_in
from workflow.calendar import to_local

router = page_router()
AUDIENCES: dict[str, Audience] = {"intern": "internal", "oeffentlich": "public"}


def _periods(current: Period, count: int = 6) -> list[Period]:
    periods = [current]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods


def _period(runtime_now_day: object, text: str | None) -> Period:
    try:
        return parse_period(text) if text else period_of(runtime_now_day).previous()  # type: ignore[arg-type]
    except InvalidPeriod as exc:
        raise PageError(422, "Berichtszeitraum ungültig", str(exc)) from None


@router.get("/sachstand")
def report_page(
    request: Request,
    zeitraum: Annotated[str | None, Query(max_length=20)] = None,
    fassung: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    today = to_local(runtime.now()).date()
    chosen = _period(today, zeitraum)
    audience = fassung if fassung in AUDIENCES else "intern"
    try:
        report = read_sachstand(runtime, actor, chosen.key, AUDIENCES[audience])
    except InvalidPeriod as exc:
        raise PageError(422, "Berichtszeitraum ungültig", str(exc)) from None
    return render(
        request,
        "report.html",
        title=f"Sachstandsbericht {report.period_label}",
        report=report,
        periods=_periods(period_of(today)),
        chosen=chosen,
        audience=audience,
        attention=needs_attention(report),
        state_chart=charts.state_distribution(report.states),
        progress_charts={p.id: charts.progress_per_measure(p.measures) for p in report.programmes},
    )


@router.get("/sachstand/{zeitraum}.pdf")
def report_pdf(
    request: Request,
    zeitraum: Annotated[str, Path(max_length=20)],
    fassung: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    return _download(request, zeitraum, fassung, "pdf")


@router.get("/sachstand/{zeitraum}.xlsx")
def report_xlsx(
    request: Request,
    zeitraum: Annotated[str, Path(max_length=20)],
    fassung: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """The Beschlusskontrolle of the half-year as an Excel sheet."""
    return _download(request, zeitraum, fassung, "xlsx")


def _download(request: Request, zeitraum: str, fassung: str | None, kind: Format) -> Response:
    actor = signed_in(request)
    audience = AUDIENCES.get(fassung or "intern", "internal")
    try:
        report = read_sachstand(runtime_of(request), actor, zeitraum, audience)
    except InvalidPeriod as exc:
        raise PageError(422, "Berichtszeitraum ungültig", str(exc)) from None
    name = "sachstand" if kind == "pdf" else "beschlusskontrolle"
    return Response(
        render_file(report, kind),
        media_type=MEDIA_TYPES[kind],
        headers={
            "Content-Disposition": f'attachment; filename="{name}-{report.period}.{kind}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )

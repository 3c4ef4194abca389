"""``build_report`` is pure: hand-made rows in, report out, no database and no clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from service.config import PROJECT_ROOT
from service.reports.builder import ReportData, build_report
from service.reports.period import Period
from workflow.loader import load_file
from workflow.traffic_light import TrafficLightRules

SPEC = load_file(PROJECT_ROOT / "definitions" / "massnahme.yaml")
AS_OF = date(2025, 3, 1)


def measure(id: int, code: str, state: str, **fields: Any) -> SimpleNamespace:
    return SimpleNamespace(
        id=id,
        programme_id=1,
        code=code,
        title=f"Maßnahme {code}",
        state=state,
        public=True,
        responsible_person_id=7,
        definition_name="massnahme",
        definition_version=1,
        fields=fields,
    )


def step(day: str, event: str, source: str, target: str, **extra: Any) -> SimpleNamespace:
    return SimpleNamespace(
        at=datetime.fromisoformat(f"{day}T09:00:00").replace(tzinfo=UTC),
        event=event,
        label=event,
        from_state=source,
        to_state=target,
        comment=extra.pop("comment", None),
        data=extra,
    )


def build(data: ReportData, period: str = "2025-H1") -> Any:
    year, half = period.split("-H")
    return build_report(
        data,
        period=Period(int(year), int(half)),
        as_of=AS_OF,
        generated_at=datetime(2025, 3, 1, 8, tzinfo=UTC),
        audience="internal",
        rules=TrafficLightRules(),
        spec_of=lambda name, version: SPEC,
    )


def test_old_deferral_still_explains_a_deferred_measure_and_erased_names_stay_erased() -> None:
    data = ReportData(
        programmes=[SimpleNamespace(id=1, title="Arbeitspapier", paper_reference=None)],
        measures=[
            measure(1, "M-1", "zurueckgestellt"),
            measure(2, "M-2", "abgeschlossen", fortschritt=100),
        ],
        history={
            1: [
                step(
                    "2023-10-02",
                    "nicht_finanzieren",
                    "haushaltsplanung",
                    "zurueckgestellt",
                    comment="Keine Mittel 2024.",
                ),
            ],
            2: [step("2025-01-10", "abschliessen", "umsetzung", "abgeschlossen")],
        },
        budgets={
            1: SimpleNamespace(one_off=Decimal(1000), recurring=None, approved=None, spent=None)
        },
        persons={
            7: SimpleNamespace(
                title=None,
                given_name=None,
                family_name=None,
                function=None,
                erased_at=datetime(2024, 1, 1, tzinfo=UTC),
            )
        },
        paper_references={1: ["VII/0001/23"]},
    )

    report = build(data)

    [programme] = report.programmes
    assert programme.paper_reference == "VII/0001/23"
    [deferred] = programme.measures  # a finished measure never appears
    assert deferred.light == "rot"
    assert [(d.on, d.text) for d in deferred.delay_reasons] == [
        (date(2023, 10, 2), "Keine Mittel 2024.")
    ]
    assert deferred.responsible == "(gelöscht)"
    assert deferred.budget is not None
    assert (deferred.budget.planned, deferred.budget.spent, deferred.budget.spent_percent) == (
        Decimal(1000),
        Decimal(0),
        0,
    )


def test_a_vertagung_without_comment_names_the_new_meeting() -> None:
    data = ReportData(
        programmes=[SimpleNamespace(id=1, title="Arbeitspapier", paper_reference="VII/1/25")],
        measures=[measure(1, "M-1", "fva_beratung")],
        history={
            1: [
                step(
                    "2025-02-10",
                    "vertagen",
                    "fva_beratung",
                    "fva_beratung",
                    sitzung_am="2025-04-09",
                )
            ]
        },
    )

    [m] = build(data).programmes[0].measures
    assert [d.text for d in m.delay_reasons] == ["Neuer Sitzungstermin: 09.04.2025."]
    assert build(data, "2024-H2").programmes[0].measures[0].delay_reasons == []

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
    [deferred] = programme.measures
    [(done)] = programme.done  # finished in the period: listed as erledigt, uncoloured
    assert (done.code, done.state_label, done.on) == ("M-2", "Abgeschlossen", date(2025, 1, 10))
    assert build(data, "2024-H2").programmes[0].done == []  # not yet finished then
    assert deferred.light == "rot"
    assert [(d.on, d.text) for d in deferred.delay_reasons] == [
        (date(2023, 10, 2), "Keine Mittel 2024.")
    ]
    assert deferred.responsible == "(gelöscht)"
    # Never funded: its Haushaltsansätze show from the funding on.
    assert deferred.budget is None


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

    [programme] = build(data).programmes
    assert programme.measures == []  # not yet decided: listed apart, without a light
    [m] = programme.undecided
    assert (m.light, m.light_label) == (None, None)
    assert [d.text for d in m.delay_reasons] == ["Neuer Sitzungstermin: 09.04.2025."]


def test_state_and_values_are_those_of_the_stichtag() -> None:
    """Steps after the Stichtag do not count; values only they recorded are unknown then."""
    data = ReportData(
        programmes=[SimpleNamespace(id=1, title="Arbeitspapier", paper_reference=None)],
        measures=[measure(1, "M-1", "abgeschlossen", fortschritt=100, zieldatum="2026-12-31")],
        history={
            1: [
                step("2024-02-28", "beschliessen", "stadtrat_beschluss", "haushaltsplanung"),
                step(
                    "2024-10-14",
                    "finanzieren",
                    "haushaltsplanung",
                    "umsetzung",
                    zieldatum="2025-12-31",
                ),
                step("2025-02-01", "fortschritt_melden", "umsetzung", "umsetzung", fortschritt=40),
                step("2025-06-01", "fortschritt_melden", "umsetzung", "umsetzung", fortschritt=100),
                step("2025-06-20", "abschliessen", "umsetzung", "abgeschlossen"),
            ]
        },
    )

    [m] = build(data).programmes[0].measures  # as of 01.03.2025
    assert (m.state, m.progress, m.target_date) == ("umsetzung", 40, date(2025, 12, 31))
    assert m.start_date == date(2024, 10, 14)

    def as_of(day: date) -> Any:
        return build_report(
            data,
            period=Period(2024, 2),
            as_of=day,
            audience="internal",
            rules=TrafficLightRules(),
            spec_of=lambda name, version: SPEC,
        ).programmes[0]

    early = as_of(date(2024, 6, 30))
    assert [(x.state, x.progress, x.target_date) for x in early.measures] == [
        ("haushaltsplanung", None, None)
    ]


def edit(moment: str, **fields: Any) -> SimpleNamespace:
    return SimpleNamespace(
        changed_at=datetime.fromisoformat(moment).replace(tzinfo=UTC), fields=fields
    )


def test_each_field_holds_what_the_last_step_or_edit_before_the_stichtag_set() -> None:
    """Defect: a field edited outside a step counted as it is today (or not at all, once a
    step had recorded it). Steps and edits count in the order they took effect: a vote's
    step on its session's day, however late typed in, an edit when it was made."""
    decided = step(
        "2024-10-14", "finanzieren", "haushaltsplanung", "umsetzung", zieldatum="2026-12-31"
    )
    # The vote of 14.10.2024 was typed in on 20.11.2024, after the edit of 05.11.2024.
    decided.recorded_at = datetime(2024, 11, 20, 9, 0, tzinfo=UTC)
    data = ReportData(
        programmes=[SimpleNamespace(id=1, title="Arbeitspapier", paper_reference=None)],
        measures=[measure(1, "M-1", "umsetzung", fortschritt=40, zieldatum="2027-06-30")],
        history={
            1: [
                step("2024-02-28", "beschliessen", "stadtrat_beschluss", "haushaltsplanung"),
                decided,
                step("2025-02-01", "fortschritt_melden", "umsetzung", "umsetzung", fortschritt=40),
            ]
        },
        edits={
            1: [
                edit("2023-10-02T08:00:00", zieldatum="2025-12-31", kosten_einmalig=1000),
                edit("2024-11-05T10:00:00", zieldatum="2026-03-31"),
                edit("2025-01-15T10:00:00", kosten_einmalig=None),
            ]
        },
    )

    def target(day: date) -> Any:
        report = build_report(
            data,
            period=Period(day.year, 1 if day.month <= 6 else 2),
            as_of=day,
            audience="internal",
            rules=TrafficLightRules(),
            spec_of=lambda name, version: SPEC,
        )
        [m] = [*report.programmes[0].measures, *report.programmes[0].undecided]
        return m.target_date, m.progress

    # Given on creation; then the funding's; then the edit after it (although the vote was
    # typed in later); the edit of today (2027-06-30) is none of them.
    assert target(date(2024, 6, 30)) == (date(2025, 12, 31), None)
    assert target(date(2024, 10, 31)) == (date(2026, 12, 31), None)
    assert target(date(2024, 12, 31)) == (date(2026, 3, 31), None)
    assert target(date(2025, 3, 1)) == (date(2026, 3, 31), 40)

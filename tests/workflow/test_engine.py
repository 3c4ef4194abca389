"""The engine, table-driven and without a database.

The tables are built from the shipped definitions, so a transition added to a YAML file is
fired here without anyone touching this file; the explicit target tables make a wrongly
edited definition fail loudly.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from transitions import Machine, MachineError
from transitions.core import Condition

from workflow.calendar import to_local
from workflow.engine import Engine, Subject
from workflow.errors import (
    EventOption,
    Forbidden,
    GuardFailed,
    InvalidData,
    MissingData,
    NotAllowed,
    WorkflowError,
)
from workflow.guards import GUARDS, GuardContext, ItemView, Statement
from workflow.registry import load_registry
from workflow.spec import KNOWN_ROLES, TransitionSpec, WorkflowSpec
from workflow.values import Typed, normalize

BERLIN = ZoneInfo("Europe/Berlin")
DEFINITIONS = Path(__file__).resolve().parents[2] / "definitions"
REGISTRY = load_registry([DEFINITIONS])
MASSNAHME = REGISTRY.latest("massnahme")
VORLAGE = REGISTRY.latest("vorlage")
ENGINES = {"massnahme": MASSNAHME, "vorlage": VORLAGE}
# Events a recorded vote decides: the tests fire them as the vote's recording does.
VOTED = {t.event for e in ENGINES.values() for t in e.spec.transitions if t.by_vote}

# A Wednesday in March, no holiday near: every test fires at this fixed moment.
NOW = datetime(2025, 3, 12, 9, 30, tzinfo=BERLIN)

DSB = Statement("datenschutz", author_id=7, given_on=date(2025, 2, 3), outcome="zustimmend")
ISB = Statement(
    "informationssicherheit", author_id=8, given_on=date(2025, 2, 4), outcome="mit_auflagen"
)
# Ablehnend, but weighed: the Verwaltungsleitung decided to proceed (Abwägung).
PR = Statement(
    "personalrat", author_id=9, given_on=date(2025, 2, 5), outcome="ablehnend", weighed=True
)

COMPLETE_ANALYSIS: Mapping[str, Any] = {
    "kosten_einmalig": "12500.00",
    "kosten_laufend": "1800.00",
    "nutzen": "Weniger Papier, kürzere Durchlaufzeiten.",
}

# A valid value a clerk would type for each field type, and what the engine stores.
TYPICAL: Mapping[str, tuple[Any, Any]] = {
    "text": ("  Vermerk aus der Sitzung  ", "Vermerk aus der Sitzung"),
    "date": ("27.03.2025", "2025-03-27"),
    "integer": ("2026", 2026),
    "percent": ("75", 75),
    "money": (Typed("12.500,00"), "12500.00"),
    "boolean": ("ja", True),
}


@dataclass(frozen=True)
class Setup:
    """What makes a guard hold: values (given with the transition when it asks for them,
    otherwise already on the item) and statements on the item."""

    values: Mapping[str, Any] = field(default_factory=dict)
    statements: tuple[Statement, ...] = ()


# Every registered guard must say here how it is satisfied; a new guard without an entry
# fails ``test_every_registered_guard_has_a_way_to_hold``.
SATISFY: Mapping[str, Setup] = {
    "aufwand_nutzen_analyse_vollstaendig": Setup(values=COMPLETE_ANALYSIS),
    "dsb_stellungnahme_bei_personenbezug": Setup({"personenbezogen": True}, (DSB,)),
    "isb_stellungnahme_bei_sicherheitsrelevanz": Setup({"sicherheitsrelevant": True}, (ISB,)),
    "personalrat_angehoert_bei_personalwirkung": Setup({"personalwirksam": True}, (PR,)),
    "abstimmung_angenommen": Setup({"abstimmungsergebnis": "angenommen"}),
    "abstimmung_abgelehnt": Setup({"abstimmungsergebnis": "abgelehnt"}),
    "fortschritt_vollstaendig": Setup({"fortschritt": 100}),
    "wiedervorlage_in_zukunft": Setup({"wiedervorlage_am": "01.09.2025"}),
    "auflagen_erfuellt": Setup(),
}

MASSNAHME_TARGETS: Mapping[tuple[str, str], str] = {
    ("entwurf", "einreichen"): "ag_pruefung",
    ("entwurf", "zurueckziehen"): "zurueckgezogen",
    ("ag_pruefung", "zur_ueberarbeitung"): "entwurf",
    ("ag_pruefung", "an_fva_uebergeben"): "fva_beratung",
    ("ag_pruefung", "zurueckstellen"): "zurueckgestellt",
    ("ag_pruefung", "zurueckziehen"): "zurueckgezogen",
    ("fva_beratung", "fva_empfehlen"): "stadtrat_beschluss",
    ("fva_beratung", "fva_nicht_empfehlen"): "stadtrat_beschluss",
    ("fva_beratung", "vertagen"): "fva_beratung",
    ("fva_beratung", "zurueckverweisen"): "ag_pruefung",
    ("stadtrat_beschluss", "vertagen"): "stadtrat_beschluss",
    ("stadtrat_beschluss", "zurueckverweisen"): "ag_pruefung",
    ("stadtrat_beschluss", "beschliessen"): "haushaltsplanung",
    ("stadtrat_beschluss", "ablehnen"): "abgelehnt",
    ("haushaltsplanung", "finanzieren"): "umsetzung",
    ("haushaltsplanung", "nicht_finanzieren"): "zurueckgestellt",
    ("haushaltsplanung", "stoppen"): "gestoppt",
    ("zurueckgestellt", "wiederaufnehmen"): "ag_pruefung",
    ("zurueckgestellt", "erneut_planen"): "haushaltsplanung",
    ("zurueckgestellt", "stoppen"): "gestoppt",
    ("umsetzung", "fortschritt_melden"): "umsetzung",
    ("umsetzung", "abschliessen"): "abgeschlossen",
    ("umsetzung", "stoppen"): "gestoppt",
}

VORLAGE_TARGETS: Mapping[tuple[str, str], str] = {
    ("entwurf", "in_vorberatung_geben"): "vorberatung",
    ("entwurf", "zurueckziehen"): "zurueckgezogen",
    ("vorberatung", "empfehlen"): "entscheidung",
    ("vorberatung", "nicht_empfehlen"): "entscheidung",
    ("vorberatung", "vertagen"): "vorberatung",
    ("vorberatung", "zurueckverweisen"): "entwurf",
    ("vorberatung", "zurueckziehen"): "zurueckgezogen",
    ("entscheidung", "vertagen"): "entscheidung",
    ("entscheidung", "zurueckverweisen"): "entwurf",
    ("entscheidung", "beschliessen"): "beschlossen",
    ("entscheidung", "ablehnen"): "abgelehnt",
    ("entscheidung", "zurueckziehen"): "zurueckgezogen",
}

EXPECTED_TARGETS = {"massnahme": MASSNAHME_TARGETS, "vorlage": VORLAGE_TARGETS}


@dataclass(frozen=True)
class Case:
    definition: str
    transition: TransitionSpec
    source: str
    role: str

    @property
    def id(self) -> str:
        return f"{self.definition}:{self.source}-{self.transition.event}-as-{self.role}"


def _cases() -> list[Case]:
    return [
        Case(spec.name, t, source, role)
        for spec in REGISTRY.specs()
        for t in spec.transitions
        for source in t.sources
        for role in sorted(t.roles)
    ]


CASES = _cases()


@dataclass
class Prepared:
    subject: Subject
    data: dict[str, Any]
    expected_changes: dict[str, Any]
    comment: str | None


def prepare(spec: WorkflowSpec, t: TransitionSpec, source: str) -> Prepared:
    """An item in ``source`` and the data with which ``t`` must succeed."""
    accepted = (*t.requires, *t.optional)
    data: dict[str, Any] = {}
    expected: dict[str, Any] = {}
    for name in accepted:
        spec_field = spec.fields[name]
        if spec_field.type == "choice":
            data[name] = expected[name] = spec_field.options[0]
        else:
            data[name], expected[name] = TYPICAL[spec_field.type]
    fields: dict[str, Any] = {}
    statements: list[Statement] = []
    for guard_name in t.guards:
        setup = SATISFY[guard_name]
        for name, value in setup.values.items():
            if name in accepted:
                data[name] = value
                expected.pop(name)
            else:
                fields[name] = value
        statements.extend(setup.statements)
    # Values a guard needed are stored as the field's canonical form.
    for name in data.keys() - expected.keys():
        expected[name] = normalize(spec.fields[name], data[name])
    comment = "Begründung für den Schritt." if t.comment == "erforderlich" else None
    return Prepared(Subject(source, fields, tuple(statements)), data, expected, comment)


def snapshot(subject: Subject) -> tuple[str, dict[str, Any], tuple[Statement, ...]]:
    return subject.state, dict(subject.fields), subject.statements


# --- every transition -------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_transition_fires_from_each_source_with_each_role_it_names(case: Case) -> None:
    engine = ENGINES[case.definition]
    t = case.transition
    prepared = prepare(engine.spec, t, case.source)
    subject = prepared.subject
    fields_before = dict(subject.fields)
    expected_target = EXPECTED_TARGETS[case.definition][(case.source, t.event)]

    result = engine.fire(
        subject,
        t.event,
        {case.role},
        prepared.data,
        now=NOW,
        comment=prepared.comment,
        by_vote=t.by_vote,
    )

    assert subject.state == expected_target
    assert result.event == t.event
    assert result.label == t.label
    assert result.source == case.source
    assert result.target == expected_target
    assert dict(result.changes) == prepared.expected_changes
    assert subject.fields == {**fields_before, **prepared.expected_changes}
    assert result.comment == prepared.comment
    assert result.cascade == t.cascade
    if t.deadline is None:
        assert result.deadline is None
    else:
        assert result.deadline is not None
        assert result.deadline.name == t.deadline.name
        assert result.deadline.due_at.tzinfo is UTC


@pytest.mark.parametrize("definition", sorted(EXPECTED_TARGETS))
def test_the_expected_target_table_names_exactly_the_transitions_of_the_definition(
    definition: str,
) -> None:
    spec = ENGINES[definition].spec
    in_spec = {
        (source, t.event): t.target_from(source) for t in spec.transitions for source in t.sources
    }

    assert in_spec == dict(EXPECTED_TARGETS[definition])


FORBIDDEN_CASES = [
    (spec.name, t, source, role)
    for spec in REGISTRY.specs()
    for t in spec.transitions
    for source in t.sources
    for role in sorted(KNOWN_ROLES - t.roles)
]


@pytest.mark.parametrize(
    ("definition", "transition", "source", "role"),
    FORBIDDEN_CASES,
    ids=[f"{d}:{s}-{t.event}-as-{r}" for d, t, s, r in FORBIDDEN_CASES],
)
def test_every_transition_is_forbidden_for_every_role_it_does_not_name(
    definition: str, transition: TransitionSpec, source: str, role: str
) -> None:
    engine = ENGINES[definition]
    prepared = prepare(engine.spec, transition, source)
    before = snapshot(prepared.subject)

    with pytest.raises(Forbidden) as caught:
        engine.fire(
            prepared.subject,
            transition.event,
            {role},
            prepared.data,
            now=NOW,
            comment=prepared.comment,
        )

    assert caught.value.allowed_roles == transition.roles
    assert snapshot(prepared.subject) == before


def test_the_seed_measure_runs_from_draft_to_completion() -> None:
    subject = Subject("entwurf", dict(COMPLETE_ANALYSIS))
    steps: list[tuple[str, set[str], dict[str, Any], str | None]] = [
        ("einreichen", {"ag_mitglied"}, {}, None),
        ("an_fva_uebergeben", {"ag_leitung"}, {}, None),
        ("fva_empfehlen", {"sitzungsdienst"}, {"abstimmungsergebnis": "angenommen"}, None),
        ("beschliessen", {"sitzungsdienst"}, {"abstimmungsergebnis": "angenommen"}, None),
        (
            "finanzieren",
            {"kaemmerei"},
            {"haushaltsjahr": 2025, "betrag_einmalig": "12500", "betrag_laufend": "0"},
            None,
        ),
        ("fortschritt_melden", {"ag_mitglied"}, {"fortschritt": "60"}, None),
        ("fortschritt_melden", {"ag_mitglied"}, {"fortschritt": 100}, None),
        ("abschliessen", {"ag_leitung"}, {"abschlussvermerk": "Im Echtbetrieb."}, None),
    ]
    path = [subject.state]
    for event, roles, data, comment in steps:
        MASSNAHME.fire(
            subject, event, roles, data, now=NOW, comment=comment, by_vote=event in VOTED
        )
        path.append(subject.state)

    assert path == [
        "entwurf",
        "ag_pruefung",
        "fva_beratung",
        "stadtrat_beschluss",
        "haushaltsplanung",
        "umsetzung",
        "umsetzung",
        "umsetzung",
        "abgeschlossen",
    ]
    assert subject.fields["fortschritt"] == 100
    assert subject.fields["betrag_laufend"] == "0.00"


# --- guards -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GuardCase:
    guard: str
    name: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)
    statements: tuple[Statement, ...] = ()
    # None: the guard holds; otherwise fragments its German message must contain.
    message: tuple[str, ...] | None = None
    open_conditions: tuple[str, ...] = ()


GUARD_CASES = [
    GuardCase(
        "aufwand_nutzen_analyse_vollstaendig",
        "holds_when_costs_and_benefit_are_given",
        fields=COMPLETE_ANALYSIS,
    ),
    GuardCase(
        "aufwand_nutzen_analyse_vollstaendig",
        "holds_when_zero_costs_are_given",
        fields={**COMPLETE_ANALYSIS, "kosten_einmalig": "0.00", "kosten_laufend": "0.00"},
    ),
    GuardCase(
        "aufwand_nutzen_analyse_vollstaendig",
        "fails_listing_every_gap_when_nothing_is_given",
        message=(
            "Aufwand-Nutzen-Analyse fehlt oder ist unvollständig",
            "es fehlen: einmalige Kosten, laufende Kosten, Nutzenbeschreibung",
        ),
    ),
    GuardCase(
        "aufwand_nutzen_analyse_vollstaendig",
        "fails_when_the_benefit_is_blank",
        fields={**COMPLETE_ANALYSIS, "nutzen": "   "},
        message=("Aufwand-Nutzen-Analyse", "(es fehlen: Nutzenbeschreibung)"),
    ),
    GuardCase(
        "aufwand_nutzen_analyse_vollstaendig",
        "holds_when_the_transition_data_fills_the_gap",
        fields={"kosten_einmalig": "1.00", "kosten_laufend": "2.00"},
        data={"nutzen": "Bürgerservice online"},
    ),
    GuardCase(
        "dsb_stellungnahme_bei_personenbezug",
        "holds_without_personal_data",
        fields={"personenbezogen": False},
    ),
    GuardCase("dsb_stellungnahme_bei_personenbezug", "holds_when_the_flag_is_unset"),
    GuardCase(
        "dsb_stellungnahme_bei_personenbezug",
        "holds_with_personal_data_and_a_dsb_statement",
        fields={"personenbezogen": True},
        statements=(DSB,),
    ),
    GuardCase(
        "dsb_stellungnahme_bei_personenbezug",
        "fails_with_personal_data_and_no_statement",
        fields={"personenbezogen": True},
        message=(
            "Stellungnahme der/des Datenschutzbeauftragten fehlt",
            "die Maßnahme berührt personenbezogene Daten",
        ),
    ),
    # Regression (issue 14): "ablehnend satisfies the guard". The DSB advises, the
    # administration decides: a rejecting statement blocks until the Verwaltungsleitung
    # records its Abwägung.
    GuardCase(
        "dsb_stellungnahme_bei_personenbezug",
        "ablehnend_satisfies_the_guard",
        fields={"personenbezogen": True},
        statements=(Statement("datenschutz", 7, date(2025, 1, 2), "ablehnend"),),
        message=(
            "Stellungnahme der/des Datenschutzbeauftragten vom 02.01.2025 ist ablehnend",
            "Abwägung",
            "Verwaltungsleitung",
        ),
    ),
    GuardCase(
        "dsb_stellungnahme_bei_personenbezug",
        "holds_when_the_verwaltungsleitung_weighed_the_rejection",
        fields={"personenbezogen": True},
        statements=(Statement("datenschutz", 7, date(2025, 1, 2), "ablehnend", weighed=True),),
    ),
    GuardCase(
        "dsb_stellungnahme_bei_personenbezug",
        "a_later_statement_replaces_an_earlier_rejection",
        fields={"personenbezogen": True},
        statements=(
            Statement("datenschutz", 7, date(2025, 1, 2), "ablehnend"),
            Statement("datenschutz", 7, date(2025, 2, 2), "zustimmend"),
        ),
    ),
    GuardCase(
        "auflagen_erfuellt",
        "holds_when_no_condition_is_open",
    ),
    GuardCase(
        "auflagen_erfuellt",
        "fails_while_a_condition_is_open",
        open_conditions=("Löschkonzept vorlegen",),
        message=("Auflagen", "„Löschkonzept vorlegen“"),
    ),
    GuardCase(
        "dsb_stellungnahme_bei_personenbezug",
        "fails_when_only_other_officers_gave_statements",
        fields={"personenbezogen": True},
        statements=(ISB, PR),
        message=("Stellungnahme der/des Datenschutzbeauftragten fehlt",),
    ),
    GuardCase(
        "isb_stellungnahme_bei_sicherheitsrelevanz",
        "holds_when_not_security_relevant",
        fields={"sicherheitsrelevant": False},
    ),
    GuardCase(
        "isb_stellungnahme_bei_sicherheitsrelevanz",
        "holds_with_an_isb_statement",
        fields={"sicherheitsrelevant": True},
        statements=(ISB,),
    ),
    GuardCase(
        "isb_stellungnahme_bei_sicherheitsrelevanz",
        "fails_without_an_isb_statement",
        fields={"sicherheitsrelevant": True},
        statements=(DSB,),
        message=(
            "Stellungnahme der/des Informationssicherheitsbeauftragten fehlt",
            "sicherheitsrelevant",
        ),
    ),
    GuardCase(
        "personalrat_angehoert_bei_personalwirkung",
        "holds_when_staff_work_does_not_change",
        fields={"personalwirksam": False},
    ),
    GuardCase(
        "personalrat_angehoert_bei_personalwirkung",
        "holds_when_the_personalrat_was_heard",
        fields={"personalwirksam": True},
        statements=(PR,),
    ),
    GuardCase(
        "personalrat_angehoert_bei_personalwirkung",
        "fails_when_the_personalrat_was_not_heard",
        fields={"personalwirksam": True},
        message=(
            "Stellungnahme des Personalrats fehlt",
            "verändert die Arbeitsweise der Beschäftigten",
        ),
    ),
    GuardCase(
        "abstimmung_angenommen",
        "holds_for_an_adopted_vote",
        data={"abstimmungsergebnis": "angenommen"},
    ),
    GuardCase(
        "abstimmung_angenommen",
        "fails_for_a_rejected_vote",
        data={"abstimmungsergebnis": "abgelehnt"},
        message=("setzt eine angenommene Abstimmung voraus", "(Ergebnis: abgelehnt)"),
    ),
    GuardCase(
        "abstimmung_abgelehnt",
        "holds_for_a_rejected_vote",
        data={"abstimmungsergebnis": "abgelehnt"},
    ),
    GuardCase(
        "abstimmung_abgelehnt",
        "fails_for_an_adopted_vote",
        data={"abstimmungsergebnis": "angenommen"},
        message=("setzt eine abgelehnte Abstimmung voraus", "(Ergebnis: angenommen)"),
    ),
    GuardCase("fortschritt_vollstaendig", "holds_at_100_percent", fields={"fortschritt": 100}),
    GuardCase(
        "fortschritt_vollstaendig",
        "fails_below_100_percent",
        fields={"fortschritt": 80},
        message=("Abschluss erst bei 100 % Fortschritt möglich", "(derzeit 80 %)"),
    ),
    GuardCase(
        "fortschritt_vollstaendig",
        "fails_when_no_progress_was_reported",
        message=("(derzeit 0 %)",),
    ),
    GuardCase(
        "wiedervorlage_in_zukunft",
        "holds_for_tomorrow",
        data={"wiedervorlage_am": "2025-03-13"},
    ),
    GuardCase(
        "wiedervorlage_in_zukunft",
        "fails_for_today",
        data={"wiedervorlage_am": "2025-03-12"},
        message=("Das Wiedervorlagedatum (12.03.2025) muss in der Zukunft liegen.",),
    ),
    GuardCase(
        "wiedervorlage_in_zukunft",
        "fails_for_a_past_date",
        data={"wiedervorlage_am": date(2024, 12, 1)},
        message=("(01.12.2024)", "muss in der Zukunft liegen"),
    ),
]


@pytest.mark.parametrize("case", GUARD_CASES, ids=[f"{c.guard}-{c.name}" for c in GUARD_CASES])
def test_each_guard_holds_or_fails_with_its_german_message(case: GuardCase) -> None:
    view = ItemView(
        "ag_pruefung", MappingProxyType(dict(case.fields)), case.statements, case.open_conditions
    )
    context = GuardContext(view, MappingProxyType(dict(case.data)), NOW)

    message = GUARDS[case.guard].check(context)

    if case.message is None:
        assert message is None
    else:
        assert message is not None
        for fragment in case.message:
            assert fragment in message


def test_every_registered_guard_is_shown_holding_and_failing() -> None:
    holding = {c.guard for c in GUARD_CASES if c.message is None}
    failing = {c.guard for c in GUARD_CASES if c.message is not None}

    assert holding == set(GUARDS)
    assert failing == set(GUARDS)


def test_every_registered_guard_has_a_way_to_hold() -> None:
    assert set(SATISFY) == set(GUARDS)


def test_the_review_date_is_compared_with_the_date_in_berlin() -> None:
    # 23:30 UTC on 10 March is already 11 March in Aschersleben: 11 March is today there.
    late_evening_utc = datetime(2025, 3, 10, 23, 30, tzinfo=UTC)
    data = MappingProxyType({"wiedervorlage_am": "2025-03-11"})
    context = GuardContext(ItemView("ag_pruefung"), data, late_evening_utc)

    message = GUARDS["wiedervorlage_in_zukunft"].check(context)

    assert message == "Das Wiedervorlagedatum (11.03.2025) muss in der Zukunft liegen."


GUARDED = [
    (spec.name, t, guard_name)
    for spec in REGISTRY.specs()
    for t in spec.transitions
    for guard_name in t.guards
]


@pytest.mark.parametrize(
    ("definition", "transition", "guard_name"),
    GUARDED,
    ids=[f"{d}:{t.event}-{g}" for d, t, g in GUARDED],
)
def test_each_guard_of_a_transition_blocks_it_alone_when_it_fails(
    definition: str, transition: TransitionSpec, guard_name: str
) -> None:
    engine = ENGINES[definition]
    source = transition.sources[0]
    prepared = prepare(engine.spec, transition, source)
    failing = next(c for c in GUARD_CASES if c.guard == guard_name and c.message is not None)
    subject = prepared.subject
    accepted = {*transition.requires, *transition.optional}
    fields = dict(subject.fields)
    statements = tuple(s for s in subject.statements if s not in SATISFY[guard_name].statements)
    for name in GUARDS[guard_name].needs:
        fields.pop(name, None)
    data = dict(prepared.data)
    for name, value in {**failing.fields, **failing.data}.items():
        if name in accepted:
            data[name] = value
        else:
            fields[name] = value
    subject = Subject(source, fields, statements + failing.statements, failing.open_conditions)
    before = snapshot(subject)

    with pytest.raises(GuardFailed) as caught:
        engine.fire(
            subject,
            transition.event,
            set(transition.roles),
            data,
            now=NOW,
            comment=prepared.comment,
            by_vote=transition.by_vote,
        )

    assert [f.guard for f in caught.value.failures] == [guard_name]
    assert failing.message is not None
    for fragment in failing.message:
        assert fragment in caught.value.failures[0].message
        assert fragment in str(caught.value)
    assert snapshot(subject) == before


# --- typed errors -----------------------------------------------------------------------


def test_an_event_from_the_wrong_state_lists_what_the_actor_may_do_instead() -> None:
    subject = Subject("entwurf")

    with pytest.raises(NotAllowed) as caught:
        MASSNAHME.fire(subject, "beschliessen", {"ag_leitung"}, {}, now=NOW)

    error = caught.value
    assert error.event == "beschliessen"
    assert error.state == "entwurf"
    assert error.allowed == [
        EventOption("einreichen", "Zur Prüfung in der AG einreichen"),
        EventOption("zurueckziehen", "Zurückziehen"),
    ]
    # Issue 15: the text named codes ("„beschliessen“ ist im Zustand „entwurf“ ...
    # Möglich sind: einreichen, zurueckziehen."); the codes stay in ``allowed``.
    assert str(error) == (
        "„Beschluss des Stadtrats“ ist im Zustand „Entwurf“ nicht möglich. "
        "Möglich sind: „Zur Prüfung in der AG einreichen“, „Zurückziehen“."
    )
    assert subject.state == "entwurf"


def test_not_allowed_offers_only_the_events_the_actors_roles_may_fire() -> None:
    with pytest.raises(NotAllowed) as caught:
        MASSNAHME.fire(Subject("entwurf"), "abschliessen", {"ag_mitglied"}, now=NOW)

    assert [o.event for o in caught.value.allowed] == ["einreichen"]


def test_not_allowed_takes_precedence_over_a_forbidden_role() -> None:
    with pytest.raises(NotAllowed) as caught:
        MASSNAHME.fire(Subject("umsetzung"), "einreichen", {"kaemmerei"}, now=NOW)

    assert caught.value.allowed == []


def test_an_unknown_event_is_not_allowed() -> None:
    with pytest.raises(NotAllowed) as caught:
        MASSNAHME.fire(Subject("entwurf"), "durchwinken", {"ag_leitung"}, now=NOW)

    assert [o.event for o in caught.value.allowed] == ["einreichen", "zurueckziehen"]
    assert str(caught.value).startswith("„durchwinken“ ist im Zustand „Entwurf“ nicht möglich.")


@pytest.mark.parametrize("final", ["abgeschlossen", "abgelehnt", "zurueckgezogen", "gestoppt"])
def test_nothing_is_possible_in_a_final_state(final: str) -> None:
    with pytest.raises(NotAllowed) as caught:
        MASSNAHME.fire(Subject(final), "stoppen", set(KNOWN_ROLES), {"grund": "x"}, now=NOW)

    assert caught.value.allowed == []
    assert "Möglich ist dort kein Schritt." in str(caught.value)


def test_a_role_the_transition_does_not_name_is_forbidden() -> None:
    subject = Subject("umsetzung")

    with pytest.raises(Forbidden) as caught:
        MASSNAHME.fire(subject, "stoppen", {"ag_leitung", "kaemmerei"}, {"grund": "x"}, now=NOW)

    error = caught.value
    assert error.allowed_roles == frozenset({"verwaltungsleitung"})
    assert error.actor_roles == frozenset({"ag_leitung", "kaemmerei"})
    assert str(error) == (
        "„Maßnahme stoppen“ dürfen nur folgende Rollen auslösen: "
        "Verwaltungsleitung (OB, Dezernenten)."
    )
    assert subject.state == "umsetzung"


def test_an_actor_without_roles_is_forbidden() -> None:
    with pytest.raises(Forbidden):
        MASSNAHME.fire(Subject("entwurf"), "einreichen", set(), now=NOW)


def test_the_public_is_forbidden_to_fire_anything() -> None:
    with pytest.raises(Forbidden):
        MASSNAHME.fire(Subject("entwurf"), "einreichen", {"public"}, now=NOW)


def test_a_forbidden_role_is_reported_before_missing_data() -> None:
    with pytest.raises(Forbidden):
        MASSNAHME.fire(Subject("haushaltsplanung"), "finanzieren", {"ag_leitung"}, now=NOW)


def test_guard_failed_lists_every_failing_guard_not_just_the_first() -> None:
    subject = Subject(
        "ag_pruefung",
        {"personenbezogen": True, "sicherheitsrelevant": True, "personalwirksam": True},
    )
    before = snapshot(subject)

    with pytest.raises(GuardFailed) as caught:
        MASSNAHME.fire(subject, "an_fva_uebergeben", {"ag_leitung"}, {}, now=NOW)

    failures = caught.value.failures
    assert [f.guard for f in failures] == [
        "aufwand_nutzen_analyse_vollstaendig",
        "dsb_stellungnahme_bei_personenbezug",
        "isb_stellungnahme_bei_sicherheitsrelevanz",
        "personalrat_angehoert_bei_personalwirkung",
    ]
    text = str(caught.value)
    assert text.startswith("Voraussetzungen nicht erfüllt: ")
    for fragment in (
        "Aufwand-Nutzen-Analyse",
        "Stellungnahme der/des Datenschutzbeauftragten fehlt",
        "Stellungnahme der/des Informationssicherheitsbeauftragten fehlt",
        "Stellungnahme des Personalrats fehlt",
    ):
        assert fragment in text
    assert snapshot(subject) == before


def test_guard_failed_lists_only_the_guards_that_fail() -> None:
    subject = Subject(
        "ag_pruefung",
        {**COMPLETE_ANALYSIS, "personenbezogen": True, "personalwirksam": True},
        (PR,),
    )

    with pytest.raises(GuardFailed) as caught:
        MASSNAHME.fire(subject, "an_fva_uebergeben", {"ag_leitung"}, now=NOW)

    assert [f.guard for f in caught.value.failures] == ["dsb_stellungnahme_bei_personenbezug"]


def test_missing_data_names_every_required_field() -> None:
    subject = Subject("haushaltsplanung")

    with pytest.raises(MissingData) as caught:
        MASSNAHME.fire(subject, "finanzieren", {"kaemmerei"}, {"produktkonto": "1.1.1"}, now=NOW)

    error = caught.value
    assert [m.field for m in error.missing] == [
        "haushaltsjahr",
        "betrag_einmalig",
        "betrag_laufend",
    ]
    assert str(error) == (
        "Für „Im Haushalt einplanen“ fehlen Angaben: Haushaltsjahr, Veranschlagte einmalige "
        "Mittel (EUR), Veranschlagte laufende Mittel (EUR)."
    )
    assert snapshot(subject) == ("haushaltsplanung", {}, ())


def test_missing_data_names_the_required_comment() -> None:
    with pytest.raises(MissingData) as caught:
        MASSNAHME.fire(Subject("ag_pruefung"), "zurueckstellen", {"ag_leitung"}, now=NOW)

    assert [(m.field, m.label) for m in caught.value.missing] == [
        ("wiedervorlage_am", "Wiedervorlage am"),
        ("kommentar", "Kommentar"),
    ]
    assert "Kommentar" in str(caught.value)


@pytest.mark.parametrize("comment", [None, "", "   \n"])
def test_a_blank_comment_does_not_count_as_the_required_comment(comment: str | None) -> None:
    with pytest.raises(MissingData) as caught:
        MASSNAHME.fire(
            Subject("ag_pruefung"), "zur_ueberarbeitung", {"ag_leitung"}, now=NOW, comment=comment
        )

    assert [m.field for m in caught.value.missing] == ["kommentar"]


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_a_blank_value_does_not_count_as_required_data(blank: str | None) -> None:
    with pytest.raises(MissingData) as caught:
        MASSNAHME.fire(
            Subject("umsetzung"), "stoppen", {"verwaltungsleitung"}, {"grund": blank}, now=NOW
        )

    assert [m.field for m in caught.value.missing] == ["grund"]


def test_the_comment_is_recorded_trimmed() -> None:
    result = MASSNAHME.fire(
        Subject("ag_pruefung"),
        "zur_ueberarbeitung",
        {"ag_leitung"},
        now=NOW,
        comment="  Kosten fehlen.  ",
    )

    assert result.comment == "Kosten fehlen."


INVALID = [
    ("umsetzung", "fortschritt_melden", "fortschritt", 101, "muss zwischen 0 und 100 liegen"),
    ("umsetzung", "fortschritt_melden", "fortschritt", "-1", "muss zwischen 0 und 100 liegen"),
    ("umsetzung", "fortschritt_melden", "fortschritt", "viel", "erwartet eine ganze Zahl"),
    ("umsetzung", "fortschritt_melden", "fortschritt", True, "erwartet eine ganze Zahl"),
    ("fva_beratung", "vertagen", "sitzung_am", "31.02.2025", "erwartet ein Datum"),
    ("fva_beratung", "vertagen", "sitzung_am", "nächste Woche", "erwartet ein Datum"),
    ("haushaltsplanung", "finanzieren", "betrag_einmalig", "zwölf", "erwartet einen Betrag"),
    ("haushaltsplanung", "finanzieren", "betrag_laufend", "-5", "mindestens 0"),
    ("haushaltsplanung", "finanzieren", "betrag_laufend", "NaN", "erwartet einen Betrag"),
    ("haushaltsplanung", "finanzieren", "betrag_einmalig", "1e30", "erwartet einen Betrag"),
    ("haushaltsplanung", "finanzieren", "betrag_einmalig", "1" + "0" * 30, "zu groß"),
    ("haushaltsplanung", "finanzieren", "betrag_einmalig", "12.500", "zwei Nachkommastellen"),
    ("haushaltsplanung", "finanzieren", "betrag_einmalig", 0.125, "zwei Nachkommastellen"),
    ("haushaltsplanung", "finanzieren", "haushaltsjahr", "2025.5", "erwartet eine ganze Zahl"),
    (
        "fva_beratung",
        "fva_empfehlen",
        "abstimmungsergebnis",
        "vertagt",
        "erlaubt sind: angenommen, abgelehnt",
    ),
]

VALID_DATA: Mapping[str, dict[str, Any]] = {
    "fortschritt_melden": {"fortschritt": 50},
    "vertagen": {"sitzung_am": "2025-04-02"},
    "finanzieren": {"haushaltsjahr": 2025, "betrag_einmalig": "1", "betrag_laufend": "2"},
    "fva_empfehlen": {"abstimmungsergebnis": "angenommen"},
}

ROLE_OF = {
    "fortschritt_melden": "ag_mitglied",
    "vertagen": "sitzungsdienst",
    "finanzieren": "kaemmerei",
    "fva_empfehlen": "sitzungsdienst",
}


@pytest.mark.parametrize(
    ("state", "event", "name", "value", "reason"),
    INVALID,
    ids=[f"{e}-{n}={v!r}" for _, e, n, v, _ in INVALID],
)
def test_invalid_values_are_rejected_with_the_field_and_the_reason(
    state: str, event: str, name: str, value: Any, reason: str
) -> None:
    subject = Subject(state, {"nutzen": "vorher"})
    before = snapshot(subject)

    with pytest.raises(InvalidData) as caught:
        MASSNAHME.fire(
            subject,
            event,
            {ROLE_OF[event]},
            {**VALID_DATA[event], name: value},
            now=NOW,
            by_vote=event in VOTED,
        )

    [problem] = caught.value.problems
    assert problem.field == name
    assert problem.label == MASSNAHME.spec.fields[name].label
    assert reason in problem.message
    assert f"{problem.label}: " in str(caught.value)
    assert snapshot(subject) == before


def test_data_that_does_not_belong_to_the_transition_is_rejected() -> None:
    subject = Subject("entwurf")

    with pytest.raises(InvalidData) as caught:
        MASSNAHME.fire(
            subject,
            "einreichen",
            {"ag_leitung"},
            {"fortschritt": 50, "lieblingsfarbe": "blau"},
            now=NOW,
        )

    assert [(p.field, p.label, p.message) for p in caught.value.problems] == [
        ("fortschritt", "Fortschritt (%)", "gehört nicht zu diesem Schritt."),
        ("lieblingsfarbe", "lieblingsfarbe", "gehört nicht zu diesem Schritt."),
    ]
    assert subject == Subject("entwurf")


def test_editable_fields_cannot_be_smuggled_in_through_a_transition() -> None:
    subject = Subject("ag_pruefung", {"personenbezogen": True})

    with pytest.raises(InvalidData) as caught:
        MASSNAHME.fire(
            subject,
            "an_fva_uebergeben",
            {"ag_leitung"},
            {**COMPLETE_ANALYSIS, "personenbezogen": False},
            now=NOW,
        )

    assert {p.field for p in caught.value.problems} == {*COMPLETE_ANALYSIS, "personenbezogen"}
    assert subject.state == "ag_pruefung"


def test_every_invalid_value_is_listed_at_once() -> None:
    with pytest.raises(InvalidData) as caught:
        MASSNAHME.fire(
            Subject("umsetzung"),
            "fortschritt_melden",
            {"ag_leitung"},
            {"fortschritt": 150, "zieldatum": "irgendwann"},
            now=NOW,
        )

    assert [p.field for p in caught.value.problems] == ["fortschritt", "zieldatum"]


def test_a_naive_now_is_refused() -> None:
    subject = Subject("entwurf")

    with pytest.raises(ValueError, match="aware"):
        MASSNAHME.fire(subject, "einreichen", {"ag_leitung"}, now=datetime(2025, 3, 12, 9, 30))

    assert subject.state == "entwurf"


def test_every_engine_error_is_a_workflow_error_with_german_detail() -> None:
    for error_type in (NotAllowed, Forbidden, GuardFailed, MissingData, InvalidData):
        assert issubclass(error_type, WorkflowError)


# --- deadlines --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "due_local"),
    [
        # Tuesday + 6 weeks is a Tuesday: no move.
        (datetime(2025, 1, 7, 9, 0, tzinfo=BERLIN), datetime(2025, 2, 18, 9, 0, tzinfo=BERLIN)),
        # Thursday + 6 weeks = Reformationstag (31.10.2024) -> Friday 01.11.2024.
        (datetime(2024, 9, 19, 8, 0, tzinfo=BERLIN), datetime(2024, 11, 1, 8, 0, tzinfo=BERLIN)),
        # Saturday + 6 weeks = Karsamstag 2025, then Ostersonntag, Ostermontag -> Tuesday.
        (datetime(2025, 3, 8, 10, 0, tzinfo=BERLIN), datetime(2025, 4, 22, 10, 0, tzinfo=BERLIN)),
        # Given in UTC: the calendar still counts in Berlin.
        (datetime(2025, 1, 7, 8, 0, tzinfo=UTC), datetime(2025, 2, 18, 9, 0, tzinfo=BERLIN)),
    ],
    ids=["plain", "reformationstag", "easter-weekend", "utc-input"],
)
def test_submitting_starts_the_ag_review_due_in_six_weeks_on_a_working_day(
    now: datetime, due_local: datetime
) -> None:
    result = MASSNAHME.fire(Subject("entwurf"), "einreichen", {"ag_mitglied"}, now=now)

    assert result.deadline is not None
    assert result.deadline.name == "ag_pruefung"
    assert result.deadline.label == "Prüfung in der AG abschließen"
    assert result.deadline.due_at == due_local.astimezone(UTC)
    assert result.deadline.due_at.tzinfo is UTC


@pytest.mark.parametrize(
    ("sitzung_am", "ladungsfrist"),
    [
        ("2025-03-20", date(2025, 3, 13)),  # Thursday -> Thursday
        ("15.03.2025", date(2025, 3, 7)),  # Saturday before -> back to Friday
        ("2024-11-07", date(2024, 10, 30)),  # Reformationstag -> back to Wednesday
        ("2025-04-28", date(2025, 4, 17)),  # Ostermontag, weekend, Karfreitag -> Thursday
    ],
)
@pytest.mark.parametrize("state", ["fva_beratung", "stadtrat_beschluss"])
def test_adjourning_computes_the_ladungsfrist_seven_days_before_rolled_backward(
    state: str, sitzung_am: str, ladungsfrist: date
) -> None:
    subject = Subject(state, {"sitzung_am": "2025-01-01"})

    result = MASSNAHME.fire(
        subject, "vertagen", {"sitzungsdienst"}, {"sitzung_am": sitzung_am}, now=NOW
    )

    assert subject.state == state
    assert (
        subject.fields["sitzung_am"]
        == date.fromisoformat(
            sitzung_am if "-" in sitzung_am else "-".join(reversed(sitzung_am.split(".")))
        ).isoformat()
    )
    assert result.deadline is not None
    assert result.deadline.name == "ladungsfrist"
    assert to_local(result.deadline.due_at).date() == ladungsfrist
    assert result.deadline.due_at.tzinfo is UTC


def test_a_deadline_on_a_field_the_step_may_leave_out_counts_from_the_items_value() -> None:
    spec = MASSNAHME.spec
    vertagen = spec.transition("fva_beratung", "vertagen")
    assert vertagen is not None
    optional = replace(vertagen, requires=(), optional=("sitzung_am",))
    engine = Engine(
        replace(
            spec,
            transitions=tuple(optional if t is vertagen else t for t in spec.transitions),
            by_source={k: optional if t is vertagen else t for k, t in spec.by_source.items()},
        )
    )
    roles = {"sitzungsdienst"}

    kept = engine.fire(
        Subject("fva_beratung", {"sitzung_am": "2025-04-30"}), "vertagen", roles, now=NOW
    )
    given = engine.fire(
        Subject("fva_beratung", {"sitzung_am": "2025-04-30"}),
        "vertagen",
        roles,
        {"sitzung_am": "14.05.2025"},
        now=NOW,
    )
    unknown = engine.fire(Subject("fva_beratung"), "vertagen", roles, now=NOW)

    assert kept.deadline is not None
    assert to_local(kept.deadline.due_at).date() == date(2025, 4, 23)
    assert given.deadline is not None
    assert to_local(given.deadline.due_at).date() == date(2025, 5, 7)
    assert unknown.deadline is None


def test_a_paper_sent_to_the_committee_gets_its_ladungsfrist() -> None:
    result = VORLAGE.fire(
        Subject("entwurf"),
        "in_vorberatung_geben",
        {"ag_leitung"},
        {"sitzung_am": "21.02.2024"},
        now=datetime(2024, 1, 15, 10, 0, tzinfo=BERLIN),
    )

    assert result.deadline is not None
    assert to_local(result.deadline.due_at).date() == date(2024, 2, 14)
    assert result.cascade == "an_fva_uebergeben"


def test_deferring_for_lack_of_funds_sets_the_review_on_the_next_working_day() -> None:
    result = MASSNAHME.fire(
        Subject("haushaltsplanung"),
        "nicht_finanzieren",
        {"kaemmerei"},
        {"wiedervorlage_am": "25.12.2025"},
        now=NOW,
        comment="Keine Mittel im Haushalt 2025.",
    )

    assert result.target == "zurueckgestellt"
    assert result.deadline is not None
    assert result.deadline.name == "wiedervorlage"
    assert to_local(result.deadline.due_at).date() == date(2025, 12, 29)


def test_a_decision_starts_budget_planning_in_three_months() -> None:
    result = MASSNAHME.fire(
        Subject("stadtrat_beschluss"),
        "beschliessen",
        {"sitzungsdienst"},
        {"abstimmungsergebnis": "angenommen", "beschlussnummer": "VII/0680/24"},
        now=datetime(2024, 2, 28, 18, 0, tzinfo=BERLIN),
        by_vote=True,
    )

    assert result.deadline is not None
    assert to_local(result.deadline.due_at) == datetime(2024, 5, 28, 18, 0, tzinfo=BERLIN)


# --- allowed_events ---------------------------------------------------------------------


def test_allowed_events_shows_why_a_transition_is_still_blocked() -> None:
    subject = Subject("ag_pruefung", {"personenbezogen": True, "kosten_einmalig": "100.00"})

    events = {e.event: e for e in MASSNAHME.allowed_events(subject, {"ag_leitung"}, NOW)}

    assert list(events) == [
        "zur_ueberarbeitung",
        "an_fva_uebergeben",
        "zurueckstellen",
        "zurueckziehen",
    ]
    blocked = events["an_fva_uebergeben"].blocked_by
    assert len(blocked) == 2
    assert "Aufwand-Nutzen-Analyse" in blocked[0]
    assert "laufende Kosten, Nutzenbeschreibung" in blocked[0]
    assert "Stellungnahme der/des Datenschutzbeauftragten fehlt" in blocked[1]
    assert events["an_fva_uebergeben"].target == "fva_beratung"
    assert events["zur_ueberarbeitung"].blocked_by == ()
    assert events["zur_ueberarbeitung"].comment_required is True
    # The review date is still to be entered, so its guard cannot block in advance.
    assert events["zurueckstellen"].blocked_by == ()
    assert events["zurueckstellen"].requires == ("wiedervorlage_am",)


def test_a_blocked_reason_names_the_fields_it_misses_and_a_missing_statement_none() -> None:
    subject = Subject("ag_pruefung", {"personenbezogen": True, "kosten_einmalig": "100.00"})

    event = {e.event: e for e in MASSNAHME.allowed_events(subject, {"ag_leitung"}, NOW)}[
        "an_fva_uebergeben"
    ]

    analysis, statement = event.blocked_by
    assert event.missing == {analysis: ("kosten_laufend", "nutzen")}
    assert statement not in event.missing


def test_fields_needed_ahead_are_those_a_later_guard_asks_a_value_for() -> None:
    step = "Dem Finanz- und Verwaltungsausschuss zur Vorberatung vorlegen"
    needed = {"kosten_einmalig": step, "kosten_laufend": step, "nutzen": step}
    assert MASSNAHME.fields_needed("entwurf") == needed
    assert MASSNAHME.fields_needed("ag_pruefung") == needed
    assert MASSNAHME.fields_needed("abgeschlossen") == {}


def test_allowed_events_is_unblocked_once_everything_is_in_place() -> None:
    subject = Subject("ag_pruefung", {**COMPLETE_ANALYSIS, "personenbezogen": True}, (DSB,))

    events = {e.event: e for e in MASSNAHME.allowed_events(subject, {"ag_leitung"}, NOW)}

    assert events["an_fva_uebergeben"].blocked_by == ()


def test_allowed_events_blocks_completion_below_100_percent() -> None:
    subject = Subject("umsetzung", {"fortschritt": 40})

    events = {e.event: e for e in MASSNAHME.allowed_events(subject, {"ag_leitung"}, NOW)}

    assert list(events) == ["fortschritt_melden", "abschliessen"]
    assert events["abschliessen"].blocked_by == (
        "Abschluss erst bei 100 % Fortschritt möglich (derzeit 40 %).",
    )
    assert events["fortschritt_melden"].target == "umsetzung"
    assert events["fortschritt_melden"].optional == ("zieldatum", "verzoegerungsgrund")


def test_allowed_events_lists_only_what_the_roles_may_fire() -> None:
    subject = Subject("umsetzung")

    assert [e.event for e in MASSNAHME.allowed_events(subject, {"ag_mitglied"}, NOW)] == [
        "fortschritt_melden"
    ]
    assert [e.event for e in MASSNAHME.allowed_events(subject, {"verwaltungsleitung"}, NOW)] == [
        "stoppen"
    ]
    assert MASSNAHME.allowed_events(subject, {"revision", "public"}, NOW) == []
    assert MASSNAHME.allowed_events(Subject("abgeschlossen"), set(KNOWN_ROLES), NOW) == []


def test_allowed_events_combines_the_roles_of_the_actor() -> None:
    subject = Subject("haushaltsplanung")

    events = MASSNAHME.allowed_events(subject, {"kaemmerei", "verwaltungsleitung"}, NOW)

    assert [e.event for e in events] == ["finanzieren", "nicht_finanzieren", "stoppen"]


def test_allowed_events_changes_nothing() -> None:
    subject = Subject("ag_pruefung", {"personenbezogen": True})
    before = snapshot(subject)

    MASSNAHME.allowed_events(subject, set(KNOWN_ROLES), NOW)

    assert snapshot(subject) == before


# --- one shared machine -----------------------------------------------------------------


def test_the_shared_machine_holds_no_items_after_firing_on_many() -> None:
    machine = MASSNAHME.machine
    subjects = [Subject("entwurf") for _ in range(300)]
    reporting = [Subject("umsetzung") for _ in range(300)]

    for subject in subjects:
        MASSNAHME.fire(subject, "einreichen", {"ag_mitglied"}, now=NOW)
    for i, subject in enumerate(reporting):
        MASSNAHME.fire(
            subject, "fortschritt_melden", {"ag_mitglied"}, {"fortschritt": i % 101}, now=NOW
        )

    assert MASSNAHME.machine is machine
    assert len(machine.models) == 0
    assert {s.state for s in subjects} == {"ag_pruefung"}
    assert [s.fields["fortschritt"] for s in reporting] == [i % 101 for i in range(300)]


def test_firing_on_one_item_leaves_every_other_item_alone() -> None:
    first, second = Subject("entwurf"), Subject("entwurf")

    MASSNAHME.fire(first, "einreichen", {"ag_leitung"}, now=NOW)

    assert first.state == "ag_pruefung"
    assert second == Subject("entwurf")


def test_the_machine_is_a_transitions_machine_that_refuses_an_event_from_the_wrong_state() -> None:
    machine = MASSNAHME.machine

    assert isinstance(machine, Machine)
    with pytest.raises(MachineError):
        machine.events["einreichen"].trigger(Subject("umsetzung"))
    with pytest.raises(ValueError, match="not a registered state"):
        machine.events["einreichen"].trigger(Subject("gibt_es_nicht"))


def test_callbacks_on_the_machines_states_still_run() -> None:
    # The engine registers none and skips the empty lists; a callback added later must run.
    engine = Engine(MASSNAHME.spec)
    seen: list[str] = []
    engine.machine.get_state("entwurf").add_callback("exit", lambda: seen.append("exit"))
    engine.machine.get_state("ag_pruefung").add_callback("enter", lambda: seen.append("enter"))

    engine.fire(Subject("entwurf"), "einreichen", {"ag_leitung"}, now=NOW)

    assert seen == ["exit", "enter"]


def test_callbacks_and_conditions_on_the_machines_transitions_still_run() -> None:
    engine = Engine(MASSNAHME.spec)
    seen: list[str] = []
    engine.machine.events["einreichen"].add_callback("before", lambda: seen.append("before"))
    engine.machine.events["einreichen"].add_callback("after", lambda: seen.append("after"))
    engine.machine.before_state_change = [lambda: seen.append("machine before")]

    engine.fire(Subject("entwurf"), "einreichen", {"ag_leitung"}, now=NOW)

    assert seen == ["machine before", "before", "after"]

    for transition in engine.machine.events["einreichen"].transitions["entwurf"]:
        transition.conditions.append(Condition(lambda: False))
    held = Subject("entwurf")
    assert engine.machine.events["einreichen"].trigger(held) is False
    assert held.state == "entwurf"


def test_the_library_still_logs_entering_and_leaving_states_when_asked_to(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG, logger="transitions.core"):
        MASSNAHME.fire(Subject("entwurf"), "einreichen", {"ag_leitung"}, now=NOW)

    messages = [r.getMessage() for r in caplog.records if r.name == "transitions.core"]
    assert "Initiating transition from state entwurf to state ag_pruefung..." in messages
    assert "Exiting state entwurf. Processing callbacks..." in messages
    assert "Finished processing state ag_pruefung enter callbacks." in messages


def test_engines_of_the_registry_are_built_once_and_shared() -> None:
    assert REGISTRY.latest("massnahme") is MASSNAHME
    assert REGISTRY.engine("massnahme", MASSNAHME.spec.version) is MASSNAHME
    assert Engine(MASSNAHME.spec).machine is not MASSNAHME.machine


def test_firing_replaces_the_fields_and_never_writes_into_the_callers_mapping() -> None:
    original = {"nutzen": "Bürgerservice"}
    subject = Subject("umsetzung", original)

    MASSNAHME.fire(subject, "fortschritt_melden", {"ag_mitglied"}, {"fortschritt": 10}, now=NOW)

    assert original == {"nutzen": "Bürgerservice"}
    assert subject.fields == {"nutzen": "Bürgerservice", "fortschritt": 10}


FAILING_FIRES: list[tuple[str, Subject, str, set[str], dict[str, Any], type[WorkflowError]]] = [
    ("not-allowed", Subject("entwurf"), "abschliessen", {"ag_leitung"}, {}, NotAllowed),
    ("forbidden", Subject("umsetzung"), "stoppen", {"ag_mitglied"}, {"grund": "x"}, Forbidden),
    ("missing", Subject("umsetzung"), "stoppen", {"verwaltungsleitung"}, {}, MissingData),
    (
        "invalid",
        Subject("umsetzung"),
        "fortschritt_melden",
        {"ag_mitglied"},
        {"fortschritt": 250},
        InvalidData,
    ),
    (
        "guard",
        Subject("umsetzung"),
        "abschliessen",
        {"ag_leitung"},
        {"abschlussvermerk": "fertig"},
        GuardFailed,
    ),
]


@pytest.mark.parametrize(
    ("subject", "event", "roles", "data", "error"),
    [f[1:] for f in FAILING_FIRES],
    ids=[f[0] for f in FAILING_FIRES],
)
def test_an_item_that_fails_a_check_keeps_its_state_and_fields(
    subject: Subject,
    event: str,
    roles: set[str],
    data: dict[str, Any],
    error: type[WorkflowError],
) -> None:
    subject = Subject(subject.state, {"fortschritt": 30, "nutzen": "x"}, (DSB,))
    fields = subject.fields
    before = snapshot(subject)

    with pytest.raises(error):
        MASSNAHME.fire(subject, event, roles, data, now=NOW)

    assert snapshot(subject) == before
    assert subject.fields is fields

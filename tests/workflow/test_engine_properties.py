"""Properties of the engine under random use: no undefined state, no failing guard passed.

Each example starts an item in any state of a definition and applies a random sequence of
events with random roles, plausible and implausible data, comments and statements that
arrive between the steps. Whatever happens, the engine either moves the item along a
transition whose guards all hold, or raises one of its own errors and leaves it untouched.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workflow.engine import Engine, Subject
from workflow.errors import NotAllowed, WorkflowError
from workflow.guards import GUARDS, GuardContext, Statement
from workflow.registry import load_registry
from workflow.spec import KNOWN_ROLES, FieldSpec, WorkflowSpec
from workflow.values import Typed, ValueProblem, normalize

DEFINITIONS = Path(__file__).resolve().parents[2] / "definitions"
REGISTRY = load_registry([DEFINITIONS])
ENGINES = [REGISTRY.latest(spec.name) for spec in REGISTRY.specs()]
NOW = datetime(2025, 3, 12, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))
# Late evening in UTC: already the next day in Berlin, where date guards must count.
NOWS = [NOW, datetime(2025, 3, 12, 23, 30, tzinfo=UTC)]
ROLES = sorted(KNOWN_ROLES | {"public"})

ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-10, max_value=10_000),
    st.text(max_size=6),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)),
    st.sampled_from(["", "  ", "ja", "nein", "angenommen", "abgelehnt", "1e30", "NaN", "1,5"]),
)

# Values for a field of each type: what a clerk would type, and what a clerk might mistype.
BY_TYPE: dict[str, st.SearchStrategy[Any]] = {
    "text": st.one_of(
        st.sampled_from(["Vermerk", "  Grund: Haushaltssperre "]), st.sampled_from(["", "   "])
    ),
    "date": st.one_of(
        st.dates(min_value=date(2025, 3, 1), max_value=date(2025, 4, 30)),
        st.sampled_from(["2025-03-12", "2025-03-13", "13.03.2025", "31.02.2025", "morgen"]),
    ),
    "integer": st.one_of(st.integers(-5, 2030), st.sampled_from(["2026", "zwei", "2025.5"])),
    "percent": st.one_of(st.integers(-5, 105), st.sampled_from(["100", "50", "viel", True])),
    "money": st.one_of(
        st.integers(-100, 200_000),
        st.sampled_from(["12.500,00", "12500.5", "0", "-1", "zwölf", "NaN", "Infinity", "1e30"]),
        st.sampled_from([Typed("12.500,00"), Typed("12.50"), Typed("1e3")]),
    ),
    "boolean": st.one_of(st.booleans(), st.sampled_from(["ja", "nein", "vielleicht"])),
}


def value_for(field: FieldSpec) -> st.SearchStrategy[Any]:
    if field.type == "choice":
        typed = st.sampled_from([*field.options, "vertagt", ""])
    else:
        typed = BY_TYPE[field.type]
    return st.one_of(typed, typed, typed, ANYTHING)


def stored(field: FieldSpec, raw: Any) -> Any:
    """What the service would have stored: a normalised value, or nothing."""
    try:
        return normalize(field, raw)
    except ValueProblem:
        return None


statements = st.builds(
    Statement,
    kind=st.sampled_from(["datenschutz", "informationssicherheit", "personalrat"]),
    author_id=st.integers(1, 50),
    given_on=st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 3, 12)),
    outcome=st.sampled_from(["zustimmend", "mit_auflagen", "ablehnend"]),
)

comments = st.one_of(st.just("Begründung"), st.sampled_from([None, "", "  \n", "Begründung"]))
any_roles = st.frozensets(st.sampled_from(ROLES), max_size=5)


def roles_for(spec: WorkflowSpec, state: str, event: str) -> st.SearchStrategy[frozenset[str]]:
    """A random set of roles; often one the transition names, plus random others."""
    transition = spec.transition(state, event)
    if transition is None:
        return any_roles
    named = st.sampled_from(sorted(transition.roles))
    aimed = st.builds(lambda r, more: more | {r}, named, any_roles)
    return st.one_of(aimed, aimed, aimed, any_roles)


def event_for(spec: WorkflowSpec, state: str) -> st.SearchStrategy[str]:
    """Any event of the definition (or none of it), aimed at the current state most often,
    so that sequences get past the first step."""
    here = sorted({t.event for t in spec.events_from(state)})
    anywhere = st.sampled_from([*sorted(spec.events), "durchwinken"])
    if not here:
        return anywhere
    aimed = st.sampled_from(here)
    return st.one_of(aimed, aimed, aimed, anywhere)


def data_for(spec: WorkflowSpec, event: str) -> st.SearchStrategy[dict[str, Any]]:
    """Data aimed at the event's fields most of the time, anything at all otherwise."""
    required = {name for t in spec.transitions if t.event == event for name in t.requires}
    optional = {name for t in spec.transitions if t.event == event for name in t.optional}
    aimed = st.fixed_dictionaries(
        {name: value_for(spec.fields[name]) for name in sorted(required)},
        optional={name: value_for(spec.fields[name]) for name in sorted(optional - required)},
    )
    stray = st.dictionaries(
        st.sampled_from([*sorted(spec.fields), "lieblingsfarbe"]), ANYTHING, max_size=3
    )
    return st.one_of(aimed, aimed, aimed, stray)


def initial_item(spec: WorkflowSpec) -> st.SearchStrategy[Subject]:
    fields = st.fixed_dictionaries(
        {}, optional={name: value_for(f) for name, f in spec.fields.items()}
    ).map(
        lambda raw: {
            name: value
            for name, value in ((n, stored(spec.fields[n], v)) for n, v in raw.items())
            if value is not None
        }
    )
    return st.builds(
        Subject,
        # Mostly where items start or are under way; end states too, but seldom, since
        # nothing more can happen there.
        state=st.one_of(
            st.just(spec.initial),
            st.sampled_from([name for name, s in spec.states.items() if not s.final]),
            st.sampled_from(list(spec.states)),
        ),
        fields=fields,
        statements=st.lists(statements, max_size=3).map(tuple),
    )


class Strategies:
    """Every strategy of one definition, built once: building them per step is slow."""

    def __init__(self, spec: WorkflowSpec) -> None:
        self.item = initial_item(spec)
        self.event = {state: event_for(spec, state) for state in spec.states}
        self.data = {event: data_for(spec, event) for event in (*spec.events, "durchwinken")}
        self.roles = {
            (state, event): roles_for(spec, state, event)
            for state in spec.states
            for event in (*spec.events, "durchwinken")
        }


STRATEGIES = {engine.spec.name: Strategies(engine.spec) for engine in ENGINES}
STEPS = st.integers(min_value=1, max_value=25)
ARRIVING = st.lists(statements, max_size=1)
MOMENTS = st.sampled_from(NOWS)


def normalized(spec: WorkflowSpec, data: dict[str, Any]) -> dict[str, Any]:
    values = {name: normalize(spec.fields[name], raw) for name, raw in data.items()}
    return {name: value for name, value in values.items() if value is not None}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(engine=st.sampled_from(ENGINES), draw=st.data())
def test_random_use_never_reaches_an_undefined_state_nor_passes_a_failing_guard(
    engine: Engine, draw: st.DataObject
) -> None:
    spec = engine.spec
    strategies = STRATEGIES[spec.name]
    subject = draw.draw(strategies.item, label="item")
    steps = draw.draw(STEPS, label="steps")

    for _ in range(steps):
        arriving = draw.draw(ARRIVING, label="new statements")
        subject.statements = (*subject.statements, *arriving)
        event = draw.draw(strategies.event[subject.state], label="event")
        actor = draw.draw(strategies.roles[(subject.state, event)], label="roles")
        data = draw.draw(strategies.data[event], label="data")
        comment = draw.draw(comments, label="comment")
        now = draw.draw(MOMENTS, label="now")
        source = subject.state
        view = subject.view()
        fields = subject.fields
        before = (subject.state, dict(subject.fields), subject.statements)

        try:
            result = engine.fire(subject, event, actor, data, now=now, comment=comment)
        except WorkflowError as error:
            assert (subject.state, dict(subject.fields), subject.statements) == before
            assert subject.fields is fields
            if spec.states[source].final:
                assert isinstance(error, NotAllowed)
                assert error.allowed == []
                break  # nothing can ever happen here again
            continue

        assert subject.state in spec.states
        transition = spec.transition(source, event)
        assert transition is not None
        assert actor & transition.roles
        assert subject.state == transition.target_from(source) == result.target
        changes = normalized(spec, data)
        assert dict(result.changes) == changes
        assert subject.fields == {**before[1], **changes}
        context = GuardContext(view, MappingProxyType(changes), now)
        for name in transition.guards:
            assert GUARDS[name].check(context) is None, name
        for name in transition.requires:
            assert changes.get(name) is not None
        if transition.comment == "erforderlich":
            assert result.comment

    assert len(engine.machine.models) == 0

"""Named guards: predicates over a read-only view of an item, each with a German message.

Definitions name guards; this module is the only place that says what they mean. A guard
returns ``None`` when it holds and the sentence a user should read when it does not. Each
guard declares the item fields it reads, so that the loader can reject a definition in
which no transition ever asks for such a field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, Literal

from workflow.calendar import to_local

StatementKind = Literal["datenschutz", "informationssicherheit", "personalrat"]
StatementOutcome = Literal["zustimmend", "mit_auflagen", "ablehnend"]


@dataclass(frozen=True)
class Statement:
    """A Stellungnahme: a record with author, date and outcome, never a yes/no flag."""

    kind: StatementKind
    author_id: int
    given_on: date
    outcome: StatementOutcome
    # The Verwaltungsleitung recorded a reasoned decision to proceed despite "ablehnend"
    # (Abwägung): the DSB and ISB advise, the administration decides.
    weighed: bool = False


@dataclass(frozen=True)
class ItemView:
    """What guards may see of an item; immutable so a guard cannot change it."""

    state: str
    fields: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    statements: tuple[Statement, ...] = ()
    # Conditions (Auflagen) of statements "mit Auflagen" not yet marked fulfilled.
    open_conditions: tuple[str, ...] = ()

    def has_statement(self, kind: StatementKind) -> bool:
        return any(s.kind == kind for s in self.statements)

    def latest_statement(self, kind: StatementKind) -> Statement | None:
        """The statement of this kind that counts: the latest given (a later one replaces an
        earlier, e.g. after the measure was reworked)."""
        given = [s for s in self.statements if s.kind == kind]
        return max(given, key=lambda s: s.given_on) if given else None


def step_value(data: Mapping[str, Any], fields: Mapping[str, Any], name: str) -> Any:
    """Data given with the transition wins over the value the item already has."""
    if name in data:
        return data[name]
    return fields.get(name)


@dataclass(frozen=True)
class GuardContext:
    item: ItemView
    data: Mapping[str, Any]
    now: datetime

    def value(self, name: str) -> Any:
        return step_value(self.data, self.item.fields, name)


GuardCheck = Callable[[GuardContext], str | None]


@dataclass(frozen=True)
class Guard:
    name: str
    description: str
    needs: tuple[str, ...]
    check: GuardCheck
    # The fields that must hold a value for the guard to pass (a form marks them and a
    # blocked step links to them); a flag that only decides what else is needed is not one.
    fills: tuple[str, ...] = ()

    def missing(self, ctx: GuardContext) -> tuple[str, ...]:
        """The fields of ``fills`` without a value: what a user must enter to pass."""
        return tuple(name for name in self.fills if _missing(ctx.value(name)))


GUARDS: dict[str, Guard] = {}


def guard(
    name: str, description: str, needs: tuple[str, ...] = (), *, fills: bool = False
) -> Callable[[GuardCheck], GuardCheck]:
    """Registers a guard; ``fills``: every field it needs must hold a value."""

    def register(check: GuardCheck) -> GuardCheck:
        if name in GUARDS:
            raise ValueError(f"guard {name!r} registered twice")
        GUARDS[name] = Guard(name, description, needs, check, needs if fills else ())
        return check

    return register


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_ANALYSIS_FIELDS = {
    "kosten_einmalig": "einmalige Kosten",
    "kosten_laufend": "laufende Kosten",
    "nutzen": "Nutzenbeschreibung",
}


@guard(
    "aufwand_nutzen_analyse_vollstaendig",
    "Die Aufwand-Nutzen-Analyse ist vollständig.",
    needs=tuple(_ANALYSIS_FIELDS),
    fills=True,
)
def _analysis_complete(ctx: GuardContext) -> str | None:
    gaps = [label for name, label in _ANALYSIS_FIELDS.items() if _missing(ctx.value(name))]
    if gaps:
        return (
            f"Aufwand-Nutzen-Analyse fehlt oder ist unvollständig (es fehlen: {', '.join(gaps)})."
        )
    return None


# Which statement each statement guard asks for, and the item field that calls for it: the
# service opens a statement request for them when a measure enters the guarded step's state.
STATEMENT_GUARDS: dict[str, tuple[StatementKind, str]] = {}


def _statement_guard(name: str, flag: str, kind: StatementKind, who: str, why: str) -> None:
    STATEMENT_GUARDS[name] = (kind, flag)

    @guard(name, f"Stellungnahme {who} liegt vor, falls {why}.", needs=(flag,))
    def _check(ctx: GuardContext) -> str | None:
        if not ctx.value(flag):
            return None
        latest = ctx.item.latest_statement(kind)
        if latest is None:
            return f"Stellungnahme {who} fehlt ({why})."
        if latest.outcome == "ablehnend" and not latest.weighed:
            return (
                f"Die Stellungnahme {who} vom {latest.given_on:%d.%m.%Y} ist ablehnend; "
                "weiter geht es erst, wenn die Verwaltungsleitung eine begründete Abwägung "
                "erfasst hat."
            )
        return None


_statement_guard(
    "dsb_stellungnahme_bei_personenbezug",
    "personenbezogen",
    "datenschutz",
    "der/des Datenschutzbeauftragten",
    "die Maßnahme berührt personenbezogene Daten",
)
_statement_guard(
    "isb_stellungnahme_bei_sicherheitsrelevanz",
    "sicherheitsrelevant",
    "informationssicherheit",
    "der/des Informationssicherheitsbeauftragten",
    "die Maßnahme ist sicherheitsrelevant",
)
_statement_guard(
    "personalrat_angehoert_bei_personalwirkung",
    "personalwirksam",
    "personalrat",
    "des Personalrats",
    "die Maßnahme verändert die Arbeitsweise der Beschäftigten",
)


@guard(
    "abstimmung_angenommen",
    "Die Abstimmung hat eine Mehrheit ergeben.",
    needs=("abstimmungsergebnis",),
)
def _vote_passed(ctx: GuardContext) -> str | None:
    outcome = ctx.value("abstimmungsergebnis")
    if outcome != "angenommen":
        return f"Dieser Schritt setzt eine angenommene Abstimmung voraus (Ergebnis: {outcome})."
    return None


@guard(
    "abstimmung_abgelehnt",
    "Die Abstimmung hat keine Mehrheit ergeben.",
    needs=("abstimmungsergebnis",),
)
def _vote_failed(ctx: GuardContext) -> str | None:
    outcome = ctx.value("abstimmungsergebnis")
    if outcome != "abgelehnt":
        return f"Dieser Schritt setzt eine abgelehnte Abstimmung voraus (Ergebnis: {outcome})."
    return None


@guard(
    "fortschritt_vollstaendig",
    "Der Fortschritt beträgt 100 %.",
    needs=("fortschritt",),
)
def _progress_complete(ctx: GuardContext) -> str | None:
    progress = ctx.value("fortschritt") or 0
    if int(progress) < 100:
        return f"Abschluss erst bei 100 % Fortschritt möglich (derzeit {int(progress)} %)."
    return None


@guard("auflagen_erfuellt", "Alle Auflagen aus Stellungnahmen sind erfüllt.")
def _conditions_fulfilled(ctx: GuardContext) -> str | None:
    open_ = ctx.item.open_conditions
    if open_:
        listed = "; ".join(f"„{text}“" for text in open_[:3])
        more = f" und {len(open_) - 3} weitere" if len(open_) > 3 else ""
        return (
            f"Abschluss erst möglich, wenn alle Auflagen aus den Stellungnahmen erfüllt sind "
            f"(offen: {listed}{more})."
        )
    return None


@guard(
    "wiedervorlage_in_zukunft",
    "Das Wiedervorlagedatum liegt in der Zukunft.",
    needs=("wiedervorlage_am",),
)
def _review_date_ahead(ctx: GuardContext) -> str | None:
    raw = ctx.value("wiedervorlage_am")
    if raw is None:
        return None
    day = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    # "Today" is the day in Berlin, whatever zone ``now`` arrives in (the service passes UTC).
    if day <= to_local(ctx.now).date():
        return f"Das Wiedervorlagedatum ({day:%d.%m.%Y}) muss in der Zukunft liegen."
    return None


def registered() -> Mapping[str, Guard]:
    return MappingProxyType(GUARDS)

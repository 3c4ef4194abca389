"""The Datenschutz page's search form: typed values in, the trail's ``Filters`` out.

The form keeps what was typed as text, so a mistake is shown next to the field and the
page can offer the same search again, as posted forms: "weitere Einträge" and the CSV
export carry the search in hidden fields with the page's CSRF token.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime, time, timedelta

from sqlalchemy.engine import Connection

from service.actor import Actor
from service.audit import naming
from service.audit.actions import ACTIONS
from service.audit.labels import ENTITY_LABELS
from service.audit.purpose import purpose_problem
from service.audit.search import Filters
from service.auth.service import user_id_by_name
from service.errors import NotFound
from service.runtime import Runtime
from service.web.forms import posted_date, posted_id
from workflow.calendar import BERLIN

PAGE_SIZE = 50


@dataclass(frozen=True)
class SearchForm:
    """The search as typed; every field is text, none is trusted yet."""

    zweck: str = ""
    objektart: str = ""
    nummer: str = ""
    benutzer: str = ""
    person: str = ""
    aktion: str = ""
    von: str = ""
    bis: str = ""
    text: str = ""

    @classmethod
    def of(cls, values: dict[str, str | None]) -> SearchForm:
        return cls(**{f.name: (values.get(f.name) or "").strip()[:500] for f in fields(cls)})

    def given(self) -> dict[str, str]:
        """The fields typed, for the hidden inputs of the next page's and the export's form."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    @property
    def asked(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


@dataclass
class Reading:
    """The filters the form stands for, or why it cannot be searched."""

    filters: Filters | None = None
    problems: dict[str, str] = field(default_factory=dict)


def _day_start(text: str, later: int = 0) -> datetime | None:
    day = posted_date(text)
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=later), time(0), tzinfo=BERLIN)


def _user_id(connection: Connection, username: str, body_id: int) -> int | None:
    try:
        return user_id_by_name(connection, username, body_id)
    except NotFound:
        return None


def _object(
    runtime: Runtime, connection: Connection, actor: Actor, form: SearchForm
) -> tuple[str | None, int | None, str | None]:
    """The object kind and id the form names, or why it names none: a number is the
    object's number in the database, anything else a Kennung or a Drucksachennummer."""
    kind = form.objektart or None
    if not form.nummer:
        return kind, None, None
    if form.nummer.isdigit():
        number = posted_id(form.nummer)
        return kind, number, None if number is not None else "Bitte eine Zahl ab 1 angeben."
    found = naming.objects_named(runtime, connection, actor, kind, form.nummer)
    if not found:
        return (
            kind,
            None,
            (
                f"Eine Maßnahme mit der Kennung „{form.nummer}“ oder eine Vorlage mit der "
                "Drucksachennummer gibt es nicht."
            ),
        )
    if len(found) > 1:
        return (
            kind,
            None,
            (
                f"„{form.nummer}“ ist die Kennung einer Maßnahme und die Drucksachennummer "
                "einer Vorlage; bitte die Objektart wählen."
            ),
        )
    return found[0][0], found[0][1], None


def read(runtime: Runtime, connection: Connection, actor: Actor, form: SearchForm) -> Reading:
    body_id = runtime.body_id
    problems: dict[str, str] = {}
    if message := purpose_problem(form.zweck):
        problems["zweck"] = message
    if form.objektart and form.objektart not in ENTITY_LABELS:
        problems["objektart"] = "Diese Objektart gibt es nicht."
    if form.aktion and form.aktion not in ACTIONS:
        problems["aktion"] = "Diese Aktion gibt es nicht."
    kind, entity_id, wrong = _object(runtime, connection, actor, form)
    if wrong:
        problems["nummer"] = wrong
    person_id = posted_id(form.person)
    if form.person and person_id is None:
        problems["person"] = "Bitte eine Person aus der Liste wählen."
    actor_id = _user_id(connection, form.benutzer, body_id) if form.benutzer else None
    if form.benutzer and actor_id is None:
        problems["benutzer"] = "Einen Benutzer mit diesem Namen gibt es nicht."
    since, until = _day_start(form.von), _day_start(form.bis, later=1)
    if form.von and since is None:
        problems["von"] = "Bitte ein Datum angeben."
    if form.bis and until is None:
        problems["bis"] = "Bitte ein Datum angeben."
    if problems:
        return Reading(problems=problems)
    return Reading(
        Filters(
            actor_id=actor_id,
            person_id=person_id,
            entity_type=kind,
            entity_id=entity_id,
            action=form.aktion or None,
            since=since,
            until=until,
            text=form.text or None,
        )
    )

"""The audit trail in words: actions, object kinds, columns and values as a person reads them.

The trail stores codes (``measure.transition``, ``state: entwurf → ag_pruefung``, UTC); the
Datenschutzbeauftragte reads labels (``Maßnahme: Schritt im Ablauf``, ``Zustand: Entwurf →
Prüfung in der AG``) and local time. Codes stay in the trail, the API and the export; this
module only words them for pages. States, events, deadlines and fields take their labels
from the definitions; names of persons and objects come from ``service.audit.naming``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from service.audit.actions import ACTIONS
from service.audit.key_labels import KEY_LABELS
from service.audit.search import FoundEvent
from service.formatting import date_de, datetime_de
from workflow.roles import ROLE_LABELS, role_label
from workflow.spec import WorkflowSpec

# Every kind of object the trail records events of (``entity_type``), by its German name:
# the one list the pages word objects with, and the Objektart the search offers.
ENTITY_LABELS = {
    "agenda_item": "Tagesordnungspunkt",
    "attachment": "Anhang",
    "audit_trail": "Protokoll",
    "baseline": "Beschlussstand",
    "body": "Körperschaft",
    "budget_line": "Haushaltsansatz",
    "calendar_feed": "Kalenderabo",
    "committee": "Gremium",
    "consultation": "Beratung",
    "deadline": "Frist",
    "definition": "Ablaufdefinition",
    "deputyship": "Vertretung",
    "issued_report": "Ausgegebener Sachstandsbericht",
    "measure": "Maßnahme",
    "meeting": "Sitzung",
    "membership": "Mitgliedschaft",
    "milestone": "Meilenstein",
    "obligation": "Pflicht aus dem Beschluss",
    "obligation_fulfilment": "Erfüllung einer Pflicht",
    "outbox": "Postausgang",
    "paper": "Vorlage",
    "person": "Person",
    "programme": "Arbeitspapier",
    "statement": "Stellungnahme",
    "statement_condition": "Auflage",
    "statement_request": "Anfrage einer Stellungnahme",
    "statement_weighing": "Abwägung einer Stellungnahme",
    "status_report": "Sachstandsbericht",
    "status_round": "Sachstandsabfrage",
    "user": "Benutzerkonto",
    "vote": "Abstimmung",
}
# An action is ``<kind>.<verb>``. Two kinds of action name no object of their own: a login
# is recorded on the user account (``auth.login``, ``user``), a search or export of the
# trail on the trail itself (``audit.query``, ``audit_trail``).
ACTION_KINDS = {**ENTITY_LABELS, "audit": "Protokoll", "auth": "Anmeldung"}

_VERBS = {
    "create": "angelegt",
    "create_own": "angelegt",
    "update": "geändert",
    "edit": "geändert",
    "delete": "gelöscht",
    "transition": "Schritt im Ablauf",
    "read": "gelesen",
    "query": "durchsucht",
    "export": "exportiert",
    "disclosure": "Auskunft erteilt",
    "retention": "Aufbewahrungsfrist angewandt",
    "close": "geschlossen",
    "load": "geladen",
    "fulfil": "als erfüllt vermerkt",
    "weigh": "abgewogen",
    "withdraw": "beendet",
    "revoke": "widerrufen",
    "erase": "gelöscht (Recht auf Löschung)",
    "carry_measures": "Maßnahmen zugeordnet",
    "attendance": "Anwesenheit erfasst",
    "cancel": "abgesagt",
    "invite": "eingeladen",
    "correct": "berichtigt",
    "drop": "entfallen",
    "record": "erfasst",
    "retry": "erneut gesendet",
    "open": "eröffnet",
    "issue": "ausgegeben",
    "taken_note": "zur Kenntnis genommen",
    "deactivate": "deaktiviert",
    "reactivate": "wieder aktiviert",
    "set_roles": "Rollen geändert",
    "set_temporary_password": "vorläufiges Passwort gesetzt",
    "login": "angemeldet",
    "login_failed": "Anmeldung fehlgeschlagen",
    "logout": "abgemeldet",
    "locked": "gesperrt",
    "password_changed": "Passwort geändert",
    "token_revoked": "Sitzung beendet",
    "measures": "Maßnahmen",
    "import": "importiert",
}

AUDIENCE_LABELS = {"internal": "intern", "public": "öffentlich"}
# What closed a step of the Beratungsfolge when no event of the paper did.
CLOSED_BY_LABELS = {"vorberatung_entfallen": "Vorberatung entfallen (Sitzungsdienst)"}

OUTCOME_LABELS = {
    "zustimmend": "zustimmend",
    "mit_auflagen": "mit Auflagen",
    "ablehnend": "ablehnend",
    "angenommen": "angenommen",
    "abgelehnt": "abgelehnt",
}

# Which column names an object of which kind (its value is that object's id).
REFERENCES = {
    "body_id": "body",
    "measure_id": "measure",
    "paper_id": "paper",
    "meeting_id": "meeting",
    "committee_id": "committee",
    "programme_id": "programme",
    "person_id": "person",
    "responsible_person_id": "person",
    "owner_person_id": "person",
    "author_person_id": "person",
    "recorded_by_person_id": "person",
    "persons": "person",
    "recorded_by": "user",
    "recorded_by_user_id": "user",
    "uploaded_by": "user",
    "actor_id": "user",
    "issued_by": "user",
    "obligation_id": "obligation",
}
_ROLE_KEYS = frozenset(
    {"role", "roles", "responsible_role", "kind", "opened", "closed", "issuer_role"}
)
_HALF_YEAR = re.compile(r"^(\d{4})-H([12])$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DIGEST = "sha256:"


def action_label(action: str) -> str:
    """``measure.transition`` → ``Maßnahme: Schritt im Ablauf``."""
    kind, _, verb = action.partition(".")
    entity = ACTION_KINDS.get(kind, kind)
    if verb.endswith(".read") or verb == "read" or action.endswith(".read"):
        return f"{entity}: gelesen"
    return f"{entity}: {_VERBS.get(verb, verb)}" if verb else entity


def actions() -> list[tuple[str, str]]:
    """Every action (code, label) a search may filter by, in the order of a German
    dictionary, like the object kinds."""
    return sorted(
        ((action, action_label(action)) for action in ACTIONS),
        key=lambda pair: _german_order(pair[1]),
    )


def object_kinds() -> list[tuple[str, str]]:
    """Every kind of object (code, label) a search may filter by, in the order of a German
    dictionary: umlauts as their vowels, ß as ss (DIN 5007)."""
    return sorted(ENTITY_LABELS.items(), key=lambda pair: _german_order(pair[1]))


def _german_order(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass
class Vocabulary:
    """The labels of the definitions, merged: every version's states, events, deadlines and
    fields (a label found in any version reads better than a code)."""

    states: dict[str, str] = field(default_factory=dict)
    events: dict[str, str] = field(default_factory=dict)
    deadlines: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, specs: Iterable[WorkflowSpec]) -> Vocabulary:
        words = cls()
        for spec in sorted(specs, key=lambda s: s.version):
            words.definitions[spec.name] = spec.label
            words.states.update({n: s.label for n, s in spec.states.items()})
            words.fields.update({n: f.label for n, f in spec.fields.items()})
            for t in spec.transitions:
                words.events[t.event] = t.label
                if t.deadline is not None:
                    words.deadlines[t.deadline.name] = t.deadline.label
        return words

    def key(self, key: str) -> str:
        return KEY_LABELS.get(key) or self.fields.get(key) or key


@dataclass(frozen=True)
class Wording:
    """What words one page of events: the definitions' labels and the names of the persons,
    users and objects the events refer to (by kind and id)."""

    vocabulary: Vocabulary
    names: Mapping[tuple[str, int], str]

    def name(self, kind: str, ident: Any) -> str:
        if isinstance(ident, bool) or not isinstance(ident, int):
            return self.value("", ident)
        return self.names.get((kind, ident)) or f"{ENTITY_LABELS.get(kind, kind)} Nr. {ident}"

    def value(self, key: str, value: Any) -> str:
        words = self.vocabulary
        if value is None:
            return "–"
        if isinstance(value, bool):
            return "ja" if value else "nein"
        if key in REFERENCES:
            kind = REFERENCES[key]
            if isinstance(value, list):
                return ", ".join(self.name(kind, v) for v in value) or "–"
            return self.name(kind, value)
        if isinstance(value, list):
            return ", ".join(self.value(key, v) for v in value) or "–"
        if isinstance(value, dict):
            return "; ".join(f"{words.key(k)}: {self.value(k, v)}" for k, v in value.items())
        if not isinstance(value, str):
            return str(value)
        return self._text(key, value)

    def _text(self, key: str, value: str) -> str:
        words = self.vocabulary
        if value.startswith(_DIGEST):
            return "(nur als Prüfwert gespeichert)"
        if value.startswith("["):
            # A list column (a login's roles) reaches the trail as its JSON text.
            try:
                items = json.loads(value)
            except ValueError:
                items = None
            if isinstance(items, list):
                return self.value(key, items)
        if key in _ROLE_KEYS and value in ROLE_LABELS:
            return ROLE_LABELS[value]
        tables = {
            "state": words.states,
            "event": words.events,
            "deadline": words.deadlines,
            "definition": words.definitions,
            "definition_name": words.definitions,
            "outcome": OUTCOME_LABELS,
            "abstimmungsergebnis": OUTCOME_LABELS,
            "entity_type": ENTITY_LABELS,
            "action": {value: action_label(value)},
            "audience": AUDIENCE_LABELS,
            # What closed a step of the Beratungsfolge: the paper's event, or the office.
            "closed_by": {**words.events, **CLOSED_BY_LABELS},
        }
        if key == "period" and (half := _HALF_YEAR.match(value)):
            return f"{half[2]}. Halbjahr {half[1]}"
        if key in tables:
            return tables[key].get(value, value)
        if _MOMENT.match(value):
            try:
                return datetime_de(datetime.fromisoformat(value.replace("Z", "+00:00")))
            except ValueError:
                return value
        if _DAY.match(value):
            return date_de(value)
        return value

    def change(self, key: str, pair: Any) -> str:
        """One change (``[before, after]``) as a line of the table."""
        label = self.vocabulary.key(key)
        if isinstance(pair, list) and len(pair) == 2:
            return f"{label}: {self.value(key, pair[0])} → {self.value(key, pair[1])}"
        return f"{label}: {self.value(key, pair)}"

    def context(self, members: Mapping[str, Any]) -> list[str]:
        """An event's context as lines of the table; an object named by kind and id (the
        search of a query) as one line."""
        members = dict(members)
        lines = []
        kind, ident = members.get("entity_type"), members.get("entity_id")
        if isinstance(kind, str) and ident is not None:
            del members["entity_type"], members["entity_id"]
            lines.append(f"Objekt: {ENTITY_LABELS.get(kind, kind)} {self.bare(kind, ident)}")
        return lines + [f"{self.vocabulary.key(k)}: {self.value(k, v)}" for k, v in members.items()]

    def bare(self, kind: str, ident: Any) -> str:
        """The object's name alone (``M-01``), or its number when it has none."""
        return self.names.get((kind, ident)) or f"Nr. {ident}"


@dataclass(frozen=True)
class Row:
    """One event as the table shows it: labels, names and local time, never codes."""

    event: FoundEvent
    entity: str
    actor: str
    role: str
    action: str
    lines: list[str]


def row(event: FoundEvent, words: Wording) -> Row:
    # Every kind the trail holds, not only the few the search form offers to filter by.
    label = ENTITY_LABELS.get(event.entity_type, event.entity_type)
    if event.entity_id is None:
        entity = label
    elif (event.entity_type, event.entity_id) in words.names:
        entity = f"{label} {words.names[(event.entity_type, event.entity_id)]}"
    else:
        entity = f"{label} Nr. {event.entity_id}"
    actor = words.name("user", event.actor_id) if event.actor_id is not None else "System"
    lines = [words.change(key, pair) for key, pair in event.changes.items()]
    lines += words.context(event.context)
    if event.comment:
        lines.append(f"Kommentar: {event.comment}")
    return Row(
        event,
        entity,
        actor,
        role_label(event.role) if event.role else "–",
        action_label(event.action),
        lines,
    )

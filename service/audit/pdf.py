"""The disclosure export as PDF: HTML from a template, laid out by WeasyPrint.

The JSON disclosure keeps the trail's codes and UTC for machines; the PDF is read by the
person who asked, so it words everything as the Datenschutz page does (``Wording``):
actions, roles, fields and states by their labels, the person and their logins by name,
every time in Europe/Berlin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from service.audit.disclosure import OTHERS
from service.audit.labels import ENTITY_LABELS, Wording, action_label
from service.formatting import datetime_de
from workflow.roles import role_label

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)

SECTIONS = [
    ("Benutzerkonten", "benutzer"),
    ("Vertretungen", "stellvertretungen"),
    ("Mitgliedschaften in Gremien", "mitgliedschaften"),
    ("Verantwortlich für Maßnahmen", "verantwortlich_fuer_massnahmen"),
    ("Verantwortlich für Arbeitspapiere", "verantwortlich_fuer_arbeitspapiere"),
    ("Stellungnahmen", "stellungnahmen"),
    ("Anwesenheiten in Sitzungen", "anwesenheiten"),
    ("Teilnahme an Abstimmungen", "abstimmungen"),
]

# The disclosure's own columns (not columns of the trail), by their German headings.
COLUMNS = {
    "id": "Nr.",
    "active": "aktiv",
    "gremium": "Gremium",
    "massnahme": "Kennung",
    "valid_until": "gültig bis",
    "selbst_benannt": "lässt sich vertreten",
    "selbst_vertretung": "vertritt",
    "starts_on": "von",
    "ends_on": "bis",
    "withdrawn_at": "zurückgezogen am",
    "vote_id": "Abstimmung",
    "status": "Teilnahme",
    "erased_at": "gelöscht am",
    "title": "Titel",
}


@dataclass(frozen=True)
class Table:
    title: str
    headings: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Entry:
    number: int
    time: str
    action: str
    entity: str
    role: str
    part: str
    lines: list[str]


def _heading(key: str, words: Wording) -> str:
    return COLUMNS.get(key) or words.vocabulary.key(key)


def _table(title: str, rows: list[dict[str, Any]], words: Wording) -> Table:
    headings = [_heading(k, words) for k in rows[0]] if rows else []
    return Table(title, headings, [[words.value(k, v) for k, v in row.items()] for row in rows])


def _entity(event: dict[str, Any], words: Wording) -> str:
    kind: str = event["objekt"]["typ"]
    ident = event["objekt"]["id"]
    label = ENTITY_LABELS.get(kind, kind)
    if ident is None:
        return label
    if ident == OTHERS:
        return f"{label} ({OTHERS})"
    return f"{label} {words.bare(kind, ident)}"


def _entry(event: dict[str, Any], words: Wording) -> Entry:
    parts = [p for p, on in (("selbst gehandelt", event["selbst_gehandelt"]),
                             ("betroffen", event["betroffen"])) if on]  # fmt: skip
    lines = [words.change(k, pair) for k, pair in event["aenderungen"].items()]
    lines += words.context(event["kontext"])
    if event["kommentar"]:
        lines.append(f"Kommentar/Zweck: {event['kommentar']}")
    return Entry(
        number=event["laufnummer"],
        time=words.value("zeit", event["zeit"]),
        action=action_label(event["aktion"]),
        entity=_entity(event, words),
        role=role_label(event["rolle"]) if event["rolle"] else "System",
        part=", ".join(parts),
        lines=lines,
    )


def disclosure_html(data: dict[str, Any], words: Wording) -> str:
    person = data["person"]
    template = _templates.get_template("disclosure.html")
    html: str = template.render(
        created=datetime_de(datetime.fromisoformat(data["erstellt_am"])),
        person=words.name("person", person["id"]),
        master=[(_heading(k, words), words.value(k, v)) for k, v in person.items()],
        sections=[_table(title, data[key], words) for title, key in SECTIONS],
        entries=[_entry(e, words) for e in data["protokolleintraege"]],
        others=OTHERS,
    )
    return html


def disclosure_pdf(data: dict[str, Any], words: Wording) -> bytes:
    from weasyprint import HTML  # loads Pango; only when a PDF is asked for

    pdf: bytes = HTML(string=disclosure_html(data, words)).write_pdf()
    return pdf

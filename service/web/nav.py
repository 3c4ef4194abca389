"""The main navigation: one entry per room, shown to whoever holds its permission.

Later rooms add one line here next to their page module. Meine Aufgaben comes first, with
the number of tasks waiting (``render`` puts it in every page's context). What belongs to
the signed-in person's own account (password, deputy, calendar) sits beside their name in the header
(``base.html``), so the rooms keep one row on the desk.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.access import holds
from service.actor import Actor


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    permission: str | None = None  # None: every signed-in user
    counts_tasks: bool = False  # shows how many tasks wait (``service.tasks``)


TASKS = "/aufgaben"
STAFF_NAV: tuple[NavItem, ...] = (
    NavItem("Meine Aufgaben", TASKS, counts_tasks=True),
    NavItem("Übersicht", "/"),
    NavItem("Arbeitspapiere", "/arbeitspapiere"),
    NavItem("Neue Maßnahme", "/massnahmen/neu", "measure.create"),
    NavItem("Vorlagen", "/vorlagen", "paper.list"),
    NavItem("Sitzungen", "/sitzungen", "meeting.read_internal"),
    NavItem("Haushalt", "/haushalt", "measure.read_internal"),
    NavItem("Fristen", "/fristen", "deadline.read"),
    NavItem("Pflichten", "/pflichten", "measure.read_internal"),
    NavItem("Sachstandsbericht", "/sachstand", "report.read"),
    NavItem("Berichte", "/berichte", "report.read_issued"),
    NavItem("Datenschutz", "/protokoll", "audit.read"),
    NavItem("Verwaltung", "/verwaltung", "user.manage"),
    NavItem("Ablauf", "/definitionen/massnahme"),
    NavItem("Öffentliche Ansicht", "/oeffentlich"),
)
# Council members read what the council is told, and the papers of their committees; the
# rooms of the administration (measures, sessions, budget) are not theirs.
COUNCIL_NAV: tuple[NavItem, ...] = (
    NavItem("Meine Aufgaben", TASKS, counts_tasks=True),
    NavItem("Beschlusskontrolle", "/fristen", "deadline.read"),
    NavItem("Sachstandsbericht", "/sachstand", "report.read"),
    NavItem("Berichte", "/berichte", "report.read_issued"),
    NavItem("Vorlagen", "/vorlagen", "paper.list"),
)
PUBLIC_NAV: tuple[NavItem, ...] = (
    NavItem("Startseite", "/"),
    NavItem("Vorlagen", "/oeffentlich#vorlagen"),
    NavItem("Maßnahmen", "/oeffentlich#massnahmen"),
    NavItem("Berichte", "/berichte"),
)


def items_for(actor: Actor | None) -> list[NavItem]:
    if actor is None:
        return list(PUBLIC_NAV)
    rooms = STAFF_NAV if holds(actor, "measure.read_internal") else COUNCIL_NAV
    return [i for i in rooms if i.permission is None or holds(actor, i.permission)]

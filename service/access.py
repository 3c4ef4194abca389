"""Who may do what: the one table the API, the web pages and the CLI consult.

Transitions are authorised by the definitions (each transition names its roles); this table
covers everything else. Item-level rules (public items, an ``ag_mitglied``'s own measures,
deputies) are the functions below, so that a route never decides access by itself and the
authorisation matrix test can be generated from ``PERMISSIONS``.
"""

from __future__ import annotations

from typing import Any

from service.actor import Actor

STAFF = frozenset(
    {
        "ag_leitung",
        "ag_mitglied",
        "sitzungsdienst",
        "kaemmerei",
        "datenschutz",
        "informationssicherheit",
        "personalrat",
        "verwaltungsleitung",
        "admin",
        "revision",
    }
)

# permission -> roles that hold it. Rows are grouped by room; keep each group sorted.
PERMISSIONS: dict[str, frozenset[str]] = {
    # measures and programmes
    "measure.read_internal": STAFF,
    "measure.create": frozenset({"ag_leitung", "ag_mitglied"}),
    "measure.edit": frozenset({"ag_leitung"}),
    "measure.edit_own": frozenset({"ag_mitglied"}),
    "programme.create": frozenset({"ag_leitung"}),
    "programme.edit": frozenset({"ag_leitung"}),
    # statements: the kind of a statement is the role of its author
    "statement.create": frozenset({"datenschutz", "informationssicherheit", "personalrat"}),
    # audit trail: the Datenschutzbeauftragte and the auditor; never admin or the OB
    "audit.read": frozenset({"datenschutz", "revision"}),
}


def holds(actor: Actor | None, permission: str) -> bool:
    if actor is None:
        return False
    return bool(actor.roles & PERMISSIONS[permission])


def may_see(actor: Actor | None, item: Any) -> bool:
    """Public items are for everyone; non-public ones for signed-in staff only."""
    return bool(item.public) or holds(actor, "measure.read_internal")


def may_edit_measure(actor: Actor | None, measure: Any) -> bool:
    if holds(actor, "measure.edit"):
        return True
    return (
        actor is not None
        and holds(actor, "measure.edit_own")
        and actor.speaks_for(measure.responsible_person_id)
    )

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
    # --- council (papers, committees, persons, meetings) -----------------------------------
    # Sitzungsdienst plans meetings and Beratungsfolgen and records votes; the AG lead submits
    # papers to the committees. Paper transitions themselves are authorised by vorlage.yaml.
    "paper.read_internal": STAFF,
    "paper.create": frozenset({"ag_leitung", "sitzungsdienst"}),
    "paper.carry_measures": frozenset({"ag_leitung", "sitzungsdienst"}),
    "paper.plan_consultations": frozenset({"sitzungsdienst"}),
    "vote.record": frozenset({"sitzungsdienst"}),
    "committee.read_internal": STAFF,
    "committee.manage": frozenset({"sitzungsdienst"}),
    "meeting.read_internal": STAFF,
    "meeting.manage": frozenset({"sitzungsdienst"}),
    "person.read": STAFF,
    "person.manage": frozenset({"admin", "ag_leitung", "sitzungsdienst"}),
    # --- end council -------------------------------------------------------------------------
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


# --- council: item-level rules -------------------------------------------------------------
# Council bodies (OParl: Organization of type Gremium) whose members and public sessions a
# Ratsinformationssystem publishes. AG and gemeinsame AG-Beratung are internal working
# groups of the administration: their meetings and members stay internal.
PUBLIC_COMMITTEE_KINDS = frozenset({"ausschuss", "rat"})


def committee_is_public(kind: str) -> bool:
    return kind in PUBLIC_COMMITTEE_KINDS


def may_see_paper(actor: Actor | None, paper: Any) -> bool:
    return bool(paper.public) or holds(actor, "paper.read_internal")


def may_see_committee_internals(actor: Actor | None, committee: Any) -> bool:
    """Members and meetings of council bodies are public; those of internal groups are not."""
    return committee_is_public(committee.kind) or holds(actor, "committee.read_internal")


def may_see_meeting(actor: Actor | None, committee_kind: str) -> bool:
    return committee_is_public(committee_kind) or holds(actor, "meeting.read_internal")


def may_see_agenda_item(actor: Actor | None, item: Any) -> bool:
    """The non-public part of a session is hidden completely from the public."""
    return bool(item.public) or holds(actor, "meeting.read_internal")


def may_see_vote(actor: Actor | None, vote: Any) -> bool:
    return bool(vote.public) or holds(actor, "paper.read_internal")


def person_is_public(person: Any, in_public_committee: bool) -> bool:
    """A council member of a council body is a public figure (OParl Person); staff never is.

    Administrative staff (``is_staff``) stay nameless to the public even where they sit in a
    council body (the Oberbürgermeister in the demo); erased persons are nobody's business.
    """
    return not person.is_staff and person.erased_at is None and in_public_committee


def may_read_person(actor: Actor | None, person: Any, in_public_committee: bool) -> bool:
    return holds(actor, "person.read") or person_is_public(person, in_public_committee)


# --- end council ---------------------------------------------------------------------------

"""Who may do what: the one table the API, the web pages and the CLI consult.

Transitions are authorised by the definitions (each transition names its roles); this table
covers everything else. Item-level rules (public items, an ``ag_mitglied``'s own measures,
deputies) are the functions below, so that a route never decides access by itself and the
authorisation matrix test can be generated from ``PERMISSIONS``.

The ``require_*`` functions raise ``AccessDenied`` (403); a caller without a token never
gets that far, since every writing endpoint asks for a signed-in actor first (401), and an
item the caller may not see is reported as not found (404), exactly like a missing one.
"""

from __future__ import annotations

from typing import Any

from service.actor import Actor
from service.errors import AccessDenied, NotFound
from workflow import roles

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
# Council members read what the council is told (Beschlusskontrolle, Sachstandsberichte) and
# the papers of the committees they sit in; they change nothing and are not staff.
COUNCIL = frozenset({"ratsmitglied"})

# permission -> roles that hold it. Rows are grouped by room; keep each group sorted.
PERMISSIONS: dict[str, frozenset[str]] = {
    # measures and programmes
    "measure.read_internal": STAFF,
    "measure.create": frozenset({"ag_leitung", "ag_mitglied"}),
    "measure.edit": frozenset({"ag_leitung"}),
    "measure.edit_own": frozenset({"ag_mitglied"}),
    "measure.reassign": frozenset({"ag_leitung"}),
    "milestone.edit": frozenset({"ag_leitung"}),
    "milestone.edit_own": frozenset({"ag_mitglied"}),
    "programme.create": frozenset({"ag_leitung"}),
    "programme.edit": frozenset({"ag_leitung"}),
    # reports: the Sachstandsbericht (its public variant too: staff decide what to publish)
    "report.read": STAFF | COUNCIL,
    # issued reports: frozen for the FVA (the internal variant for staff, the public one for
    # everyone); the FVA's Kenntnisnahme is recorded by the Sitzungsdienst
    "report.issue": frozenset({"ag_leitung", "sitzungsdienst"}),
    "report.read_issued": STAFF | COUNCIL,
    "report.take_note": frozenset({"sitzungsdienst"}),
    # outbox: the mails ratsflow sends, and resending dead letters
    "outbox.read": frozenset({"admin", "sitzungsdienst"}),
    "outbox.retry": frozenset({"admin", "sitzungsdienst"}),
    # statements: the kind of a statement is the role of its author
    "statement.create": frozenset({"datenschutz", "informationssicherheit", "personalrat"}),
    # the DSB and ISB advise, the administration decides: the Abwägung after "ablehnend"
    "statement.weigh": frozenset({"verwaltungsleitung"}),
    # an Auflage is fulfilled by the AG (which carries the measure out); the statement's
    # author may confirm it too
    "condition.fulfil": frozenset(
        {"ag_leitung", "datenschutz", "informationssicherheit", "personalrat"}
    ),
    # obligations from a resolution (Pflichten aus dem Beschluss)
    "obligation.manage": frozenset({"sitzungsdienst", "verwaltungsleitung"}),
    "obligation.fulfil": frozenset(
        {"ag_leitung", "kaemmerei", "sitzungsdienst", "verwaltungsleitung"}
    ),
    # budget lines: the AG plans costs, the Kämmerei approves and books what was spent
    "budget.approve": frozenset({"kaemmerei"}),
    "budget.plan": frozenset({"ag_leitung", "kaemmerei"}),
    "budget.spend": frozenset({"kaemmerei"}),
    # users: an admin manages logins, roles and anyone's deputies; every login its own
    # account and deputies (a password change needs no permission, only a session)
    "user.manage": frozenset({"admin"}),
    "user.self": STAFF,
    # the own calendar feed: every login, council members above all (their sessions)
    "calendar.own_feed": STAFF | COUNCIL,
    # attachments (Anlagen) of papers and measures; reading follows the item (may_see)
    "attachment.create": frozenset({"ag_leitung", "sitzungsdienst"}),
    "attachment.create_own": frozenset({"ag_mitglied"}),
    "attachment.delete": frozenset({"ag_leitung", "sitzungsdienst"}),
    # the Beschlusskontrolle: open deadlines of measures and papers (/fristen)
    "deadline.read": STAFF | COUNCIL,
    # bulk data
    "import.measures": frozenset({"ag_leitung"}),
    # --- council (papers, committees, persons, meetings) -----------------------------------
    # Sitzungsdienst plans meetings and Beratungsfolgen and records votes; the AG lead submits
    # papers to the committees. Paper transitions themselves are authorised by vorlage.yaml.
    "paper.read_internal": STAFF,
    # the paper list and the non-public papers of the committees a council member sits in
    "paper.list": STAFF | COUNCIL,
    "paper.read_committee": COUNCIL,
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
    # audit trail: the Datenschutzbeauftragte and the auditor; never admin or the OB
    "audit.read": frozenset({"datenschutz", "revision"}),
    # operation: /metrics (counts and ages, no contents)
    "ops.metrics": frozenset({"admin"}),
}

# Roles that act only on items their holder is responsible for (or deputises for): for
# editing as for firing the transitions the definitions grant them.
OWN_ITEMS_ONLY = frozenset({"ag_mitglied"})

# German names of the roles, for every page, mail and message that names one: they live
# beside the definitions that name the roles (``workflow.roles``).
ROLE_LABELS = roles.ROLE_LABELS

# A statement's kind is its author's role.
STATEMENT_KINDS = ("datenschutz", "informationssicherheit", "personalrat")

_PERMISSION_TEXT = {
    "measure.create": "Maßnahmen anlegen",
    "measure.edit": "Maßnahmen bearbeiten",
    "measure.reassign": "die verantwortliche Person einer Maßnahme ändern",
    "milestone.edit": "Meilensteine pflegen",
    "programme.create": "Arbeitspapiere anlegen",
    "programme.edit": "Arbeitspapiere bearbeiten",
    "report.issue": "Sachstandsberichte ausgeben",
    "report.take_note": "die Kenntnisnahme eines Berichts erfassen",
    "statement.create": "Stellungnahmen abgeben",
    "statement.weigh": "die Abwägung nach einer ablehnenden Stellungnahme erfassen",
    "condition.fulfil": "Auflagen als erfüllt vermerken",
    "obligation.manage": "Pflichten aus einem Beschluss anlegen",
    "obligation.fulfil": "die Erfüllung einer Pflicht aus einem Beschluss vermerken",
    "budget.approve": "bewilligte Beträge eintragen",
    "budget.plan": "Haushaltsansätze planen",
    "budget.spend": "verausgabte Beträge eintragen",
    "import.measures": "Maßnahmen importieren",
    "paper.create": "Vorlagen anlegen",
    "paper.carry_measures": "Maßnahmen einer Vorlage zuordnen",
    "paper.plan_consultations": "die Beratungsfolge planen",
    "vote.record": "Abstimmungen erfassen",
    "committee.manage": "Gremien und ihre Mitglieder pflegen",
    "meeting.manage": "Sitzungen, Tagesordnung und Anwesenheit pflegen",
    "person.manage": "Personen anlegen und ändern",
    "outbox.read": "den Postausgang einsehen",
    "outbox.retry": "E-Mails erneut senden",
    "user.manage": "Benutzer verwalten",
    "user.self": "ein eigenes Konto verwalten",
    "calendar.own_feed": "einen eigenen Kalender abonnieren",
    "ops.metrics": "die Betriebskennzahlen (/metrics) lesen",
}


def holds(actor: Actor | None, permission: str) -> bool:
    if actor is None:
        return False
    return bool(actor.roles & PERMISSIONS[permission])


def require(actor: Actor, permission: str) -> None:
    if not holds(actor, permission):
        raise AccessDenied(_denied(permission))


def _denied(permission: str) -> str:
    who = roles.role_labels(PERMISSIONS[permission])
    what = _PERMISSION_TEXT[permission]
    return f"{what[0].upper()}{what[1:]} dürfen nur diese Rollen: {who}."


def is_system(actor: Actor | None) -> bool:
    """The installation itself: a command line run without ``--as``, a scheduler job.

    It has no user and no roles, acts only where its callers call it, and reads what the
    person running it could read from the database anyway (its reads are logged as the
    system's).
    """
    return actor is not None and actor.user_id is None


# --- reading -------------------------------------------------------------------------------


def may_read_internal(actor: Actor | None) -> bool:
    return holds(actor, "measure.read_internal") or is_system(actor)


def may_see(actor: Actor | None, item: Any) -> bool:
    """Public items are for everyone; non-public ones for signed-in staff only."""
    return bool(item.public) or may_read_internal(actor)


def require_visible(actor: Actor | None, item: Any, what: str, key: object) -> None:
    """An item the caller may not see looks exactly like one that does not exist."""
    if not may_see(actor, item):
        raise NotFound(what, key)


def public_only(actor: Actor | None) -> bool:
    """Lists for a caller who may see public items only."""
    return not may_read_internal(actor)


def may_see_names(actor: Actor | None) -> bool:
    """Staff names (responsible persons, authors, users in the history) are for staff."""
    return may_read_internal(actor)


# --- measures ------------------------------------------------------------------------------


def _owns(actor: Actor, measure: Any) -> bool:
    return actor.speaks_for(measure.responsible_person_id)


def may_edit_measure(actor: Actor | None, measure: Any) -> bool:
    if holds(actor, "measure.edit"):
        return True
    return actor is not None and holds(actor, "measure.edit_own") and _owns(actor, measure)


def require_edit_measure(actor: Actor, measure: Any) -> None:
    if not may_edit_measure(actor, measure):
        if holds(actor, "measure.edit_own"):
            raise AccessDenied(
                "Diese Maßnahme darf nur bearbeiten, wer für sie verantwortlich ist oder die "
                "verantwortliche Person vertritt, oder die AG-Leitung."
            )
        raise AccessDenied(_denied("measure.edit"))


def require_create_measure(actor: Actor, responsible_person_id: int | None) -> None:
    """The AG lead creates measures for anyone; an AG member drafts their own only."""
    if holds(actor, "measure.edit"):
        return
    require(actor, "measure.create")
    if not actor.speaks_for(responsible_person_id):
        raise AccessDenied(
            "Als AG-Mitglied können Sie nur Maßnahmen anlegen, für die Sie selbst (oder die "
            "Person, die Sie vertreten) verantwortlich sind."
        )


OWN_ITEM_TEXT = (
    "AG-Mitglieder dürfen das nur bei Maßnahmen, für die sie verantwortlich sind oder deren "
    "verantwortliche Person sie vertreten."
)


def transition_roles(actor: Actor, measure: Any) -> frozenset[str]:
    """The roles an actor may use for this measure's transitions.

    The definitions say which roles may fire a transition; here the own-item rule takes away
    the roles that count only on measures the actor is responsible for (or deputises for).
    """
    if _owns(actor, measure):
        return actor.roles
    return actor.roles - OWN_ITEMS_ONLY


def require_edit_milestones(actor: Actor, measure: Any) -> None:
    if holds(actor, "milestone.edit"):
        return
    if holds(actor, "milestone.edit_own") and _owns(actor, measure):
        return
    raise AccessDenied(
        "Meilensteine pflegen die AG-Leitung und die für die Maßnahme verantwortliche Person."
    )


# --- statements ----------------------------------------------------------------------------


def statement_kind(actor: Actor, requested: str | None) -> str:
    """The kind of statement this actor gives: their role (named when they hold several)."""
    require(actor, "statement.create")
    own = [kind for kind in STATEMENT_KINDS if kind in actor.roles]
    if requested is None:
        if len(own) > 1:
            raise AccessDenied(
                f"Sie haben mehrere Rollen für Stellungnahmen ({', '.join(own)}); "
                "bitte die Art („kind“) angeben."
            )
        return own[0]
    if requested not in own:
        raise AccessDenied(
            f"Eine Stellungnahme der Art „{requested}“ kann nur die Rolle „{requested}“ abgeben."
        )
    return requested


# --- budget lines --------------------------------------------------------------------------

BUDGET_FIELDS = {
    "fiscal_year": "budget.plan",
    "product_account": "budget.plan",
    "one_off_planned": "budget.plan",
    "recurring_planned": "budget.plan",
    "approved": "budget.approve",
    "spent": "budget.spend",
}


def require_budget_fields(actor: Actor, fields: set[str]) -> None:
    """Each amount of a Haushaltsansatz has its own role (planned, approved, spent)."""
    needed = {BUDGET_FIELDS[name] for name in fields if name in BUDGET_FIELDS}
    for permission in sorted(needed) or ["budget.plan"]:
        require(actor, permission)


# --- attachments ---------------------------------------------------------------------------


def may_attach(actor: Actor | None, owner_type: str, item: Any) -> bool:
    """Anlagen: AG lead and Sitzungsdienst everywhere, an AG member on their own measures."""
    if holds(actor, "attachment.create"):
        return True
    return (
        owner_type == "measure"
        and actor is not None
        and holds(actor, "attachment.create_own")
        and actor.speaks_for(item.responsible_person_id)
    )


# --- council: item-level rules -------------------------------------------------------------
# Council bodies (OParl: Organization of type Gremium) whose members and public sessions a
# Ratsinformationssystem publishes. AG and gemeinsame AG-Beratung are internal working
# groups of the administration: their meetings and members stay internal.
PUBLIC_COMMITTEE_KINDS = frozenset({"ausschuss", "rat"})


def committee_is_public(kind: str) -> bool:
    return kind in PUBLIC_COMMITTEE_KINDS


def may_see_paper(actor: Actor | None, paper: Any, in_own_committee: bool = False) -> bool:
    """Public papers for everyone, all for staff; a council member also sees the non-public
    papers of the committees they sit in (``in_own_committee``: the paper's Beratungsfolge
    names one of them)."""
    if paper.public or holds(actor, "paper.read_internal"):
        return True
    return in_own_committee and holds(actor, "paper.read_committee")


def reads_committee_papers(actor: Actor | None) -> bool:
    """A caller whose view of papers depends on the committees they sit in."""
    return holds(actor, "paper.read_committee") and not holds(actor, "paper.read_internal")


def may_see_committee_internals(actor: Actor | None, committee: Any) -> bool:
    """Members and meetings of council bodies are public; those of internal groups are not."""
    return committee_is_public(committee.kind) or holds(actor, "committee.read_internal")


def may_see_meeting(actor: Actor | None, committee_kind: str) -> bool:
    return committee_is_public(committee_kind) or holds(actor, "meeting.read_internal")


def may_see_agenda_item(actor: Actor | None, item: Any) -> bool:
    """The non-public part of a session is hidden completely from the public."""
    return bool(item.public) or holds(actor, "meeting.read_internal")


def may_see_vote(actor: Actor | None, vote: Any, in_own_committee: bool = False) -> bool:
    """Votes of non-public sessions: staff, and council members of the paper's committees."""
    if vote.public or holds(actor, "paper.read_internal"):
        return True
    return in_own_committee and holds(actor, "paper.read_committee")


def person_is_public(person: Any, in_public_committee: bool) -> bool:
    """A council member of a council body is a public figure (OParl Person); staff never is.

    Administrative staff (``is_staff``) stay nameless to the public even where they sit in a
    council body (the Oberbürgermeister in the demo); erased persons are nobody's business.
    """
    return not person.is_staff and person.erased_at is None and in_public_committee


# --- end council ---------------------------------------------------------------------------

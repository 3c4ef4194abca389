"""Papers (Vorlagen): creating one, finding one the caller may see, firing its steps.

Every door (API, web, CLI) calls these; each checks access, validates and leaves the audit
event itself. ``insert_paper`` is the unchecked write beneath, for the demo and fixtures.
The Beratungsfolge lives in ``consultations``, carried measures in ``carrying``, votes in
``votes`` and what a caller reads in ``reading``.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from service import access, texts
from service.actor import SYSTEM, Actor
from service.errors import Conflict, NotFound
from service.lifecycle import repository as lifecycle_repository
from service.lifecycle.service import Transitioned
from service.papers import repository, rounds
from service.papers.models import AMENDMENT_KIND
from service.records import insert_audited
from service.runtime import Runtime
from service.texts import TextRule
from workflow.calendar import to_local
from workflow.engine import AvailableEvent
from workflow.errors import FieldProblem, InvalidData

PAPER_KINDS = {"beschlussvorlage": "Beschlussvorlage", AMENDMENT_KIND: "Änderungsvorlage"}
PAPER_TEXTS = {
    "reference": TextRule(
        "Drucksachennummer", 50, required="Bitte eine Drucksachennummer angeben, z. B. VII/0712/26."
    ),
    "title": TextRule("Titel", 500, required="Bitte einen Titel angeben."),
    "dezernat": TextRule("Dezernat", 100),
    "file_number": TextRule("Aktenzeichen", 100),
    "competence": TextRule("Zuständigkeit", 200),
    "resolution_proposal": TextRule("Beschlussvorschlag", 20_000, multiline=True),
    "reasoning": TextRule("Begründung", 50_000, multiline=True),
}


DECIDED = ("beschlossen", "abgelehnt")
# How the database names a refused Drucksachennummer: the index on (body_id,
# lower(reference)) of migration 0024, and the older constraint in this case only, which
# SQLite names by its columns.
REFERENCE_UNIQUE = (
    "uq_papers_body_reference",
    "uq_papers_body_id_reference",
    "papers.body_id, papers.reference",
)


def insert_paper(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    """Stores a paper in the initial state of the newest ``vorlage``; checks nothing."""
    spec = runtime.registry.latest("vorlage").spec
    now = runtime.now()
    row = {
        "state": spec.initial,
        "version": 1,
        "definition_name": spec.name,
        "definition_version": spec.version,
        "fields": {},
        "created_at": now,
        "updated_at": now,
        **values,
    }
    return insert_audited(
        connection,
        runtime.chain_key,
        repository.papers,
        row,
        actor=actor,
        now=now,
        entity_type="paper",
    )


# "§ 45 Abs. 1 KVG LSA", "§ 44 Abs. 3 Nr. 2 KVG LSA", "§ 45 KVG LSA"
_COMPETENCE = re.compile(
    r"^\s*§+\s*(?P<paragraph>\d+[a-z]?)\s*(?:Abs\.\s*(?P<section>\d+[a-z]?))?"
    r"(?:\s*(?:Nr|S|Satz)\.?\s*\d+[a-z]?)*\s+(?P<law>\S.*?)\s*$"
)


def competence_columns(reference: dict[str, Any]) -> dict[str, Any]:
    """The structured Zuständigkeit (law, paragraph, section) as the paper's columns."""
    return {
        "competence_law": reference.get("law"),
        "competence_paragraph": reference.get("paragraph"),
        "competence_section": reference.get("section"),
    }


def parse_competence(text: str | None) -> dict[str, Any]:
    """The reference a Zuständigkeit written as usual names; none for other wordings."""
    match = _COMPETENCE.match(text or "")
    return competence_columns(match.groupdict()) if match else {}


def competence_text(values: dict[str, Any]) -> str | None:
    law, paragraph = values.get("competence_law"), values.get("competence_paragraph")
    if not law or not paragraph:
        return None
    section = values.get("competence_section")
    return f"§ {paragraph}{f' Abs. {section}' if section else ''} {law}"


def new_paper(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    """A new Vorlage of this city; its Drucksachennummer is unique.

    The Zuständigkeit is kept as text and as a reference: either is read from the other
    where only one is given. The Drucksachennummer is kept without the blanks around it,
    whichever door it came through (see ``texts.trimmed``).
    """
    access.require(actor, "paper.create")
    if isinstance(values.get("reference"), str):
        values["reference"] = texts.trimmed(values["reference"])
    texts.check("vorlage", PAPER_TEXTS, values)
    if values.get("kind", "beschlussvorlage") not in PAPER_KINDS:
        raise invalid("kind", "Art der Vorlage", f"erlaubt sind: {', '.join(PAPER_KINDS)}.")
    if values.get("competence_law") is None:
        values |= parse_competence(values.get("competence"))
    elif not values.get("competence"):
        values["competence"] = competence_text(values)
    reference = values["reference"]
    body_id = runtime.body_id_in(connection)
    if holder := repository.reference_holder(connection, body_id, reference):
        raise reference_taken(reference, holder)
    values["body_id"] = body_id
    try:
        # A savepoint: a paper created with this Drucksachennummer since the check above is
        # refused by the unique index, and the caller gets the check's answer, not a 500.
        with connection.begin_nested():
            return insert_paper(runtime, connection, actor, **values)
    except IntegrityError as exc:
        if not any(name in str(exc.orig) for name in REFERENCE_UNIQUE):
            raise
        raise reference_taken(
            reference, repository.reference_holder(connection, body_id, reference)
        ) from None


def reference_taken(reference: str, holder: str | None) -> Conflict:
    """The answer to a Drucksachennummer in use; it names the paper's own spelling when
    that differs in case ("vii/0680/24" is VII/0680/24)."""
    spelled = f" (als „{holder}“)" if holder and holder != reference else ""
    return Conflict(
        "drucksachennummer-vergeben",
        "Drucksachennummer vergeben",
        f"Die Drucksachennummer „{reference}“ ist bereits vergeben{spelled}.",
    )


def get_paper(connection: Connection, paper_id: int, body_id: int | None = None) -> Any:
    """The paper; with ``body_id`` another body's paper is as missing as a wrong id.

    Without ``body_id`` (a caller that checks the body itself) any body's paper."""
    row = repository.paper(connection, paper_id, body_id)
    if row is None:
        raise NotFound("Vorlage", paper_id)
    return row


def visible_paper(
    runtime: Runtime, connection: Connection, actor: Actor | None, paper_id: int
) -> Any:
    """The paper, if this caller may see it; one they may not see (another body's among
    them) does not exist for them."""
    row = get_paper(connection, paper_id, runtime.body_id_in(connection))
    if not access.may_see_paper(actor, row, in_own_committee(runtime, connection, actor, row)):
        raise NotFound("Vorlage", paper_id)
    return row


def in_own_committee(
    runtime: Runtime, connection: Connection, actor: Actor | None, row: Any
) -> bool:
    """Whether a council member sits (today) in a committee of the paper's Beratungsfolge:
    then its non-public parts are theirs to read. False for everyone else, who see a paper
    by its publicity or their role alone."""
    if actor is None or actor.person_id is None or not access.reads_committee_papers(actor):
        return False
    today = to_local(runtime.now()).date()
    return repository.in_committees_of(connection, row.id, actor.person_id, today)


def may_see_row(
    runtime: Runtime, connection: Connection, actor: Actor | None, paper_id: int, public: bool
) -> bool:
    """Whether the caller may see the paper behind a row of another room's list."""
    if actor == SYSTEM or public or access.holds(actor, "paper.read_internal"):
        return True
    row = repository.paper(connection, paper_id, None)
    return row is not None and in_own_committee(runtime, connection, actor, row)


def paper_by_reference(connection: Connection, reference: str, body_id: int | None = None) -> Any:
    """The paper with this Drucksachennummer in the body (references are unique per body)."""
    return repository.paper_by_reference(connection, reference, body_id)


def is_final(runtime: Runtime, paper: Any) -> bool:
    spec = runtime.registry.engine(paper.definition_name, paper.definition_version).spec
    return bool(spec.states[paper.state].final)


def is_decided(connection: Connection, paper: Any) -> bool:
    """A committee has voted on the paper (or it is beschlossen/abgelehnt): what it was
    decided on stays as it was, the Anlagen included."""
    return paper.state in DECIDED or bool(repository.votes_of(connection, paper.id))


def state_label(runtime: Runtime, row: Any) -> str:
    spec = runtime.registry.engine(row.definition_name, row.definition_version).spec
    state = spec.states.get(row.state)
    return state.label if state else row.state


def invalid(field: str, label: str, message: str) -> InvalidData:
    return InvalidData("vorlage", [FieldProblem(field, label, message)])


def allowed_events(
    runtime: Runtime, connection: Connection, actor: Actor | None, row: Any
) -> list[AvailableEvent]:
    """What this caller may fire on the paper now (nothing for the public); never an event
    a vote decides, which follows from recording the vote."""
    return runtime.lifecycle.allowed_events(
        connection, "paper", row, actor=actor, now=runtime.now()
    )


def offers(runtime: Runtime, actor: Actor, paper_id: int, event: str) -> bool:
    """Whether ``event`` is a step the caller could take on the paper now, unblocked: only
    then does a door ask before a step that cannot be undone."""
    with runtime.read() as connection:
        row = visible_paper(runtime, connection, actor, paper_id)
        available = allowed_events(runtime, connection, actor, row)
    return any(a.event == event and not a.blocked_by for a in available)


def fire(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    paper_id: int,
    event: str,
    *,
    version: int | None = None,
    data: dict[str, Any] | None = None,
    comment: str | None = None,
    request_id: str | None = None,
) -> Transitioned:
    """A step of the paper by hand; the definition names the roles that may take it.

    A step a vote decides is refused here (409): it follows from ``votes.record_vote``. A
    step back to the draft (``zurueckverweisen``) ends the round of the Beratungsfolge, so
    that the paper can go through the committees again; a withdrawal (``zurueckziehen``)
    ends it for good (``rounds``).
    """
    paper = visible_paper(runtime, connection, actor, paper_id)
    done = runtime.lifecycle.fire(
        connection,
        "paper",
        paper_id,
        event,
        actor=actor,
        now=runtime.now(),
        expected_version=version,
        data=data,
        comment=comment,
        request_id=request_id,
    )
    spec = runtime.registry.engine(paper.definition_name, paper.definition_version).spec
    if rounds.ends_round(spec, done.result):
        rounds.close_round(runtime, connection, actor, paper_id, spec, done.result)
    return done


def history(connection: Connection, paper_id: int, body_id: int | None = None) -> list[Any]:
    """The paper's steps; with ``body_id`` another body's paper is as missing as a wrong id."""
    get_paper(connection, paper_id, body_id)
    return lifecycle_repository.history_of(connection, "paper", paper_id)


def page_papers(
    runtime: Runtime, connection: Connection, actor: Actor | None, **kwargs: Any
) -> list[Any]:
    """A page of the body's papers this caller may see (the public: public papers only)."""
    public_only = not access.holds(actor, "paper.read_internal")
    member = None
    if access.reads_committee_papers(actor) and actor is not None and actor.person_id:
        member = (actor.person_id, to_local(runtime.now()).date())
    return repository.page_papers(
        connection, runtime.body_id_in(connection), public_only=public_only, member=member, **kwargs
    )


def open_papers(runtime: Runtime, connection: Connection, limit: int) -> list[Any]:
    """The body's papers still before the committees, newest first: what an agenda item can
    treat."""
    rows = repository.newest_papers(connection, runtime.body_id_in(connection), limit)
    return [p for p in rows if not is_final(runtime, p)]

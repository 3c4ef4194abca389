"""Errors of the service layer: one base, ``ServiceError``, under the engine's ``WorkflowError``.

Every class fixes its problem type (RFC 9457) as class attributes: ``status``, ``slug`` and
a German ``title``; ``detail`` is the German sentence of the single case. The API renders
any of them with one handler (``service.api.problems``), the web explains them from the
same attributes (``service.web.problems``). A new error subclasses ``ServiceError`` and
names its own ``status``, ``slug`` and ``title``; ``extensions`` adds members a client
needs beyond ``detail`` (the rows of an import, the blocking measures).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workflow.errors import Forbidden, WorkflowError


class ServiceError(WorkflowError):
    """An error a caller can act on; ``field`` names the input at fault.

    ``headers`` go with the HTTP answer: ``WWW-Authenticate`` on a 401, ``Retry-After``
    where trying again later helps.
    """

    status = 422
    slug = "eingabe-ungueltig"
    title = "Eingabe ungültig"

    def __init__(
        self, detail: str, *, field: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.headers = headers

    def extensions(self) -> dict[str, Any]:
        if self.field is None:
            return {}
        return {"fields": [{"field": self.field, "label": self.field, "message": self.detail}]}


class NotFound(ServiceError):
    """No such item, or the caller may not know it exists (both 404, never told apart)."""

    status = 404
    slug = "nicht-gefunden"
    title = "Nicht gefunden"

    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"{what} {key} wurde nicht gefunden.")
        self.what = what
        self.key = key


class Gone(ServiceError):
    """The item was published and has been withdrawn: it existed, and will not come back."""

    status = 410
    slug = "entfernt"
    title = "Entfernt"

    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"{what} {key} wurde entfernt und ist nicht mehr abrufbar.")


class AccessDenied(Forbidden, ServiceError):
    """A role or an item-level rule of ``service.access`` forbids the action (403).

    A ``Forbidden`` too, so that whoever handles the engine's role check handles this one.
    """

    def __init__(self, detail: str) -> None:
        ServiceError.__init__(self, detail)  # not Forbidden's: no event, no roles to name
        self.event = ""
        self.actor_roles = frozenset()
        self.allowed_roles = frozenset()


class Conflict(ServiceError):
    """The request contradicts the item's current state (409); ``slug`` names the kind.

    The one error whose slug and title vary with the case, so that each kind of conflict
    (a finished membership, an erased person) keeps a type of its own.
    """

    status = 409
    slug = "konflikt"
    title = "Konflikt"

    def __init__(self, slug: str, title: str, detail: str) -> None:
        super().__init__(detail)
        self.slug = slug
        self.title = title


@dataclass(frozen=True)
class BlockedItem:
    entity_type: str
    entity_id: int
    title: str
    reason: str


class CarriedItemsBlocked(ServiceError):
    """A vote on a paper could not be applied to every measure it carries: nothing changed."""

    status = 409
    slug = "massnahmen-blockieren"
    title = "Maßnahmen blockieren den Beschluss"

    def __init__(
        self, event: str, blocked: list[BlockedItem], *, event_label: str | None = None
    ) -> None:
        names = "; ".join(f"{b.title}: {b.reason}" for b in blocked)
        super().__init__(
            f"„{event_label or event}“ wurde nicht ausgeführt, weil nicht jede Maßnahme der "
            f"Vorlage folgen kann. Es blockieren: {names}"
        )
        self.event = event
        self.blocked = blocked

    def extensions(self) -> dict[str, Any]:
        blocked = [
            {"entity_type": b.entity_type, "id": b.entity_id, "title": b.title, "reason": b.reason}
            for b in self.blocked
        ]
        return {"blocked": blocked}


@dataclass(frozen=True)
class RowProblem:
    """One defect of an imported file: its line (1 = the header), the column, in German."""

    row: int
    field: str
    message: str


class RowsRejected(ServiceError):
    """An import refused as a whole: every defective row is named, nothing was changed."""

    slug = "import-fehlerhaft"
    title = "Import fehlerhaft"

    def __init__(self, problems: list[RowProblem]) -> None:
        shown = "; ".join(f"Zeile {p.row}, {p.field}: {p.message}" for p in problems[:10])
        more = f" (und {len(problems) - 10} weitere)" if len(problems) > 10 else ""
        super().__init__(f"Nichts wurde übernommen. Fehlerhafte Zeilen: {shown}{more}.")
        self.problems = problems

    def extensions(self) -> dict[str, Any]:
        rows = [{"row": p.row, "field": p.field, "message": p.message} for p in self.problems]
        return {"rows": rows}


class NotQuorate(ServiceError):
    """A vote was taken while the committee was not beschlussfähig: no decision exists."""

    slug = "nicht-beschlussfaehig"
    title = "Nicht beschlussfähig"

    def __init__(self, explanation: str, voting_members: int, present: int, required: int):
        super().__init__(explanation)
        self.voting_members = voting_members
        self.present = present
        self.required = required

    def extensions(self) -> dict[str, Any]:
        quorum = {
            "voting_members": self.voting_members,
            "present": self.present,
            "required_present": self.required,
        }
        return {"quorum": quorum}


class ReadNotLogged(ServiceError):
    """A read of non-public content or person data could not be written to the audit trail.

    Nothing is shown then: a read that leaves no trace must not happen (503, try again).
    """

    status = 503
    slug = "zugriff-nicht-protokolliert"
    title = "Zugriff nicht protokolliert"

    def __init__(self) -> None:
        super().__init__(
            "Der Zugriff konnte nicht im Protokoll vermerkt werden; deshalb wird nichts "
            "angezeigt. Bitte in einem Moment erneut versuchen.",
            headers={"Retry-After": "5"},
        )

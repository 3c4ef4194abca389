"""Who receives what is addressed to a person or a role.

Deputies are resolved here and only here: every job asks ``resolve``, which takes the
current Stellvertretungen from ``service.auth.deputies``; a deputy receives the reminders
beside the absent person, with a note naming whom they stand in for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from sqlalchemy.engine import Connection

from service.auth import deputies
from service.people.service import display_name
from service.runtime import Runtime
from service.scheduler import repository

# Items the Sitzungsdienst answers for; the AG lead answers for the rest (measures, their
# statements, programmes), as the first escalation of a measure's deadline goes to the AG lead.
OFFICE_ITEMS = frozenset({"paper", "meeting"})


@dataclass(frozen=True)
class Recipient:
    person_id: int
    name: str
    email: str | None
    # The absent person this recipient stands in for, named in the e-mail.
    on_behalf_of: str | None = None


def role_holders(connection: Connection, role: str, body_id: int) -> list[int]:
    """Persons behind the body's active users holding ``role``."""
    return repository.role_holders(connection, role, body_id)


class Contacts:
    """Who can act for a recipient of a mail about an ``about`` item: they receive the mail
    of one ratsflow cannot e-mail, naming that person, and are named to one who cannot
    work on the item in ratsflow as whom to answer. Read when first needed: most mails go
    to staff with an address, who need neither."""

    def __init__(self, runtime: Runtime, connection: Connection, about: str) -> None:
        settings = runtime.settings.schedule
        if about in OFFICE_ITEMS:
            self.role = settings.paper_reminder_role
        else:
            self.role = settings.escalation_roles[0] if settings.escalation_roles else "ag_leitung"
        self._connection = connection
        self._body_id = runtime.body_id

    @cached_property
    def people(self) -> list[Recipient]:
        return describe(self._connection, role_holders(self._connection, self.role, self._body_id))


def describe(
    connection: Connection, person_ids: list[int], on_behalf_of: str | None = None
) -> list[Recipient]:
    if not person_ids:
        return []
    rows = repository.persons_not_erased(connection, person_ids)
    return [
        Recipient(int(r.id), display_name(r), r.email, on_behalf_of)
        for r in sorted(rows, key=lambda r: r.id)
    ]


def resolve(connection: Connection, person_id: int, now: datetime) -> list[Recipient]:
    """The person, then each current deputy with a note naming whom they stand in for."""
    targets = deputies.recipients_for(connection, person_id, now)
    absent = describe(connection, [person_id])
    note = absent[0].name if absent else None
    result = list(absent)
    for target in targets[1:]:
        result += describe(connection, [target.person_id], note)
    return result

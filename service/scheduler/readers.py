"""What a mail's recipient can open: one rule for every link in every mail.

A mail is read by a person with logins (staff, a council member) or by one without any. A
link to an item leads to its staff page when one of the person's logins may open it there,
to its public page when the item is public, and otherwise nowhere; the mail then names whom
to answer instead (``recipients.Contacts``). A job puts a ``Page`` where a link belongs and
``notify`` turns it into the address this recipient can open.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.auth.service import logins_of
from service.papers.service import may_see_row
from service.runtime import Runtime
from service.scheduler.links import body_url, item_link

# The permission the web asks on each staff page (service/web/pages); a programme's page
# opens for every login.
STAFF_PAGES: dict[str, str | None] = {
    "measure": "measure.read_internal",
    "paper": "paper.list",
    "meeting": "meeting.read_internal",
    "programme": None,
}
PUBLIC_PAGES = {"measure": "public_measure", "paper": "public_paper"}


@dataclass(frozen=True)
class Page:
    """An item a mail links to, before it is known who reads the mail."""

    entity_type: str  # a key of STAFF_PAGES
    entity_id: int
    public: bool = False


class Reader:
    """A recipient as the web sees them: their active logins in the body, or the public."""

    def __init__(self, runtime: Runtime, connection: Connection, person_id: int | None) -> None:
        self.runtime = runtime
        self.connection = connection
        self.person_id = person_id
        self.base = body_url(runtime)
        self._acts: dict[Page, bool] = {}

    @cached_property
    def logins(self) -> list[Actor]:
        if self.person_id is None:
            return []
        body_id = self.runtime.body_id_in(self.connection)
        return logins_of(self.connection, body_id, self.person_id)

    def acts_on(self, page: Page) -> bool:
        """Whether one of the logins opens the staff page, where the item is worked on."""
        if page not in self._acts:
            self._acts[page] = any(self._opens(login, page) for login in self.logins)
        return self._acts[page]

    def link(self, page: Page) -> str | None:
        if self.acts_on(page):
            return item_link(self.base, page.entity_type, page.entity_id)
        if page.public and page.entity_type in PUBLIC_PAGES:
            return item_link(self.base, PUBLIC_PAGES[page.entity_type], page.entity_id)
        return None

    def _opens(self, login: Actor, page: Page) -> bool:
        permission = STAFF_PAGES[page.entity_type]
        if permission is not None and not access.holds(login, permission):
            return False
        if page.entity_type == "paper":
            # A council member reads the non-public papers of her own committees only.
            return may_see_row(self.runtime, self.connection, login, page.entity_id, page.public)
        return True

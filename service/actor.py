"""Who acts in a unit of work."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who acts: a user with roles, linked to a person (or the system, with neither)."""

    user_id: int | None
    person_id: int | None
    roles: frozenset[str]
    name: str = ""
    # Persons who named this user their deputy (Stellvertretung) for a period covering now:
    # the actor may act on their items as if they were responsible.
    acts_for: frozenset[int] = frozenset()
    # The body the user belongs to (None: the system, which acts for whichever runs it).
    body_id: int | None = None

    def speaks_for(self, person_id: int | None) -> bool:
        return person_id is not None and (person_id == self.person_id or person_id in self.acts_for)


SYSTEM = Actor(user_id=None, person_id=None, roles=frozenset(), name="System")

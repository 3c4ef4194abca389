"""Who acts in a unit of work."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who acts: a user with roles, linked to a person (or the system, with neither)."""

    user_id: int | None
    person_id: int | None
    roles: frozenset[str]
    name: str = ""


SYSTEM = Actor(user_id=None, person_id=None, roles=frozenset(), name="System")

"""The minimum a new password must meet (hashing is in ``tokens.py``).

The policy follows BSI IT-Grundschutz ORP.4 and NIST SP 800-63B in spirit: length over
composition rules, no password equal to the user name, no single repeated character.
"""

from __future__ import annotations

from service.auth.errors import PasswordRejected

MIN_LENGTH = 10
MAX_LENGTH = 1000


def check_policy(password: str, username: str, *, field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordRejected(
            f"Das Passwort muss mindestens {MIN_LENGTH} Zeichen lang sein.", field=field
        )
    if len(password) > MAX_LENGTH:
        raise PasswordRejected(
            f"Das Passwort darf höchstens {MAX_LENGTH} Zeichen lang sein.", field=field
        )
    if password.casefold() == username.casefold():
        raise PasswordRejected("Das Passwort darf nicht der Benutzername sein.", field=field)
    if len(set(password)) == 1:
        raise PasswordRejected(
            "Das Passwort darf nicht aus einem einzigen wiederholten Zeichen bestehen.",
            field=field,
        )

"""The minimum a new password must meet (hashing is in ``tokens.py``); the one place every
door (API, web, CLI) checks a new password.

The policy follows BSI IT-Grundschutz ORP.4 and NIST SP 800-63B in spirit: length over
composition rules, no password equal to the user name, no single repeated character, and
no password that is easy to guess. How easy is estimated by ``zxcvbn`` (lists of common
passwords, names and words; keyboard rows, sequences, dates, repeats), with the user's name
and common German words added to its lists; ``zxcvbn``'s own advice is English, so the hints
here are German, chosen by the weakest kind of pattern it found.
"""

from __future__ import annotations

import re
from typing import Any

from zxcvbn import zxcvbn

from service.auth.errors import PasswordRejected

MIN_LENGTH = 10
MAX_LENGTH = 1000
# zxcvbn's scores: 0 too guessable … 4 very unguessable; 3 means about 10^8 guesses or more,
# beyond an online attack throttled as the login is, and slow against a stolen argon2 hash.
MIN_SCORE = 3
# zxcvbn refuses longer input; the first 72 characters decide the estimate.
ESTIMATED_LENGTH = 72
# German words its English lists lack, that people build passwords from.
GERMAN_WORDS = (
    "passwort",
    "kennwort",
    "geheim",
    "hallo",
    "willkommen",
    "sommer",
    "winter",
    "fruehling",
    "herbst",
    "schatz",
    "sonne",
    "stadt",
    "rathaus",
    "verwaltung",
    "gemeinde",
    "ratsflow",
    "anmeldung",
    "zugang",
    "deutschland",
    "start",
)
HINTS = {
    "name": "Es enthält Ihren Benutzernamen.",
    "user_inputs": "Es beruht auf einem naheliegenden Wort wie „Passwort“ oder „Sommer“.",
    "passwords": "Es steht auf den Listen häufiger Passwörter oder ist einem davon zu ähnlich.",
    "sequence": "Folgen wie „1234“ oder „abcd“ sind leicht zu erraten.",
    "repeat": "Wiederholungen wie „aaa“ oder „abcabc“ sind leicht zu erraten.",
    "spatial": "Tastaturmuster wie „qwertz“ oder „asdf“ sind leicht zu erraten.",
    "date": "Daten und Jahreszahlen sind leicht zu erraten.",
    "dictionary": "Einzelne Wörter und Namen sind leicht zu erraten, auch mit Ziffern daran.",
    "bruteforce": "Für ein Passwort ohne Wörter ist es zu kurz.",
}
ADVICE = (
    "Besser: mehrere ungewöhnliche Wörter zu einem Satz verbinden, "
    "z. B. „Kaffee-Tasse-Leuchtturm-Regen“."
)


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
    weakness = _weakness(password, username)
    if weakness is not None:
        raise PasswordRejected(
            f"Das Passwort ist zu leicht zu erraten. {weakness} {ADVICE}", field=field
        )


def _name_parts(username: str) -> list[str]:
    """The name and its parts (``k.meier`` gives ``meier``), each worth a dictionary entry."""
    parts = [p for p in re.split(r"[\W_\d]+", username.casefold()) if len(p) >= 3]
    return [username.casefold(), *parts]


def _weakness(password: str, username: str) -> str | None:
    """A German hint when the password is too guessable, else None."""
    names = _name_parts(username)
    folded = password.casefold()
    if any(len(name) >= 3 and name in folded for name in names) and _score_without(folded, names):
        return HINTS["name"]
    result = zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=[*names, *GERMAN_WORDS])
    if result["score"] >= MIN_SCORE:
        return None
    return _hint(result["sequence"], names)


def _score_without(folded: str, names: list[str]) -> bool:
    """Whether what is left beside the user's name would be too weak on its own: the name
    plus a few digits is the first guess of anyone who knows the name."""
    rest = folded
    for name in sorted(names, key=len, reverse=True):
        rest = rest.replace(name, "")
    rest = rest[:ESTIMATED_LENGTH]
    return len(rest) < MIN_LENGTH or zxcvbn(rest)["score"] < MIN_SCORE


def _hint(sequence: list[dict[str, Any]], names: list[str]) -> str:
    """The hint for the pattern that gives the most away (the fewest guesses)."""
    worst = min(sequence, key=lambda m: float(m.get("guesses", 0)), default=None)
    if worst is None:
        return HINTS["dictionary"]
    pattern = worst.get("pattern", "")
    if pattern == "dictionary":
        if worst.get("matched_word") in names:
            return HINTS["name"]
        return HINTS.get(worst.get("dictionary_name", ""), HINTS["dictionary"])
    return HINTS.get(pattern, HINTS["dictionary"])

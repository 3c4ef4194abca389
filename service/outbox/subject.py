"""The Subject line, written so that every mail program shows exactly the subject given.

A reader unfolds a header by removing each line break only (RFC 5322), and ignores the
white space between two encoded-words (RFC 2047). Python's e-mail library (3.11) folds
against both: a subject of 70 to 78 characters goes onto a line of its own, which Python's
own parser reads with a leading space; before a word with a character outside ASCII it may
fold after a space, so the reader gets two ("AG  „Digitalisierung …“"); and between two such
words it may fold where the space was, so the reader gets none ("StädtischeBäder", CPython
gh-144156). So the subject is folded here: a plain one only before a space it has, never
right after "Subject:"; one that needs encoding as encoded-words that carry every space
inside them, hold whole characters and are at most 75 characters long.
"""

from __future__ import annotations

from email.header import Header
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader
from email.policy import Policy, default

# RFC 2047: an encoded-word is at most 75 characters; after the leading space of a
# continuation line that is 76.
_ENCODED_LINE = 76
# RFC 5322: no line longer than 998 characters, even a word that does not fit in 78.
_HARD_LIMIT = 998


def fold(name: str, value: str, policy: Policy) -> str:
    """The header ``name: value`` as written on the wire, with its line ending."""
    limit = policy.max_line_length or _HARD_LIMIT
    plain = value.isascii() and "=?" not in value
    if plain or getattr(policy, "utf8", False):
        return _at_spaces(name, value, limit, policy.linesep)
    encoded = Header(value, "utf-8", header_name=name).encode(
        linesep=policy.linesep, maxlinelen=min(limit, _ENCODED_LINE)
    )
    return f"{name}: {encoded}{policy.linesep}"


def _at_spaces(name: str, value: str, limit: int, linesep: str) -> str:
    """Folds before spaces of ``value`` only, each line as full as ``limit`` allows; a word
    longer than a line stays whole. Unfolding gives ``value`` back, space for space."""
    head = f"{name}:"
    lines = [head]
    for word in value.split(" "):
        piece = f" {word}"
        # Never before an empty word (a line of white space only) nor right after the name.
        if word and lines[-1] != head and len(lines[-1]) + len(piece) > limit:
            lines.append("")
        lines[-1] += piece
    return linesep.join(lines) + linesep


class SubjectHeader(UnstructuredHeader, BaseHeader):
    """The Subject as Python parses it, folded by ``fold``."""

    def fold(self, *, policy: Policy) -> str:
        return fold(self.name, str(self), policy)


def _registry() -> HeaderRegistry:
    registry = HeaderRegistry()
    registry.map_to_type("subject", SubjectHeader)
    return registry


# The e-mail library's default in all but the Subject's folding.
POLICY = default.clone(header_factory=_registry())

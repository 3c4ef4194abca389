"""RFC 8785 canonical JSON, written by the standard library's C encoder where that is exact.

The audit chain hashes the canonical text of every event, so the text must stay byte for byte
what ``rfc8785`` writes. That library is pure Python and was the largest single cost of
writing an event. For the values events hold, ``json.dumps`` with sorted keys, no spaces and
``ensure_ascii=False`` writes the same text: both escape exactly ``"``, ``\\`` and U+0000 to
U+001F (with the same short forms and lowercase ``\\u00xx``) and write everything else as it
is. They differ only for floats (ECMAScript's number format), integers beyond 2^53 (which RFC
8785 refuses), keys outside ASCII (UTF-16 order against code point order) and keys that are
not text; a document holding any of those goes to ``rfc8785`` as before.
``tests/service/audit/test_canonical.py`` checks the equality on generated documents.
"""

from __future__ import annotations

import json
from typing import Any

import rfc8785

_SAFE_INTEGER = 2**53 - 1
_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def _plain(document: Any) -> bool:
    """Whether the C encoder writes ``document`` exactly as RFC 8785 does. Exact types only
    (an enum of text goes the slow way), walked with a stack: this runs for every event."""
    stack = [document]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is str or kind is bool or value is None:
            continue
        if kind is int:
            if -_SAFE_INTEGER <= value <= _SAFE_INTEGER:
                continue
            return False
        if kind is dict:
            for key, item in value.items():
                if type(key) is not str or not key.isascii():
                    return False
                stack.append(item)
            continue
        if kind is list or kind is tuple:
            stack.extend(value)
            continue
        return False
    return True


def dumps(document: Any) -> bytes:
    """The canonical UTF-8 text of ``document``, as ``rfc8785.dumps`` writes it."""
    if not _plain(document):
        return rfc8785.dumps(document)
    try:
        return _ENCODE(document).encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: rfc8785 refuses it the same way
        raise rfc8785.CanonicalizationError("input contains non-UTF-8 codepoints") from exc

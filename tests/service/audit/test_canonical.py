"""The chain's canonical text: orjson's fast path writes what ``rfc8785`` writes, byte
for byte, or hands the document to ``rfc8785`` (``service.audit.canonical``)."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from service.audit import canonical, chain

# Text with what canonicalisation treats specially: control characters, quotes, backslashes,
# umlauts, characters beyond the BMP and lone surrogates.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec=None),
        st.sampled_from(['"', "\\", "\b", "\f", "\n", "\r", "\t", "\x00", "\x1f", "\x7f"]),
        st.sampled_from(["ä", "ß", "€", "\ue000", "\uffff", "😀", "\U0001f600"]),
    ),
    max_size=12,
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**60), max_value=2**60),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(TEXT, st.sampled_from(["a", "b", "\ue000", "😀"])), inner, max_size=4
        ),
    ),
    max_leaves=20,
)


def _written(write: Any, document: Any) -> bytes | str:
    """The text, or that the document was refused (rfc8785 refuses a key that is a lone
    surrogate with the codec's error, everything else with its own)."""
    try:
        return bytes(write(document))
    except (rfc8785.CanonicalizationError, UnicodeEncodeError):
        return "refused"


@settings(max_examples=400, deadline=None)
@given(DOCUMENTS)
def test_the_fast_path_writes_exactly_what_rfc8785_writes(document: Any) -> None:
    assert _written(canonical.dumps, document) == _written(rfc8785.dumps, document)


@pytest.mark.parametrize(
    "document",
    [
        {"\ue000": 1, "😀": 2},  # UTF-16 order puts the emoji first, code points the other
        {"betrag": 1200.5, "exp": 1e21, "klein": 1e-7},  # ECMAScript numbers
        {"n": 2**53},  # beyond the safe integers: refused
        {"text": "a\udc80b"},  # a lone surrogate: refused
        {"zeilen": "Größe\n\t„Zitat“\x01"},
        {"tief": functools.reduce(lambda inner, _: [inner], range(300), 1)},  # beyond orjson
    ],
)
def test_the_documents_where_the_two_encoders_differ_are_written_as_rfc8785_writes_them(
    document: Any,
) -> None:
    assert _written(canonical.dumps, document) == _written(rfc8785.dumps, document)


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from(
            [UTC, timezone(timedelta(hours=2)), timezone(-timedelta(hours=5))]
        ),
    )
)
def test_the_chain_writes_every_time_as_it_always_did(moment: datetime) -> None:
    # The hashed text of past events has its time written by strftime: any other way of
    # writing it must give the same text, or new events would read differently.
    assert chain.format_ts(moment) == moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

"""Helpers nothing called any more are gone, so nobody mistakes them for a way in.

Each was found unused (the issue "One gate" names the first four); the gate's service
functions replace what they once offered.
"""

from __future__ import annotations

import importlib

import pytest

GONE = [
    ("service.audit.trail", "checkpoint_now"),  # the job calls checkpoints.write_checkpoint
    ("service.db", "get_engine"),  # the runtime owns the engine
    ("service.audit.repository", "detail_rows"),  # verification reads detail_rows_between
    ("service.outbox.service", "status_counts"),  # nothing showed the counts
    ("service.outbox.repository", "counts"),
    ("service.auth.tokens", "actor_for_token"),  # session_for_token(...).actor
    ("service.access", "may_read_person"),  # people.service.read_person decides
    ("service.committees.service", "meeting_on"),  # nothing looked a meeting up by its start
]


@pytest.mark.parametrize(("module", "name"), GONE)
def test_dead_code_named_in_the_issue_is_deleted(module: str, name: str) -> None:
    assert not hasattr(importlib.import_module(module), name)

"""The audit trail's SQL, one module per job; nothing outside this package queries its tables.

- ``chain``: append an event under the chain lock, read a chain in order (verification);
  its functions are this package's public surface, since every domain that writes events
  takes the chain lock through them.
- ``agreement``: whether the events' indexed columns agree with their hashed text, asked of
  the database (verification runs it beside its walk).
- ``search``: the Datenschutzbeauftragte's keyset search.
- ``disclosure``: what is held about one person (DSGVO Art. 15), across the domains' tables.
- ``checkpoints``: the signed heads of the chains.
- ``retention``: removing expired segments, on the owner connection.
"""

from service.audit.repository.chain import (
    ChainRange,
    append,
    chain_keys,
    chain_lock_key,
    chain_ranges,
    cleared_details,
    detail_rows_between,
    details,
    erasures,
    event_at,
    event_persons,
    events,
    first_seq,
    head,
    last_seq,
    lock_chain,
    login_persons,
    person_of_user,
    persons_between,
    previous_hash,
)

__all__ = [
    "ChainRange",
    "append",
    "chain_keys",
    "chain_lock_key",
    "chain_ranges",
    "cleared_details",
    "detail_rows_between",
    "details",
    "erasures",
    "event_at",
    "event_persons",
    "events",
    "first_seq",
    "head",
    "last_seq",
    "lock_chain",
    "login_persons",
    "person_of_user",
    "persons_between",
    "previous_hash",
]

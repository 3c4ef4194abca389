"""Where the previous page of a list ended, for keyset paging in any domain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Keyset:
    """The last row's sort value and id: the next page starts strictly beyond them."""

    value: Any
    after: int

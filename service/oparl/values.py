"""Reading the values of remote OParl objects: tolerant, never raising on bad input."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Connection

from service.oparl import repository
from workflow.calendar import BERLIN


def text_of(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def day_of(value: Any) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def moment_of(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=BERLIN) if parsed.tzinfo is None else parsed


def committee_kind(item: dict[str, Any]) -> str | None:
    if item.get("organizationType") not in (None, "Gremium"):
        return None  # Fraktionen, Parteien, Verwaltung: no council body
    text = " ".join(str(item.get(k) or "") for k in ("classification", "name")).lower()
    if "ausschuss" in text:
        return "ausschuss"
    return "rat" if re.search(r"rat\b|kreistag|vertretung", text) else "ausschuss"


def free_slug(c: Connection, body_id: int, text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("ß", "ss")).encode("ascii", "ignore")
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text.decode().lower()).strip("-")[:56] or "gremium"
    slug, n = base, 1
    while repository.committee_slug_taken(c, body_id, slug):
        n += 1
        slug = f"{base}-{n}"
    return slug

"""Reading a remote OParl API over HTTP, tolerant of what real servers do.

Ids are compared without their scheme (``external_key``), since servers mix ``http`` and
``https`` for the same object; a URL on the system's own host is fetched with the system's
scheme. A 404 is an answer (the object is missing); a network failure or a 5xx is not, and
ends the run so that the next one resumes where this one stopped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx


class Unreachable(Exception):
    """The remote server did not answer usefully; the run stops and resumes later."""


def external_key(url: str) -> str:
    """The id without its scheme: ``https://ris.example/paper/1`` -> ``ris.example/paper/1``."""
    return url.split("://", 1)[-1].rstrip("/")


class Remote:
    def __init__(self, system_url: str, http: httpx.Client | None = None) -> None:
        self.system_url = system_url
        self.scheme = urlsplit(system_url).scheme
        self.host = urlsplit(system_url).netloc
        self.owned = http is None
        self.http = http or httpx.Client(timeout=30, follow_redirects=True)

    def close(self) -> None:
        if self.owned:
            self.http.close()

    def _address(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.netloc == self.host and parts.scheme != self.scheme:
            return urlunsplit((self.scheme, *parts[1:]))
        return url

    def get(self, url: str, params: dict[str, str] | None = None) -> dict[str, Any] | None:
        """The object at ``url``; None when the server says it does not exist (404/410)."""
        try:
            answer = self.http.get(self._address(url), params=params)
        except httpx.HTTPError as exc:
            raise Unreachable(f"{url}: keine Verbindung ({type(exc).__name__})") from exc
        if answer.status_code in (404, 410):
            return None
        if answer.status_code != 200:
            raise Unreachable(f"{url}: Antwort {answer.status_code}")
        try:
            document = answer.json()
        except ValueError as exc:
            raise Unreachable(f"{url}: kein JSON") from exc
        if not isinstance(document, dict):
            raise Unreachable(f"{url}: kein JSON-Objekt")
        return document

    def pages(
        self, url: str, params: dict[str, str] | None = None
    ) -> Iterator[tuple[list[dict[str, Any]], str | None]]:
        """Each page's objects with the URL of the next page (None after the last)."""
        seen: set[str] = set()
        current: str | None = url
        while current is not None:
            document = self.get(current, params if current == url else None)
            if document is None:
                raise Unreachable(f"{current}: Liste nicht gefunden")
            seen.add(current)
            following = (document.get("links") or {}).get("next")
            if following in seen:
                following = None  # a server whose next page is an earlier one: stop
            data = [d for d in document.get("data") or [] if isinstance(d, dict)]
            yield data, following
            current = following

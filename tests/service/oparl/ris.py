"""A small OParl server over real HTTP, serving ``fixtures/ris.json`` the way real RIS do.

Lists come two objects a page (so every list has at least three pages) and honour
``modified_since``; any object, embedded ones included, answers at its id; unknown ids
answer 404. ``fail_once`` makes one URL answer 503 once (an interrupted run), ``requests``
records what was asked, and ``change`` edits an object as the RIS would.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

FIXTURE = Path(__file__).parent / "fixtures" / "ris.json"
PAGE = 2


class Ris:
    def __init__(self, base: str) -> None:
        text = FIXTURE.read_text()
        text = text.replace("{base_host}", base.split("://", 1)[1]).replace("{base}", base)
        self.base = base
        self.data: dict[str, Any] = json.loads(text)
        self.requests: list[str] = []
        self.fail_once: set[str] = set()

    @property
    def system_url(self) -> str:
        return self.base + "system"

    def objects(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}

        def walk(value: Any) -> None:
            if isinstance(value, dict):
                if isinstance(value.get("id"), str) and "type" in value:
                    found.setdefault(value["id"].split("://", 1)[1], value)
                for child in value.values():
                    walk(child)
            elif isinstance(value, list):
                for child in value:
                    walk(child)

        walk(self.data)
        return found

    def change(self, path: str, modified: str, **values: Any) -> None:
        item = self.objects()[self.base.split("://", 1)[1] + path]
        item.update(values, modified=modified)

    def answer(self, url: str) -> tuple[int, Any]:
        self.requests.append(url)
        if url in self.fail_once:
            self.fail_once.discard(url)
            return 503, {"error": "Wartung"}
        parts = urlsplit(url)
        path = parts.path.lstrip("/")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if path == "system":
            return 200, self.data["system"]
        if path == "bodies":
            return 200, {"data": self.data["bodies"], "pagination": {}, "links": {}}
        if path.startswith("body/1/"):
            items = copy.deepcopy(self.data["lists"][path.split("/")[2]])
            if "modified_since" in query:
                since = datetime.fromisoformat(query["modified_since"])
                items = [i for i in items if datetime.fromisoformat(i["modified"]) >= since]
            page = int(query.get("page", "1"))
            chunk = items[(page - 1) * PAGE : page * PAGE]
            links = {}
            if page * PAGE < len(items):
                links["next"] = f"{self.base}{path}?{urlencode({**query, 'page': page + 1})}"
            return 200, {"data": chunk, "pagination": {"elementsPerPage": PAGE}, "links": links}
        found = self.objects().get(url.split("://", 1)[1])
        return (200, found) if found else (404, {"error": "nicht gefunden"})


@contextmanager
def serve() -> Iterator[Ris]:
    holder: dict[str, Ris] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            ris = holder["ris"]
            status, body = ris.answer(ris.base.rstrip("/") + self.path)
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["ris"] = Ris(f"http://127.0.0.1:{server.server_address[1]}/")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder["ris"]
    finally:
        server.shutdown()
        server.server_close()

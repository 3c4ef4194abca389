"""A crawler that checks every OParl answer against the 1.1 schemas (from OParl/spec).

It starts at the System, follows every URL on the same server, validates each object by
its ``type`` (embedded ones too), follows ``links.next`` until a page has none and checks
that every referenced URL answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

SCHEMA_DIR = Path(__file__).parent / "schema"
TYPE_PREFIX = "https://schema.oparl.org/1.1/"
# Properties whose objects are embedded, by the type they hold.
EMBEDDED = {
    "legislativeTerm": "LegislativeTerm",
    "membership": "Membership",
    "agendaItem": "AgendaItem",
    "location": "Location",
    "consultation": "Consultation",
    "auxiliaryFile": "File",
    "mainFile": "File",
}


@cache
def validator(type_name: str) -> Any:
    schema = json.loads((SCHEMA_DIR / f"{type_name}.json").read_text())
    return jsonschema_rs.validator_for(schema, validate_formats=True)


@dataclass
class Crawl:
    get: Callable[[str], Any]  # url -> response (status_code, json(), headers)
    base: str
    seen: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    pages: int = 0
    lists: set[str] = field(default_factory=set)

    def fetch(self, url: str) -> Any:
        answer = self.get(url)
        if answer.headers.get("access-control-allow-origin") != "*":
            self.problems.append(f"{url}: kein CORS-Kopf")
        return answer

    def run(self) -> None:
        queue = [f"{self.base}oparl/v1/system"]
        while queue:
            url = queue.pop()
            if url in self.seen or url.split("?")[0] in self.lists:
                continue
            answer = self.fetch(url)
            if answer.status_code != 200:
                self.problems.append(f"{url}: {answer.status_code}")
                continue
            if url.endswith(("/access", "/download")):
                self.seen[url] = {}
                continue
            document = answer.json()
            if "data" in document:
                self.lists.add(url.split("?")[0])
                for item in self.walk_list(url, document):
                    self.check(item, queue)
                    self.seen.setdefault(item["id"], item)
            else:
                self.seen[url] = document
                if document.get("id") != url:
                    self.problems.append(f"{url}: id {document.get('id')}")
                self.check(document, queue)

    def walk_list(self, url: str, document: dict[str, Any]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        visited = {url}
        while True:
            self.pages += 1
            if set(document) < {"data", "pagination", "links"}:
                self.problems.append(f"{url}: Liste ohne data/pagination/links")
            items += document["data"]
            following = document["links"].get("next")
            if following is None:
                return items
            if following in visited:
                self.problems.append(f"{url}: links.next kreist")
                return items
            visited.add(following)
            answer = self.fetch(following)
            document = answer.json()

    def check(self, item: dict[str, Any], queue: list[str], type_name: str | None = None) -> None:
        kind = str(item.get("type", ""))
        name = kind.removeprefix(TYPE_PREFIX)
        if type_name and name != type_name:
            self.problems.append(f"{item.get('id')}: {name} statt {type_name}")
        if not (SCHEMA_DIR / f"{name}.json").exists():
            self.problems.append(f"{item.get('id')}: unbekannter Typ {kind}")
            return
        for error in validator(name).iter_errors(item):
            self.problems.append(f"{item.get('id')}: {error.message}")
        for key in ("created", "modified"):
            if key in item and datetime.fromisoformat(item[key]).tzinfo is None:
                self.problems.append(f"{item['id']}: {key} ohne Zeitzone")
        if item.get("deleted"):
            return
        for key, value in item.items():
            if key in EMBEDDED and isinstance(value, dict | list):
                for child in value if isinstance(value, list) else [value]:
                    if isinstance(child, dict):
                        self.check(child, queue, EMBEDDED[key])
                        self.seen.setdefault(child["id"], child)
                        continue
                    self.follow(child, queue)
            else:
                for text in value if isinstance(value, list) else [value]:
                    self.follow(text, queue)

    def follow(self, value: Any, queue: list[str]) -> None:
        if isinstance(value, str) and value.startswith(self.base + "oparl/"):
            queue.append(value)

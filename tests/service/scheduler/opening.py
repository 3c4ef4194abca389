"""Reading a delivered mail as its recipient does: with their demo login, or without any."""

from __future__ import annotations

import re
from email.message import Message

from service.demo import data
from service.runtime import Runtime
from service.scheduler.links import body_url
from tests.service.browser import browser, sign_in

URL = re.compile(r"https?://[^\s\"'<>]+")
# Demo addresses are the persons' names (service/demo/city.py); these sign in.
LOGINS = {
    f"{p.given_name[0].lower()}.{p.family_name.lower()}@aschersleben.example": p.username
    for p in data.WITH_LOGIN
}


def texts(message: Message) -> list[str]:
    """The plain and the HTML part."""
    return [
        str(p.get_content())  # type: ignore[attr-defined]
        for p in message.walk()
        if p.get_content_type() in ("text/plain", "text/html")
    ]


def links(message: Message) -> set[str]:
    found: set[str] = set()
    for text in texts(message):
        found |= set(URL.findall(text.replace("&amp;", "&")))
    return found


def unopened(rt: Runtime, message: Message) -> list[str]:
    """Each link of the mail its recipient cannot open, with the answer they get."""
    address = str(message["To"])
    reader = browser(rt, base_url=body_url(rt))
    username = LOGINS.get(address)
    if username:
        assert sign_in(reader, username).status_code == 303
    failed = []
    for url in sorted(links(message)):
        answer = reader.get(url)
        if not url.startswith(body_url(rt)) or answer.status_code != 200:
            failed.append(f"{address}: {url} -> {answer.status_code}")
    return failed

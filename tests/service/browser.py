"""The web as a browser uses it: cookies kept, redirects not followed, forms with their CSRF
token and their one-time token, and signing in as a demo user."""

from __future__ import annotations

import html
import re

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.demo.service import DEMO_PASSWORD
from service.main import create_app
from service.runtime import Runtime

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
FORM = re.compile(r'<form\b[^>]*\baction="([^"]*)"[^>]*>(.*?)</form>', re.S)
ONCE = re.compile(r'name="formular_token" value="([A-Za-z0-9_-]+)"')


# The session's app while a test's demo city is attached to it (tests/service/conftest.py).
SERVED: list[FastAPI] = []


def _app_of(runtime: Runtime) -> FastAPI:
    """The app serving ``runtime``: the session's when it is attached to it (an app answers
    its first request only after building every route's state, a fifth of a second), else
    one of its own."""
    for served in SERVED:
        if getattr(served.state, "runtime", None) is runtime:
            return served
    return create_app(runtime)


def browser(
    runtime: Runtime, base_url: str = "http://testserver", app: FastAPI | None = None
) -> TestClient:
    """A client that keeps cookies like a browser and does not follow redirects; of ``app``
    where given (several browsers of one server), else of the app serving ``runtime``."""
    return TestClient(
        app or _app_of(runtime),
        base_url=base_url,
        follow_redirects=False,
        raise_server_exceptions=True,
    )


def csrf_of(page: httpx.Response) -> str:
    match = CSRF.search(page.text)
    assert match, "Seite ohne CSRF-Feld"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> httpx.Response:
    page = client.get("/login")
    return client.post(
        "/login",
        data={"benutzername": username, "passwort": password, "csrf_token": csrf_of(page)},
    )


def signed_in(runtime: Runtime, username: str, app: FastAPI | None = None) -> TestClient:
    client = browser(runtime, app=app)
    response = sign_in(client, username)
    assert response.status_code == 303, response.text
    return client


def form_tokens(page: httpx.Response, action: str) -> dict[str, str]:
    """The hidden tokens a browser sends with the page's form that posts to ``action``: the
    page's CSRF token, and the form's one-time token (``service.web.once``)."""
    tokens = {"csrf_token": csrf_of(page)}
    for target, inner in FORM.findall(page.text):
        once = ONCE.search(inner)
        if html.unescape(target) == action and once:
            tokens["formular_token"] = once.group(1)
            break
    return tokens


def post_form(
    client: TestClient, page_url: str, action: str, data: dict[str, str]
) -> httpx.Response:
    """Posts like a browser: with the tokens of the form on the page it was on."""
    return client.post(action, data={**data, **form_tokens(client.get(page_url), action)})

"""Browser sessions and CSRF tokens, without a table of their own.

A web session is an ``api_tokens`` row: the cookie carries the opaque token, the database
keeps only its SHA-256 (``service.auth.tokens``), so logout and a password change revoke
it at once, exactly as for API clients.

CSRF: every form carries a synchronizer token in a hidden field. The token is an HMAC of
the browser's session secret (the session token, or before login a random pre-session
cookie), so it is bound to the server-side session, changes with every login, and needs
no storage. A page on another site can neither read the HttpOnly cookie nor the field, so
it cannot forge a form post; SameSite=Lax is a second fence, not the only one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response

from service.actor import Actor
from service.auth import tokens
from service.auth.models import ApiToken
from service.runtime import Runtime

api_tokens = ApiToken.__table__  # type: ignore[attr-defined]
CSRF_FIELD = "csrf_token"


def _secure(runtime: Runtime) -> bool:
    return runtime.settings.base_url.startswith("https://")


def _of_body(runtime: Runtime) -> str:
    # Bodies under /b/<slug>/ share one host and so the browser's cookies: each body has its
    # own cookie (all at path "/", which ``__Host-`` requires), so signing in to one body
    # does not sign out of another. The deployment's own body keeps the name it had.
    return "" if runtime.root is None else f"-{runtime.chain_key}"


def session_cookie_name(runtime: Runtime) -> str:
    # ``__Host-`` forbids a Domain attribute, so a sibling subdomain cannot plant the cookie;
    # browsers accept the prefix only with Secure, hence only behind HTTPS.
    name = "__Host-ratsflow_sitzung" if _secure(runtime) else "ratsflow_sitzung"
    return name + _of_body(runtime)


def pre_session_cookie_name(runtime: Runtime) -> str:
    name = "__Host-ratsflow_vorab" if _secure(runtime) else "ratsflow_vorab"
    return name + _of_body(runtime)


def _set_cookie(runtime: Runtime, response: Response, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="lax",
        secure=_secure(runtime),
        path="/",
        max_age=int(tokens.TOKEN_LIFETIME.total_seconds()),
    )


def session_token(runtime: Runtime, request: Request) -> str | None:
    return request.cookies.get(session_cookie_name(runtime))


def current_session(runtime: Runtime, request: Request) -> tokens.Session | None:
    """The signed-in session of this request, or None; cached on the request."""
    if hasattr(request.state, "web_session"):
        cached: tokens.Session | None = request.state.web_session
        return cached
    token = session_token(runtime, request)
    session = None
    if token:
        with runtime.read() as connection:
            session = tokens.session_for_token(connection, token, runtime.now(), runtime.body_id)
    request.state.web_session = session
    return session


def current_actor(runtime: Runtime, request: Request) -> Actor | None:
    """The signed-in user (with the persons they deputise for), or None."""
    session = current_session(runtime, request)
    return session.actor if session is not None else None


def begin_session(runtime: Runtime, response: Response, token: str) -> None:
    """The browser keeps the token of a successful login (service.auth.login) as its cookie."""
    _set_cookie(runtime, response, session_cookie_name(runtime), token)
    response.delete_cookie(pre_session_cookie_name(runtime), path="/")


def end_session(runtime: Runtime, response: Response) -> None:
    """The browser forgets its cookie; the token itself is revoked by ``login.sign_out``."""
    response.delete_cookie(session_cookie_name(runtime), path="/")


def _browser_secret(runtime: Runtime, request: Request) -> str | None:
    return session_token(runtime, request) or request.cookies.get(pre_session_cookie_name(runtime))


def _derive(secret: str) -> str:
    return hmac.new(secret.encode(), b"ratsflow-csrf-v1", hashlib.sha256).hexdigest()


def csrf_token(runtime: Runtime, request: Request) -> str:
    """The token for forms on this page; makes a pre-session secret for anonymous visitors.

    The new pre-session secret is kept on ``request.state`` so that the page rendering
    now and the cookie set on its response agree.
    """
    secret = _browser_secret(runtime, request) or getattr(request.state, "new_pre_session", None)
    if secret is None:
        secret = secrets.token_urlsafe(32)
        request.state.new_pre_session = secret
    return _derive(secret)


def remember_pre_session(runtime: Runtime, request: Request, response: Response) -> None:
    secret = getattr(request.state, "new_pre_session", None)
    if secret is not None:
        _set_cookie(runtime, response, pre_session_cookie_name(runtime), secret)


def csrf_valid(runtime: Runtime, request: Request, submitted: str | None) -> bool:
    secret = _browser_secret(runtime, request)
    if not secret or not submitted:
        return False
    return hmac.compare_digest(_derive(secret), submitted)

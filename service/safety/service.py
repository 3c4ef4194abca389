"""Safe to expose: what must be true before ``ratsflow serve`` listens beyond this machine.

On a loopback address (``make run``, tests) nothing is checked. On any other address the
service refuses to start while one of these holds, and names each (``--unsafe`` starts
anyway with the same warnings):

- a demo login still has the published demo password (anyone could sign in as it);
- ``RATSFLOW_BASE_URL`` is ``http``: links in e-mails and cookies would travel unencrypted;
- no SMTP server is configured: invitations and reminders would go nowhere;
- no audit signing key is configured: checkpoints would be signed by a key lying beside
  the database, which proves nothing against whoever can change the database;
- on PostgreSQL, no owner URL (``RATSFLOW_ADMIN_DATABASE_URL``): the service would run with
  the rights to alter its own audit trail.
"""

from __future__ import annotations

import ipaddress

from service.config import Settings
from service.db import is_sqlite
from service.demo import data, neighbour
from service.demo.city import DEMO_PASSWORD
from service.runtime import Runtime
from service.safety import repository

DEMO_USERNAMES = frozenset(
    {p.username for p in data.WITH_LOGIN if p.username}
    | {s.username for s in neighbour.STAFF if s.username}
)


def is_loopback(host: str) -> bool:
    """Only this machine can reach the address (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything


def demo_logins(runtime: Runtime) -> list[str]:
    """Logins (``slug/username``) of the demo's names whose password is the published one.

    One argon2 verification per demo login (about twenty), a second or so at start-up."""
    from service.auth.tokens import hasher

    with runtime.read() as connection:
        rows = repository.active_hashes(connection, DEMO_USERNAMES)
    return [
        f"{row.slug}/{row.username}"
        for row in rows
        if hasher().verify(DEMO_PASSWORD, row.password_hash)
    ]


def configuration_reasons(settings: Settings) -> list[str]:
    reasons = []
    if not settings.base_url.lower().startswith("https://"):
        reasons.append(
            f"RATSFLOW_BASE_URL ist „{settings.base_url}“: Anmeldungen und Links in E-Mails "
            "liefen unverschlüsselt. Bitte die https-Adresse des Dienstes angeben."
        )
    if "smtp_host" not in settings.mail.model_fields_set:
        reasons.append(
            "Kein SMTP-Server eingerichtet (RATSFLOW_SMTP_HOST): Einladungen und "
            "Erinnerungen erreichten niemanden."
        )
    if settings.audit_signing_key is None:
        reasons.append(
            "RATSFLOW_AUDIT_SIGNING_KEY ist nicht gesetzt: Prüfpunkte des Protokolls wären "
            "mit einem Schlüssel neben der Datenbank signiert und bewiesen nichts."
        )
    if not is_sqlite(settings.database_url) and not settings.admin_database_url:
        reasons.append(
            "RATSFLOW_ADMIN_DATABASE_URL ist nicht gesetzt: der Dienst liefe mit den Rechten "
            "des Eigentümers und könnte sein eigenes Protokoll ändern."
        )
    return reasons


def reasons_against(runtime: Runtime, host: str) -> list[str]:
    """Each reason, in German, why the service should not listen on ``host``; none on a
    loopback address."""
    if is_loopback(host):
        return []
    reasons = []
    demo = demo_logins(runtime)
    if demo:
        reasons.append(
            f"Demo-Benutzer mit dem veröffentlichten Passwort „{DEMO_PASSWORD}“: "
            f"{', '.join(demo)}. Bitte ihre Passwörter ändern oder sie deaktivieren."
        )
    return reasons + configuration_reasons(runtime.settings)

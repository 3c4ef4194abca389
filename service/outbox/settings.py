"""Mail settings (prefix ``RATSFLOW_``): the SMTP server, the sender and the retry policy."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class MailSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RATSFLOW_", extra="ignore")

    smtp_host: str = "localhost"
    smtp_port: int = 25
    # none: plain SMTP (a relay inside the town hall network); starttls: upgrade on port 587;
    # ssl: implicit TLS on port 465.
    smtp_security: Literal["none", "starttls", "ssl"] = "none"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_timeout_seconds: float = 30.0
    mail_sender: str = "ratsflow <ratsflow@aschersleben.example>"
    # A folder instead of an SMTP server: every message lands there as one .eml file.
    # ``ratsflow serve`` on a loopback address without RATSFLOW_SMTP_HOST uses var/mail.
    mail_folder: str | None = None
    # Reaches someone when a reminder's recipient has no e-mail address (e.g. the
    # Sitzungsdienst's shared mailbox); without it such a reminder is skipped and logged.
    mail_fallback_recipient: str | None = None
    # Retries after a temporary failure wait base * 2^(attempt-1) seconds, capped.
    mail_retry_base_seconds: int = 60
    mail_retry_max_seconds: int = 6 * 3600
    mail_max_attempts: int = 12
    # A claimed message whose sender died is claimed again after this lease.
    mail_claim_lease_seconds: int = 600
    mail_batch_size: int = 200


def smtp_configured(settings: MailSettings) -> bool:
    """Whether an SMTP server was named (RATSFLOW_SMTP_HOST), not just the default."""
    return "smtp_host" in settings.model_fields_set


LOCAL_MAILBOX = Path("var/mail")


def local_mailbox(settings: MailSettings, loopback: bool) -> Path | None:
    """The folder mail goes to instead of an SMTP server, or None for SMTP: the one named
    (RATSFLOW_MAIL_FOLDER), else ``var/mail`` when the service listens only on this
    machine and no SMTP server is named, so a first ``make run`` sends nothing anywhere
    and logs no failed connection to a server that does not exist."""
    if settings.mail_folder:
        return Path(settings.mail_folder).resolve()
    if loopback and not smtp_configured(settings):
        return LOCAL_MAILBOX.resolve()
    return None

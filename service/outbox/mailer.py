"""SMTP delivery with smtplib: one connection per batch, failures sorted into two kinds.

Without an SMTP server (``mail_folder`` set, as ``ratsflow serve`` does on a loopback
address without RATSFLOW_SMTP_HOST) messages go to a local mailbox folder instead, one
``.eml`` file each, which any mail program opens.

A 4xx reply, a refused or dropped connection and a timeout are temporary: the message is
tried again later. A 5xx reply for the message itself is permanent: it goes to the dead
letters, where a person looks at it (``ratsflow outbox list --failed``). So is a message
that cannot be built or written at all (a header the e-mail library refuses, an address the
server cannot take): trying it again would fail the same way.
"""

from __future__ import annotations

import email.errors
import os
import re
import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from service.outbox.settings import MailSettings
from service.outbox.subject import POLICY


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


# Everything str.splitlines() breaks at: the e-mail library refuses a header holding any of
# them (ValueError), and a CR/LF that got through would start a header of its own (Bcc:).
_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# What a message's own data may make the e-mail library raise, while building or writing it.
MESSAGE_ERRORS = (ValueError, TypeError, LookupError, email.errors.MessageError)


def one_line(value: str) -> str:
    """A header value built from data (a subject naming a committee, a sender's name) on one
    line: a line break typed before the texts were checked becomes a space."""
    return _LINE_BREAKS.sub(" ", value).strip()


def build_message(
    row: Any, settings: MailSettings, now: datetime, sender: str | None = None
) -> EmailMessage:
    """The e-mail of an outbox row, from ``sender`` (its body's address) or the deployment's.

    Raises one of ``MESSAGE_ERRORS`` for a message that cannot be built. The recipient's
    address is taken as it is: one with a line break is refused, not repaired into another
    address.
    """
    # The library's own folding changes what a reader sees of some subjects: see ``subject``.
    message = EmailMessage(policy=POLICY)
    message["From"] = one_line(sender or settings.mail_sender)
    message["To"] = row.recipient_email
    message["Subject"] = one_line(row.subject)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = row.message_id
    # Tells auto-responders and ticket systems not to answer a machine.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Ratsflow-Key"] = one_line(row.reminder_key)
    message.set_content(row.body_text)
    message.add_alternative(row.body_html, subtype="html")
    if row.ics:
        # The part's METHOD must be the calendar's (RFC 6047): Outlook reads the header.
        method = "CANCEL" if "\r\nMETHOD:CANCEL\r\n" in row.ics else "REQUEST"
        message.add_attachment(
            row.ics.encode(),
            maintype="text",
            subtype="calendar",
            filename="absage.ics" if method == "CANCEL" else "einladung.ics",
            # Without the charset a reader takes the bytes as ASCII: „Großer Saal“ garbled.
            params={"method": method, "charset": "utf-8"},
        )
    return message


def _classify(code: int, text: Any) -> Exception:
    reply = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    description = f"SMTP {code}: {reply}".strip()
    return PermanentFailure(description) if code >= 500 else TemporaryFailure(description)


class SmtpSession:
    """Opens the connection at the first message and keeps it for the rest of the batch."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        smtp: smtplib.SMTP
        if s.smtp_security == "ssl":
            context = ssl.create_default_context()
            smtp = smtplib.SMTP_SSL(
                s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds, context=context
            )
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
            if s.smtp_security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if s.smtp_username:
            smtp.login(s.smtp_username, s.smtp_password or "")
        return smtp

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None

    def send(self, message: EmailMessage) -> None:
        """Returns when the server accepted the message; raises one of the two failures."""
        try:
            if self.smtp is None:
                self.smtp = self._connect()
            self.smtp.send_message(message)
        except smtplib.SMTPNotSupportedError as exc:
            # E.g. an address outside ASCII and a server without SMTPUTF8: this message's
            # fault, the next one may go.
            self.drop()
            raise PermanentFailure(f"Vom SMTP-Server nicht unterstützt: {exc}") from None
        except MESSAGE_ERRORS as exc:
            # Writing the message failed, perhaps half-way through the conversation: start
            # the next message on a fresh connection.
            self.drop()
            raise PermanentFailure(f"Nachricht nicht sendbar: {exc}") from None
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise _classify(code, text) from None
        except smtplib.SMTPAuthenticationError as exc:
            # Wrong credentials are our configuration, not this message's fault: keep trying.
            self.drop()
            raise TemporaryFailure(f"SMTP-Anmeldung abgelehnt ({exc.smtp_code})") from None
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code in (421,):
                self.drop()
            raise _classify(exc.smtp_code, exc.smtp_error) from None
        except (smtplib.SMTPException, OSError) as exc:
            self.drop()
            raise TemporaryFailure(f"SMTP-Server nicht erreichbar: {exc}") from None

    def drop(self) -> None:
        """Closes the connection without a goodbye; the next message opens a new one."""
        if self.smtp is not None:
            self.smtp.close()
            self.smtp = None


class MailboxSession:
    """Writes each message to ``<folder>/<Message-ID>.eml``: sending a message again (same
    Message-ID) replaces its file, as a mail server would drop the duplicate."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __enter__(self) -> MailboxSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    def send(self, message: EmailMessage) -> None:
        name = re.sub(r"[^A-Za-z0-9.@_-]+", "_", str(message["Message-ID"]).strip("<> "))
        target = self.folder / f"{name}.eml"
        partial = target.with_suffix(".eml.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(message.as_bytes())
            os.replace(partial, target)  # a reader never sees half a message
        except MESSAGE_ERRORS as exc:
            raise PermanentFailure(f"Nachricht nicht sendbar: {exc}") from None
        except OSError as exc:
            raise TemporaryFailure(f"Postfachordner nicht beschreibbar: {exc}") from None

    def drop(self) -> None:
        return None

    def close(self) -> None:
        return None


MailSession = SmtpSession | MailboxSession


def open_session(settings: MailSettings) -> MailSession:
    """The folder when one is set, otherwise the SMTP server."""
    if settings.mail_folder:
        return MailboxSession(Path(settings.mail_folder))
    return SmtpSession(settings)

"""A subject arrives as it was written, read from the bytes the SMTP server received.

Found by reading the invitations' mails as a mail program does (Python's e-mail library
folded them itself):
- a subject of 70 to 78 characters was folded onto a line of its own, which Python's parser
  (and every tool built on it) shows with a leading space;
- before a word with a character outside ASCII it folded after a space, so every reader
  showed two spaces there;
- between two such words it folded where the space was, so every reader showed none.
"""

from __future__ import annotations

import re
from email.header import decode_header, make_header
from email.message import Message

from service.outbox.dispatcher import dispatch
from service.outbox.service import enqueue
from service.runtime import Runtime
from tests.service.scheduler.conftest import Inbox
from tests.service.scheduler.helpers import reminder_mail


def _received(rt: Runtime, inbox: Inbox, subject: str) -> Message:
    with rt.write() as c:
        enqueue(rt, c, reminder_mail("meeting:1/einladung/person:1", subject=subject))
    assert dispatch(rt).sent == 1
    [message] = inbox.messages
    return message


def _as_a_mail_program_shows(message: Message) -> str:
    """RFC 5322 unfolding (the line breaks go, the white space stays), then RFC 2047: the
    white space between two encoded-words goes, each is decoded."""
    [raw] = [value for name, value in message.raw_items() if name == "Subject"]
    unfolded = re.sub(r"\r?\n", "", str(raw)).lstrip(" \t")
    return str(make_header(decode_header(unfolded))) if "=?" in unfolded else unfolded


def _assert_arrives_as_written(rt: Runtime, inbox: Inbox, subject: str) -> None:
    message = _received(rt, inbox, subject)
    assert str(message["Subject"]) == subject  # Python's parser, policy=default
    assert _as_a_mail_program_shows(message) == subject


def test_a_subject_of_70_to_78_characters_arrives_without_a_leading_space(
    rt: Runtime, inbox: Inbox
) -> None:
    subject = "Nachtrag zur Einladung: Finanz- und Verwaltungsausschuss am 08.10.2026"
    assert 70 <= len(subject) <= 78
    _assert_arrives_as_written(rt, inbox, subject)


def test_a_folded_subject_gets_no_second_space_before_a_word_with_an_umlaut_or_quote(
    rt: Runtime, inbox: Inbox
) -> None:
    _assert_arrives_as_written(
        rt,
        inbox,
        "Zur Weitergabe an Anke Voigt: Nachtrag zur Einladung: AG „Digitalisierung der "
        "Verwaltung“ am 08.10.2026",
    )


def test_a_folded_subject_keeps_the_space_between_two_words_with_umlauts(
    rt: Runtime, inbox: Inbox
) -> None:
    _assert_arrives_as_written(
        rt, inbox, "Nachtrag zur Einladung: Betriebsausschuss Städtische Bäder am 08.10.2026"
    )


def test_a_long_subject_still_folds_into_lines_a_mail_server_takes(
    rt: Runtime, inbox: Inbox
) -> None:
    subject = (
        "Zur Weitergabe an Jörg Walter: Geänderte Einladung: Ausschuss für Bildung, Kultur, "
        "Sport, Soziales und Städtepartnerschaften am 08.10.2026"
    )
    message = _received(rt, inbox, subject)
    assert str(message["Subject"]) == subject
    assert _as_a_mail_program_shows(message) == subject
    [raw] = [value for name, value in message.raw_items() if name == "Subject"]
    lines = str(raw).splitlines()
    assert len(lines) > 1 and all(len(line) <= 78 for line in lines)

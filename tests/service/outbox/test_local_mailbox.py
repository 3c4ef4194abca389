"""First steps without a mail server: on a loopback address without RATSFLOW_SMTP_HOST,
mail goes to ``var/mail`` (one .eml file per message) and the console says so once,
instead of logging "SMTP-Server nicht erreichbar" at every dispatch."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from service.outbox.dispatcher import dispatch
from service.outbox.service import enqueue
from service.outbox.settings import LOCAL_MAILBOX, MailSettings, local_mailbox
from service.runtime import Runtime
from tests.service.scheduler.helpers import reminder_mail, rows
from tests.service.serving import environment, serving


def test_the_mailbox_is_used_on_loopback_without_an_smtp_server() -> None:
    assert local_mailbox(MailSettings(), loopback=True) == LOCAL_MAILBOX.resolve()
    assert local_mailbox(MailSettings(), loopback=False) is None
    assert local_mailbox(MailSettings(smtp_host="mail.example"), loopback=True) is None
    named = MailSettings(smtp_host="mail.example", mail_folder="/srv/post")
    assert local_mailbox(named, loopback=False) == Path("/srv/post")


def test_mail_lands_in_the_folder_as_one_eml_per_message(runtime: Runtime, tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    runtime.settings = runtime.settings.model_copy(
        update={"mail": MailSettings(mail_folder=str(folder))}
    )
    with runtime.write() as c:
        enqueue(runtime, c, reminder_mail("k1"))
        enqueue(runtime, c, reminder_mail("k2"))
    assert dispatch(runtime).sent == 2
    files = sorted(folder.glob("*.eml"))
    assert len(files) == 2 and not list(folder.glob("*.tmp"))
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert message["Subject"].startswith("Erinnerung")
    assert message["Message-ID"].strip("<>") in {f.stem for f in files}  # named after it
    assert [r.status for r in rows(runtime)] == ["sent", "sent"]


def test_an_unwritable_folder_is_a_temporary_failure(runtime: Runtime, tmp_path: Path) -> None:
    blocked = tmp_path / "datei"
    blocked.write_text("kein Ordner")
    runtime.settings = runtime.settings.model_copy(
        update={"mail": MailSettings(mail_folder=str(blocked / "mail"))}
    )
    with runtime.write() as c:
        enqueue(runtime, c, reminder_mail("k1"))
    assert dispatch(runtime).retrying == 1
    assert "Postfachordner nicht beschreibbar" in rows(runtime)[0].last_error


def test_serve_on_loopback_names_the_mailbox_once(database_url: str, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    env = environment(database_url, RATSFLOW_MAIL_FOLDER=str(tmp_path / "post"))
    with serving(env, log):
        pass
    said = log.read_text()
    assert said.count("als .eml-Dateien im Ordner") == 1, said
    assert str(tmp_path / "post") in said
    assert "SMTP-Server nicht erreichbar" not in said

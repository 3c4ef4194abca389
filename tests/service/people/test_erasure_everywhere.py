"""``ratsflow person erase`` reaches every table where the name or address was written, on
both backends: the whole SQLite file (bytes, after the erasure's VACUUM) and every text and
JSON column on PostgreSQL hold neither afterwards.

The finding: the erasure left the person's address and name in ``outbox.recipient_email``,
``body_text`` and ``body_html`` (and the ICS and remembered API answers); on the main branch
before this test the checks below fail on those columns.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from service.actor import SYSTEM
from service.audit import signing
from service.auth.deputies import name_deputy
from service.auth.models import ApiToken, Deputyship, User
from service.auth.tokens import issue_token
from service.committees.meetings import insert_meeting
from service.committees.service import insert_membership
from service.config import get_settings
from service.idempotency import service as idempotency
from service.idempotency.models import IdempotencyKey
from service.invitations.service import send_invitation
from service.outbox.dispatcher import dispatch
from service.runtime import Runtime
from service.scheduler import recipients
from service.scheduler.notify import notify
from tests import factories as make
from tests.conftest import CHAIN_KEY
from tests.service.audit.test_cli_audit import found_anywhere, ok
from tests.service.scheduler.conftest import Inbox
from tests.service.scheduler.helpers import rows

GIVEN, FAMILY, EMAIL = "Erika", "Mustermann", "erika.mustermann@aschersleben.de"
FULL = f"Dr. {GIVEN} {FAMILY}"
SECRETS = (FULL, f"{GIVEN} {FAMILY}", FAMILY, EMAIL, "emustermann")

users = User.__table__  # type: ignore[attr-defined]
tokens = ApiToken.__table__  # type: ignore[attr-defined]
deputyships = Deputyship.__table__  # type: ignore[attr-defined]
keys = IdempotencyKey.__table__  # type: ignore[attr-defined]


@pytest.fixture
def on_demo_city() -> bool:
    return False


@pytest.fixture
def cli(
    rt: Runtime,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[Runtime]:
    key = tmp_path / "keys" / "audit-signing.key"
    signing.create_key(key)
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", rt.settings.database_url)
    monkeypatch.setenv("RATSFLOW_CHAIN_KEY", CHAIN_KEY)
    monkeypatch.setenv("RATSFLOW_AUDIT_SIGNING_KEY", str(key))
    get_settings.cache_clear()
    try:
        yield rt
    finally:
        get_settings.cache_clear()


def _remember(rt: Runtime, c: Any, user_id: int, key: str, answer: dict[str, Any]) -> None:
    claimed = idempotency.claim(
        c,
        key=key,
        user_id=user_id,
        method="POST",
        path="/api/v1/measures/1/transitions",
        payload={"key": key},
        now=rt.now(),
        ttl=timedelta(hours=24),
    )
    # As the API stores it (Starlette's JSONResponse): UTF-8, not ASCII escapes.
    idempotency.remember(c, claimed, 200, json.dumps(answer, ensure_ascii=False))


def _erika(rt: Runtime) -> dict[str, int]:
    """Erika with a login, a token, a deputy, two idempotent answers naming her, a sent and
    an unsent reminder, a meeting invitation with its ICS and her deputy's reminder naming
    her."""
    with rt.write() as c:
        erika = make.person(
            rt, c, title="Dr.", given_name=GIVEN, family_name=FAMILY, email=EMAIL, is_staff=True
        )
        login = make.user(rt, "ag_mitglied", connection=c, username="emustermann", person_id=erika)
        deputy_person = make.person(
            rt, c, given_name="Thomas", family_name="Vertreter", email="thomas@aschersleben.de"
        )
        make.user(rt, "ag_mitglied", connection=c, username="tvertreter", person_id=deputy_person)
        admin = make.user(rt, "admin", connection=c, username="root")
        assert login.user_id is not None and admin.user_id is not None
        issue_token(c, login.user_id, rt.now())
        name_deputy(
            rt,
            c,
            SYSTEM,
            user_id=login.user_id,
            deputy_username="tvertreter",
            starts_on=rt.now().date(),
            ends_on=rt.now().date() + timedelta(days=30),
        )
        _remember(rt, c, login.user_id, "eigene", {"verantwortlich": FULL})
        _remember(rt, c, admin.user_id, "admin", {"family_name": FAMILY, "email": EMAIL})
        _remember(rt, c, admin.user_id, "andere", {"family_name": "Vertreter"})
        # A reminder to her, which her deputy gets too, naming whom he stands in for.
        notify(
            rt,
            c,
            recipients.resolve(c, erika, rt.now()),
            key="measure:1/frist:1/vorher-7",
            kind="frist_erinnerung",
            subject=f"Erinnerung: M-07 ({FULL})",
            context={
                "frist": "Prüfung in der AG abschließen",
                "gegenstand": "die Maßnahme M-07",
                "faellig": rt.now() + timedelta(days=7),
                "tage": 7,
                "link": "https://example.invalid/massnahmen/7",
            },
            now=rt.now(),
        )
        committee = make.committee(rt, c, members=0)
        insert_membership(rt, c, SYSTEM, person_id=erika, committee_id=committee, voting_right=True)
    assert dispatch(rt).sent == 2  # hers and her deputy's are sent
    with rt.write() as c:
        meeting = insert_meeting(
            rt,
            c,
            SYSTEM,
            committee_id=committee,
            starts_at=rt.now() + timedelta(days=30),
            location="Ratssaal",
        )
        assert send_invitation(rt, c, SYSTEM, meeting).invited == 1  # waits in the outbox
    return {"person": erika, "user": login.user_id, "deputy": deputy_person}


def test_erasure_leaves_the_name_and_address_nowhere(cli: Runtime, inbox: Inbox) -> None:
    erika = _erika(cli)
    invitation = next(r for r in rows(cli) if r.kind == "einladung")
    # An ICS folds its lines at 75 octets, perhaps in the middle of the address.
    assert EMAIL in invitation.ics.replace("\r\n ", "") and FULL in invitation.body_text
    deputy_mail = next(r for r in rows(cli) if r.recipient_person_id == erika["deputy"])
    assert FULL in deputy_mail.body_text  # "Stellvertretung für Dr. Erika Mustermann"
    cli.engine.dispose()  # the command below opens its own connections
    for secret in SECRETS:
        assert found_anywhere(cli, secret), secret  # the search finds what is there

    erased = ok("person", "erase", str(erika["person"]), "--yes")
    assert f"Person {erika['person']} gelöscht" in erased.stdout

    for secret in SECRETS:
        assert found_anywhere(cli, secret) == [], secret
    assert "intakt" in ok("audit", "verify").stdout
    after = {
        r.kind + ("/vertretung" if r.recipient_person_id != erika["person"] else ""): r
        for r in rows(cli)
    }
    # Her unsent invitation is gone; her sent reminder is only a row that says so.
    assert set(after) == {"frist_erinnerung", "frist_erinnerung/vertretung"}
    hers = after["frist_erinnerung"]
    assert (hers.status, hers.recipient_email, hers.body_html, hers.ics) == (
        "sent",
        "[gelöscht]",
        "[gelöscht]",
        None,
    )
    assert "Stellvertretung für [gelöscht]" in " ".join(
        after["frist_erinnerung/vertretung"].body_text.split()
    )
    with cli.read() as c:
        assert c.execute(select(tokens).where(tokens.c.user_id == erika["user"])).all() == []
        login = c.execute(select(users).where(users.c.id == erika["user"])).one()
        assert (login.username, login.active) == (f"geloescht-{erika['user']}", False)
        # The deputyship stays on record, naming logins by id only.
        assert c.execute(select(deputyships.c.user_id)).scalars().all() == [erika["user"]]
        assert c.execute(select(keys.c.key)).scalars().all() == ["andere"]

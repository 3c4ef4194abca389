"""The authorisation matrix for the rest of the API: accounts, users and deputies, Anlagen,
imports, reports, the outbox, definitions and the health checks.

``TABLE`` is written by hand from the roles in DESIGN.md (and the rules that
``service.access`` documents), never computed from ``service.access``: a wrong entry there
fails here. Every row is asked by every demo role and an anonymous caller, once per case of
the row: own or foreign item (seen from the demo's AG member ``ag.mitglied``, or from the
caller's own account and deputies), public or non-public item, and for Anlagen an item of
someone who named ``ag.mitglied`` their deputy. Each answer is compared with the exact
status code, and a refused request must leave the audit trail as it was.

Rows are grouped by room; each room runs on a database and a client of its own, with one
login per role, so that the whole matrix stays fast. A write whose success changes what the
next caller meets gets a fresh item per call (``fresh``).

``test_every_endpoint_has_exactly_one_matrix_table`` ties this table to the two others
(measures in ``test_authorisation_matrix_measures.py``, council in
``test_authorisation_matrix_council.py``): an endpoint in ``/openapi.json`` without a row
fails the build.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from service.actor import SYSTEM
from service.attachments.models import Attachment
from service.attachments.service import attach
from service.auth import deputies
from service.auth import service as accounts
from service.demo.service import DEMO_PASSWORD
from service.main import create_app
from service.measures.models import Measure
from service.measures.service import list_measures
from service.obligations.models import Obligation
from service.outbox.repository import outbox
from service.outbox.service import Mail, enqueue
from service.papers.models import Paper
from service.reports.issuing import issue_report, issued_file
from service.runtime import Runtime
from tests import factories as make
from tests.service.api import test_authorisation_matrix_council as council_matrix
from tests.service.api import test_authorisation_matrix_measures as measure_matrix
from tests.service.council_support import API, USERS, audit_count, committee_id, login

ROLES: tuple[str | None, ...] = (*USERS, None)  # None: anonymous
# rat.mitglied: signed in, not staff; reads what the council is told and the papers of the
# FVA and the Stadtrat, where she sits, and changes nothing (tests/service/council_members).
COUNCIL = "ratsmitglied"
STAFF = frozenset(USERS) - {COUNCIL}
measures = Measure.__table__  # type: ignore[attr-defined]

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
NEW_PASSWORD = "Rathaus-Markt-2026!"


# --- what each caller should get ----------------------------------------------------------------

Expect = Callable[[str | None, str], int]


def everyone(status: int = 200) -> Expect:
    return lambda role, case: status


def staff(ok: int = 200) -> Expect:
    """Every signed-in role; no token: 401."""
    return lambda role, case: 401 if role is None else ok


def own_account(ok: int = 200) -> Expect:
    """A login's own account and deputies: every staff login; a council member's login
    changes nothing of it (403) and has no deputies to read."""
    return lambda role, case: 401 if role is None else 403 if role == COUNCIL else ok


def council_sees_public(usual: Expect) -> Expect:
    """A council member sees public items and the papers of her committees (``fva-hidden``),
    no other non-public item: that one is not found (404), whatever she asks of it."""

    def expect(role: str | None, case: str) -> int:
        if role == COUNCIL and case.endswith("hidden") and not case.startswith("fva"):
            return 404
        return usual(role, case)

    return expect


def writers(roles: frozenset[str], ok: int) -> Expect:
    return lambda role, case: 401 if role is None else ok if role in roles else 403


def readers_of_item() -> Expect:
    """Whoever may see the item: staff always, the public only public items (else 404)."""
    return lambda role, case: 200 if role is not None or "public" in case else 404


def own_items(roles: frozenset[str], own: frozenset[str], ok: int) -> Expect:
    """``roles`` on any item, ``own`` only on items they are responsible for or deputise."""

    def expect(role: str | None, case: str) -> int:
        if role is None:
            return 401
        if role in roles or (role in own and case.startswith(("own", "deputised"))):
            return ok
        return 403

    return expect


def via_other_item(usual: Expect, smuggled: Expect) -> Expect:
    """Case ``hidden-via-public``: a hidden measure's Anlage asked for under a public one."""
    return lambda role, case: (smuggled if case == "hidden-via-public" else usual)(role, case)


def admin_on(ok: dict[str, int]) -> Expect:
    """User management: the admin only, with the answer per case (own account or another)."""
    return lambda role, case: 401 if role is None else ok[case] if role == "admin" else 403


# --- the items the rows address -----------------------------------------------------------------


@dataclass
class World:
    """Items made once per room; ``counter`` keeps codes and names unique within it."""

    runtime: Runtime
    user_ids: dict[str, int] = field(default_factory=dict)
    measure: dict[str, int] = field(default_factory=dict)
    paper: dict[str, int] = field(default_factory=dict)
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def next(self) -> int:
        return next(self.counter)


# Seen from ag.mitglied (Julia Neumann): she is responsible for M-04 and M-08; M-05 and M-06
# belong to others; "deputised" is a public measure of a colleague who named her their deputy
# for this month, "withdrawn" one of a colleague who did so and withdrew it again.
MEASURE_CASES = {
    "own-public": ("M-04", True),
    "own-hidden": ("M-08", False),
    "foreign-public": ("M-05", True),
    "foreign-hidden": ("M-06", False),
}
DEPUTY_CASES = ("deputised-public", "withdrawn-public")
# "fva-hidden": a non-public paper in the FVA's Beratungsfolge (rat.mitglied sits in the FVA)
PAPER_CASES = ("public", "hidden", "fva-hidden")


def _world(runtime: Runtime) -> World:
    world = World(runtime)
    today = deputies.local_today(runtime.now())
    with runtime.write() as c:
        world.user_ids = {
            role: accounts.user_id_by_name(c, username, runtime.body_id)
            for role, username in USERS.items()
        }
        codes = {row.code: row.id for row in list_measures(c)}
        for case, (code, public) in MEASURE_CASES.items():
            world.measure[case] = codes[code]
            c.execute(update(measures).where(measures.c.id == codes[code]).values(public=public))
        programme = c.execute(
            select(measures.c.programme_id).where(measures.c.id == codes["M-04"])
        ).scalar_one()
        for case in DEPUTY_CASES:
            colleague = make.user(runtime, "ag_mitglied", connection=c)
            assert colleague.user_id is not None
            world.measure[case] = make.measure(
                runtime,
                c,
                programme_id=programme,
                responsible_person_id=colleague.person_id,
                public=True,
            )
            deputyship = deputies.name_deputy(
                runtime,
                c,
                colleague,
                user_id=colleague.user_id,
                deputy_username=USERS["ag_mitglied"],
                starts_on=today,
                ends_on=today + timedelta(days=30),
            )
            if case == "withdrawn-public":
                deputies.withdraw(
                    runtime, c, colleague, user_id=colleague.user_id, deputyship_id=deputyship
                )
        fva = committee_id(runtime, "fva")
        for case in PAPER_CASES:
            steps = [(fva, "vorberatung")] if case.startswith("fva") else []
            world.paper[case] = make.paper(runtime, c, public=case == "public", consultations=steps)
    return world


def _attachment(world: World, owner_type: str, case: str) -> dict[str, Any]:
    owner_id = (world.measure if owner_type == "measure" else world.paper)[case]
    with world.runtime.write() as c:
        row = attach(
            world.runtime, c, SYSTEM, owner_type, owner_id, filename="Konzept.pdf", content=PDF
        )
    return {"item_id": owner_id, "attachment_id": row.id}


def _measure_attachment(world: World, case: str) -> dict[str, Any]:
    if case == "hidden-via-public":
        hidden = _attachment(world, "measure", "foreign-hidden")
        return {**hidden, "item_id": world.measure["foreign-public"]}
    return _attachment(world, "measure", case)


def _undecided_measure_attachment(world: World, case: str) -> dict[str, Any]:
    """As ``_measure_attachment``, on a measure still before the Stadtrat's decision: a
    decided one keeps its Anlagen whoever asks (tests/service/attachments)."""
    ids = _measure_attachment(world, case)
    with world.runtime.write() as c:
        c.execute(
            update(measures).where(measures.c.id == ids["item_id"]).values(state="ag_pruefung")
        )
    return ids


def _measure(world: World, case: str) -> dict[str, Any]:
    return {"item_id": world.measure[case]}


def _paper(world: World, case: str) -> dict[str, Any]:
    return {"item_id": world.paper[case]}


def _user(world: World, case: str, *, active: bool = True) -> dict[str, Any]:
    """``own``: the caller's own account; ``other``: a colleague's (a fresh login)."""
    if case == "own":
        return {"user_id": dict(world.user_ids)}
    other = make.user(world.runtime, "ag_mitglied")
    assert other.user_id is not None
    if not active:
        with world.runtime.write() as c:
            accounts.deactivate(world.runtime, c, SYSTEM, other.user_id)
    return {"user_id": other.user_id}


def _deputyship(world: World, user_id: int) -> int:
    today = deputies.local_today(world.runtime.now())
    stand_in = make.user(world.runtime, "ag_mitglied")
    with world.runtime.write() as c:
        return deputies.name_deputy(
            world.runtime,
            c,
            SYSTEM,
            user_id=user_id,
            deputy_username=stand_in.name,
            starts_on=today,
            ends_on=today + timedelta(days=14),
        )


def _own_deputyship(world: World, case: str) -> dict[str, Any]:
    """``own``: a deputyship each caller named; ``foreign``: one a colleague named."""
    if case == "own":
        return {
            "deputyship_id": {role: _deputyship(world, uid) for role, uid in world.user_ids.items()}
        }
    other = _user(world, "other")["user_id"]
    return {"deputyship_id": _deputyship(world, other)}


def _users_deputyship(world: World, case: str) -> dict[str, Any]:
    """``own``: the deputyship belongs to the user in the path; ``foreign``: to another."""
    user_id = _user(world, "other")["user_id"]
    named_by = user_id if case == "own" else _user(world, "other")["user_id"]
    return {"user_id": user_id, "deputyship_id": _deputyship(world, named_by)}


def _dead_letter(world: World, case: str) -> dict[str, Any]:
    key = f"matrix/{world.next()}"
    mail = Mail(
        reminder_key=key,
        kind="wiedervorlage",
        recipient_email="nicht-da@aschersleben.example",
        subject="Wiedervorlage fällig: M-07",
        context={
            "anrede": "Guten Tag,",
            "vertretung": None,
            "gegenstand": "die Maßnahme M-07",
            "faellig": world.runtime.now(),
            "link": "https://example.invalid/massnahmen/7",
        },
    )
    rt = world.runtime
    with rt.write() as c:
        enqueue(rt, c, mail)
        message = c.execute(
            update(outbox)
            .where(outbox.c.reminder_key == key)
            .values(status="failed", last_error="SMTP 550: unbekannt")
            .returning(outbox.c.id)
        ).scalar_one()
    return {"message_id": message}


def _nothing(world: World, case: str) -> dict[str, Any]:
    return {}


# --- the table ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """What one request knows: the caller, the case, the ids the row's setup made."""

    world: World
    role: str | None
    case: str
    ids: dict[str, Any]


def _issued(world: World, case: str) -> dict[str, Any]:
    """A Sachstandsbericht issued by the console, in the case's variant."""
    rt = world.runtime
    with rt.write() as c:
        issued_id = issue_report(rt, c, SYSTEM, "2024-H2", audience=case)  # type: ignore[arg-type]
    return {"issued_id": issued_id}


def _issued_pdf(world: World, case: str) -> dict[str, Any]:
    """An issued report and the PDF someone holds of it."""
    ids = _issued(world, case)
    return {**ids, "pdf": issued_file(world.runtime, SYSTEM, ids["issued_id"], "pdf").content}


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str  # as /openapi.json names it; placeholders come from ``setup``
    expect: Expect
    setup: Callable[[World, str], dict[str, Any]] = _nothing
    cases: tuple[str, ...] = ("-",)
    json: Callable[[Call], Any] | None = None
    form: Callable[[Call], dict[str, str]] | None = None
    files: Callable[[Call], dict[str, Any]] | None = None
    params: Callable[[Call], dict[str, str]] | None = None
    fresh: bool = False  # success changes the item: every call gets a new one
    fresh_token: bool = False  # success ends the session: every call logs in anew


LEAD_AND_SESSION = frozenset({"ag_leitung", "sitzungsdienst"})
MEMBER = frozenset({"ag_mitglied"})
MAILERS = frozenset({"admin", "sitzungsdienst"})
NOBODY: frozenset[str] = frozenset()
ADMIN_OK = {"own": 200, "other": 200}


def _deputy(call: Call) -> dict[str, Any]:
    today = deputies.local_today(call.world.runtime.now())
    stand_in = call.ids["stand_in"]
    return {"deputy_username": stand_in, "starts_on": str(today), "ends_on": str(today)}


def _stand_in(world: World, case: str) -> dict[str, Any]:
    return {**_user(world, case), "stand_in": make.user(world.runtime, "ag_mitglied").name}


def _pdf(call: Call) -> dict[str, Any]:
    return {"file": ("Konzept.pdf", PDF, "application/pdf")}


def _import_file(call: Call) -> dict[str, Any]:
    row = f"MX-{call.world.next()};Importierte Maßnahme;ag.mitglied;ja;1.000,00;0;Weniger Papier"
    text = "Kennung;Titel;Verantwortlich;Öffentlich;Kosten einmalig;Kosten laufend;Nutzen\n"
    return {"file": ("massnahmen.csv", (text + row + "\n").encode("cp1252"), "text/csv")}


def _credentials(call: Call) -> dict[str, str]:
    # The public has no account: "anonymous" tries a name nobody has.
    username = USERS[call.role] if call.role is not None else "niemand"
    return {"grant_type": "password", "username": username, "password": DEMO_PASSWORD}


def _obligation(world: World, case: str) -> dict[str, Any]:
    """A recurring duty of the demo's resolution a person records: fulfilling it moves it
    on, never ends it (one a report's Kenntnisnahme meets refuses every hand)."""
    with world.runtime.read() as c:
        found = (
            c.execute(
                select(Obligation.id)
                .where(Obligation.every_months.is_not(None), Obligation.fulfilled_by.is_(None))
                .order_by(Obligation.id)
            )
            .scalars()
            .first()
        )
    assert found is not None
    return {"obligation_id": found}


def _oparl(world: World, case: str) -> dict[str, Any]:
    """The demo's public paper and its public working paper (a File)."""
    runtime = world.runtime
    with runtime.read() as c:
        paper = c.execute(select(Paper.id).where(Paper.reference == "VII/0680/24")).scalar_one()
        file_id = c.execute(
            select(Attachment.id).where(
                Attachment.owner_type == "paper", Attachment.owner_id == paper
            )
        ).scalar_one()
    return {
        "body_id": runtime.body_id,
        "prop": "paper",
        "entity_type": "paper",
        "entity_id": paper,
        "file_id": file_id,
    }


ROOMS: dict[str, list[Row]] = {
    # Signing in, out, and one's own password. The password change comes last: it leaves the
    # demo password behind, and later logins of the same users would fail.
    "auth": [
        Row("auth.token", "POST", "/api/v1/auth/token", staff(200), form=_credentials),
        Row("auth.logout", "POST", "/api/v1/auth/logout", staff(204), fresh_token=True),
        Row(
            "auth.password",
            "POST",
            "/api/v1/auth/password",
            staff(204),
            json=lambda call: {"old_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD},
        ),
    ],
    # Every login its own account and deputies; the /me paths reach only the caller's own.
    "users.self": [
        Row("users.me", "GET", "/api/v1/users/me", own_account()),
        Row("users.me.deputies", "GET", "/api/v1/users/me/deputies", own_account()),
        # Meine Aufgaben: every signed-in caller has a list (perhaps empty), never another's.
        Row("users.me.tasks", "GET", "/api/v1/users/me/tasks", staff()),
        Row(
            "users.me.deputies.create",
            "POST",
            "/api/v1/users/me/deputies",
            own_account(201),
            setup=lambda world, case: {"stand_in": make.user(world.runtime, "revision").name},
            json=_deputy,
        ),
        Row(
            "users.me.deputies.withdraw",
            "DELETE",
            "/api/v1/users/me/deputies/{deputyship_id}",
            # Someone else's deputyship is not the caller's to see: 404, the admin included
            # (who withdraws it through /users/{id}/deputies).
            lambda role, case: (
                401 if role is None else 403 if role == COUNCIL else 204 if case == "own" else 404
            ),
            setup=_own_deputyship,
            cases=("own", "foreign"),
        ),
    ],
    # User management is the admin's alone, also on the caller's own account.
    "users.admin": [
        Row("users.list", "GET", "/api/v1/users", admin_on({"-": 200})),
        Row(
            "users.create",
            "POST",
            "/api/v1/users",
            admin_on({"-": 201}),
            json=lambda call: {"username": f"neu.{call.world.next()}", "roles": ["ag_mitglied"]},
        ),
        Row(
            "users.get",
            "GET",
            "/api/v1/users/{user_id}",
            admin_on(ADMIN_OK),
            setup=_user,
            cases=("own", "other"),
        ),
        Row(
            "users.deactivate",
            "POST",
            "/api/v1/users/{user_id}/deactivate",
            # Nobody locks themselves out: the admin's own account answers 409.
            admin_on({"own": 409, "other": 200}),
            setup=_user,
            cases=("own", "other"),
        ),
        Row(
            "users.reactivate",
            "POST",
            "/api/v1/users/{user_id}/reactivate",
            admin_on(ADMIN_OK),
            setup=lambda world, case: _user(world, case, active=False),
            cases=("own", "other"),
        ),
        Row(
            "users.roles",
            "PUT",
            "/api/v1/users/{user_id}/roles",
            # An admin cannot take the admin role from themselves.
            admin_on({"own": 409, "other": 200}),
            setup=_user,
            cases=("own", "other"),
            json=lambda call: {"roles": ["revision"]},
        ),
        Row(
            "users.temporary_password",
            "POST",
            "/api/v1/users/{user_id}/temporary-password",
            admin_on({"other": 204}),
            setup=_user,
            # Only another's account: one's own password changes through /auth/password.
            cases=("other",),
            json=lambda call: {"password": "Vorlaeufig-2026-Markt"},
        ),
        Row(
            "users.deputies",
            "GET",
            "/api/v1/users/{user_id}/deputies",
            admin_on(ADMIN_OK),
            setup=_user,
            cases=("own", "other"),
        ),
        Row(
            "users.deputies.create",
            "POST",
            "/api/v1/users/{user_id}/deputies",
            admin_on({"own": 201, "other": 201}),
            setup=_stand_in,
            cases=("own", "other"),
            json=_deputy,
        ),
        Row(
            "users.deputies.withdraw",
            "DELETE",
            "/api/v1/users/{user_id}/deputies/{deputyship_id}",
            # A deputyship of another user is not found under this user's path.
            admin_on({"own": 204, "foreign": 404}),
            setup=_users_deputyship,
            cases=("own", "foreign"),
        ),
    ],
    # Anlagen follow their item: readers of the item read them (the public: of public items
    # only); the AG lead and the Sitzungsdienst upload and delete; an AG member uploads to
    # the measures she is responsible for or deputises.
    "attachments.measures": [
        Row(
            "measure.attachments",
            "GET",
            "/api/v1/measures/{item_id}/attachments",
            council_sees_public(readers_of_item()),
            setup=_measure,
            cases=(*MEASURE_CASES, *DEPUTY_CASES),
        ),
        Row(
            "measure.attachments.download",
            "GET",
            "/api/v1/measures/{item_id}/attachments/{attachment_id}",
            # Found by nobody: an Anlage belongs to one item only.
            council_sees_public(via_other_item(readers_of_item(), everyone(404))),
            setup=_measure_attachment,
            cases=(*MEASURE_CASES, *DEPUTY_CASES, "hidden-via-public"),
        ),
        Row(
            "measure.attachments.upload",
            "POST",
            "/api/v1/measures/{item_id}/attachments",
            council_sees_public(own_items(LEAD_AND_SESSION, MEMBER, 201)),
            setup=_measure,
            cases=(*MEASURE_CASES, *DEPUTY_CASES),
            files=_pdf,
        ),
        Row(
            "measure.attachments.delete",
            "DELETE",
            "/api/v1/measures/{item_id}/attachments/{attachment_id}",
            # Through the wrong item: the role is asked first (the item in the path is
            # visible), then the file is not found.
            council_sees_public(
                via_other_item(
                    own_items(LEAD_AND_SESSION, NOBODY, 204), writers(LEAD_AND_SESSION, 404)
                )
            ),
            setup=_undecided_measure_attachment,
            cases=(*MEASURE_CASES, *DEPUTY_CASES, "hidden-via-public"),
            fresh=True,
        ),
    ],
    "attachments.papers": [
        Row(
            "paper.attachments",
            "GET",
            "/api/v1/papers/{item_id}/attachments",
            council_sees_public(readers_of_item()),
            setup=_paper,
            cases=PAPER_CASES,
        ),
        Row(
            "paper.attachments.download",
            "GET",
            "/api/v1/papers/{item_id}/attachments/{attachment_id}",
            council_sees_public(readers_of_item()),
            setup=lambda world, case: _attachment(world, "paper", case),
            cases=PAPER_CASES,
        ),
        Row(
            "paper.attachments.upload",
            "POST",
            "/api/v1/papers/{item_id}/attachments",
            council_sees_public(writers(LEAD_AND_SESSION, 201)),
            setup=_paper,
            cases=PAPER_CASES,
            files=_pdf,
        ),
        Row(
            "paper.attachments.delete",
            "DELETE",
            "/api/v1/papers/{item_id}/attachments/{attachment_id}",
            council_sees_public(writers(LEAD_AND_SESSION, 204)),
            setup=lambda world, case: _attachment(world, "paper", case),
            cases=PAPER_CASES,
            fresh=True,
        ),
    ],
    # Bulk data, reports, mail and operations.
    "operations": [
        Row(
            "measures.import",
            "POST",
            "/api/v1/measures/import",
            writers(frozenset({"ag_leitung"}), 200),
            files=_import_file,
        ),
        Row(
            "reports.sachstand",
            "GET",
            "/api/v1/reports/sachstand",
            # Staff decide what to publish, the public variant included.
            staff(),
            cases=("internal", "public"),
            params=lambda call: {"period": "2026-H1", "audience": call.case},
        ),
        # Issued reports: the AG lead and the Sitzungsdienst issue, staff read the internal
        # variant and everyone the public one; only the Sitzungsdienst records the FVA's
        # Kenntnisnahme.
        Row("reports.issued", "GET", "/api/v1/reports/issued", everyone()),
        Row(
            "reports.issue",
            "POST",
            "/api/v1/reports/issued",
            writers(LEAD_AND_SESSION, 201),
            json=lambda call: {"period": "2024-H2"},
        ),
        Row(
            "reports.issued.get",
            "GET",
            "/api/v1/reports/issued/{issued_id}",
            readers_of_item(),
            setup=_issued,
            cases=("internal", "public"),
        ),
        Row(
            "reports.issued.file",
            "GET",
            "/api/v1/reports/issued/{issued_id}/file",
            readers_of_item(),
            setup=_issued,
            cases=("internal", "public"),
        ),
        # Verification follows reading: the stored public report anyone, the internal one
        # whoever reads it (else 404); a file anyone may present (what the answer reveals
        # follows the same rule, tests/service/reports/test_verification_api.py).
        Row(
            "reports.issued.verification",
            "GET",
            "/api/v1/reports/issued/{issued_id}/verification",
            readers_of_item(),
            setup=_issued,
            cases=("internal", "public"),
        ),
        Row(
            "reports.verification",
            "POST",
            "/api/v1/reports/verification",
            everyone(),
            setup=_issued_pdf,
            cases=("internal", "public"),
            files=lambda call: {"file": ("bericht.pdf", call.ids["pdf"], "application/pdf")},
        ),
        Row(
            "reports.issued.taken_note",
            "POST",
            "/api/v1/reports/issued/{issued_id}/kenntnisnahme",
            writers(frozenset({"sitzungsdienst"}), 200),
            setup=_issued,
            cases=("internal",),
            json=lambda call: {"on": str(call.world.runtime.now().date())},
            fresh=True,
        ),
        Row("outbox.list", "GET", "/api/v1/outbox", writers(MAILERS, 200)),
        Row(
            "outbox.retry",
            "POST",
            "/api/v1/outbox/{message_id}/retry",
            writers(MAILERS, 200),
            setup=_dead_letter,
            fresh=True,
        ),
        Row(
            "definitions.get",
            "GET",
            "/api/v1/definitions/{name}",
            everyone(),
            setup=lambda world, case: {"name": case},
            cases=("massnahme", "vorlage"),
        ),
        Row("healthz", "GET", "/healthz", everyone()),
        Row("readyz", "GET", "/readyz", everyone()),
    ],
    # Pflichten aus dem Beschluss: readers of the paper read them; the roles that carry a
    # duty out record its fulfilment (docs/pflichten-und-stellungnahmen.md).
    "obligations": [
        Row("obligations.list", "GET", "/api/v1/obligations", everyone()),
        Row(
            "obligations.get",
            "GET",
            "/api/v1/obligations/{obligation_id}",
            everyone(),
            setup=_obligation,
        ),
        Row(
            "obligations.fulfil",
            "POST",
            "/api/v1/obligations/{obligation_id}/fulfilments",
            writers(
                frozenset({"ag_leitung", "kaemmerei", "sitzungsdienst", "verwaltungsleitung"}), 201
            ),
            setup=_obligation,
            json=lambda call: {"reference": "Kenntnisnahme im FVA"},
        ),
    ],
    # Calendar feeds: a council body's sessions for everyone; a person's own feed address
    # for every signed-in person, a council member too. The personal feed's token is its
    # credential: an unknown one is not found for anybody (tests/service/calendar reads
    # real ones).
    "calendar": [
        Row(
            "calendar.committee",
            "GET",
            "/api/v1/calendar/committees/{committee_id}.ics",
            everyone(),
            setup=lambda world, case: {"committee_id": 3},  # the FVA, a council body
        ),
        Row(
            "calendar.feed",
            "GET",
            "/api/v1/calendar/feeds/{token}.ics",
            everyone(404),
            setup=lambda world, case: {"token": "k" * 43},
        ),
        Row("calendar.me", "GET", "/api/v1/calendar/me", staff()),
        Row("calendar.new", "POST", "/api/v1/calendar/me", staff(201)),
        Row("calendar.revoke", "DELETE", "/api/v1/calendar/me", staff(204)),
    ],
    # OParl publishes public data only, the same to everybody (docs/oparl.md).
    "oparl": [
        Row("oparl.system", "GET", "/oparl/v1/system", everyone()),
        Row("oparl.bodies", "GET", "/oparl/v1/body", everyone()),
        Row("oparl.list", "GET", "/oparl/v1/body/{body_id}/{prop}", everyone(), setup=_oparl),
        Row("oparl.one", "GET", "/oparl/v1/{entity_type}/{entity_id}", everyone(), setup=_oparl),
        Row("oparl.access", "GET", "/oparl/v1/file/{file_id}/access", everyone(), setup=_oparl),
        Row("oparl.download", "GET", "/oparl/v1/file/{file_id}/download", everyone(), setup=_oparl),
    ],
}
TABLE = [row for rows in ROOMS.values() for row in rows]


def _path(row: Row, ids: dict[str, Any], role: str | None) -> str:
    """Placeholders filled for this caller (per-role values: the caller's own item)."""

    def value(name: str) -> str:
        found = ids[name]
        if isinstance(found, dict):
            found = found[role or "admin"]
        return str(found)

    return re.sub(r"\{(\w+)\}", lambda m: value(m.group(1)), row.path)


@pytest.mark.parametrize("room", list(ROOMS))
def test_each_role_and_the_public_get_exactly_the_status_the_table_names(
    room: str, client: TestClient, demo: Runtime
) -> None:
    world = _world(demo)
    tokens = {role: login(client, username) for role, username in USERS.items()}
    wrong = []
    for row in ROOMS[room]:
        for case in row.cases:
            shared = None if row.fresh else row.setup(world, case)
            for role in ROLES:
                ids = row.setup(world, case) if shared is None else shared
                call = Call(world, role, case, ids)
                headers: dict[str, str] = {}
                if role is not None:
                    headers = login(client, USERS[role]) if row.fresh_token else tokens[role]
                expected = row.expect(role, case)
                before = audit_count(demo)
                response = client.request(
                    row.method,
                    _path(row, ids, role),
                    json=row.json(call) if row.json else None,
                    data=row.form(call) if row.form else None,
                    files=row.files(call) if row.files else None,
                    params=row.params(call) if row.params else None,
                    headers=headers,
                )
                if response.status_code != expected:
                    wrong.append(
                        f"{row.name} [{case}] {role or 'anonym'}: {response.status_code} statt "
                        f"{expected}: {response.text[:200]}"
                    )
                elif expected >= 400:
                    assert response.headers["content-type"].startswith(
                        "application/problem+json"
                    ), (row.name, case, role)
                    assert audit_count(demo) == before, (row.name, case, role)
                    if expected == 401:
                        assert response.headers.get("www-authenticate") == "Bearer"
    assert not wrong, "\n".join(wrong)


# --- one table per endpoint ---------------------------------------------------------------------


def _measure_side() -> set[tuple[str, str]]:
    return {(r.method, r.path.split("?")[0]) for r in measure_matrix._templates()}


def _council() -> set[tuple[str, str]]:
    return {
        (r.method, API + re.sub(r"\{(\w+)\}", r"{\1_id}", r.path)) for r in council_matrix.TABLE
    }


def _rest() -> set[tuple[str, str]]:
    return {(r.method, r.path) for r in TABLE}


def test_every_endpoint_has_exactly_one_matrix_table() -> None:
    """A new endpoint without a row in one of the three tables fails the build here."""
    spec = create_app().openapi()
    served = {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        # The audit trail's endpoints bring their own access tests (added in a branch of
        # their own); the day they join a table, drop this line.
        if not path.startswith("/api/v1/audit")
        for method in operations
    }
    tables = {"measures": _measure_side(), "council": _council(), "rest": _rest()}
    for name, covered in tables.items():
        assert covered - served == set(), f"{name}: rows for endpoints that do not exist"
    for (one, first), (other, second) in itertools.combinations(tables.items(), 2):
        assert first & second == set(), f"in both {one} and {other}"
    assert served - set().union(*tables.values()) == set()

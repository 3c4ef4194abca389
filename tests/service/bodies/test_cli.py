"""``ratsflow body`` and the ``--body`` options against a real database, on both backends:
the operator adds a body (its chain starts, its key is made), changes its settings (checked,
audited), adds a login to it, and verifies and signs that body's chain alone."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from service.actor import SYSTEM
from service.audit.models import AuditEvent
from service.auth import tokens
from service.config import get_settings
from service.obligations.service import insert_obligation
from service.runtime import Runtime
from tests import factories
from tests.conftest import CHAIN_KEY
from tests.service.cli_calls import ratsflow

PASSWORD = "Marktplatz-Hecklingen-1"
events = AuditEvent.__table__  # type: ignore[attr-defined]


@pytest.fixture
def operator(cli_runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Runtime:
    monkeypatch.setenv("RATSFLOW_AUDIT_SIGNING_KEY", str(tmp_path / "keys" / "audit.key"))
    get_settings.cache_clear()
    return cli_runtime


def test_an_operator_adds_a_body_with_its_own_chain_key_and_login(
    operator: Runtime, tmp_path: Path
) -> None:
    added = ratsflow("body", "add", "hecklingen", "Stadt Hecklingen", "--land", "ST")
    assert added.exit_code == 0, added.output
    assert "/b/hecklingen/" in added.output
    assert (tmp_path / "keys" / "audit-hecklingen.key").exists()
    listed = ratsflow("body", "list")
    assert "hecklingen" in listed.output and "Sachsen-Anhalt" in listed.output

    user = ratsflow(
        "user", "add", "ag.leitung", "--role", "ag_leitung", "--body", "hecklingen",
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert user.exit_code == 0, user.output
    hecklingen = operator.for_body("hecklingen")
    with hecklingen.read() as c:
        assert tokens.credentials(c, "ag.leitung", hecklingen.body_id) is not None
    with operator.read() as c:
        assert tokens.credentials(c, "ag.leitung", operator.body_id) is None

    verified = ratsflow("audit", "verify", "--body", "hecklingen")
    assert verified.exit_code == 0, verified.output
    assert "„hecklingen“ intakt" in verified.output and CHAIN_KEY not in verified.output
    signed = ratsflow("audit", "checkpoint", "--body", "hecklingen")
    assert signed.exit_code == 0, signed.output
    assert "„hecklingen“" in signed.output and CHAIN_KEY not in signed.output


def test_an_unknown_body_and_a_wrong_land_are_refused_in_german(operator: Runtime) -> None:
    unknown = ratsflow("audit", "verify", "--body", "gibtsnicht")
    assert unknown.exit_code == 1
    assert "Körperschaft „gibtsnicht“ gibt es nicht" in unknown.output
    wrong = ratsflow("body", "add", "nirgendwo", "Nirgendwo", "--land", "XX")
    assert wrong.exit_code == 1
    assert "Unbekanntes Land „XX“" in wrong.output
    bad = ratsflow("body", "add", "-x", "Name")
    assert bad.exit_code != 0


def test_a_bodys_settings_are_checked_changed_and_audited(operator: Runtime) -> None:
    assert ratsflow("body", "add", "hecklingen", "Stadt Hecklingen").exit_code == 0
    changed = ratsflow(
        "body", "set", "hecklingen", "--land", "NI",
        "--setting", "mail_sender=Stadt Hecklingen <post@hecklingen.example>",
        "--setting", "lag_points=20",
    )  # fmt: skip
    assert changed.exit_code == 0, changed.output
    hecklingen = operator.for_body("hecklingen")
    hecklingen.forget_body()
    assert hecklingen.body.land == "NI"
    assert hecklingen.body.settings.mail_sender == "Stadt Hecklingen <post@hecklingen.example>"
    assert hecklingen.body.settings.lag_points == 20

    refused = ratsflow("body", "set", "hecklingen", "--setting", "lag_points=500")
    assert refused.exit_code == 1
    assert "Ungültige Einstellung lag_points" in refused.output
    broken = ratsflow(
        "body", "set", "hecklingen", "--setting", "mail_sender=a@b.de\u2028Bcc: x@y.de"
    )
    assert broken.exit_code == 1 and "mail_sender" in broken.output
    unknown = ratsflow("body", "set", "hecklingen", "--setting", "farbe=blau")
    assert unknown.exit_code == 1 and "farbe" in unknown.output

    back = ratsflow("body", "set", "hecklingen", "--setting", "lag_points=")
    assert back.exit_code == 0, back.output
    hecklingen.forget_body()
    assert hecklingen.body.settings.lag_points is None
    verified = ratsflow("audit", "verify", "--body", "hecklingen")
    assert verified.exit_code == 0, verified.output
    with hecklingen.read() as c:
        actions = list(
            c.execute(select(events.c.action).where(events.c.chain_key == "hecklingen")).scalars()
        )
    assert actions.count("body.update") == 2


def test_an_operator_reads_and_steps_another_bodys_measures_and_duties_with_body(
    operator: Runtime,
) -> None:
    """docs/mandanten.md: the operator acts for one body with ``--body``. On today's main
    ``measure`` and ``obligation`` knew no such option (exit 2): no step of another body's
    measure and no fulfilment of its duty could be recorded from the command line."""
    other = operator.for_body("hecklingen")
    with other.write() as c:
        factories.body(other, c, slug="hecklingen", name="Stadt Hecklingen")
        measure = factories.measure(other, c, code="HK-1", title="Radweg Hecklingen")
        lead = factories.person(other, c, given_name="Hanna", family_name="Heckel")
        factories.user(other, "ag_leitung", connection=c, username="hk.leitung", person_id=lead)
        factories.user(other, "sitzungsdienst", connection=c, username="hk.sitzungsdienst")
        paper = factories.paper(other, c, reference="HK/0001/26", measure_ids=[measure])
        duty = insert_obligation(
            other,
            c,
            SYSTEM,
            paper_id=paper,
            title="Bericht an den Rat Hecklingen",
            description=None,
            responsible_role="sitzungsdienst",
            due_on=date(2024, 6, 1),
            every_months=None,
        )
    there = ("--body", "hecklingen")

    listed = ratsflow("measure", "list", *there)
    assert listed.exit_code == 0, listed.output
    assert "HK-1" in listed.output
    assert "HK-1" not in ratsflow("measure", "list").output
    assert "Radweg Hecklingen" in ratsflow("measure", "show", str(measure), *there).output
    assert ratsflow("measure", "show", str(measure)).exit_code == 1  # not the own body's
    fired = ratsflow("measure", "fire", str(measure), "einreichen", "--as", "hk.leitung", *there)
    assert fired.exit_code == 0, fired.output
    assert "Hanna Heckel" in ratsflow("measure", "history", str(measure), *there).output

    duties = ratsflow("obligation", "list", *there)
    assert duties.exit_code == 0 and "Bericht an den Rat Hecklingen" in duties.output
    fulfilled = ratsflow(
        "obligation", "fulfil", str(duty), "--reference", "HK/0002/26",
        "--as", "hk.sitzungsdienst", "--on", "2024-05-30", *there,
    )  # fmt: skip
    assert fulfilled.exit_code == 0, fulfilled.output
    assert "erledigt" in fulfilled.output

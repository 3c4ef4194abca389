"""The ``ratsflow`` command line against a real database, on SQLite and on PostgreSQL.

The commands read ``RATSFLOW_DATABASE_URL`` like in production. On SQLite the database is a
fresh file that ``db upgrade`` has to create; on PostgreSQL it is the test's own database
(already migrated, so ``db upgrade`` must be a harmless repetition there).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli import app
from service.config import get_settings
from tests.conftest import CHAIN_KEY
from tests.service.cli_calls import ok, ratsflow


@pytest.fixture
def cli_database(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    url = (
        f"sqlite:///{tmp_path / 'neu' / 'ratsflow.db'}"
        if database_url.startswith("sqlite")
        else database_url
    )
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", url)
    monkeypatch.setenv("RATSFLOW_CHAIN_KEY", CHAIN_KEY)
    get_settings.cache_clear()
    try:
        yield url
    finally:
        get_settings.cache_clear()


def test_upgrade_demo_list_fire_history_verify(cli_database: str) -> None:
    upgraded = ok("db", "upgrade")
    assert "Datenbank ist auf dem neuesten Stand." in upgraded.stdout
    assert "Definition „massnahme“ Version 3" in upgraded.stdout

    first = ok("demo", "load")
    assert "Demodaten der Stadt Aschersleben geladen." in first.stdout
    assert "ratsflow-demo" in first.stdout
    assert "ag.leitung" in first.stdout
    again = ok("demo", "load")
    assert "Demodaten sind bereits geladen." in again.stdout

    measures = json.loads(ok("measure", "list", "--json").stdout)
    assert len(measures) == 9
    assert [m["code"] for m in measures] == [f"M-0{i}" for i in range(1, 10)]
    by_code = {m["code"]: m for m in measures}
    assert by_code["M-09"]["state"] == "entwurf"
    assert by_code["M-07"]["state"] == "haushaltsplanung"
    lines = ok("measure", "list").stdout.splitlines()
    assert len(lines) == 9
    assert "M-09" in lines[-1] and "Entwurf" in lines[-1]

    m09 = str(by_code["M-09"]["id"])
    fired = ok("measure", "fire", m09, "einreichen", "--as", "ag.mitglied")
    assert "Entwurf → Prüfung in der AG (Version 2)" in fired.stdout
    assert "Frist: Prüfung in der AG abschließen bis" in fired.stdout

    # M-09 touches personal data and has no cost analysis: both conditions are named.
    blocked = ratsflow("measure", "fire", m09, "an_fva_uebergeben", "--as", "ag.leitung")
    assert blocked.exit_code == 1
    assert "Voraussetzungen nicht erfüllt" in blocked.stderr
    assert "Stellungnahme der/des Datenschutzbeauftragten fehlt" in blocked.stderr
    assert "Aufwand-Nutzen-Analyse" in blocked.stderr
    assert "Traceback" not in blocked.output

    m07 = str(by_code["M-07"]["id"])
    # What a person types is read the German way; an exponent is no amount (the field named).
    for amount in ("1e3", "35000.50"):
        refused = ratsflow(
            "measure", "fire", m07, "finanzieren", "--as", "kaemmerei",
            "--data", "haushaltsjahr=2026", "--data", f"betrag_einmalig={amount}",
            "--data", "betrag_laufend=7000",
        )  # fmt: skip
        assert refused.exit_code == 1, amount
        assert "Veranschlagte einmalige Mittel (EUR): erwartet einen Betrag wie 12.500,00" in (
            refused.stderr
        )
    financed = ok(
        "measure", "fire", m07, "finanzieren", "--as", "kaemmerei",
        "--data", "haushaltsjahr=2026",
        "--data", "betrag_einmalig=35.000,00",
        "--data", "betrag_laufend=7000",
        "--data", "produktkonto=11.1.04 / 783100",
        "--comment", "Im Haushalt 2026 veranschlagt.",
    )  # fmt: skip
    assert "Haushaltsplanung → Umsetzung" in financed.stdout
    shown = ok("measure", "show", m07).stdout
    assert "Zustand: Umsetzung, Version" in shown
    assert "Produkt/Konto: 11.1.04 / 783100" in shown

    after = {m["code"]: m for m in json.loads(ok("measure", "list", "--json").stdout)}
    assert after["M-09"]["state"] == "ag_pruefung"
    assert after["M-09"]["version"] == 2
    assert after["M-07"]["state"] == "umsetzung"

    history = ok("measure", "history", m09).stdout.splitlines()
    assert len(history) == 1
    assert "Entwurf → Prüfung in der AG" in history[0]
    assert "[Julia Neumann, AG-Mitglied]" in history[0]
    steps = ok("measure", "history", m07).stdout
    for passage in (
        "Prüfung in der AG → Vorberatung im Finanz- und Verwaltungsausschuss",
        "Beschlussfassung im Stadtrat → Haushaltsplanung  Beschluss des Stadtrats  [Claudia",
        "Haushaltsplanung → Zurückgestellt",
        "Zurückgestellt → Haushaltsplanung",
        "Haushaltsplanung → Umsetzung  Im Haushalt einplanen  [Michael Schulze, Kämmerei]",
        "„Im Haushalt 2026 veranschlagt.“",
    ):
        assert passage in steps

    verified = ok("audit", "verify")
    assert f"Kette „{CHAIN_KEY}“ intakt" in verified.stdout


def test_mistakes_are_one_german_sentence_and_a_non_zero_exit(cli_database: str) -> None:
    ok("db", "upgrade")
    assert json.loads(ok("measure", "list", "--json").stdout) == []

    for args, code, message in (
        (("measure", "show", "999"), 1, "Maßnahme 999 wurde nicht gefunden."),
        (("measure", "history", "999"), 1, "Maßnahme 999 wurde nicht gefunden."),
        (("measure", "fire", "1", "einreichen", "--as", "niemand"), 1, "Benutzer niemand"),
        (("measure", "fire", "1", "einreichen", "--as", "x", "--data", "kaputt"), 2, "name=wert"),
    ):
        result = ratsflow(*args)
        assert result.exit_code == code, (args, result.output)
        assert message in result.stderr
        assert "Traceback" not in result.output
    assert "intakt" in ok("audit", "verify").stdout


def test_the_command_line_shows_labels_not_state_codes(cli_database: str) -> None:
    """Defect: ``measure list``, ``show`` and ``history`` printed state slugs, statement codes,
    True/False and ISO dates where the web page shows German labels."""
    ok("db", "upgrade")
    ok("demo", "load")
    listed = ok("measure", "list").stdout
    assert "Haushaltsplanung" in listed and "Entwurf" in listed
    assert "haushaltsplanung" not in listed and "entwurf" not in listed

    by_code = {m["code"]: m for m in json.loads(ok("measure", "list", "--json").stdout)}
    assert by_code["M-07"]["state"] == "haushaltsplanung"  # machine values stay in JSON
    shown = ok("measure", "show", str(by_code["M-01"]["id"])).stdout
    assert "Zustand: Umsetzung, Version" in shown and "(umsetzung)" not in shown
    assert "Stellungnahme Datenschutzbeauftragte/r: mit Auflagen (15.01.2024)" in shown
    assert "Sicherheitsrelevant: ja" in shown and "True" not in shown
    assert "Zieldatum: 31.12.2026" in shown and "2026-12-31" not in shown
    assert "Einmalige Kosten (EUR): 185.000,00 €" in shown

    steps = ok("measure", "history", str(by_code["M-07"]["id"])).stdout
    assert "Vorberatung im Finanz- und Verwaltungsausschuss → Beschlussfassung im Stadtrat" in steps
    assert "stadtrat_beschluss" not in steps and "ag_pruefung" not in steps
    assert "Sitzungsdienst]" in steps and "sitzungsdienst]" not in steps


def test_an_unexpected_error_in_a_command_is_told_in_german_without_a_traceback(
    cli_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok("db", "upgrade")

    def broken(*args: object, **kwargs: object) -> None:
        raise TypeError("unsupported type: <class 'datetime.datetime'>")

    monkeypatch.setattr("service.invitations.service.send_invitation", broken)
    result = ratsflow("invitation", "send", "3")
    assert result.exit_code == 70, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(
        "Unerwarteter Fehler bei „ratsflow invitation send“: ein Fehler im Programm, "
        "nicht in der Eingabe."
    ), result.stderr
    assert "„ratsflow --debug invitation send …“" in result.stderr
    assert "unsupported type" not in result.output and "Traceback" not in result.output

    # Asked for, the traceback comes first (for the log), the German sentence last.
    monkeypatch.setenv("RATSFLOW_DEBUG", "1")
    asked = CliRunner().invoke(app, ["invitation", "send", "3"])
    assert asked.exit_code == 70
    assert asked.stderr.startswith("Traceback (most recent call last):")
    assert "TypeError: unsupported type: <class 'datetime.datetime'>" in asked.stderr
    assert asked.stderr.rstrip().endswith("Die Einzelheiten stehen darüber (Traceback).")
    monkeypatch.delenv("RATSFLOW_DEBUG")
    flagged = CliRunner().invoke(app, ["--debug", "invitation", "send", "3"])
    assert flagged.exit_code == 70 and "Traceback" in flagged.stderr

    # Refusals keep their own sentence and exit code.
    refused = ratsflow("measure", "show", "999")
    assert (refused.exit_code, refused.stderr) == (1, "Maßnahme 999 wurde nicht gefunden.\n")

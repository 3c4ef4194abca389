"""The demo's Sachstandsbericht as a PDF, written by ``ratsflow report sachstand``.

Read back with ``pdftotext`` (poppler-utils, installed by ``make install``): if it opens and
its text names every open measure and states the traffic-light rules, a member of the FVA
holding the printout can check every light by hand.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.config import get_settings
from service.demo import data
from tests.conftest import CHAIN_KEY
from tests.service.cli_calls import ratsflow

OPEN = [m for m in data.MEASURES if not m.finished] + [data.DRAFT]


@pytest.fixture
def demo_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("RATSFLOW_CHAIN_KEY", CHAIN_KEY)
    get_settings.cache_clear()
    try:
        yield database_url
    finally:
        get_settings.cache_clear()


def pdf_text(path: Path) -> str:
    """The PDF's words on one line, with words broken at a hyphen joined again."""
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    text = " ".join(done.stdout.decode().split())
    return re.sub(r"(\w)- (\w)", r"\1-\2", text)


def test_pdf_opens_names_every_open_measure_and_states_the_rules(
    demo_env: str, tmp_path: Path
) -> None:
    target = tmp_path / "sachstand.pdf"

    result = ratsflow(
        "report", "sachstand", "--period", "2026-H2", "--format", "pdf", "--output", str(target)
    )

    assert result.exit_code == 0, result.output
    assert f"geschrieben nach {target}" in result.output
    assert target.read_bytes().startswith(b"%PDF-")
    text = pdf_text(target)
    assert "Sachstandsbericht 2. Halbjahr 2026" in text
    assert "01.07.2026 – 31.12.2026" in text
    for measure in OPEN:
        assert measure.code in text
        assert " ".join(measure.title.split()) in text, measure.title
    assert "M-03" not in text  # finished in 2024
    assert "Rot: Das Zieldatum ist überschritten, eine Frist oder ein Meilenstein ist seit" in text
    assert "„Gestoppt“ oder „Zurückgestellt“" in text
    assert "Gelb: Eine Frist oder ein Meilenstein ist überfällig, der Fortschritt" in text
    assert "weniger als 30 Tage entfernt und der Fortschritt liegt unter 80 %" in text
    assert "Grün: in allen anderen Fällen." in text
    assert "Verantwortlich: Thomas Behrendt" in text


def test_public_html_to_stdout_leaves_out_the_internal_measure(demo_env: str) -> None:
    result = ratsflow("report", "sachstand", "--period", "2024-H1", "--public")

    assert result.exit_code == 0, result.output
    assert "Öffentliche Fassung" in result.stdout
    assert "M-06" not in result.stdout and "Behrendt" not in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2024-H3"], "--period: „2024-H3“ ist kein Berichtszeitraum"),
        (["--period", "2024-H1", "--format", "docx"], "erlaubt sind html, pdf oder json"),
        (["--period", "2024-H1", "--format", "pdf"], "Ein PDF braucht eine Zieldatei"),
        (
            ["--period", "2024-H1", "--format", "json", "--output", "/nicht/da/x.json"],
            "/nicht/da/x.json: kann nicht geschrieben werden (Ordner nicht gefunden).",
        ),
    ],
)
def test_cli_errors_are_german_with_exit_code_1(
    demo_env: str, args: list[str], message: str
) -> None:
    result = ratsflow("report", "sachstand", *args)

    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output

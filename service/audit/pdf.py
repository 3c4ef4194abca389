"""The disclosure export as PDF: HTML from a template, laid out by WeasyPrint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from service.audit.disclosure import OTHERS

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)

SECTIONS = [
    ("Benutzerkonten", "benutzer"),
    ("Mitgliedschaften in Gremien", "mitgliedschaften"),
    ("Verantwortlich für Maßnahmen", "verantwortlich_fuer_massnahmen"),
    ("Verantwortlich für Arbeitspapiere", "verantwortlich_fuer_arbeitspapiere"),
    ("Stellungnahmen", "stellungnahmen"),
    ("Anwesenheiten in Sitzungen", "anwesenheiten"),
    ("Teilnahme an Abstimmungen", "abstimmungen"),
]


def disclosure_html(data: dict[str, Any]) -> str:
    template = _templates.get_template("disclosure.html")
    return template.render(data=data, sections=SECTIONS, others=OTHERS)


def disclosure_pdf(data: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # loads Pango; only when a PDF is asked for

    pdf: bytes = HTML(string=disclosure_html(data)).write_pdf()
    return pdf

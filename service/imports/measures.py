"""Measures from a table: which column means what, and every row checked before any is kept.

Headers are German as a clerk would write them (``Kennung``, ``Titel``, ``Kosten einmalig``,
``Öffentlich``...); the definition's field names and labels work as well. Every problem is
reported with its row and column, in one go, so that a file is fixed in one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from service import texts
from service.imports.reading import blank
from service.measures.rules import MEASURE_TEXTS
from service.texts import TextRule
from workflow.spec import FieldSpec, WorkflowSpec
from workflow.values import Typed, ValueProblem, normalize

_BASIC = {
    "code": ("kennung", "code", "nummer", "nr", "massnahme nr"),
    "title": ("titel", "bezeichnung", "title"),
    "description": ("beschreibung", "description"),
    "responsible": ("verantwortlich", "verantwortliche person", "zuständig", "zustaendig"),
    "public": ("öffentlich", "oeffentlich", "public"),
}
_FIELD_ALIASES = {
    "kosten_einmalig": ("einmalige kosten",),
    "kosten_laufend": ("laufende kosten", "laufende kosten pro jahr"),
    "personenbezogen": ("personenbezogene daten",),
    "personalwirksam": ("personalrat", "verändert arbeitsweise"),
}
_BOOLEAN = FieldSpec("public", "Öffentlich", "boolean")


def header_key(text: str) -> str:
    """``Kosten einmalig (EUR)``, ``kosten_einmalig`` and ``KOSTEN  EINMALIG`` match alike."""
    text = re.sub(r"\(.*?\)", "", text).replace("_", " ").lower()
    return " ".join(text.split())


@dataclass(frozen=True)
class RowError:
    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"Zeile {self.row}" + (f", Spalte „{self.column}“" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class MeasureRow:
    row: int
    code: str
    title: str
    description: str | None = None
    responsible: str | None = None
    responsible_person_id: int | None = None
    public: bool = False
    fields: dict[str, Any] = field(default_factory=dict)


def columns(spec: WorkflowSpec) -> dict[str, str]:
    """Header key -> what it fills: ``code``, ``title``... or ``field:<name>``."""
    known = {header_key(alias): target for target, aliases in _BASIC.items() for alias in aliases}
    for name, fspec in spec.fields.items():
        if not fspec.editable:
            continue
        for alias in (name, fspec.label, *_FIELD_ALIASES.get(name, ())):
            known[header_key(alias)] = f"field:{name}"
    return known


def map_headers(
    headers: list[tuple[int, str]], spec: WorkflowSpec
) -> tuple[dict[int, tuple[str, str]], list[RowError]]:
    """Column index -> (target, header as written); errors for unknown or missing ones."""
    known = columns(spec)
    mapped: dict[int, tuple[str, str]] = {}
    errors: list[RowError] = []
    seen: dict[str, str] = {}
    for index, text in headers:
        target = known.get(header_key(text))
        if target is None:
            errors.append(RowError(1, text, "unbekannte Spalte"))
        elif target in seen:
            errors.append(RowError(1, text, f"doppelt (wie Spalte „{seen[target]}“)"))
        else:
            seen[target] = text
            mapped[index] = (target, text)
    for target, label in (("code", "Kennung"), ("title", "Titel")):
        if target not in seen:
            errors.append(RowError(1, label, "Pflichtspalte fehlt"))
    return mapped, errors


def parse_row(
    number: int,
    cells: list[Any],
    mapped: dict[int, tuple[str, str]],
    spec: WorkflowSpec,
) -> tuple[MeasureRow, list[RowError]]:
    """The row as far as it reads, with every problem it has: the caller checks what did
    read against the database too, so that one pass finds all of a file's problems. A
    Kennung or Titel that did not read is empty."""
    values: dict[str, Any] = {}
    errors = _layout_problems(number, cells, mapped)
    header_of = {target: text for target, text in mapped.values()}
    for index, (target, text) in mapped.items():
        raw = cells[index] if index < len(cells) else None
        if isinstance(raw, str):
            # Checked as the form and the API check it; blanks around a cell do not count.
            rule = _text_rule(target, spec)
            problem = texts.control_problem(raw, multiline=rule.multiline)
            raw = raw.strip() or None
            if problem := problem or (raw and texts.problem(rule, raw)):
                errors.append(RowError(number, text, problem.removesuffix(".")))
                continue
        if raw is None:
            continue
        if target.startswith("field:"):
            name = target.removeprefix("field:")
            try:
                values[target] = normalize(spec.fields[name], _cell(raw))
            except ValueProblem as exc:
                errors.append(RowError(number, text, f"{exc} (gelesen: „{raw}“)"))
        elif target == "public":
            try:
                values["public"] = normalize(_BOOLEAN, _cell(raw))
            except ValueProblem as exc:
                errors.append(RowError(number, text, f"{exc} (gelesen: „{raw}“)"))
        else:
            values[target] = _text(raw)
    for target, label in (("code", "Kennung"), ("title", "Titel")):
        if target not in values and not any(e.column == header_of.get(target) for e in errors):
            errors.append(RowError(number, header_of.get(target, label), "Pflichtangabe fehlt"))
    return (
        MeasureRow(
            row=number,
            code=values.get("code", ""),
            title=values.get("title", ""),
            description=values.get("description"),
            responsible=values.get("responsible"),
            public=values.get("public", False),
            fields={
                k.removeprefix("field:"): v
                for k, v in values.items()
                if k.startswith("field:") and v is not None
            },
        ),
        errors,
    )


def _layout_problems(
    number: int, cells: list[Any], mapped: dict[int, tuple[str, str]]
) -> list[RowError]:
    """Cells no header names: their text would be lost without a word. Past the last
    column they mostly come from a separator inside a text that is not in quotes."""
    width = max(mapped, default=-1) + 1
    filled = [i for i, cell in enumerate(cells) if not blank(cell)]
    errors = [
        RowError(number, None, f"Zelle {i + 1} steht unter keiner Spaltenüberschrift")
        for i in filled
        if i < width and i not in mapped
    ]
    if filled and filled[-1] >= width:
        errors.append(
            RowError(number, None, f"mehr Zellen ({filled[-1] + 1}) als Spalten ({width})")
        )
    return errors


def _text_rule(target: str, spec: WorkflowSpec) -> TextRule:
    if target.startswith("field:"):
        return texts.field_rule(spec.fields[target.removeprefix("field:")])
    return MEASURE_TEXTS.get(target) or TextRule(target, texts.FIELD_LIMIT)


def _cell(raw: Any) -> Any:
    """A cell's value for ``normalize``: text is what a clerk typed (``12.500,00``)."""
    return Typed(raw) if isinstance(raw, str) else _plain(raw)


def _plain(raw: Any) -> Any:
    # Excel hands numbers as floats; 12000.0 is the amount 12000, 1.0 the flag "ja".
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, datetime) and raw.time() == datetime.min.time():
        return raw.date()
    return raw


def _text(raw: Any) -> str:
    raw = _plain(raw)
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()

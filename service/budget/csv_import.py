"""Reads the Kämmerei's CSV of spent amounts and checks every row before anything is written.

Expected columns (German headers, in any order): ``Maßnahme`` (the measure's code),
``Haushaltsjahr``, ``Verausgabt`` and optionally ``Produkt/Konto``, which picks the line
when a measure has several in one year. ``;`` or ``,`` separate columns; the file is UTF-8
(with or without BOM) or, as Excel often saves it, Windows-1252. Amounts may be written the
German way (``1.234,50``). Every defect is reported with its line and column; one bad row
rejects the whole file, so a half-imported budget never exists.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Connection

from service.budget import repository
from service.errors import RowProblem, RowsRejected
from workflow.spec import FieldSpec
from workflow.values import Typed, ValueProblem, normalize

CODE, YEAR, ACCOUNT, SPENT = "Maßnahme", "Haushaltsjahr", "Produkt/Konto", "Verausgabt"
REQUIRED = (CODE, YEAR, SPENT)
LIMIT = Decimal("1e12")  # the amount columns hold 14 digits, 2 of them after the comma
_MONEY = FieldSpec("verausgabt", SPENT, "money")
_YEAR = FieldSpec("haushaltsjahr", YEAR, "integer")


@dataclass(frozen=True)
class SpentRow:
    row: int
    line_id: int
    spent: Decimal


def decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252")


def _reader(text: str) -> Any:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def parse(connection: Connection, content: bytes, body_id: int) -> list[SpentRow]:
    """The rows to book, or ``RowsRejected`` naming every defective row; codes name the
    body's measures only."""
    reader = _reader(decode(content))
    header = next(reader, None)
    if header is None:
        raise RowsRejected([RowProblem(1, "Datei", "Die Datei ist leer.")])
    columns = {name.strip(): index for index, name in enumerate(header)}
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise RowsRejected(
            [RowProblem(1, name, "Spalte fehlt in der Kopfzeile.") for name in missing]
        )
    records: list[tuple[int, dict[str, str]]] = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        values = {
            name: cells[index].strip() if index < len(cells) else ""
            for name, index in columns.items()
        }
        records.append((reader.line_num, values))
    if not records:
        raise RowsRejected([RowProblem(2, "Datei", "Die Datei enthält keine Datenzeilen.")])
    return _match(connection, records, body_id)


def _match(
    connection: Connection, records: Iterable[tuple[int, dict[str, str]]], body_id: int
) -> list[SpentRow]:
    records = list(records)
    codes = {values[CODE] for _, values in records if values[CODE]}
    known = repository.measures_by_code(connection, codes, body_id)
    lines = repository.lines_for_import(connection, codes, body_id)
    problems: list[RowProblem] = []
    result: list[SpentRow] = []
    seen: dict[int, int] = {}
    for row, values in records:
        before = len(problems)
        code = values[CODE]
        if not code:
            problems.append(RowProblem(row, CODE, "fehlt."))
        elif code not in known:
            problems.append(RowProblem(row, CODE, f"Eine Maßnahme „{code}“ gibt es nicht."))
        elif len(known[code]) > 1:
            problems.append(
                RowProblem(row, CODE, f"„{code}“ ist in mehreren Arbeitspapieren vergeben.")
            )
        year = _value(_YEAR, values[YEAR], row, problems)
        spent = _value(_MONEY, values[SPENT], row, problems)
        if spent is not None and Decimal(spent) >= LIMIT:
            problems.append(RowProblem(row, SPENT, "ist als Betrag zu groß."))
        if len(problems) > before:
            continue
        account = values.get(ACCOUNT, "")
        candidates = [
            line
            for line in lines
            if line.measure_code == code
            and line.fiscal_year == year
            and (not account or (line.product_account or "") == account)
        ]
        if not candidates:
            where = f" mit Produkt/Konto „{account}“" if account else ""
            problems.append(
                RowProblem(row, YEAR, f"Für {code} gibt es keinen Haushaltsansatz {year}{where}.")
            )
            continue
        if len(candidates) > 1:
            problems.append(
                RowProblem(
                    row, ACCOUNT, f"{code} hat {year} mehrere Ansätze: bitte Produkt/Konto angeben."
                )
            )
            continue
        line_id = candidates[0].id
        if line_id in seen:
            problems.append(
                RowProblem(
                    row, CODE, f"Derselbe Haushaltsansatz steht schon in Zeile {seen[line_id]}."
                )
            )
            continue
        seen[line_id] = row
        result.append(SpentRow(row, line_id, Decimal(str(spent))))
    if problems:
        raise RowsRejected(problems)
    return result


def _value(spec: FieldSpec, raw: str, row: int, problems: list[RowProblem]) -> Any:
    if not raw:
        problems.append(RowProblem(row, spec.label, "fehlt."))
        return None
    try:
        return normalize(spec, Typed(raw))  # as the finance software wrote it: 1.234,50
    except ValueProblem as exc:
        problems.append(RowProblem(row, spec.label, f"{exc}."))
        return None

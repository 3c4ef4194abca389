"""One run of the OParl import: what it reads from and reports, and the remote texts it
takes over as single lines, as every other door stores them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from service import texts
from service.oparl.client import Remote, external_key
from service.oparl.report import LABELS, ImportReport
from service.oparl.values import text_of
from service.runtime import Runtime


@dataclass
class Run:
    runtime: Runtime
    remote: Remote
    source_key: str
    report: ImportReport
    since: datetime | None
    # Objects that could not be taken over in this run: asked for and reported once only.
    failed: set[str] = field(default_factory=set)

    def skip(self, oparl_id: str, reason: str) -> None:
        key = external_key(oparl_id)
        if key not in self.failed:
            self.failed.add(key)
            self.report.skipped.append(reason)


def line_of(run: Run, kind: str, item: dict[str, Any], label: str, value: Any) -> str | None:
    """A text of the remote object as one line, as every other door stores it: the source
    may hold line breaks or invisible characters (a right-to-left override shows the rest of
    a title reversed) that no form here lets through. Cleaned rather than refused, so one
    faulty title does not keep a whole council's records out; the report names each one, for
    the operator to have it mended at the source."""
    text = text_of(value)
    if text is None:
        return None
    line = texts.single_line(text)
    if line != text:
        report_cleaned(run, kind, item, label, line)
    return line or None


def report_cleaned(run: Run, kind: str, item: dict[str, Any], label: str, kept: str) -> None:
    what = (
        f"{LABELS[kind]} {item['id']}: {label} enthielt Zeilenumbrüche oder unsichtbare "
        f"Zeichen; übernommen als „{kept}“"
    )
    if what not in run.report.cleaned:
        run.report.cleaned.append(what)

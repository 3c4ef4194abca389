"""Reading posted forms (with their CSRF check and their one-time token), saving what a
form changes once, describing the inputs a step needs, and showing a form again when the
service refused what it sent."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Connection

from service.formatting import money_de
from service.texts import MULTILINE_FIELDS
from service.web import once, sessions
from service.web.problems import Explained, explain
from service.web.rendering import PageError, actor_of, inner_path, redirect, runtime_of
from workflow.errors import WorkflowError
from workflow.spec import FieldSpec

FORM_EXPIRED = PageError(
    403,
    "Formular abgelaufen",
    "Das Formular ist abgelaufen oder stammt nicht von dieser Seite. Bitte laden Sie die "
    "Seite neu und senden Sie es noch einmal ab.",
)


async def checked_form(request: Request) -> dict[str, str]:
    """The posted fields (first value of each), after the CSRF token was checked; the
    form's one-time token is kept apart for ``saving``."""
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    return form_fields_checked(request, values)


def form_fields_checked(request: Request, values: dict[str, str]) -> dict[str, str]:
    """``values`` without the tokens every form carries, after the CSRF token was checked
    (a form with a file reads its fields its own way, ``service.web.uploads``)."""
    if not sessions.csrf_valid(runtime_of(request), request, values.get(sessions.CSRF_FIELD)):
        raise FORM_EXPIRED
    values.pop(sessions.CSRF_FIELD, None)
    request.state.form_token = once.posted_token(values.pop(once.ONCE_FIELD, None))
    return values


PostedForm = Annotated[dict[str, str], Depends(checked_form)]


@dataclass
class Saving:
    """The write of a form (``saving``): its connection, and the page its answer leads to."""

    connection: Connection
    location: str | None = None

    def leads_to(self, url: str) -> None:
        """Where the answer after success goes, kept for a repeat of the form."""
        self.location = url

    def redirect(self, url: str) -> RedirectResponse:
        """The answer after success (``rendering.redirect``), kept for a repeat of the form."""
        self.leads_to(url)
        return redirect(url)


@contextmanager
def saving(request: Request) -> Iterator[Saving]:
    """The unit of work of a form that creates or changes something: one write transaction
    that claims the form's one-time token (``service.web.once``) and commits with what the
    form did and the page its answer leads to. The same form sent again raises
    ``once.AlreadySaved`` on entering, which the page route answers with that page: nothing
    is created or done twice."""
    runtime = runtime_of(request)
    token = getattr(request.state, "form_token", None)
    with runtime.write() as connection:
        claimed = once.claim(runtime, connection, actor_of(request), token, inner_path(request))
        work = Saving(connection)
        yield work
        if claimed is not None:
            once.remember(connection, claimed, work.location)


def once_only(request: Request, location: str) -> once.Once:
    """The form's one-time token for a use case that writes in transactions of its own
    (the password change): it claims the token itself; a repeat leads to ``location``."""
    runtime = runtime_of(request)
    token = getattr(request.state, "form_token", None)
    return once.Once(runtime, actor_of(request), token, inner_path(request), location)


@dataclass(frozen=True)
class Input:
    """One form control as the templates draw it."""

    name: str
    label: str
    kind: str  # text, textarea, date, number, money, select
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()  # (value, label)
    minimum: int | None = None
    maximum: int | None = None
    hint: str = ""


def input_for(spec: FieldSpec, required: bool) -> Input:
    match spec.type:
        case "date":
            return Input(spec.name, spec.label, "date", required)
        case "integer":
            return Input(spec.name, spec.label, "number", required)
        case "percent":
            return Input(spec.name, spec.label, "number", required, minimum=0, maximum=100)
        case "money":
            return Input(spec.name, spec.label, "money", required, hint="z. B. 12.500,00")
        case "boolean":
            return Input(
                spec.name,
                spec.label,
                "select",
                required,
                (("", "–"), ("ja", "ja"), ("nein", "nein")),
            )
        case "choice":
            options = (("", "– bitte wählen –"), *((o, o) for o in spec.options))
            return Input(spec.name, spec.label, "select", required, options)
    # A textarea exactly where the service accepts line breaks.
    kind = "textarea" if spec.name in MULTILINE_FIELDS else "text"
    return Input(spec.name, spec.label, kind, required)


def marked(item: Input, needed: Mapping[str, str]) -> Input:
    """The input with a hint when a step ahead needs a value in it (``needed``: field ->
    that step's label), so the form says what to fill in before it is refused."""
    step = needed.get(item.name)
    if step is None:
        return item
    note = f"Nötig für „{step}“"
    return replace(item, hint=f"{note}; {item.hint}" if item.hint else note)


def inputs_for(
    fields: Mapping[str, FieldSpec], requires: Sequence[str], optional: Sequence[str]
) -> list[Input]:
    return [input_for(fields[n], True) for n in requires] + [
        input_for(fields[n], False) for n in optional
    ]


def shown(value: object, spec: FieldSpec | None = None) -> str:
    """A stored value as it goes back into an input: booleans as ja/nein, amounts as a
    person types them (``12.500,00``), so that sending the form unchanged reads them back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if spec is not None and spec.type == "money":
        return money_de(str(value)).removesuffix(" €")
    return str(value)


def posted_text(value: str | None, *, lines: bool = False) -> str:
    """Text as typed, without the blanks around it. Control characters stay, so that the
    service refuses them as it does for the API (``str.strip`` would drop some silently)."""
    return (value or "").strip(" \t\r\n" if lines else " ")


def posted_id(value: str | None) -> int | None:
    """A chosen option's id; anything else (empty, text, too large) is no choice."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and 1 <= int(value) <= 2**31 - 1:
        return int(value)
    return None


def posted_date(value: str | None) -> date | None:
    """A date from ``<input type=date>`` (ISO) or typed the German way (31.12.2026)."""
    value = (value or "").strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def posted_count(value: str | None) -> int | None:
    """A count of votes or persons: a whole number from 0 up, else None."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and len(value) <= 6:
        return int(value)
    return None


# The service names an input as the API does, a form in German: a mapping of the names that
# differ, or a function for names with a pattern (``fields.x`` -> ``feld_x``).
InputNames = Mapping[str, str] | Callable[[str], str]


def _renamer(names: InputNames | None) -> Callable[[str], str]:
    if callable(names):
        return names
    table = names or {}
    return lambda field: table.get(field, field)


def refusal(
    exc: Exception, names: InputNames | None = None, *, labelled: bool = False
) -> Explained:
    """A refused write as its form shows it: the status the API gives for the same request,
    the German headline and reasons, and each input's problem under the form's name for it
    (``labelled``: with the field's label in front, where the form lists the problems
    apart from their inputs too). An error that is not the user's to fix (unexpected, or
    not found) is raised again, for the error page."""
    explained = explain(exc)
    if explained is None:
        raise exc
    rename = _renamer(names)
    if labelled and isinstance(exc, WorkflowError):
        fields = {
            rename(f["field"]): f"{f['label']}: {f['message']}"
            for f in exc.extensions().get("fields", [])
        }
    else:
        fields = {rename(field): message for field, message in explained.fields.items()}
    return replace(explained, fields=fields)


def shown_again(
    page: Callable[..., Response],
    exc: Exception,
    typed: dict[str, str],
    names: InputNames | None = None,
    **context: Any,
) -> Response:
    """The page of a form the service refused (``page``: called with ``status`` and the
    keywords ``error``, ``problems``, ``field_problems``, ``typed`` and ``context``), with
    what was typed kept and each problem beside its input; see ``refusal``."""
    refused = refusal(exc, names)
    return page(
        status=refused.status,
        error=refused.headline,
        problems=refused.reasons,
        field_problems=refused.fields,
        typed=typed,
        **context,
    )

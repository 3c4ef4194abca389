"""What every ``ratsflow`` command shares: the runtime, a failure as one German sentence.

``service.cli`` imports the sub-commands (audit, user, import, report, scheduler) to
register them; they take their helpers from here, so nothing imports back into the root
command and the commands form no circle.

A user never sees a traceback: expected failures become a sentence on standard error and a
non-zero exit code, naming the file (and line, where the failure has one) when a file is
involved. An unexpected failure (a defect) of any command ends the same way, in one place:
the root group ``CommandLine``; its traceback is shown only when asked (``--debug``).
"""

from __future__ import annotations

import errno
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from service.runtime import Runtime

_OS_REASONS = {
    errno.EACCES: "keine Berechtigung",
    errno.EISDIR: "das ist ein Ordner",
    errno.ENOSPC: "kein Platz auf dem Datenträger",
    errno.EROFS: "Dateisystem nur lesbar",
}


# sysexits' EX_SOFTWARE: a defect, told apart from a refusal (1) and a wrong call (2).
UNEXPECTED_EXIT = 70
_ARGS = "ratsflow.args"

BODY_OPTION: Any = typer.Option(
    None, "--body", help="Körperschaft (Kennung); ohne: die eigene der Installation."
)


def open_runtime(body: str | None = None) -> Runtime:
    """The runtime of the configured database (``RATSFLOW_DATABASE_URL``); with ``body``,
    the view of that body (``--body SLUG``), which must exist."""
    from service.errors import NotFound
    from service.runtime import Runtime

    runtime = Runtime.from_settings()
    if body is None:
        return runtime
    view = runtime.for_body(body)
    try:
        view.body  # noqa: B018  (reads the body, so a wrong slug fails here)
    except NotFound:
        raise fail(f"Die Körperschaft „{body}“ gibt es nicht (ratsflow body list).") from None
    return view


def fail(message: str, code: int = 1) -> typer.Exit:
    """Prints ``message`` to standard error; raise the result to end the command."""
    typer.echo(message, err=True)
    return typer.Exit(code)


def os_reason(exc: OSError, missing: str = "Datei oder Ordner nicht gefunden") -> str:
    """Why a file could not be used, in German; ``missing`` for a path that does not exist."""
    if exc.errno == errno.ENOENT:
        return missing
    return _OS_REASONS.get(exc.errno or 0, exc.strerror or "Ein-/Ausgabefehler")


def write_failed(path: object, exc: OSError) -> typer.Exit:
    """A file the command was to write: its name and why it could not be written."""
    reason = os_reason(exc, missing="Ordner nicht gefunden")
    return fail(f"{path}: kann nicht geschrieben werden ({reason}).")


@contextmanager
def user_errors() -> Iterator[None]:
    """Turns every expected failure into a German sentence and exit code 1."""
    from sqlalchemy.exc import OperationalError

    from service.errors import ServiceError
    from workflow.errors import DefinitionError, GuardFailed, NotAllowed, WorkflowError

    try:
        yield
    except DefinitionError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)  # file:line: reason
        raise typer.Exit(1) from None
    except GuardFailed as exc:
        typer.echo("Voraussetzungen nicht erfüllt:", err=True)
        for failure in exc.failures:
            typer.echo(f"  – {failure.message}", err=True)
        raise typer.Exit(1) from None
    except NotAllowed as exc:
        typer.echo(exc.detail, err=True)
        for option in exc.allowed:
            typer.echo(f"  {option.event}: {option.label}", err=True)
        raise typer.Exit(1) from None
    except (WorkflowError, ServiceError) as exc:
        raise fail(exc.detail) from None
    except OperationalError as exc:
        raise fail(f"Datenbank nicht erreichbar oder nicht eingerichtet: {exc.orig}") from None
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        raise fail(f"{where}{os_reason(exc)}.") from None
    except ValueError as exc:
        raise fail(str(exc)) from None


class CommandLine(TyperGroup):
    """The root ``ratsflow`` group: whatever a command did not expect ends as one German
    sentence and exit code 70, not as Python's English text and a traceback."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        ctx.meta[_ARGS] = list(args)  # the command's words, for the sentence
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # a German sentence already said, --help, Ctrl+C or a wrong call
        except Exception as exc:
            words = self.command_words(ctx, ctx.meta.get(_ARGS, ()))
            raise unexpected(exc, words, debug=bool(ctx.params.get("debug"))) from None

    def command_words(self, ctx: typer.Context, args: Sequence[str]) -> list[str]:
        """``invitation send`` of ``invitation send 3 --force``: the names of the groups and
        the command, without the values given (a name, a path)."""
        words: list[str] = []
        command: Any = self
        for arg in args:
            if not isinstance(command, TyperGroup):
                break
            if arg.startswith("-"):
                continue  # an option of the root (--debug)
            found = command.get_command(ctx, arg)
            if found is None:
                break
            words.append(arg)
            command = found
        return words


def unexpected(exc: BaseException, words: Sequence[str], *, debug: bool) -> typer.Exit:
    """The sentence for a defect; with ``debug`` the traceback first, for the log."""
    name = " ".join(["ratsflow", *words])
    if debug:
        typer.echo("".join(traceback.format_exception(exc)).rstrip(), err=True)
        details = "Die Einzelheiten stehen darüber (Traceback)."
    else:
        again = " ".join(["ratsflow", "--debug", *words, "…"])
        details = (
            f"Die Einzelheiten für eine Fehlermeldung zeigt „{again}“ "
            "(oder RATSFLOW_DEBUG=1) auf der Standardfehlerausgabe."
        )
    return fail(
        f"Unerwarteter Fehler bei „{name}“: ein Fehler im Programm, nicht in der Eingabe. "
        f"{details}",
        UNEXPECTED_EXIT,
    )

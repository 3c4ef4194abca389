"""Which API operations can answer 503 because the access event of a read was not written.

A logged read commits its access event through ``service.audit.service.log_read``, a use
of the audit trail (search, export, disclosure) through ``record_query``; both raise
``ReadNotLogged`` (503) when they cannot. The operations that can answer so are found
from the code, not listed by hand: from each route's endpoint and dependencies, every
function of ``service`` that the code names is followed (``module.name`` looked up in that
module, names imported inside a function, closures, the methods of classes it uses) until
``log_read`` is reached or nothing new is left. A list would go stale with the next read
that starts being logged; the code cannot. Following names is generous on purpose: a
function that names a logged read on some branch can answer 503, so it declares it.
"""

from __future__ import annotations

import dis
import importlib
import inspect
import sys
from collections.abc import Callable, Iterator
from types import CodeType, FunctionType, ModuleType
from typing import Any

import fastapi.routing
from fastapi.routing import APIRoute

from service.audit.service import log_read, record_query

PACKAGE = "service"


def _in_package(name: str) -> bool:
    return name == PACKAGE or name.startswith(PACKAGE + ".")


def _ours(value: Any) -> bool:
    """A module, class or function of ``service``."""
    name = value.__name__ if inspect.ismodule(value) else getattr(value, "__module__", None)
    return isinstance(name, str) and _in_package(name)


def _function(value: Any) -> FunctionType | None:
    """The plain function behind a decorated function, method or callable object."""
    value = getattr(value, "__func__", value)  # bound and class methods
    value = getattr(value, "func", value)  # functools.partial
    if not isinstance(value, FunctionType) and callable(value) and not inspect.isclass(value):
        value = type(value).__call__  # a dependency object
    value = inspect.unwrap(value) if callable(value) else value
    return value if isinstance(value, FunctionType) and _ours(value) else None


def _module(name: str) -> ModuleType | None:
    """A module of ``service`` by its dotted name, imported now if a function imports it
    only when it runs."""
    if not _in_package(name):
        return None
    try:
        return sys.modules.get(name) or importlib.import_module(name)
    except Exception:  # e.g. a PDF library without its system libraries: nothing to follow
        return None


def _attribute(owner: Any, name: str) -> Any:
    """``owner.name`` of a module or class of ``service`` (a submodule counts too)."""
    if not (inspect.ismodule(owner) or inspect.isclass(owner)) or not _ours(owner):
        return None
    found = getattr(owner, name, None)
    if found is None and inspect.ismodule(owner):
        found = _module(f"{owner.__name__}.{name}")
    return found


def _methods(cls: type) -> Iterator[Any]:
    # An instance's methods are called on a value the code does not name: a class of
    # ``service`` that the code uses stands for all of them.
    return (v for c in cls.__mro__ if _ours(c) for v in vars(c).values())


def _contents(cell: Any) -> Any:
    try:
        return None if cell is None else cell.cell_contents
    except ValueError:  # a cell not yet filled
        return None


def _named(function: FunctionType) -> Iterator[FunctionType]:
    """The functions of ``service`` that ``function`` names and so may call.

    Read from the bytecode, so that ``module.name`` is looked up in that module and never
    mistaken for a global of the same name.
    """
    free = dict(zip(function.__code__.co_freevars, function.__closure__ or (), strict=True))
    stored: dict[str, Any] = {}
    codes = [function.__code__]
    while codes:
        code = codes.pop(0)
        codes.extend(c for c in code.co_consts if isinstance(c, CodeType))
        current: Any = None
        imported: Any = None
        for instruction in dis.get_instructions(code):
            operation, name = instruction.opname, instruction.argval
            if operation in ("LOAD_GLOBAL", "LOAD_NAME"):
                current = function.__globals__.get(name)
            elif operation in ("LOAD_DEREF", "LOAD_CLOSURE"):
                current = stored.get(name) or _contents(free.get(name))
            elif operation == "LOAD_FAST":
                current = stored.get(name)
            elif operation in ("LOAD_ATTR", "LOAD_METHOD"):
                current = _attribute(current, name)
            elif operation == "IMPORT_NAME":
                current = imported = _module(name)
            elif operation == "IMPORT_FROM":
                current = _attribute(imported, name)
            elif operation in ("STORE_FAST", "STORE_DEREF", "STORE_NAME"):
                if current is not None:
                    stored[name] = current
                current = None
            else:
                current = None
            if inspect.isclass(current) and _ours(current):
                yield from filter(None, map(_function, _methods(current)))
            found = _function(current)
            if found is not None:
                yield found


class ReadLogging:
    """Answers, for any callable of ``service``, whether it can reach one of ``targets``."""

    def __init__(self, targets: tuple[Callable[..., Any], ...] = (log_read, record_query)) -> None:
        self.targets = targets
        self.unreachable: set[CodeType] = set()

    def reaches(self, start: Callable[..., Any]) -> bool:
        first = _function(start)
        if first is None:
            return False
        seen: set[CodeType] = set()
        todo = [first]
        while todo:
            function = todo.pop()
            if function in self.targets:
                return True
            code = function.__code__
            if code in seen or code in self.unreachable:
                continue
            seen.add(code)
            todo.extend(_named(function))
        # Nothing walked from here reaches a target, whoever asks next.
        self.unreachable |= seen
        return False


def _calls(dependant: Any) -> Iterator[Callable[..., Any]]:
    """The endpoint or dependency of ``dependant`` and of every dependency below it."""
    if dependant.call is not None:
        yield dependant.call
    for sub in dependant.dependencies:
        yield from _calls(sub)


def logs_reads(route: Any, finder: ReadLogging) -> bool:
    """Whether the operation of ``route`` (endpoint or dependencies) can log a read."""
    return any(finder.reaches(call) for call in _calls(route.dependant))


def api_routes(app: Any) -> list[Any]:
    """Every API route of ``app``, those of included routers too, as the document sees them."""
    flatten = getattr(fastapi.routing, "iter_route_contexts", None)
    found = list(flatten(app.routes)) if flatten is not None else list(app.routes)
    return [r for r in found if isinstance(getattr(r, "original_route", r), APIRoute)]

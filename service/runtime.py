"""What a process needs to do work: the database engine, the rules and the clock.

Built once per process (CLI command, server or scheduler); tests build their own with a
fixed clock instead of patching.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from service.config import Settings, get_settings
from service.db import make_engine, read_transaction, write_transaction
from service.definitions.registry import build_registry
from service.lifecycle.service import Lifecycle
from workflow.registry import Registry

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    clock: Clock = field(default=system_clock)

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, clock: Clock = system_clock
    ) -> Runtime:
        settings = settings or get_settings()
        return cls(settings, make_engine(settings.database_url), clock)

    @property
    def chain_key(self) -> str:
        return self.settings.chain_key

    def now(self) -> datetime:
        return self.clock()

    @cached_property
    def registry(self) -> Registry:
        with self.read() as connection:
            return build_registry(connection)

    def reload_registry(self) -> None:
        self.__dict__.pop("registry", None)
        self.__dict__.pop("lifecycle", None)

    @cached_property
    def lifecycle(self) -> Lifecycle:
        return Lifecycle(self.registry, self.chain_key)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with write_transaction(self.engine) as connection:
            yield connection

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with read_transaction(self.engine) as connection:
            yield connection

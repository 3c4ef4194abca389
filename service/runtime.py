"""What a process needs to do work: the database engine, the rules and the clock.

Built once per process (CLI command, server or scheduler); tests build their own with a
fixed clock instead of patching.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from service.bodies import service as bodies
from service.bodies.settings import BodyProfile
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
    """A process's runtime acts for the deployment's own body (``settings.chain_key``);
    ``for_body`` gives the view of another body, sharing engine, clock and definitions."""

    settings: Settings
    engine: Engine
    clock: Clock = field(default=system_clock)
    body_slug: str | None = None
    root: Runtime | None = field(default=None, repr=False, compare=False)
    # Derived data a service keeps between requests, under a key of its own; each entry
    # carries what tells its owner that it is stale (a body's view has its own).
    memo: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, clock: Clock = system_clock
    ) -> Runtime:
        settings = settings or get_settings()
        return cls(settings, make_engine(settings.database_url), clock)

    @property
    def chain_key(self) -> str:
        """The body's slug, which keys its audit chain and its chain lock."""
        return self.body_slug or self.settings.chain_key

    def now(self) -> datetime:
        # A body's view asks the root, so a test that sets the clock sets it for all.
        return (self.root or self).clock()

    def for_body(self, slug: str) -> Runtime:
        root = self.root or self
        if slug == root.settings.chain_key:
            return root
        views: dict[str, Runtime] = root.__dict__.setdefault("_body_views", {})
        if slug not in views:
            views[slug] = Runtime(root.settings, root.engine, root.clock, slug, root)
        return views[slug]

    @cached_property
    def body(self) -> BodyProfile:
        """The body this runtime acts for (read once; ``forget_body`` after changing it)."""
        with self.read() as connection:
            return bodies.profile(connection, self.chain_key)

    @property
    def body_id(self) -> int:
        return self.body.id

    def body_id_in(self, connection: Connection) -> int:
        """The body's id read in the caller's transaction: a write's own transaction may just
        have created the body, which ``body_id`` (its own read) would not yet see."""
        return bodies.current_body_id(connection, self.chain_key)

    def forget_body(self) -> None:
        self.__dict__.pop("body", None)

    @cached_property
    def registry(self) -> Registry:
        if self.root is not None:
            return self.root.registry
        with self.read() as connection:
            return build_registry(connection)

    def reload_registry(self) -> None:
        root = self.root or self
        for view in [root, *root.__dict__.get("_body_views", {}).values()]:
            view.__dict__.pop("registry", None)
            view.__dict__.pop("lifecycle", None)

    @cached_property
    def lifecycle(self) -> Lifecycle:
        return Lifecycle(
            self.registry,
            self.chain_key,
            statement_period=self.settings.schedule.statement_request_period,
        )

    # The transactions themselves, not wrapped in a generator of their own: every write
    # passes here, and each layer of ``contextmanager`` cost about a microsecond.
    def write(self) -> AbstractContextManager[Connection]:
        return write_transaction(self.engine)

    def read(self) -> AbstractContextManager[Connection]:
        return read_transaction(self.engine)

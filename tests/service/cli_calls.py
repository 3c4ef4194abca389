"""Running ``ratsflow`` commands in a test as an operator would: the command reads the
test's database from the environment, and a traceback in its output fails the test."""

from __future__ import annotations

from click.testing import Result
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from typer.testing import CliRunner

from service.cli import app

# Argon2 as cheap as it gets: the commands hash passwords, the tests need no real cost.
FAST_HASHER = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))


def ratsflow(*args: str, input: str | None = None) -> Result:
    result = CliRunner().invoke(app, list(args), input=input)
    assert "Traceback" not in result.output
    return result


def ok(*args: str) -> Result:
    result = ratsflow(*args)
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result
